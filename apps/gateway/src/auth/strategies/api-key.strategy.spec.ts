import { UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import {
  FakeApiKeysRepository,
  FakeUsersRepository,
} from '../../../../../test/support/gateway-fakes';
import { newApiKey } from '../../api-keys/api-key-format';
import type { ApiKeysRepository } from '../../api-keys/api-keys.repository';
import { AuthCache } from '../auth-cache';
import { ApiKeyStrategy, LAST_USED_RESOLUTION_MS } from './api-key.strategy';

function setup() {
  const users = new FakeUsersRepository();
  const keys = new FakeApiKeysRepository(users);
  // No caching here: every call reads the (fake) repository; auth-cache.spec covers the cache.
  const strategy = new ApiKeyStrategy(
    keys as unknown as ApiKeysRepository,
    new AuthCache(undefined, undefined, 0),
  );
  const user = users.add();
  const make = async (over: { scopes?: string[]; expiresAt?: Date | null } = {}) => {
    const { key, prefix, hash } = newApiKey();
    const row = await keys.create({
      userId: user.id,
      name: 'k',
      prefix,
      keyHash: hash,
      expiresAt: over.expiresAt ?? null,
      scopes: over.scopes ?? ['read'],
    });
    return { key, row };
  };
  const withHeader = (key?: string) =>
    ({ header: (name: string) => (name === 'x-api-key' ? key : undefined) }) as Request;
  return { strategy, keys, users, user, make, withHeader };
}

describe('ApiKeyStrategy', () => {
  it('passes to the next strategy when there is no X-API-Key header', async () => {
    const { strategy, withHeader } = setup();
    expect(await strategy.validate(withHeader(undefined))).toBeNull();
  });

  it("gives the key's owner with the key's own scopes", async () => {
    const { strategy, user, make, withHeader } = setup();
    const { key, row } = await make({ scopes: ['jobs', 'read'] });
    expect(await strategy.validate(withHeader(key))).toEqual(
      expect.objectContaining({
        id: user.id,
        via: 'apiKey',
        apiKeyId: row.id,
        scopes: ['read', 'jobs'],
      }),
    );
  });

  it('answers 401 at once for a malformed, tampered, revoked or expired key, or a disabled owner', async () => {
    const { strategy, keys, users, user, make, withHeader } = setup();
    const refuse = (key: string) =>
      expect(strategy.validate(withHeader(key))).rejects.toThrow(UnauthorizedException);
    await refuse('nonsense');
    const tampered = await make();
    await refuse(tampered.key.slice(0, -1) + (tampered.key.endsWith('A') ? 'B' : 'A'));
    const revoked = await make();
    keys.rows.get(revoked.row.id)!.revokedAt = new Date();
    await refuse(revoked.key);
    const expired = await make({ expiresAt: new Date(Date.now() - 1) });
    await refuse(expired.key);
    const live = await make();
    users.rows.get(user.id)!.isActive = false;
    await refuse(live.key);
  });

  it(`writes last_used_at at most once per ${LAST_USED_RESOLUTION_MS / 1000} s`, async () => {
    const { strategy, keys, make, withHeader } = setup();
    const { key, row } = await make();
    await strategy.validate(withHeader(key));
    const first = keys.rows.get(row.id)!.lastUsedAt!;
    expect(first).toBeInstanceOf(Date);
    await strategy.validate(withHeader(key));
    expect(keys.rows.get(row.id)!.lastUsedAt).toBe(first);
    const stale = new Date(Date.now() - LAST_USED_RESOLUTION_MS - 1);
    keys.rows.get(row.id)!.lastUsedAt = stale;
    await strategy.validate(withHeader(key));
    expect(keys.rows.get(row.id)!.lastUsedAt!.getTime()).toBeGreaterThanOrEqual(first.getTime());
  });
});
