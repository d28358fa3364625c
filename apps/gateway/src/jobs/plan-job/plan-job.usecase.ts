import { Injectable, NotFoundException } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { aspectRatioFor, namedClips, outputNames, outputProfile } from '@app/mixing';
import { ProjectsRepository } from '../../projects/projects.repository';
import { planJob } from '../job-planning';
import { JobsBilling } from '../jobs-billing';
import { JobsRepository } from '../jobs.repository';
import { ProjectNotMixableException } from '../project-not-mixable.exception';

export interface PlannedClip {
  groupId: string | null;
  groupName: string;
  videoId: string;
  originalName: string;
}

export interface PlannedCombination {
  index: number;
  name: string;
  durationSeconds: number;
  clips: PlannedClip[];
}

export interface PlanPreview {
  seed: number;
  credits: number;
  combinations: PlannedCombination[];
}

/** In a preview the job does not exist yet: `{job}` shows as this. */
export const PREVIEW_JOB_ID = 'job';

/**
 * Every combination a job of the project would render with this seed, named as the worker
 * will name it, and its price from billing; spends nothing. The same planner (planJob) as
 * CreateJob, so a job started with the answered seed renders exactly this list.
 */
@Injectable()
export class PlanJob {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly projects: ProjectsRepository,
    private readonly billing: JobsBilling,
  ) {}

  async execute(userId: string, projectId: string, seed?: number): Promise<PlanPreview> {
    if (!(await this.projects.findOwned(userId, projectId))) {
      throw new NotFoundException('project not found');
    }
    const [input, labels] = await Promise.all([
      this.jobs.planInput(projectId),
      this.jobs.planLabels(projectId),
    ]);
    if (!input || !labels) throw new NotFoundException('project not found');
    const chosen = seed ?? randomInt(0, 2 ** 31 - 1);
    const planned = planJob(input.project, input.settings, chosen, input.clips);
    if (!planned.ok) throw new ProjectNotMixableException(planned.problem);
    const { snapshot } = planned;
    const estimate = await this.billing.estimate(userId, snapshot);

    const videos = new Map(labels.videos.map((v) => [v.id, v]));
    const groups = new Map(labels.groups.map((g) => [g.id, g.name]));
    const shape = snapshot.orientationVideoId
      ? /^(\d+)x(\d+)$/.exec(videos.get(snapshot.orientationVideoId)?.resolution ?? '')
      : null;
    const aspect =
      snapshot.aspectRatio ?? (shape ? aspectRatioFor(Number(shape[1]), Number(shape[2])) : '16:9');
    const names = outputNames({
      template: snapshot.outputNameTemplate,
      projectName: labels.name,
      jobId: PREVIEW_JOB_ID,
      createdAt: new Date(),
      aspectRatio: aspect,
      extension: outputProfile(snapshot.quality, snapshot.outputFormat, aspect).extension,
      combinations: namedClips(snapshot.combinations, labels.videos, labels.groups),
    });
    return {
      seed: chosen,
      credits: estimate.credits,
      combinations: snapshot.combinations.map((ids, index) => ({
        index,
        name: names[index],
        durationSeconds: snapshot.seconds[index],
        clips: ids.map((id) => {
          const video = videos.get(id);
          return {
            groupId: video?.groupId ?? null,
            groupName: (video?.groupId && groups.get(video.groupId)) || '',
            videoId: id,
            originalName: video?.originalName ?? '',
          };
        }),
      })),
    };
  }
}
