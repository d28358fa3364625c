import type { LicencesRepository, Licence } from './licences.repository';
import { LicencesService } from './licences.service';

function fakeUsers(users: Record<string, Licence>) {
  const audits: { action: string; actorUserId?: string | null; details?: unknown }[] = [];
  const repo = {
    transaction: <T>(fn: (tx: unknown) => Promise<T>) => fn({}),
    lockLicence: async (_tx: unknown, id: string) => (users[id] ? { ...users[id] } : null),
    setLicence: async (_tx: unknown, id: string, licence: Licence) => {
      users[id] = licence;
    },
    audit: async (_tx: unknown, entry: (typeof audits)[number]) => {
      audits.push(entry);
    },
  };
  return { repo: repo as unknown as LicencesRepository, users, audits };
}

const free = (): Licence => ({ licenseType: 'FREE', licenseExpiry: null });

describe('LicencesService.setLicence', () => {
  it('changes the licence and writes licence.changed with where it came from and the actor', async () => {
    const db = fakeUsers({ u1: free() });
    const reply = await new LicencesService(db.repo).setLicence({
      userId: 'u1',
      licenseType: 'PREMIUM',
      licenseExpiry: '2027-01-15T00:00:00.000Z',
      source: 'admin',
      actorUserId: 'admin1',
      reason: 'contract',
    });
    expect(reply).toEqual({
      licenseType: 'PREMIUM',
      licenseExpiry: '2027-01-15T00:00:00.000Z',
      changed: true,
    });
    expect(db.users.u1.licenseType).toBe('PREMIUM');
    expect(db.audits).toEqual([
      expect.objectContaining({
        action: 'licence.changed',
        actorUserId: 'admin1',
        details: {
          source: 'admin',
          from: { licenseType: 'FREE', licenseExpiry: null },
          to: { licenseType: 'PREMIUM', licenseExpiry: '2027-01-15T00:00:00.000Z' },
          reason: 'contract',
        },
      }),
    ]);
  });

  it('writes nothing when the licence already is exactly that (a redelivered event)', async () => {
    const db = fakeUsers({ u1: free() });
    const service = new LicencesService(db.repo);
    const same = {
      userId: 'u1',
      licenseType: 'FREE' as const,
      licenseExpiry: null,
      source: 'stripe' as const,
    };
    expect(await service.setLicence(same)).toMatchObject({ changed: false });
    expect(db.audits).toHaveLength(0);
  });

  it('answers NOT_FOUND for an unknown user', async () => {
    const service = new LicencesService(fakeUsers({}).repo);
    await expect(
      service.setLicence({ userId: 'x', licenseType: 'FREE', licenseExpiry: null, source: 'cli' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
