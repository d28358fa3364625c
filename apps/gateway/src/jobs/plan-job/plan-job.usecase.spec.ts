import { NotFoundException } from '@nestjs/common';
import type { JobSnapshot } from '@app/contracts';
import type { ProjectsRepository } from '../../projects/projects.repository';
import type { JobsBilling } from '../jobs-billing';
import type { JobsRepository } from '../jobs.repository';
import { ProjectNotMixableException } from '../project-not-mixable.exception';
import { PlanJob } from './plan-job.usecase';

const videos = [
  { id: 'h1', groupId: 'g1', originalName: 'hook-1.mp4', resolution: '1080x1920', seconds: 2 },
  { id: 'h2', groupId: 'g1', originalName: 'hook-2.mp4', resolution: '1080x1920', seconds: 3 },
  { id: 'c1', groupId: 'g2', originalName: 'cta.mov', resolution: '1080x1920', seconds: 4 },
];

/** Planning's repository in memory: two groups, three clips; `empty` has no clips. */
function setup(settings: Record<string, unknown> = {}, empty = false) {
  const estimated: JobSnapshot[] = [];
  const jobs = {
    planInput: async () => ({
      project: {
        groups: [
          { id: 'g1', order: 0 },
          { id: 'g2', order: 1 },
        ],
        videos: empty
          ? []
          : videos.map((v) => ({ id: v.id, groupId: v.groupId, durationSeconds: v.seconds })),
      },
      settings: {
        mixingMode: 'MANUAL',
        outputFormat: 'MOV',
        quality: 'LOW',
        outputCount: 2,
        ...settings,
      },
    }),
    planLabels: async () => ({
      name: 'Summer',
      groups: [
        { id: 'g1', name: 'Hooks' },
        { id: 'g2', name: 'CTAs' },
      ],
      videos: empty ? [] : videos,
    }),
  } as unknown as JobsRepository;
  const projects = {
    findOwned: async (userId: string) => (userId === 'owner' ? { id: 'p1' } : null),
  } as unknown as ProjectsRepository;
  const billing = {
    estimate: async (_userId: string, snapshot: JobSnapshot) => {
      estimated.push(snapshot);
      return { credits: 7 };
    },
  } as unknown as JobsBilling;
  return { plan: new PlanJob(jobs, projects, billing), estimated };
}

describe('PlanJob', () => {
  it('lists each combination with its clips by group, duration and name, priced by billing', async () => {
    const { plan, estimated } = setup({ outputNameTemplate: '{index}-{group:hooks}-{aspect}' });
    const preview = await plan.execute('owner', 'p1', 5);
    expect(preview.seed).toBe(5);
    expect(preview.credits).toBe(7);
    expect(estimated).toHaveLength(1);
    expect(preview.combinations).toHaveLength(2);
    for (const c of preview.combinations) {
      expect(c.clips.map((clip) => clip.groupName)).toEqual(['Hooks', 'CTAs']);
      const hook = c.clips[0];
      expect(c.name).toBe(`000${c.index}-${hook.originalName.replace('.mp4', '')}-9x16.mov`);
      expect(c.durationSeconds).toBe(
        c.clips.reduce(
          (s, clip) => s + (videos.find((v) => v.id === clip.videoId)?.seconds ?? 0),
          0,
        ),
      );
    }
  });

  it('answers the same plan for the same seed, and a seed when none is given', async () => {
    const { plan } = setup({ mixingMode: 'AUTO' });
    expect(await plan.execute('owner', 'p1', 99)).toEqual(await plan.execute('owner', 'p1', 99));
    expect(Number.isInteger((await plan.execute('owner', 'p1')).seed)).toBe(true);
  });

  it('lists one rendition, from the project, when it has none; each combination has one name', async () => {
    const preview = await setup({ aspectRatio: '4:5' }).plan.execute('owner', 'p1', 5);
    expect(preview.renditions).toEqual([
      { index: 0, aspectRatio: '4:5', format: 'MOV', quality: 'LOW', fps: 30, codec: 'h264' },
    ]);
    for (const c of preview.combinations) expect(c.names).toEqual([c.name]);
  });

  it('lists each rendition, resolved as the worker does, and names each file as the worker does', async () => {
    const { plan } = setup({
      outputNameTemplate: '{index}-{aspect}',
      renditions: [
        { aspectRatio: '1:1', format: 'MP4', quality: 'LOW', fps: 60, codec: 'hevc' },
        { format: 'MOV', quality: 'MEDIUM' },
      ],
    });
    const preview = await plan.execute('owner', 'p1', 5);
    expect(preview.renditions).toEqual([
      { index: 0, aspectRatio: '1:1', format: 'MP4', quality: 'LOW', fps: 60, codec: 'hevc' },
      // No aspect of its own nor the project's: the first group's clip's (1080x1920).
      { index: 1, aspectRatio: '9:16', format: 'MOV', quality: 'MEDIUM', fps: 30, codec: 'h264' },
    ]);
    expect(preview.combinations.map((c) => c.names)).toEqual([
      ['0000-1x1-r0.mp4', '0000-9x16-r1.mov'],
      ['0001-1x1-r0.mp4', '0001-9x16-r1.mov'],
    ]);
    for (const c of preview.combinations) expect(c.name).toBe(c.names[0]);
  });

  it("is a 404 for another user's project and a 422 when nothing can be mixed", async () => {
    await expect(setup().plan.execute('stranger', 'p1')).rejects.toBeInstanceOf(NotFoundException);
    await expect(setup({}, true).plan.execute('owner', 'p1')).rejects.toBeInstanceOf(
      ProjectNotMixableException,
    );
  });
});
