import { TASK_BANDS, type TaskBand } from '@app/contracts';

/** Pure: TASK_BAND_WEIGHTS ("4,2,1": ENTERPRISE, PREMIUM, FREE) as weights per band. */
export function parseBandWeights(text: string): Record<TaskBand, number> {
  const parts = text.split(',').map((p) => Number(p.trim()));
  if (parts.length !== TASK_BANDS.length || parts.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new RangeError(
      `TASK_BAND_WEIGHTS must be ${TASK_BANDS.length} whole numbers ≥ 1 (${TASK_BANDS.join(', ')}), got "${text}"`,
    );
  }
  return Object.fromEntries(TASK_BANDS.map((band, i) => [band, parts[i]])) as Record<
    TaskBand,
    number
  >;
}

/**
 * Which band a worker looks at first for its next task: a smooth weighted round robin, so with
 * weights 4,2,1 every 7 picks start 4 times at ENTERPRISE, twice at PREMIUM and once at FREE,
 * spread out (E P E F E P E). When the band it starts at is empty it takes from the others in
 * band order: a higher band goes first without starving a lower one, and an idle band gives
 * its turns away.
 */
export class BandSchedule {
  private readonly current = new Map<TaskBand, number>(TASK_BANDS.map((b) => [b, 0]));
  private readonly total: number;

  constructor(private readonly weights: Record<TaskBand, number>) {
    this.total = TASK_BANDS.reduce((s, b) => s + weights[b], 0);
  }

  /** The bands in the order to try for the next task. */
  next(): TaskBand[] {
    let best: TaskBand = TASK_BANDS[0];
    for (const band of TASK_BANDS) {
      const value = (this.current.get(band) ?? 0) + this.weights[band];
      this.current.set(band, value);
      if (value > (this.current.get(best) ?? 0)) best = band;
    }
    this.current.set(best, (this.current.get(best) ?? 0) - this.total);
    return [best, ...TASK_BANDS.filter((b) => b !== best)];
  }
}
