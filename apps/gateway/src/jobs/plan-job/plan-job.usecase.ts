import { Injectable, NotFoundException } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import type { AspectRatio, OutputFormat, Quality, SnapshotRendition } from '@app/contracts';
import {
  aspectRatioFor,
  namedClips,
  outputNames,
  outputProfile,
  renditionFileName,
} from '@app/mixing';
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
  /** The file name in the first rendition. */
  name: string;
  /** The file name in each rendition, by rendition index. */
  names: string[];
  durationSeconds: number;
  clips: PlannedClip[];
}

/** One shape and format every combination is rendered in; outputs carry its index. */
export interface PlannedRendition {
  index: number;
  aspectRatio: AspectRatio;
  format: OutputFormat;
  quality: Quality;
  fps: 30 | 60 | 'source';
  codec: 'h264' | 'hevc';
}

export interface PlanPreview {
  seed: number;
  credits: number;
  renditions: PlannedRendition[];
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
    const firstClipAspect = shape ? aspectRatioFor(Number(shape[1]), Number(shape[2])) : '16:9';
    // As the worker's engine resolves them (MixingEngine.profilesFor): without renditions, one
    // from the project's format, quality and aspect; a rendition's aspect defaults alike.
    const settings: SnapshotRendition[] = snapshot.renditions?.length
      ? snapshot.renditions
      : [
          {
            aspectRatio: snapshot.aspectRatio,
            format: snapshot.outputFormat,
            quality: snapshot.quality,
          },
        ];
    const renditions: PlannedRendition[] = settings.map((r, index) => ({
      index,
      aspectRatio: r.aspectRatio ?? snapshot.aspectRatio ?? firstClipAspect,
      format: r.format,
      quality: r.quality,
      fps: r.fps ?? 30,
      codec: r.codec ?? 'h264',
    }));
    const createdAt = new Date();
    const clips = namedClips(snapshot.combinations, labels.videos, labels.groups);
    // Named as the worker names them (run-job.usecase.ts): per rendition, suffixed when several.
    const names = renditions.map((r) =>
      outputNames({
        template: snapshot.outputNameTemplate,
        projectName: labels.name,
        jobId: PREVIEW_JOB_ID,
        createdAt,
        aspectRatio: r.aspectRatio,
        extension: outputProfile(r.quality, r.format, r.aspectRatio).extension,
        combinations: clips,
      }).map((name) => renditionFileName(name, r.index, renditions.length)),
    );
    return {
      seed: chosen,
      credits: estimate.credits,
      renditions,
      combinations: snapshot.combinations.map((ids, index) => ({
        index,
        name: names[0][index],
        names: names.map((inRendition) => inRendition[index]),
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
