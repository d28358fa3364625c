import { request as httpRequest, type ClientRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startGateway, type TestGateway } from '../support/gateway';
import { createProject, registerUser } from '../support/factories';
import { clip } from '../support/clips';

/**
 * The gateway's intake limits (docs/security.md, "Intake limits"): the storage quota (declared
 * and streamed), videos per project, uploads in flight per user, and the upload spool cleaned at
 * start. Each refusal is a 4xx naming the limit, the value and the maximum, and stores nothing.
 */
jest.setTimeout(60_000);

let db: TestDatabase;
let gw: TestGateway;
let port: number;
let clipPath: string;
let clipBytes: number;

const QUOTA = 1024 * 1024;
const MAX_VIDEOS = 2;
const MAX_UPLOADS = 3;
const spoolDir = () => process.env.UPLOAD_TMP_DIR!;
const staleSpool = () => path.join(spoolDir(), 'crashed-long-ago.upload');
const freshSpool = () => path.join(spoolDir(), 'in-flight-elsewhere.upload');

beforeAll(async () => {
  db = await createTestDatabase();
  clipPath = await clip();
  clipBytes = (await stat(clipPath)).size;
  process.env.MAX_UPLOAD_BYTES = String(8 * 1024 * 1024);
  process.env.STORAGE_QUOTA_FREE_BYTES = String(QUOTA);
  process.env.MAX_VIDEOS_PER_PROJECT = String(MAX_VIDEOS);
  process.env.MAX_CONCURRENT_UPLOADS_PER_USER = String(MAX_UPLOADS);
  // Left by a crash two hours ago, and one of another gateway's uploads in flight.
  await writeFile(staleSpool(), 'half an upload');
  const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
  await utimes(staleSpool(), twoHoursAgo, twoHoursAgo);
  await writeFile(freshSpool(), 'an upload in flight');
  gw = await startGateway();
  await new Promise<void>((r) => gw.server.listen(0, '127.0.0.1', () => r()));
  port = (gw.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await gw?.close();
  await db?.drop();
});

async function newUserAndProject(): Promise<{ token: string; projectId: string }> {
  const { token } = await registerUser(gw.server);
  const projectId = (await createProject(gw.server, token)).id;
  return { token, projectId };
}

const upload = (token: string, projectId: string, file: string | Buffer = clipPath) =>
  request(gw.server)
    .post(`/api/v1/projects/${projectId}/videos`)
    .set('Authorization', `Bearer ${token}`)
    .attach('file', file, 'clip.mp4');

const spooled = async () => (await readdir(spoolDir())).sort();
const storedCount = (projectId: string) => db.prisma.videoFile.count({ where: { projectId } });

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface ErrorBody {
  message: string;
  details: Record<string, unknown>[];
}
type RawResponse = { status: number; headers: Record<string, unknown>; body: ErrorBody };

interface RawUpload {
  req: ClientRequest;
  response: Promise<RawResponse>;
}

/**
 * A multipart upload over a raw socket, so that the test decides what is sent: `declared` sets a
 * Content-Length (else the body is chunked), `head` is written at once and the rest is up to the
 * caller (req.write / req.end / req.destroy).
 */
function rawUpload(
  token: string,
  projectId: string,
  options: { declared?: number; head?: Buffer } = {},
): RawUpload {
  const boundary = 'vmpintake';
  const headers: Record<string, string> = {
    Authorization: `Bearer ${token}`,
    'Content-Type': `multipart/form-data; boundary=${boundary}`,
  };
  if (options.declared !== undefined) headers['Content-Length'] = String(options.declared);
  const req = httpRequest({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: `/api/v1/projects/${projectId}/videos`,
    headers,
  });
  const response = new Promise<RawResponse>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) }),
      );
    });
    req.on('error', reject);
  });
  response.catch(() => undefined);
  req.write(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="clip.mp4"\r\n` +
      `Content-Type: video/mp4\r\n\r\n`,
  );
  if (options.head) req.write(options.head);
  return { req, response };
}

function expectLimit(body: ErrorBody, limit: string, value: number, max: number): void {
  expect(body.details).toEqual([
    expect.objectContaining({ field: 'file', limit, value, max, problems: [expect.any(String)] }),
  ]);
}

describe('the upload spool at start', () => {
  it('removes a spooled file older than an hour and keeps a fresh one', async () => {
    const left = await spooled();
    expect(left).not.toContain(path.basename(staleSpool()));
    expect(left).toContain(path.basename(freshSpool()));
  });
});

describe('storage quota', () => {
  it('refuses a declared upload that cannot fit with 413, before the body is sent', async () => {
    const { token, projectId } = await newUserAndProject();
    expect((await upload(token, projectId)).status).toBe(201);
    const spoolBefore = await spooled();
    // Only the head of the body is sent: the answer cannot wait for the rest.
    const declared = 4 * 1024 * 1024;
    const { req, response } = rawUpload(token, projectId, { declared });
    const res = await response;
    req.destroy();
    expect(res.status).toBe(413);
    expect(res.body.message).toMatch(/storage quota/);
    const used = clipBytes;
    expectLimit(res.body, 'storageQuota', used + declared - 64 * 1024, QUOTA);
    expect(await spooled()).toEqual(spoolBefore);
    expect(await storedCount(projectId)).toBe(1);
  });

  it('stops a chunked upload (no size declared) once it passes the quota left, with 413', async () => {
    const { token, projectId } = await newUserAndProject();
    expect((await upload(token, projectId)).status).toBe(201);
    const spoolBefore = await spooled();
    const left = QUOTA - clipBytes;
    const { req, response } = rawUpload(token, projectId);
    const chunk = Buffer.alloc(64 * 1024, 7);
    let sent = 0;
    let answered = false;
    void response.finally(() => (answered = true));
    const pump = () => {
      while (!answered && sent < 64 * QUOTA) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end('\r\n--vmpintake--\r\n');
    };
    pump();
    const res = await response;
    req.destroy();
    expect(res.status).toBe(413);
    expectLimit(res.body, 'storageQuota', clipBytes + left + 1, QUOTA);
    // Refused while streaming: of 64 MiB offered, little more than the socket buffers was sent.
    expect(sent).toBeLessThan(16 * QUOTA);
    await until(async () => (await spooled()).join() === spoolBefore.join(), 'the spool to empty');
    expect(await storedCount(projectId)).toBe(1);
  });

  it('counts every project of the user, and accepts what still fits', async () => {
    const { token, projectId } = await newUserAndProject();
    const other = (await createProject(gw.server, token)).id;
    expect((await upload(token, projectId)).status).toBe(201);
    // One byte more than the quota left, in another project: refused while streaming.
    const res = await upload(token, other, Buffer.alloc(QUOTA - clipBytes + 1, 0));
    expect(res.status).toBe(413);
    expectLimit(res.body, 'storageQuota', QUOTA + 1, QUOTA);
    expect(await storedCount(other)).toBe(0);
    // What fits is still taken.
    expect((await upload(token, other)).status).toBe(201);
  });
});

describe('videos per project', () => {
  it(`refuses video number ${MAX_VIDEOS + 1} with 422 naming maxVideosPerProject`, async () => {
    const { token, projectId } = await newUserAndProject();
    for (let i = 0; i < MAX_VIDEOS; i++) expect((await upload(token, projectId)).status).toBe(201);
    const spoolBefore = await spooled();
    const res = await upload(token, projectId);
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/at most 2 videos/);
    expectLimit(res.body, 'maxVideosPerProject', MAX_VIDEOS + 1, MAX_VIDEOS);
    expect(await storedCount(projectId)).toBe(MAX_VIDEOS);
    expect(await spooled()).toEqual(spoolBefore);
    // Another project of the same user still takes videos.
    const other = (await createProject(gw.server, token)).id;
    expect((await upload(token, other)).status).toBe(201);
  });
});

describe('uploads in flight per user', () => {
  it(`answers 429 with Retry-After to upload number ${MAX_UPLOADS + 1}, and frees the slots`, async () => {
    const { token, projectId } = await newUserAndProject();
    const spoolBefore = await spooled();
    // Three slow uploads: each has sent some bytes (its spool file exists) and is still going.
    const slow = Array.from({ length: MAX_UPLOADS }, () =>
      rawUpload(token, projectId, { head: Buffer.alloc(16 * 1024, 1) }),
    );
    await until(
      async () => (await spooled()).length === spoolBefore.length + MAX_UPLOADS,
      'three uploads to be spooling',
    );
    try {
      // Answered before its body is read: sent raw, so the client does not write into a closed
      // socket (a whole file through supertest could end in EPIPE instead of the answer).
      const fourth = rawUpload(token, projectId, { head: Buffer.alloc(1024, 1) });
      const refused = await fourth.response;
      fourth.req.destroy();
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toMatch(/^\d+$/);
      expectLimit(refused.body, 'maxConcurrentUploads', MAX_UPLOADS + 1, MAX_UPLOADS);
      // Another user is not held back by this one.
      const stranger = await newUserAndProject();
      expect((await upload(stranger.token, stranger.projectId)).status).toBe(201);
    } finally {
      slow.forEach((s) => s.req.destroy());
    }
    await until(async () => (await spooled()).join() === spoolBefore.join(), 'the spool to empty');
    expect(await storedCount(projectId)).toBe(0);
    // The slots came back when the slow uploads ended.
    await until(async () => (await upload(token, projectId)).status === 201, 'a slot to free');
  });
});
