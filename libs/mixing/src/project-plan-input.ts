import type { PlanInput } from './combination-planner';
import type { MixingMode } from './mixing-settings';

export interface ProjectShape {
  groups: readonly { id: string; order: number }[];
  videos: readonly { id: string; groupId: string | null; durationSeconds: number }[];
}

/** The planner's input from a project's groups and videos. */
export function planInputFor(
  project: ProjectShape,
  mode: MixingMode,
  outputCount: number,
  seed: number,
): PlanInput {
  return {
    groups: project.groups.map((g) => ({
      id: g.id,
      order: g.order,
      videoIds: project.videos.filter((v) => v.groupId === g.id).map((v) => v.id),
    })),
    ungroupedVideoIds: project.videos.filter((v) => v.groupId === null).map((v) => v.id),
    mode,
    outputCount,
    seed,
  };
}

/** Seconds of each planned output: the sum of its clips' durations. */
export function combinationSeconds(
  combinations: readonly (readonly string[])[],
  project: ProjectShape,
): number[] {
  const seconds = new Map(project.videos.map((v) => [v.id, v.durationSeconds]));
  return combinations.map((ids) => ids.reduce((s, id) => s + (seconds.get(id) ?? 0), 0));
}

/** The clip whose shape sets the default orientation: the first non-empty group's first clip. */
export function orientationVideoId(project: ProjectShape): string | undefined {
  const groups = [...project.groups].sort((a, b) => a.order - b.order);
  for (const g of groups) {
    const ids = project.videos
      .filter((v) => v.groupId === g.id)
      .map((v) => v.id)
      .sort();
    if (ids.length) return ids[0];
  }
  return undefined;
}
