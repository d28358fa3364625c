import { UnauthorizedException } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import type { Request } from 'express';
import { FakeUsersRepository } from '../../../../../test/support/gateway-fakes';
import type { UsersRepository } from '../../users/users.repository';
import { AuthCache } from '../auth-cache';
import { API_KEY_SCOPES } from '../scopes';
import { bearerToken, JwtStrategy } from './jwt.strategy';

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
    expect(await strategy.userOf({ sub: ana.id })).toEqual(
      expect.objectContaining({ id: ana.id, via: 'jwt', scopes: [...API_KEY_SCOPES] }),
    );
  });

  it('answers 401 for a disabled or unknown user, or a token without a subject', async () => {
    const { users, strategy } = setup();
    const off = users.add({ isActive: false });
    for (const payload of [{ sub: off.id }, { sub: 'nobody' }, {}, { sub: 42 }]) {
      await expect(strategy.userOf(payload)).rejects.toThrow(UnauthorizedException);
    }
  });
});

describe('JwtStrategy.authenticate', () => {
  const signer = new JwtService({ secret: 'unit-secret', signOptions: { algorithm: 'HS256' } });
  const withAuthorization = (value?: string) =>
    ({ header: (name: string) => (name === 'authorization' ? value : undefined) }) as Request;

  it('gives the user of a valid HS256 Bearer token (the scheme in any case)', async () => {
    const { users, strategy } = setup();
    const ana = users.add();
    const token = signer.sign({ sub: ana.id }, { expiresIn: 60 });
    for (const header of [`Bearer ${token}`, `bearer ${token}`, `  BEARER   ${token}`]) {
      expect(await strategy.callerOf(withAuthorization(header))).toEqual(
        expect.objectContaining({ id: ana.id, via: 'jwt' }),
      );
    }
  });

  it('passes (null) without a Bearer token', async () => {
    const { strategy } = setup();
    for (const header of [undefined, '', 'Bearer', 'Bearer   ', 'Basic dXNlcjpwYXNz']) {
      expect(await strategy.callerOf(withAuthorization(header))).toBeNull();
    }
  });

  it('answers 401 for a tampered, expired, foreign, HS512 or alg=none token', async () => {
    const { users, strategy } = setup();
    const ana = users.add();
    const good = signer.sign({ sub: ana.id }, { expiresIn: 60 });
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const [, , signature] = good.split('.');
    const bad = [
      `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'someone-else' })}.${signature}`,
      signer.sign({ sub: ana.id, exp: Math.floor(Date.now() / 1000) - 1 }),
      new JwtService({ secret: 'another-secret' }).sign({ sub: ana.id }),
      signer.sign({ sub: ana.id }, { algorithm: 'HS512' }),
      `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: ana.id })}.`,
      'not.a.jwt',
    ];
    for (const token of bad) {
      await expect(strategy.callerOf(withAuthorization(`Bearer ${token}`))).rejects.toThrow(
        UnauthorizedException,
      );
    }
  });

  it('refuses a token once it expires, even one verified (and remembered) before', async () => {
    jest.useFakeTimers({ now: 1_000_000_000 });
    try {
      const users = new FakeUsersRepository();
      const config = { getOrThrow: () => 'unit-secret' } as unknown as ConfigService;
      const strategy = new JwtStrategy(
        config,
        users as unknown as UsersRepository,
        new AuthCache(),
      );
      const ana = users.add();
      const header = withAuthorization(`Bearer ${signer.sign({ sub: ana.id }, { expiresIn: 2 })}`);
      expect(await strategy.callerOf(header)).toMatchObject({ id: ana.id });
      jest.setSystemTime(1_000_000_000 + 1_000);
      expect(await strategy.callerOf(header)).toMatchObject({ id: ana.id });
      jest.setSystemTime(1_000_000_000 + 2_000);
      await expect(strategy.callerOf(header)).rejects.toThrow(UnauthorizedException);
    } finally {
      jest.useRealTimers();
    }
  });

  it('reads the token of an Authorization header', () => {
    expect(bearerToken('Bearer a.b.c')).toBe('a.b.c');
    expect(bearerToken('Bearer a.b.c extra')).toBe('a.b.c');
    expect(bearerToken('Token a.b.c')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
