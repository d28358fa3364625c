import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { Request } from 'express';
import { PrismaService, tenantScope, type User } from '@app/database';
import { hashApiKey, parseApiKey, sameHash } from './api-key-format';
import type { AuthUser } from './current-user.decorator';
import { IS_PUBLIC } from './public.decorator';

/** last_used_at is written at most this often per key. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * The global guard: every route needs `Authorization: Bearer <JWT>` or `X-API-Key: <key>`
 * unless marked @Public(). Inactive users, revoked and expired keys answer 401 at once: the
 * user and the key are read on every request.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly prisma: PrismaService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (
      this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
        context.getHandler(),
        context.getClass(),
      ])
    ) {
      return true;
    }
    const req = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const apiKey = req.header('x-api-key');
    const bearer = /^Bearer (.+)$/i.exec(req.header('authorization') ?? '')?.[1];
    if (apiKey) req.user = await this.byApiKey(apiKey);
    else if (bearer) req.user = await this.byJwt(bearer);
    else throw new UnauthorizedException('credentials required: a Bearer token or an X-API-Key');
    // The request's queries from here on run as this user (row level security).
    const scope = tenantScope.current();
    if (scope) scope.userId = req.user.id;
    return true;
  }

  private async byJwt(token: string): Promise<AuthUser> {
    let sub: unknown;
    try {
      // HS256 only: a token signed with another algorithm, or none, is refused.
      ({ sub } = await this.jwt.verifyAsync<{ sub: string }>(token, { algorithms: ['HS256'] }));
    } catch {
      throw new UnauthorizedException('invalid or expired token');
    }
    const user =
      typeof sub === 'string' ? await this.prisma.user.findUnique({ where: { id: sub } }) : null;
    if (!user?.isActive) throw new UnauthorizedException('invalid or expired token');
    return toAuthUser(user, 'jwt');
  }

  private async byApiKey(key: string): Promise<AuthUser> {
    const parsed = parseApiKey(key);
    const found = parsed
      ? await this.prisma.apiKey.findUnique({
          where: { prefix: parsed.prefix },
          include: { user: true },
        })
      : null;
    const now = new Date();
    if (
      !found ||
      !sameHash(found.keyHash, hashApiKey(key)) ||
      found.revokedAt ||
      (found.expiresAt && found.expiresAt <= now) ||
      !found.user.isActive
    ) {
      throw new UnauthorizedException('invalid, revoked or expired API key');
    }
    if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.prisma.apiKey.update({ where: { id: found.id }, data: { lastUsedAt: now } });
    }
    return { ...toAuthUser(found.user, 'apiKey'), apiKeyId: found.id };
  }
}

function toAuthUser(user: User, via: AuthUser['via']): AuthUser {
  return {
    id: user.id,
    email: user.email,
    licenseType: user.licenseType,
    licenseExpiry: user.licenseExpiry,
    via,
  };
}
