import type { Request } from 'express';

/**
 * The absolute URL of a signed link: `PUBLIC_URL` when set, else the request's own host, then
 * the route's path (under /api/v1) and the token as `?token=`.
 */
export function signedLinkUrl(req: Request, path: string, token: string): string {
  const base = process.env.PUBLIC_URL?.replace(/\/$/, '') ?? `${req.protocol}://${req.get('host')}`;
  return `${base}/api/v1/${path}?token=${token}`;
}
