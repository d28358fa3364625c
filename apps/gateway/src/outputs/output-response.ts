import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { contentDisposition } from '@app/mixing';
import { contentTypeOf, parseRange } from './byte-range';
import type { OutputsService, StoredOutput } from './outputs.service';

/** The output's file name for clients: its template name, else the worker's file name. */
export const downloadName = (output: { name: string | null; filename: string }) =>
  output.name ?? output.filename;

/** A strong validator: the content hash when known, else the id and size (outputs never change). */
export function outputETag(output: StoredOutput): string {
  return output.sha256 ? `"${output.sha256}"` : `"${output.id}-${output.storedSize.toString(16)}"`;
}

/**
 * Answers a download (GET or HEAD) of a stored output: type, size, ETag, Accept-Ranges and the
 * name (RFC 6266/5987); `If-None-Match` → 304; a single Range → 206; an unsatisfiable one → 416.
 */
export async function sendOutput(
  outputs: OutputsService,
  output: StoredOutput,
  req: Request,
  res: Response,
): Promise<void> {
  const size = output.storedSize;
  const etag = outputETag(output);
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', 'private, max-age=3600');
  res.setHeader('Content-Type', contentTypeOf(output.filename));
  res.setHeader('Content-Disposition', contentDisposition(downloadName(output)));
  const match = req.header('if-none-match');
  if (match && match.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
    res.status(304).end();
    return;
  }
  const ifRange = req.header('if-range');
  const range = parseRange(ifRange && ifRange !== etag ? undefined : req.header('range'), size);
  if (range.kind === 'unsatisfiable') {
    res.status(416).setHeader('Content-Range', `bytes */${size}`);
    res.json({
      statusCode: 416,
      error: 'Range Not Satisfiable',
      message: `the file has ${size} bytes`,
    });
    return;
  }
  const part = range.kind === 'partial' ? { start: range.start, end: range.end } : undefined;
  if (part) {
    res.status(206).setHeader('Content-Range', `bytes ${part.start}-${part.end}/${size}`);
  } else res.status(200);
  res.setHeader('Content-Length', String(part ? part.end - part.start + 1 : size));
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await pipeline(await outputs.open(output, part), res).catch(() => res.destroy());
}
