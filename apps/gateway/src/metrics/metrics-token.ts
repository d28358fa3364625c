import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether an Authorization header carries the metrics token. No token configured: nobody may
 * scrape (the caller answers 404). Compared in constant time over digests of equal length.
 */
export function metricsTokenAccepted(configured: string, authorization: unknown): boolean {
  if (!configured || typeof authorization !== 'string') return false;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match) return false;
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(match[1]), digest(configured));
}
