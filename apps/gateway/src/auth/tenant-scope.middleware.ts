import { Injectable, NestMiddleware } from '@nestjs/common';
import { tenantScope, type TenantScope } from '@app/database';

/**
 * Opens an empty tenant scope around each request (after body parsing, so nothing loses it);
 * the AuthGuard fills in the caller. Every query of the request then goes through row level
 * security as that user; a public route's scope stays empty and sees no tenant rows.
 */
@Injectable()
export class TenantScopeMiddleware implements NestMiddleware {
  use(_req: unknown, _res: unknown, next: () => void): void {
    const scope: TenantScope = {};
    tenantScope.run(scope, next);
  }
}
