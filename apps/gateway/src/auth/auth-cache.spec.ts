import { FakeApiKeysRepository, FakeUsersRepository } from '../../../../test/support/gateway-fakes';
import { AuthCache, AUTH_CACHE_TTL_MS } from './auth-cache';

function setup() {
  const users = new FakeUsersRepository();
  const keys = new FakeApiKeysRepository(users);
  const cache = new AuthCache();
  let reads = 0;
  const loadUser = (id: string) => () => {
    reads++;
    return users.findById(id);
  };
  const loadKey = (prefix: string) => () => {
    reads++;
    return keys.findByPrefix(prefix);
  };
  return { users, keys, cache, loadUser, loadKey, reads: () => reads };
}

async function addKey(keys: FakeApiKeysRepository, userId: string, prefix: string) {
  return keys.create({ userId, name: 'k', prefix, keyHash: 'h', expiresAt: null, scopes: [] });
}

describe('AuthCache', () => {
  afterEach(() => jest.useRealTimers());

  it(`reuses a user for ${AUTH_CACHE_TTL_MS / 1000} s, then reads it again`, async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const { users, cache, loadUser, reads } = setup();
    const ana = users.add();
    expect(await cache.user(ana.id, loadUser(ana.id))).toMatchObject({ id: ana.id });
    expect(await cache.user(ana.id, loadUser(ana.id))).toMatchObject({ id: ana.id });
    expect(reads()).toBe(1);
    jest.setSystemTime(1_000_000 + AUTH_CACHE_TTL_MS + 1);
    await cache.user(ana.id, loadUser(ana.id));
    expect(reads()).toBe(2);
  });

  it('never caches a look-up that found nothing', async () => {
    const { cache, loadUser, reads } = setup();
    expect(await cache.user('nobody', loadUser('nobody'))).toBeNull();
    expect(await cache.user('nobody', loadUser('nobody'))).toBeNull();
    expect(reads()).toBe(2);
  });

  it("drops a revoked key at once, and a deactivated user's entry and keys", async () => {
    const { users, keys, cache, loadUser, loadKey, reads } = setup();
    const ana = users.add();
    await addKey(keys, ana.id, 'aaaa');
    const other = await addKey(keys, ana.id, 'bbbb');
    await cache.key('aaaa', loadKey('aaaa'));
    await cache.key('bbbb', loadKey('bbbb'));
    await cache.user(ana.id, loadUser(ana.id));
    expect(reads()).toBe(3);

    keys.rows.get(other.id)!.revokedAt = new Date();
    await cache.revoked({ apiKeyId: other.id });
    expect((await cache.key('bbbb', loadKey('bbbb')))?.revokedAt).toBeInstanceOf(Date);
    await cache.key('aaaa', loadKey('aaaa'));
    expect(reads()).toBe(4);

    users.rows.get(ana.id)!.isActive = false;
    await cache.revoked({ userId: ana.id });
    expect((await cache.user(ana.id, loadUser(ana.id)))?.isActive).toBe(false);
    expect((await cache.key('aaaa', loadKey('aaaa')))?.user.isActive).toBe(false);
    expect(reads()).toBe(6);
  });

  it('verifies a token once per TTL, never past its exp, and never remembers a refusal', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const { cache } = setup();
    let verified = 0;
    const claims = { sub: 'u1', exp: 1_000_000 / 1000 + 2 };
    const verify = () => {
      verified++;
      return claims;
    };
    expect(cache.token('t.o.k', verify)).toBe(claims);
    expect(cache.token('t.o.k', verify)).toBe(claims);
    expect(verified).toBe(1);
    // Another token (one byte differs) is verified on its own.
    cache.token('t.o.K', verify);
    expect(verified).toBe(2);
    // At its exp (2 s, before the TTL) the entry is gone: verified again.
    jest.setSystemTime(1_000_000 + 2_000);
    cache.token('t.o.k', verify);
    expect(verified).toBe(3);

    const refuse = () => {
      verified++;
      throw new Error('bad signature');
    };
    expect(() => cache.token('b.a.d', refuse)).toThrow('bad signature');
    expect(() => cache.token('b.a.d', refuse)).toThrow('bad signature');
    expect(verified).toBe(5);
  });

  it(`verifies a token without exp again after ${AUTH_CACHE_TTL_MS / 1000} s`, () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const { cache } = setup();
    let verified = 0;
    const verify = () => {
      verified++;
      return { sub: 'u1' };
    };
    cache.token('t', verify);
    jest.setSystemTime(1_000_000 + AUTH_CACHE_TTL_MS - 1);
    cache.token('t', verify);
    expect(verified).toBe(1);
    jest.setSystemTime(1_000_000 + AUTH_CACHE_TTL_MS + 1);
    cache.token('t', verify);
    expect(verified).toBe(2);
  });
});
