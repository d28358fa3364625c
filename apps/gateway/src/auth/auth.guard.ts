import {
  ForbiddenException,
  Injectable,
  UnauthorizedException,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard as PassportAuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { tenantScope } from '@app/database';
import { JWT_ONLY, REQUIRED_SCOPES } from './authenticated.decorator';
import type { AuthUser } from './current-user.decorator';
import { IS_PUBLIC } from './public.decorator';
import { lacksScope, type ApiKeyScope } from './scopes';
import { API_KEY_STRATEGY } from './strategies/api-key.strategy';
import { JWT_STRATEGY } from './strategies/jwt.strategy';

/**
 * The global guard: every route needs `X-API-Key: <key>` or `Authorization: Bearer <JWT>` (tried
 * in that order) unless marked @Public(); then the scopes its @Authenticated names. The caller
 * becomes the request's tenant (row level security) before any other query runs.
 */
@Injectable()
export class AuthGuard extends PassportAuthGuard([API_KEY_STRATEGY, JWT_STRATEGY]) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.metadata<boolean>(IS_PUBLIC, context)) return true;
    await super.canActivate(context);
    const user = context.switchToHttp().getRequest<{ user: AuthUser }>().user;
    const scope = tenantScope.current();
    if (scope) scope.userId = user.id;
    if (this.metadata<boolean>(JWT_ONLY, context) && user.via !== 'jwt')
      throw new ForbiddenException('API keys cannot be used here; sign in with a JWT');
    const missing = lacksScope(
      user.scopes,
      this.metadata<ApiKeyScope[]>(REQUIRED_SCOPES, context) ?? [],
    );
    if (missing) throw new ForbiddenException(`this API key lacks the '${missing}' scope`);
    return true;
  }

  /** A strategy's own 401 stands; with no strategy succeeding, say what was missing. */
  override handleRequest<U>(err: unknown, user: U, _info: unknown, context: ExecutionContext): U {
    if (err) throw err;
    if (user) return user;
    const req = context.switchToHttp().getRequest<Request>();
    if (/^Bearer ./i.test(req.header('authorization') ?? ''))
      throw new UnauthorizedException('invalid or expired token');
    throw new UnauthorizedException('credentials required: a Bearer token or an X-API-Key');
  }

  private metadata<T>(key: string, context: ExecutionContext): T | undefined {
    return this.reflector.getAllAndOverride<T>(key, [context.getHandler(), context.getClass()]);
  }
}
