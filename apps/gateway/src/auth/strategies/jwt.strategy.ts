import { Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PassportStrategy } from '@nestjs/passport';
import { createSecretKey } from 'node:crypto';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { UsersRepository } from '../../users/users.repository';
import { AuthCache } from '../auth-cache';
import { toAuthUser } from '../auth-user';
import type { AuthUser } from '../current-user.decorator';

export const JWT_STRATEGY = 'jwt';

/**
 * `Authorization: Bearer <JWT>`, HS256 only. The user is read through the AuthCache (a few
 * seconds; deactivation drops it at once), so a disabled account answers 401 at once.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  constructor(
    config: ConfigService,
    private readonly users: UsersRepository,
    private readonly cache: AuthCache,
  ) {
    // A KeyObject made once: given a string, jsonwebtoken would build one on every request.
    const key = createSecretKey(Buffer.from(config.getOrThrow<string>('JWT_SECRET'), 'utf8'));
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      algorithms: ['HS256'],
      // passport-jwt's types say string | Buffer; jsonwebtoken takes a KeyObject as well.
      secretOrKeyProvider: (_req: unknown, _token: unknown, done: (e: null, k: Buffer) => void) =>
        done(null, key as unknown as Buffer),
    });
  }

  async validate(payload: { sub?: unknown }): Promise<AuthUser> {
    const sub = payload.sub;
    const user =
      typeof sub === 'string' ? await this.cache.user(sub, () => this.users.findById(sub)) : null;
    if (!user?.isActive) throw new UnauthorizedException('invalid or expired token');
    return toAuthUser(user, { kind: 'jwt' });
  }
}
