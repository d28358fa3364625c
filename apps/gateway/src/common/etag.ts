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
 * Sets `etag` on the response and tells whether the client's If-None-Match already holds it.
 * When it does, the handler returns nothing: Express answers 304 without a body (its
 * freshness check compares If-None-Match with this ETag).
 */
export function notModified(req: Request, res: Response, etag: string): boolean {
  res.setHeader('ETag', etag);
  const header = req.headers['if-none-match'];
  if (!header) return false;
  // Weak comparison: W/ prefixes are ignored on both sides.
  const bare = etag.replace(/^W\//, '');
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === bare);
}
