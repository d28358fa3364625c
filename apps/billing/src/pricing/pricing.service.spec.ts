import 'reflect-metadata';
import type { LedgerRepository } from '../ledger/ledger.repository';
import { LedgerService } from '../ledger/ledger.service';
import { FakeLedgerRepository } from '../ledger/testing/fake-ledger.repository';
import { PricingService } from './pricing.service';

const plan = {
  mixingMode: 'MANUAL',
  outputFormat: 'MP4',
  quality: 'LOW',
  combinations: [['a']],
  seconds: [10],
};

describe('the early licence check', () => {
  let repo: FakeLedgerRepository;
  let pricing: PricingService;
  beforeEach(() => {
    repo = new FakeLedgerRepository();
    pricing = new PricingService(repo as unknown as LedgerRepository);
    repo.addUser('u', 10, 'FREE');
  });

  it('counts only jobs that hold a reservation and still run', async () => {
    repo.addJob('unreserved', 'u', plan);
    await expect(
      pricing.licenceCheck({ userId: 'u', outputCount: 1, quality: 'LOW' }),
    ).resolves.toEqual({
      licenseType: 'FREE',
    });
    await new LedgerService(repo as unknown as LedgerRepository).reserveForJob({
      userId: 'u',
      jobId: 'unreserved',
    });
    await expect(
      pricing.licenceCheck({ userId: 'u', outputCount: 1, quality: 'LOW' }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'the FREE licence runs 1 job at a time; 1 is running',
      details: { reason: 'CONCURRENCY_LIMIT' },
    });
    repo.state.jobs.get('unreserved')!.status = 'COMPLETED';
    await expect(
      pricing.licenceCheck({ userId: 'u', outputCount: 1, quality: 'LOW' }),
    ).resolves.toEqual({ licenseType: 'FREE' });
  });

  it('estimates the price and names the problem without refusing', async () => {
    await expect(
      pricing.estimate({ userId: 'u', quality: 'HIGH', outputSeconds: [14, 31] }),
    ).resolves.toEqual({
      credits: 9,
      licenceProblem: {
        code: 'LICENCE_LIMIT',
        message: 'the best quality allowed is MEDIUM (HIGH asked)',
      },
    });
  });
});
