import { ConflictException, ForbiddenException, UnauthorizedException } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import bcrypt from 'bcryptjs';
import { FakeAuditService, FakeUsersRepository } from '../../../../test/support/gateway-fakes';
import type { AuditService } from '../audit/audit.service';
import type { UsersRepository } from '../users/users.repository';
import { AuthService } from './auth.service';

function setup() {
  const users = new FakeUsersRepository();
  const audit = new FakeAuditService();
  const jwt = new JwtService({ secret: 'unit-secret', signOptions: { algorithm: 'HS256' } });
  const config = {
    getOrThrow: (k: string) => ({ BCRYPT_COST: 4, JWT_EXPIRES_IN_SECONDS: 3600 })[k],
  };
  const service = new AuthService(
    users as unknown as UsersRepository,
    jwt,
    config as unknown as ConfigService,
    audit as unknown as AuditService,
  );
  return { service, users, audit, jwt };
}

const register = {
  email: 'ana@example.com',
  password: 'correct horse',
  firstName: 'Ana',
  lastName: 'S',
};

describe('AuthService', () => {
  it('registers with a bcrypt hash and signs a token for the new user', async () => {
    const { service, jwt, users } = setup();
    const { user, accessToken } = await service.register(register);
    const stored = users.rows.get(user.id)!.password;
    expect(stored).not.toBe(register.password);
    expect(await bcrypt.compare(register.password, stored)).toBe(true);
    expect(jwt.verify(accessToken, { algorithms: ['HS256'] })).toMatchObject({ sub: user.id });
  });

  it('refuses an email already registered with 409', async () => {
    const { service, users } = setup();
    await service.register(register);
    await expect(service.register(register)).rejects.toThrow(ConflictException);
    expect(users.rows.size).toBe(1);
  });

  describe('login', () => {
    it('gives a Bearer token and records the success', async () => {
      const { service, audit } = setup();
      const { user } = await service.register(register);
      const token = await service.login({ email: register.email, password: register.password });
      expect(token).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600 });
      expect(audit.entries.map((e) => e.entry.action)).toEqual(['auth.login.succeeded']);
      expect(audit.entries[0].actor).toEqual({ id: user.id });
    });

    it('answers an unknown email and a wrong password with the same 401, recording each', async () => {
      const { service, audit } = setup();
      await service.register(register);
      const unknown = await service
        .login({ email: 'nobody@example.com', password: 'x' })
        .catch((e: unknown) => e);
      const wrong = await service
        .login({ email: register.email, password: 'wrong' })
        .catch((e: unknown) => e);
      expect(unknown).toBeInstanceOf(UnauthorizedException);
      expect(wrong).toBeInstanceOf(UnauthorizedException);
      expect((unknown as Error).message).toBe((wrong as Error).message);
      expect(audit.entries.map((e) => e.entry.details)).toEqual([
        { email: 'nobody@example.com', reason: 'unknown email' },
        { email: register.email, reason: 'wrong password' },
      ]);
    });

    it('answers a disabled account with 403, even with the right password', async () => {
      const { service, users } = setup();
      const { user } = await service.register(register);
      users.rows.get(user.id)!.isActive = false;
      await expect(
        service.login({ email: register.email, password: register.password }),
      ).rejects.toThrow(ForbiddenException);
    });
  });
});
