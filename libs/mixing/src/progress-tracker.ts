/**
 * Relative cost of one second of output: a stream-copy second against an encoded second. From
 * bench/mix (an assemble is a few percent of a normalize of the same length).
 */
export const COPY_COST_PER_ENCODE_SECOND = 0.05;

/**
 * Pure: aggregates per-task progress (each task weighted by its expected work) into a job
 * percentage 0–100 that never decreases and only reaches 100 through `finish()`.
 */
export class ProgressTracker {
  private readonly weights = new Map<string, number>();
  private readonly done = new Map<string, number>();
  private totalWeight = 0;
  private reported = 0;

  constructor(private readonly onChange?: (percent: number) => void) {}

  get percent(): number {
    return this.reported;
  }

  addTask(id: string, weight: number): void {
    const w = Math.max(0, weight);
    this.totalWeight += w - (this.weights.get(id) ?? 0);
    this.weights.set(id, w);
  }

  /** `fraction` of the task is done (clamped to 0–1; a task never goes backwards). */
  update(id: string, fraction: number): void {
    if (!this.weights.has(id)) return;
    const clamped = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
    this.done.set(id, Math.max(this.done.get(id) ?? 0, clamped));
    this.emit(this.computed());
  }

  complete(id: string): void {
    this.update(id, 1);
  }

  finish(): void {
    this.emit(100);
  }

  private computed(): number {
    if (this.totalWeight === 0) return 0;
    let work = 0;
    for (const [id, w] of this.weights) work += w * (this.done.get(id) ?? 0);
    // 99 at most: the last percent is reserved for the job actually having finished.
    return Math.min(99, Math.floor((100 * work) / this.totalWeight));
  }

  private emit(percent: number): void {
    if (percent <= this.reported) return;
    this.reported = percent;
    this.onChange?.(percent);
  }
}
