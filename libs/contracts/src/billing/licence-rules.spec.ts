import { effectiveLicence, jobLicenceProblem, LICENCES } from './licence-rules';

const now = new Date('2026-11-25T00:00:00Z');

describe('licence rules', () => {
  it('applies FREE limits to an expired licence', () => {
    const l = effectiveLicence('PREMIUM', new Date('2026-01-01'), now);
    expect(l).toEqual({ type: 'FREE', limits: LICENCES.FREE, expired: 'PREMIUM' });
    expect(effectiveLicence('PREMIUM', new Date('2027-01-01'), now).type).toBe('PREMIUM');
    expect(effectiveLicence('ENTERPRISE', null, now).type).toBe('ENTERPRISE');
  });
  it('refuses more outputs than the licence allows', () => {
    const p = jobLicenceProblem(effectiveLicence('FREE', null, now), {
      outputCount: 11,
      quality: 'LOW',
      activeJobs: 0,
    });
    expect(p?.code).toBe('LICENCE_LIMIT');
    expect(p?.message).toMatch(/at most 10 outputs/);
  });
  it('refuses a quality above the licence', () => {
    expect(
      jobLicenceProblem(effectiveLicence('PREMIUM', null, now), {
        outputCount: 5,
        quality: 'ULTRA',
        activeJobs: 0,
      })?.message,
    ).toMatch(/best quality allowed is HIGH/);
    expect(
      jobLicenceProblem(effectiveLicence('ENTERPRISE', null, now), {
        outputCount: 5,
        quality: 'ULTRA',
        activeJobs: 0,
      }),
    ).toBeNull();
  });
  it('refuses a job beyond the concurrent jobs, as a concurrency limit', () => {
    expect(
      jobLicenceProblem(effectiveLicence('FREE', null, now), {
        outputCount: 1,
        quality: 'LOW',
        activeJobs: 1,
      }),
    ).toEqual({
      code: 'CONCURRENCY_LIMIT',
      message: 'the FREE licence runs 1 job at a time; 1 is running',
    });
    expect(
      jobLicenceProblem(effectiveLicence('PREMIUM', null, now), {
        outputCount: 1,
        quality: 'LOW',
        activeJobs: 2,
      }),
    ).toBeNull();
    expect(
      jobLicenceProblem(effectiveLicence('PREMIUM', null, now), {
        outputCount: 1,
        quality: 'LOW',
        activeJobs: 3,
      })?.message,
    ).toBe('the PREMIUM licence runs 3 jobs at a time; 3 are running');
  });
  it('says LICENCE_EXPIRED when the expiry is the reason', () => {
    const p = jobLicenceProblem(effectiveLicence('PREMIUM', new Date('2026-01-01'), now), {
      outputCount: 5,
      quality: 'HIGH',
      activeJobs: 0,
    });
    expect(p?.code).toBe('LICENCE_EXPIRED');
    expect(p?.message).toMatch(/expired/);
  });
});
