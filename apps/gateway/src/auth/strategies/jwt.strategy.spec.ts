import { UnauthorizedException } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import { FakeUsersRepository } from '../../../../../test/support/gateway-fakes';
import type { UsersRepository } from '../../users/users.repository';
import { AuthCache } from '../auth-cache';
import { API_KEY_SCOPES } from '../scopes';
import { JwtStrategy } from './jwt.strategy';

function setup() {
  const users = new FakeUsersRepository();
  const config = { getOrThrow: () => 'unit-secret' } as unknown as ConfigService;
  const cache = new AuthCache(undefined, undefined, 0);
  return {
    users,
    strategy: new JwtStrategy(config, users as unknown as UsersRepository, cache),
  };
}

describe('JwtStrategy', () => {
  it('gives the token’s user with every scope', async () => {
    const { users, strategy } = setup();
    const ana = users.add();
    expect(await strategy.validate({ sub: ana.id })).toEqual(
      expect.objectContaining({ id: ana.id, via: 'jwt', scopes: [...API_KEY_SCOPES] }),
    );
  });

  it('answers 401 for a disabled or unknown user, or a token without a subject', async () => {
    const { users, strategy } = setup();
    const off = users.add({ isActive: false });
    for (const payload of [{ sub: off.id }, { sub: 'nobody' }, {}, { sub: 42 }]) {
      await expect(strategy.validate(payload)).rejects.toThrow(UnauthorizedException);
    }
  });
});
