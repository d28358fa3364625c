import { Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import type { Request } from 'express';
import { createSecretKey, type KeyObject } from 'node:crypto';
import { UsersRepository } from '../../users/users.repository';
import { AuthCache, type TokenClaims } from '../auth-cache';
import { toAuthUser } from '../auth-user';
import type { AuthUser } from '../current-user.decorator';

/** The token of `Authorization: Bearer <token>` (the scheme in any case), if there is one. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header ? /^\s*bearer\s+(\S+)/i.exec(header) : null;
  return match?.[1];
}

export const JWT_STRATEGY = 'jwt';

/**
 * `Authorization: Bearer <JWT>`, HS256 only (a passport strategy, tried after the API key's):
 * verified by jsonwebtoken (through JwtService) with the secret as a KeyObject made once (given
 * a string, jsonwebtoken would build one on every request), and remembered by the AuthCache for
 * a few seconds. The user is read through the AuthCache too (deactivation drops it at once), so
 * a disabled account answers 401 at once. Without a Bearer token it passes (null).
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  private readonly key: KeyObject;
  private readonly jwt = new JwtService();

  constructor(
    config: ConfigService,
    private readonly users: UsersRepository,
    private readonly cache: AuthCache,
  ) {
    super();
    this.key = createSecretKey(Buffer.from(config.getOrThrow<string>('JWT_SECRET'), 'utf8'));
  }

  /** passport-custom's verify: the caller of a request with a Bearer token. */
  validate(req: Request): Promise<AuthUser | null> {
    return this.callerOf(req);
  }

  /** The caller of a request with a Bearer token; null without one; 401 for a bad token. */
  async callerOf(req: Request): Promise<AuthUser | null> {
    const token = bearerToken(req.header('authorization'));
    if (!token) return null;
    let claims: TokenClaims;
    try {
      claims = this.cache.token(token, () =>
        // JwtService's types say string | Buffer; jsonwebtoken takes a KeyObject as well.
        this.jwt.verify<TokenClaims>(token, {
          secret: this.key as unknown as Buffer,
          algorithms: ['HS256'],
        }),
      );
    } catch {
      throw new UnauthorizedException('invalid or expired token');
    }
    return this.userOf(claims);
  }

  async userOf(payload: TokenClaims): Promise<AuthUser> {
    const sub = payload.sub;
    const user =
      typeof sub === 'string' ? await this.cache.user(sub, () => this.users.findById(sub)) : null;
    if (!user?.isActive) throw new UnauthorizedException('invalid or expired token');
    return toAuthUser(user, { kind: 'jwt' });
  }
}
