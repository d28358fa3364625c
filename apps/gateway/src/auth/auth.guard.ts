import {
  ForbiddenException,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { tenantScope } from '@app/database';
import { JWT_ONLY, REQUIRED_SCOPES } from './authenticated.decorator';
import { IS_PUBLIC } from './public.decorator';
import { RequestAuthenticator } from './request-authenticator';
import { lacksScope, type ApiKeyScope } from './scopes';

/**
 * The global guard: every route needs `X-API-Key: <key>` or `Authorization: Bearer <JWT>` (tried
 * in that order) unless marked @Public(); then the scopes its @Authenticated names. The caller
 * becomes the request's tenant (row level security) before any other query runs.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly callers: RequestAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.metadata<boolean>(IS_PUBLIC, context)) return true;
    const user = await this.callers.authenticate(context.switchToHttp().getRequest<Request>());
    if (!user)
      throw new UnauthorizedException('credentials required: a Bearer token or an X-API-Key');
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

  private metadata<T>(key: string, context: ExecutionContext): T | undefined {
    return this.reflector.getAllAndOverride<T>(key, [context.getHandler(), context.getClass()]);
  }
}
