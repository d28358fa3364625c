import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { LicenseType } from '@app/database';
import type { ApiKeyScope } from './scopes';

/** The authenticated caller, by JWT or API key. */
export interface AuthUser {
  id: string;
  email: string;
  licenseType: LicenseType;
  licenseExpiry: Date | null;
  via: 'jwt' | 'apiKey';
  apiKeyId?: string;
  /** Every scope for a JWT; the key's own for an API key. */
  scopes: ApiKeyScope[];
}

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  return ctx.switchToHttp().getRequest<{ user: AuthUser }>().user;
});
