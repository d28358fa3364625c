import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { AuthUser } from './current-user.decorator';
import { ApiKeyStrategy } from './strategies/api-key.strategy';
import { JwtStrategy } from './strategies/jwt.strategy';

/**
 * Who is calling: `X-API-Key` first, then `Authorization: Bearer <JWT>`. Sets and returns
 * `req.user`; null when the request carries neither; a bad key or token is a 401 at once
 * (never a fall-through to the other credential). Called directly by the guards: passport's
 * per-request machinery cost more than the JWT verification itself.
 */
@Injectable()
export class RequestAuthenticator {
  constructor(
    private readonly apiKeys: ApiKeyStrategy,
    private readonly jwt: JwtStrategy,
  ) {}

  async authenticate(req: Request & { user?: AuthUser }): Promise<AuthUser | null> {
    const user = (await this.apiKeys.validate(req)) ?? (await this.jwt.authenticate(req));
    if (user) req.user = user;
    return user;
  }
}
