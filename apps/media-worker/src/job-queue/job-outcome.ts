/** What the queue does with a job's message: ack it, redeliver it later, or hand it back now. */
export type JobOutcome =
  { kind: 'done' } | { kind: 'retry'; delayMs: number } | { kind: 'handback' };
