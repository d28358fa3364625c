import { ConflictException, NotFoundException } from '@nestjs/common';
import { FakeApiKeysRepository, FakeAuditService } from '../../../../test/support/gateway-fakes';
import type { AuditService } from '../audit/audit.service';
import { AuthCache } from '../auth/auth-cache';
import type { AuthUser } from '../auth/current-user.decorator';
import { hashApiKey } from './api-key-format';
import type { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService, MAX_LIVE_KEYS } from './api-keys.service';

const ana = { id: 'u1', via: 'jwt' } as AuthUser;
const bob = { id: 'u2', via: 'jwt' } as AuthUser;

function setup() {
  const keys = new FakeApiKeysRepository();
  const audit = new FakeAuditService();
  const service = new ApiKeysService(
    keys as unknown as ApiKeysRepository,
    audit as unknown as AuditService,
    new AuthCache(),
  );
  return { service, keys, audit };
}

describe('ApiKeysService', () => {
  it('stores the hash and the scopes (each once, in canonical order), never the secret', async () => {
    const { service, keys, audit } = setup();
    const { row, key } = await service.create(ana, {
      name: 'ci',
      scopes: ['billing', 'read', 'billing'],
    });
    expect(row).toMatchObject({ userId: 'u1', name: 'ci', scopes: ['read', 'billing'] });
    expect(row.keyHash).toBe(hashApiKey(key));
    expect(key.startsWith(`vmp_${row.prefix}_`)).toBe(true);
    expect(JSON.stringify([...keys.rows.values()])).not.toContain(key);
    expect(audit.entries.map((e) => e.entry)).toEqual([
      expect.objectContaining({
        action: 'api_key.created',
        targetId: row.id,
        details: expect.objectContaining({ scopes: ['read', 'billing'] }),
      }),
    ]);
    expect(JSON.stringify(audit.entries)).not.toContain(key);
  });

  it(`refuses a key beyond ${MAX_LIVE_KEYS} live ones with 409; revoked keys do not count`, async () => {
    const { service, keys } = setup();
    for (let i = 0; i < MAX_LIVE_KEYS; i++)
      await service.create(ana, { name: `k${i}`, scopes: ['read'] });
    await expect(service.create(ana, { name: 'one more', scopes: ['read'] })).rejects.toThrow(
      ConflictException,
    );
    // Another user's count is their own.
    await service.create(bob, { name: 'bob', scopes: ['read'] });
    const first = [...keys.rows.values()][0];
    await service.revoke(ana, first.id);
    await service.create(ana, { name: 'fits now', scopes: ['read'] });
    expect(await keys.countLive('u1')).toBe(MAX_LIVE_KEYS);
  });

  it("revokes the caller's live key once; another user's or a revoked key is a 404", async () => {
    const { service, keys, audit } = setup();
    const { row: mine } = await service.create(ana, { name: 'mine', scopes: ['read'] });
    const { row: theirs } = await service.create(bob, { name: 'theirs', scopes: ['read'] });
    await expect(service.revoke(ana, theirs.id)).rejects.toThrow(NotFoundException);
    expect(keys.rows.get(theirs.id)?.revokedAt).toBeNull();
    await service.revoke(ana, mine.id);
    expect(keys.rows.get(mine.id)?.revokedAt).toBeInstanceOf(Date);
    await expect(service.revoke(ana, mine.id)).rejects.toThrow('API key not found');
    expect(audit.entries.filter((e) => e.entry.action === 'api_key.revoked')).toHaveLength(1);
  });

  it("lists the caller's keys only", async () => {
    const { service } = setup();
    await service.create(ana, { name: 'a', scopes: ['read'] });
    await service.create(bob, { name: 'b', scopes: ['read'] });
    expect((await service.list('u1')).map((k) => k.name)).toEqual(['a']);
  });
});
