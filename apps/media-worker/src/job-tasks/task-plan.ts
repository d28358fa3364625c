import { COPY_COST_PER_ENCODE_SECOND, type OutputProfile } from '@app/mixing';

/** One clip's mezzanines in every rendition of the job. */
export interface NormalizePayload {
  videoId: string;
  profiles: OutputProfile[];
  /** Its share of the job's work (seconds of encoding), for the job's progress. */
  weight: number;
}

/** A batch of outputs, each `[combinationIndex, rendition]`, all of one rendition. */
export interface AssemblePayload {
  outputs: [number, number][];
  profiles: OutputProfile[];
  weight: number;
}

export type PlannedTask =
  | { seq: number; kind: 'NORMALIZE'; deps: number[]; payload: NormalizePayload }
  | { seq: number; kind: 'ASSEMBLE'; deps: number[]; payload: AssemblePayload };

export type TaskPayload = NormalizePayload | AssemblePayload;

export interface TaskPlanInput {
  /** The job's plan: ordered video ids per combination. */
  combinations: readonly (readonly string[])[];
  /** The renditions' profiles, fixed once for every task. */
  profiles: OutputProfile[];
  /** Outputs already recorded (`${combinationIndex}:${rendition}`): no task makes them again. */
  recorded: ReadonlySet<string>;
  /** Seconds of each clip. */
  seconds: ReadonlyMap<string, number>;
  /** Outputs per ASSEMBLE task. */
  batchSize: number;
}

/**
 * Pure: a job split into tasks. First one NORMALIZE task per clip the outputs still to make
 * need (every rendition at once), in the order the plan first uses them; then ASSEMBLE tasks of
 * `batchSize` outputs of one rendition, each depending on the NORMALIZE tasks of its clips, the
 * outputs ordered by the last of their clips to be normalized (then by plan order), so a batch
 * is dispatched as soon as its own clips are ready, and the early ones need only early clips.
 */
export function planTasks(input: TaskPlanInput): PlannedTask[] {
  const renditions = input.profiles.length;
  const todo: [number, number][] = [];
  for (let r = 0; r < renditions; r++) {
    input.combinations.forEach((_, i) => {
      if (!input.recorded.has(`${i}:${r}`)) todo.push([i, r]);
    });
  }
  const tasks: PlannedTask[] = [];
  const normalizeSeq = new Map<string, number>();
  for (const [i] of todo) {
    for (const videoId of input.combinations[i]) {
      if (normalizeSeq.has(videoId)) continue;
      const seq = tasks.length;
      normalizeSeq.set(videoId, seq);
      tasks.push({
        seq,
        kind: 'NORMALIZE',
        deps: [],
        payload: {
          videoId,
          profiles: input.profiles,
          weight: (input.seconds.get(videoId) ?? 1) * renditions,
        },
      });
    }
  }
  const size = Math.max(1, Math.floor(input.batchSize));
  // The clip an output waits for last: batches of outputs whose clips are normalized early come
  // first, so they are joined while the last clips still encode.
  const readyAfter = (i: number) =>
    Math.max(...input.combinations[i].map((id) => normalizeSeq.get(id) as number));
  for (let r = 0; r < renditions; r++) {
    const outputs = todo
      .filter(([, rendition]) => rendition === r)
      .sort(([a], [b]) => readyAfter(a) - readyAfter(b) || a - b);
    for (let k = 0; k < outputs.length; k += size) {
      const batch = outputs.slice(k, k + size);
      const clips = new Set(batch.flatMap(([i]) => input.combinations[i]));
      const seconds = batch.reduce(
        (sum, [i]) =>
          sum + input.combinations[i].reduce((s, id) => s + (input.seconds.get(id) ?? 1), 0),
        0,
      );
      tasks.push({
        seq: tasks.length,
        kind: 'ASSEMBLE',
        deps: [...clips].map((id) => normalizeSeq.get(id) as number).sort((a, b) => a - b),
        payload: {
          outputs: batch,
          profiles: input.profiles,
          weight: Math.max(0.01, seconds * COPY_COST_PER_ENCODE_SECOND),
        },
      });
    }
  }
  return tasks;
}
