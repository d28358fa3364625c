import type { Request, Response } from 'express';

/** What a cheap validator of a job (and its outputs) is made of: no body needs to be built. */
export interface JobVersion {
  status: string;
  progress: number;
  updatedAt: Date;
  outputs: number;
}

/**
 * A weak ETag of a job's state (`kind` tells the representations of one job apart): it changes
 * whenever the status, the progress, the row's updated_at or the number of outputs does.
 */
export function jobEtag(kind: 'job' | 'outputs', v: JobVersion): string {
  return `W/"${kind}-${v.updatedAt.getTime().toString(36)}-${v.status}-${v.progress}-${v.outputs}"`;
}

/**
 * Sets `etag` on the response and, when the client's If-None-Match already holds it, answers
 * 304 without a body and returns true. Handled here, not by Express's freshness check: that one
 * treats a request's `Cache-Control: no-cache` as stale, and fetch() adds exactly that header to
 * every conditional request, so pollers using fetch would always get the full body.
 */
export function answeredNotModified(req: Request, res: Response, etag: string): boolean {
  res.setHeader('ETag', etag);
  if (!matches(req.headers['if-none-match'], etag)) return false;
  res.status(304).end();
  return true;
}

/** If-None-Match's weak comparison: W/ prefixes are ignored on both sides; `*` matches. */
export function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = etag.replace(/^W\//, '');
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === bare);
}
