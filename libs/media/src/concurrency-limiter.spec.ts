import { ConcurrencyLimiter } from './concurrency-limiter';
import { FfmpegAbortedError } from './media-errors';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('concurrency limiter', () => {
  it('never runs more than its limit at once', async () => {
    const limiter = new ConcurrencyLimiter(2);
    let running = 0;
    let peak = 0;
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const runs = gates.map((g) =>
      limiter.run(async () => {
        running += 1;
        peak = Math.max(peak, running);
        await g.promise;
        running -= 1;
      }),
    );
    await Promise.resolve();
    expect(limiter.active).toBe(2);
    expect(limiter.waiting).toBe(2);
    gates.forEach((g) => g.resolve());
    await Promise.all(runs);
    expect(peak).toBe(2);
  });

  it('drops a waiting task when its signal aborts', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const gate = deferred();
    const first = limiter.run(() => gate.promise);
    const controller = new AbortController();
    const second = limiter.run(async () => 'ran', controller.signal);
    controller.abort();
    await expect(second).rejects.toBeInstanceOf(FfmpegAbortedError);
    expect(limiter.waiting).toBe(0);
    gate.resolve();
    await first;
  });

  it('refuses a limit below one', () => {
    expect(() => new ConcurrencyLimiter(0)).toThrow(RangeError);
  });
});
