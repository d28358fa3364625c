import type { MixingMode } from './mixing-settings';
import { randomInt, seededRandom } from './seeded-random';

export interface PlannerGroup {
  id: string;
  order: number;
  videoIds: readonly string[];
}

export interface PlanInput {
  groups: readonly PlannerGroup[];
  ungroupedVideoIds: readonly string[];
  mode: MixingMode;
  outputCount: number;
  seed: number;
}

export interface Plan {
  /** Ordered video ids of each output, in output (combination index) order. */
  combinations: string[][];
  /** Distinct combinations that exist, capped at Number.MAX_SAFE_INTEGER. */
  available: number;
}

/** AUTO without groups: each output is an ordered sequence of this many distinct clips (or n). */
export const AUTO_SEQUENCE_LENGTH = 3;

/**
 * The axes a combination picks from: one clip per axis, in axis order. Groups come in
 * (order, id) order and clips in id order, so the plan never depends on database row order.
 */
interface Axes {
  kind: 'product' | 'sequence';
  axes: string[][];
}

function axesOf(input: Omit<PlanInput, 'outputCount' | 'seed'>): Axes {
  const groups = input.groups
    .filter((g) => g.videoIds.length > 0)
    .sort((a, b) => a.order - b.order || compare(a.id, b.id))
    .map((g) => [...g.videoIds].sort(compare));
  if (input.mode === 'MANUAL' || groups.length > 0) return { kind: 'product', axes: groups };
  const all = [...input.ungroupedVideoIds].sort(compare);
  const k = Math.min(AUTO_SEQUENCE_LENGTH, all.length);
  return { kind: 'sequence', axes: Array.from({ length: k }, () => all) };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Exact number of distinct combinations (bigint: 100 groups of 10 clips is 10^100). */
export function countCombinations(input: Omit<PlanInput, 'outputCount' | 'seed'>): bigint {
  const { kind, axes } = axesOf(input);
  if (axes.length === 0) return 0n;
  if (kind === 'product') return axes.reduce((n, axis) => n * BigInt(axis.length), 1n);
  const n = BigInt(axes[0].length);
  let count = 1n;
  for (let i = 0n; i < BigInt(axes.length); i += 1n) count *= n - i;
  return count;
}

function capped(n: bigint): number {
  return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
}

/**
 * Pure: the distinct combinations of a job, min(outputCount, available) of them.
 * MANUAL walks the product evenly; AUTO draws at random from `seed`. See docs/mixing.md.
 */
export function planCombinations(input: PlanInput): Plan {
  const total = countCombinations(input);
  const available = capped(total);
  const count = Math.max(0, Math.min(Math.floor(input.outputCount), available));
  const { kind, axes } = axesOf(input);
  if (count === 0) return { combinations: [], available };
  let picks: number[][];
  if (input.mode === 'MANUAL')
    picks = evenWalk(
      axes.map((a) => a.length),
      count,
    );
  else if (kind === 'product') picks = randomProduct(axes, total, count, input.seed);
  else picks = randomSequences(axes[0].length, axes.length, total, count, input.seed);
  return { combinations: picks.map((pick) => pick.map((i, axis) => axes[axis][i])), available };
}

/**
 * Walks the product Z_n1 × … × Z_nk by cosets of the diagonal (r, r, …, r): within one coset,
 * every axis steps through consecutive clips, so a full coset uses each clip of an axis equally
 * often and a partial one differs by at most one. Cosets are visited through representatives
 * with a first coordinate of 0; a representative already produced means its coset is done.
 */
export function evenWalk(sizes: readonly number[], count: number): number[][] {
  const cycle = lcmUpTo(sizes, count);
  const shift = sizes.map(() => 0);
  const seen = new Set<string>();
  const out: number[][] = [];
  for (;;) {
    if (!seen.has(shift.join(','))) {
      for (let r = 0; r < cycle && out.length < count; r += 1) {
        const pick = sizes.map((n, axis) => (shift[axis] + r) % n);
        seen.add(pick.join(','));
        out.push(pick);
      }
    }
    if (out.length >= count || !nextShift(shift, sizes)) return out;
  }
}

/** Mixed-radix increment over axes 1..k-1 (axis 0 stays 0); false when it wraps around. */
function nextShift(shift: number[], sizes: readonly number[]): boolean {
  for (let axis = sizes.length - 1; axis >= 1; axis -= 1) {
    shift[axis] += 1;
    if (shift[axis] < sizes[axis]) return true;
    shift[axis] = 0;
  }
  return false;
}

/** lcm of the sizes, or `limit` as soon as it reaches it (we never walk further in one coset). */
function lcmUpTo(sizes: readonly number[], limit: number): number {
  let l = 1;
  for (const n of sizes) {
    l = (l / gcd(l, n)) * n;
    if (l >= limit) return limit;
  }
  return l;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Dense requests enumerate and shuffle; sparse ones draw and reject repeats. */
const DENSE_FACTOR = 2n;

function randomProduct(axes: string[][], total: bigint, count: number, seed: number): number[][] {
  const random = seededRandom(seed);
  const sizes = axes.map((a) => a.length);
  if (total <= DENSE_FACTOR * BigInt(count)) {
    const all = Array.from({ length: Number(total) }, (_, i) => decodeMixedRadix(i, sizes));
    return shuffledPrefix(all, count, random);
  }
  return drawDistinct(count, () => sizes.map((n) => randomInt(random, n)));
}

function randomSequences(
  n: number,
  k: number,
  total: bigint,
  count: number,
  seed: number,
): number[][] {
  const random = seededRandom(seed);
  if (total <= DENSE_FACTOR * BigInt(count)) {
    return shuffledPrefix(allSequences(n, k), count, random);
  }
  return drawDistinct(count, () => shuffledPrefix([...Array(n).keys()], k, random));
}

function decodeMixedRadix(index: number, sizes: readonly number[]): number[] {
  const pick = sizes.map(() => 0);
  for (let axis = sizes.length - 1; axis >= 0; axis -= 1) {
    pick[axis] = index % sizes[axis];
    index = Math.floor(index / sizes[axis]);
  }
  return pick;
}

function allSequences(n: number, k: number): number[][] {
  if (k === 0) return [[]];
  const out: number[][] = [];
  for (const rest of allSequences(n, k - 1)) {
    for (let i = 0; i < n; i += 1) if (!rest.includes(i)) out.push([...rest, i]);
  }
  return out;
}

/** The first `count` items of a seeded Fisher–Yates shuffle (the input array is reordered). */
function shuffledPrefix<T>(items: T[], count: number, random: () => number): T[] {
  for (let i = 0; i < count; i += 1) {
    const j = i + randomInt(random, items.length - i);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items.slice(0, count);
}

function drawDistinct(count: number, draw: () => number[]): number[][] {
  const seen = new Set<string>();
  const out: number[][] = [];
  while (out.length < count) {
    const pick = draw();
    const key = pick.join(',');
    if (!seen.has(key)) {
      seen.add(key);
      out.push(pick);
    }
  }
  return out;
}
