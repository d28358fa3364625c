import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { LicenseType } from '@app/database';

/** The authenticated caller, by JWT or API key. */
export interface AuthUser {
  id: string;
  email: string;
  licenseType: LicenseType;
  licenseExpiry: Date | null;
  via: 'jwt' | 'apiKey';
  apiKeyId?: string;
}

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  return ctx.switchToHttp().getRequest<{ user: AuthUser }>().user;
});
