import { IsInt, IsString, Min } from 'class-validator';
import { InvalidPayloadError, parsePayload } from './validation';
import { natsNames } from './nats-names';

class Sample {
  @IsString() userId!: string;
  @IsInt() @Min(1) credits!: number;
}

describe('parsePayload', () => {
  it('returns a typed instance for a valid message', () => {
    const p = parsePayload(Sample, { userId: 'u1', credits: 3 });
    expect(p).toBeInstanceOf(Sample);
    expect(p.credits).toBe(3);
  });

  it('lists every offending field, unknown ones included', () => {
    try {
      parsePayload(Sample, { userId: 4, credits: 0, extra: true });
      throw new Error('expected a refusal');
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidPayloadError);
      const fields = (e as InvalidPayloadError).fields.map((f) => f.field).sort();
      expect(fields).toEqual(['credits', 'extra', 'userId']);
    }
  });

  it('refuses a non-object message', () => {
    expect(() => parsePayload(Sample, 'hello')).toThrow(InvalidPayloadError);
    expect(() => parsePayload(Sample, [1])).toThrow(InvalidPayloadError);
  });
});

describe('natsNames', () => {
  it('prefixes every subject and makes stream names valid', () => {
    const n = natsNames('t-1a');
    expect(n.billing.balance).toBe('t-1a.billing.balance');
    expect(n.media.jobsStream).toBe('T_1A_MEDIA_JOBS');
    expect(n.media.jobEvents('j1')).toBe('t-1a.media.jobs.events.j1');
  });

  it("names the advisory of the workers' consumer giving up on a job, and its queue group", () => {
    const n = natsNames('t-1a');
    expect(n.media.maxDeliveriesAdvisory).toBe(
      '$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.T_1A_MEDIA_JOBS.T_1A_MEDIA_WORKERS',
    );
    expect(n.media.advisoriesQueue).toBe('T_1A_MEDIA_WORKERS_ADVISORIES');
  });

  it('reads the default prefix when called, not when loaded', () => {
    const before = process.env.NATS_PREFIX;
    try {
      process.env.NATS_PREFIX = 'later';
      expect(natsNames().billing.balance).toBe('later.billing.balance');
    } finally {
      if (before === undefined) delete process.env.NATS_PREFIX;
      else process.env.NATS_PREFIX = before;
    }
  });
});
