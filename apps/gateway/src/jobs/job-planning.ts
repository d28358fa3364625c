import {
  combinationSeconds,
  mixabilityProblem,
  orientationVideoId,
  planCombinations,
  planInputFor,
  type NotMixable,
  type ProjectShape,
} from '@app/mixing';
import {
  toJobSnapshot,
  type JobSnapshot,
  type SnapshotClip,
  type UnversionedJobSnapshot,
} from '@app/contracts';

/** The settings frozen into a job as they are (validated when the project was saved). */
const CREATIVE_FIELDS = [
  'renditions',
  'loudness',
  'fill',
  'fades',
  'transition',
  'watermark',
  'captions',
  'music',
] as const;

/** The mixing part of a project's settings (validated when the project was saved). */
export type ProjectMixSettings = Omit<
  UnversionedJobSnapshot,
  'combinations' | 'seconds' | 'orientationVideoId' | 'clips'
> & {
  outputCount: number;
};

export type PlannedJob =
  { ok: true; snapshot: JobSnapshot; available: number } | { ok: false; problem: NotMixable };

/**
 * Pure: what a job of this project would render, or why it cannot. The plan is frozen into the
 * job (JobSnapshot) so every worker delivery renders the same combinations.
 */
export function planJob(
  project: ProjectShape,
  settings: ProjectMixSettings,
  seed: number,
  clips: readonly SnapshotClip[] = [],
): PlannedJob {
  const input = planInputFor(project, settings.mixingMode, settings.outputCount, seed);
  const problem = mixabilityProblem(input);
  if (problem) return { ok: false, problem };
  const plan = planCombinations(input);
  const planned = new Set(plan.combinations.flat());
  const creative: Partial<UnversionedJobSnapshot> = {};
  for (const field of CREATIVE_FIELDS) {
    if (settings[field] !== undefined) Object.assign(creative, { [field]: settings[field] });
  }
  const plannedClips = clips.filter((c) => planned.has(c.videoId));
  return {
    ok: true,
    available: plan.available,
    snapshot: toJobSnapshot({
      mixingMode: settings.mixingMode,
      outputFormat: settings.outputFormat,
      quality: settings.quality,
      ...(settings.aspectRatio ? { aspectRatio: settings.aspectRatio } : {}),
      ...(settings.metadata ? { metadata: settings.metadata } : {}),
      ...(settings.outputNameTemplate ? { outputNameTemplate: settings.outputNameTemplate } : {}),
      combinations: plan.combinations,
      seconds: combinationSeconds(plan.combinations, project),
      orientationVideoId: orientationVideoId(project),
      ...creative,
      ...(plannedClips.length ? { clips: plannedClips } : {}),
    }),
  };
}
