/**
 * Request-reply envelope over NATS: a reply is either data or a typed error. Errors travel as a
 * code (never as a message matched by text) and are turned back into error classes by callers.
 */
export type Reply<T> = { ok: true; data: T } | { ok: false; error: ReplyError };

export interface ReplyError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export const ok = <T>(data: T): Reply<T> => ({ ok: true, data });
export const fail = (
  code: string,
  message: string,
  details?: Record<string, unknown>,
): Reply<never> => ({ ok: false, error: { code, message, ...(details ? { details } : {}) } });
