import { countCombinations, type PlanInput } from './combination-planner';

export type NotMixableReason =
  'NO_VIDEOS' | 'NO_GROUPS' | 'EMPTY_GROUP' | 'INVALID_OUTPUT_COUNT' | 'TOO_MANY_OUTPUTS';

export interface NotMixable {
  reason: NotMixableReason;
  message: string;
  groupId?: string;
  /** Distinct combinations that exist (TOO_MANY_OUTPUTS), capped at Number.MAX_SAFE_INTEGER. */
  available?: number;
}

/** Pure: why this project cannot be mixed as asked, or null when it can (the gateway answers 422). */
export function mixabilityProblem(input: PlanInput): NotMixable | null {
  const grouped = input.groups.reduce((n, g) => n + g.videoIds.length, 0);
  if (grouped + input.ungroupedVideoIds.length === 0) {
    return { reason: 'NO_VIDEOS', message: 'the project has no videos' };
  }
  if (!Number.isSafeInteger(input.outputCount) || input.outputCount < 1) {
    return { reason: 'INVALID_OUTPUT_COUNT', message: 'outputCount must be a positive integer' };
  }
  const empty = input.groups.find((g) => g.videoIds.length === 0);
  if (empty) {
    return { reason: 'EMPTY_GROUP', message: `group ${empty.id} has no videos`, groupId: empty.id };
  }
  if (input.mode === 'MANUAL' && input.groups.length === 0) {
    return { reason: 'NO_GROUPS', message: 'MANUAL mixing needs at least one group' };
  }
  const total = countCombinations(input);
  if (total < BigInt(input.outputCount)) {
    const available = Number(total);
    const message = `${input.outputCount} outputs asked, ${available} distinct combinations exist`;
    return { reason: 'TOO_MANY_OUTPUTS', message, available };
  }
  return null;
}
