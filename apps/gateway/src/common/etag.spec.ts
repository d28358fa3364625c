import type { Request, Response } from 'express';
import { answeredNotModified, jobEtag, type JobVersion } from './etag';

const v: JobVersion = { status: 'PROCESSING', progress: 40, updatedAt: new Date(1e12), outputs: 3 };

describe('job ETags', () => {
  it('change with the status, progress, updated_at or output count, and per representation', () => {
    const tags = [
      jobEtag('job', v),
      jobEtag('job', { ...v, status: 'COMPLETED' }),
      jobEtag('job', { ...v, progress: 41 }),
      jobEtag('job', { ...v, updatedAt: new Date(1e12 + 1) }),
      jobEtag('job', { ...v, outputs: 4 }),
      jobEtag('outputs', v),
    ];
    expect(new Set(tags).size).toBe(tags.length);
    expect(jobEtag('job', { ...v })).toBe(tags[0]);
    expect(tags[0]).toMatch(/^W\/"[^"]+"$/);
  });

  it('match If-None-Match weakly, in a list, or as *; set the ETag either way, answer 304 on a match', () => {
    const etag = jobEtag('job', v);
    const check = (header?: string) => {
      const headers: Record<string, string> = {};
      let status = 0;
      const res = {
        setHeader: (k: string, val: string) => (headers[k] = val),
        status: (code: number) => ((status = code), { end: () => undefined }),
      } as unknown as Response;
      const req = { headers: header ? { 'if-none-match': header } : {} } as Request;
      const result = answeredNotModified(req, res, etag);
      expect(headers.ETag).toBe(etag);
      expect(status).toBe(result ? 304 : 0);
      return result;
    };
    expect(check(undefined)).toBe(false);
    expect(check(etag)).toBe(true);
    expect(check(etag.slice(2))).toBe(true);
    expect(check(`W/"other", ${etag}`)).toBe(true);
    expect(check('*')).toBe(true);
    expect(check(jobEtag('job', { ...v, progress: 41 }))).toBe(false);
  });
});
