import {
  ForbiddenException,
  Injectable,
  UnauthorizedException,
  type ExecutionContext,
} from '@nestjs/common';
import { AuthGuard as PassportAuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { tenantScope } from '@app/database';
import type { AuthUser } from '../../auth/current-user.decorator';
import { lacksScope } from '../../auth/scopes';
import { API_KEY_STRATEGY } from '../../auth/strategies/api-key.strategy';
import { JWT_STRATEGY } from '../../auth/strategies/jwt.strategy';
import { SignedTokens } from '../../outputs/links/signed-tokens';

/** Who the events stream is for, set by StreamAuthGuard. */
export type StreamRequest = Request & { streamUserId?: string; user?: AuthUser };

/**
 * The events route is @Public for the global guard and guarded here instead: a `token` query
 * parameter from POST /jobs/:id/events/token (an EventSource cannot send headers) is enough
 * (401 when it is invalid or expired); without one, the usual credentials and the `read`
 * scope, exactly as @Authenticated('read').
 */
@Injectable()
export class StreamAuthGuard extends PassportAuthGuard([API_KEY_STRATEGY, JWT_STRATEGY]) {
  constructor(private readonly tokens: SignedTokens) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<StreamRequest>();
    const token = typeof req.query.token === 'string' ? req.query.token : undefined;
    let userId: string;
    if (token !== undefined) {
      const jobId = String(req.params.id);
      const verified = this.tokens.verify('events', jobId, token);
      if (!verified) throw new UnauthorizedException('the stream token is invalid or has expired');
      userId = verified;
    } else {
      await super.canActivate(context);
      const user = req.user as AuthUser;
      const missing = lacksScope(user.scopes, ['read']);
      if (missing) throw new ForbiddenException(`this API key lacks the '${missing}' scope`);
      userId = user.id;
    }
    const scope = tenantScope.current();
    if (scope) scope.userId = userId;
    req.streamUserId = userId;
    return true;
  }

  override handleRequest<U>(err: unknown, user: U, _info: unknown, context: ExecutionContext): U {
    if (err) throw err;
    if (user) return user;
    const req = context.switchToHttp().getRequest<Request>();
    if (/^Bearer ./i.test(req.header('authorization') ?? ''))
      throw new UnauthorizedException('invalid or expired token');
    throw new UnauthorizedException(
      'credentials required: a Bearer token, an X-API-Key or a stream token (?token=)',
    );
  }
}
