import { STATUS_CODES } from 'node:http';
import type request from 'supertest';

/** The one error shape of API.md: {statusCode, error, message, details?}, nothing else, no stack. */
export function expectErrorShape(res: request.Response, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/application\/json/);
  expect(res.body.statusCode).toBe(status);
  expect(res.body.error).toBe(STATUS_CODES[status]);
  expect(typeof res.body.message).toBe('string');
  expect(res.body.message.length).toBeGreaterThan(0);
  for (const key of Object.keys(res.body))
    expect(['statusCode', 'error', 'message', 'details']).toContain(key);
  expect(JSON.stringify(res.body)).not.toMatch(/\bat .+\.(ts|js):\d+/);
}

/** The fields a validation error names, each once, sorted. */
export const fieldsOf = (res: request.Response): string[] =>
  [...new Set((res.body.details as { field: string }[]).map((d) => d.field))].sort();

/** supertest parser keeping a binary body (a download) as one Buffer. */
export function binaryBody(
  res: request.Response,
  cb: (err: Error | null, body: Buffer) => void,
): void {
  const chunks: Buffer[] = [];
  const stream = res as unknown as NodeJS.ReadableStream;
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}
