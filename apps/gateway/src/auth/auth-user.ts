import type { User } from '@app/database';
import type { AuthUser } from './current-user.decorator';
import { API_KEY_SCOPES, type ApiKeyScope } from './scopes';

/** What the auth guard reads of a caller's row (never the password hash). */
export type AuthAccount = Pick<User, 'id' | 'email' | 'isActive' | 'licenseType' | 'licenseExpiry'>;

/** The caller as routes see it; a JWT holds every scope. */
export function toAuthUser(
  user: AuthAccount,
  via: { kind: 'jwt' } | { kind: 'apiKey'; id: string; scopes: readonly string[] },
): AuthUser {
  const base = {
    id: user.id,
    email: user.email,
    licenseType: user.licenseType,
    licenseExpiry: user.licenseExpiry,
  };
  if (via.kind === 'jwt') return { ...base, via: 'jwt', scopes: [...API_KEY_SCOPES] };
  return {
    ...base,
    via: 'apiKey',
    apiKeyId: via.id,
    scopes: API_KEY_SCOPES.filter((s: ApiKeyScope) => via.scopes.includes(s)),
  };
}
