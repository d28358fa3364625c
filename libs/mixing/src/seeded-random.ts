/**
 * mulberry32: a tiny, fast PRNG with a 32-bit state. Not for secrets; here so that a job's seed
 * replays the same combinations on every machine and Node version.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform integer in [0, n) from `random`. */
export function randomInt(random: () => number, n: number): number {
  return Math.floor(random() * n);
}
