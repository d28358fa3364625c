import { BandSchedule, parseBandWeights } from './band-schedule';

describe('BandSchedule', () => {
  it('starts 4 of 7 picks at ENTERPRISE, 2 at PREMIUM, 1 at FREE, spread out', () => {
    const schedule = new BandSchedule(parseBandWeights('4,2,1'));
    const firsts = Array.from({ length: 14 }, () => schedule.next()[0]);
    const count = (b: string) => firsts.filter((f) => f === b).length;
    expect([count('ENTERPRISE'), count('PREMIUM'), count('FREE')]).toEqual([8, 4, 2]);
    // Never more than two ENTERPRISE starts in a row with these weights.
    expect(firsts.join(',')).not.toMatch(/ENTERPRISE,ENTERPRISE,ENTERPRISE/);
  });

  it('falls back to the other bands in band order', () => {
    const schedule = new BandSchedule(parseBandWeights('1,1,1'));
    const orders = [schedule.next(), schedule.next(), schedule.next()];
    expect(orders.map((o) => o[0])).toEqual(['ENTERPRISE', 'PREMIUM', 'FREE']);
    expect(orders[2]).toEqual(['FREE', 'ENTERPRISE', 'PREMIUM']);
  });

  it('refuses weights that are not three whole numbers of at least 1', () => {
    expect(() => parseBandWeights('4,2')).toThrow(/TASK_BAND_WEIGHTS/);
    expect(() => parseBandWeights('4,0,1')).toThrow(/TASK_BAND_WEIGHTS/);
    expect(() => parseBandWeights('a,b,c')).toThrow(/TASK_BAND_WEIGHTS/);
  });
});
