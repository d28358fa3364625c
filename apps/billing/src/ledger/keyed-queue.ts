/**
 * Runs tasks one at a time per key, in arrival order; tasks of different keys run in parallel.
 * The ledger queues each user's transactions here before taking a database connection, so
 * requests waiting for one user's row lock wait in memory instead of each holding a pooled
 * connection (fifty parallel starts of one user would otherwise exhaust the pool and time out).
 * The row lock stays: it orders the transactions of several billing processes.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with queued or running work (for tests). */
  get size(): number {
    return this.tails.size;
  }
}
