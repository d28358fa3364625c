/**
 * What an API key may do (issue 13). A route names the scope it needs with @Authenticated; a
 * JWT carries every scope, a key only those chosen when it was created.
 */
export const API_KEY_SCOPES = ['read', 'write', 'jobs', 'billing'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export function lacksScope(held: readonly string[], needed: readonly ApiKeyScope[]) {
  return needed.find((s) => !held.includes(s));
}
