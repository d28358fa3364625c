import { ApiError, createClient, type ApiErrorBody, type Schemas } from '@app/sdk';

export type { Schemas };
export { ApiError, ok } from '@app/sdk';

const TOKEN_KEY = 'vmp.token';

/** The one SDK client of the studio: same origin as the page, the JWT of the signed-in user. */
export const api = createClient({
  baseUrl: window.location.origin,
  token: localStorage.getItem(TOKEN_KEY) ?? undefined,
});

export function currentToken(): string | undefined {
  return localStorage.getItem(TOKEN_KEY) ?? undefined;
}

export function setSession(token: string | undefined): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
  api.setToken(token);
}

/** The API's message, and its per-field problems keyed by field path (e.g. settings.quality). */
export function describeError(e: unknown): { message: string; fields: Record<string, string> } {
  if (e instanceof ApiError) {
    const body: ApiErrorBody | undefined = e.body;
    const fields: Record<string, string> = {};
    for (const d of body?.details ?? []) fields[d.field] = d.problems.join('; ');
    return { message: body?.message ?? e.message, fields };
  }
  return { message: e instanceof Error ? e.message : String(e), fields: {} };
}
