import request from 'supertest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startWorker, type TestWorker } from '../support/worker';
import { fund, registerUser } from '../support/factories';
import { isFinal, mixableProject, waitForJob } from '../support/mixing-project';
import { useSystem } from '../support/system';

jest.setTimeout(180_000);
process.env.SSE_HEARTBEAT_MS = '200';

const sys = useSystem({ billing: true, stopFirst: async () => worker?.close() });
let worker: TestWorker | undefined;
let base: string;

let token: string;
let auth: { Authorization: string };
let jobId: string;
let pendingJobId: string;
let pendingToken: string;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  await new Promise<void>((r) => sys.gw.server.listen(0, () => r()));
  base = `http://127.0.0.1:${(sys.gw.server.address() as AddressInfo).port}`;
  ({ token } = await (async () => {
    const u = await registerUser(sys.gw.server);
    await fund(sys.db.prisma, u.user.id, 500);
    return u;
  })());
  auth = { Authorization: `Bearer ${token}` };
  const projectId = await mixableProject(sys.gw, token, {
    settings: { metadata: { static: { campaign: '=HYPERLINK("x")' }, includeDynamic: true } },
  });
  // No worker yet: this job stays PENDING while the first tests look at it.
  jobId = (
    await request(sys.gw.server).post(`/api/v1/projects/${projectId}/jobs`).set(auth).expect(202)
  ).body.id;
  const other = await registerUser(sys.gw.server);
  await fund(sys.db.prisma, other.user.id, 500);
  pendingToken = other.token;
  const otherProject = await mixableProject(sys.gw, other.token);
  pendingJobId = (
    await request(sys.gw.server)
      .post(`/api/v1/projects/${otherProject}/jobs`)
      .set('Authorization', `Bearer ${other.token}`)
      .expect(202)
  ).body.id;
});

describe('while the job runs', () => {
  it('refuses its archive with 409, and another user gets 404', async () => {
    const res = await request(sys.gw.server)
      .get(`/api/v1/jobs/${jobId}/archive`)
      .set(auth)
      .expect(409);
    expect(res.body.message).toMatch(/PENDING/);
    await request(sys.gw.server).get(`/api/v1/jobs/${pendingJobId}/archive`).set(auth).expect(404);
    // Nor is there a link to it yet.
    const link = await request(sys.gw.server)
      .post(`/api/v1/jobs/${jobId}/archive/link`)
      .set(auth)
      .send({ expiresInSeconds: 60 })
      .expect(409);
    expect(link.body.message).toMatch(/PENDING/);
  });

  it('streams events to an EventSource-style client with a stream token: ids and heartbeats', async () => {
    const issued = await request(sys.gw.server)
      .post(`/api/v1/jobs/${pendingJobId}/events/token`)
      .set('Authorization', `Bearer ${pendingToken}`)
      .expect(201);
    expect(new Date(issued.body.expiresAt).getTime()).toBeGreaterThan(Date.now());
    // Someone else's token does not open this job's stream; nor does a token of another job.
    await request(sys.gw.server)
      .post(`/api/v1/jobs/${pendingJobId}/events/token`)
      .set(auth)
      .expect(404);
    const wrongJob = await fetch(
      `${base}/api/v1/jobs/${jobId}/events?token=${encodeURIComponent(issued.body.token)}`,
    );
    expect(wrongJob.status).toBe(401);

    const controller = new AbortController();
    const res = await fetch(
      `${base}/api/v1/jobs/${pendingJobId}/events?token=${encodeURIComponent(issued.body.token)}`,
      { signal: controller.signal },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!/: heartbeat\n\n/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString('utf8');
    }
    controller.abort();
    expect(text).toMatch(/^id: \d+\nevent: progress\ndata: \{.*"status":"PENDING"/m);
    expect(text).toContain(': heartbeat\n\n');
  });

  it('answers 401 without credentials or with a tampered stream token', async () => {
    expect((await fetch(`${base}/api/v1/jobs/${jobId}/events`)).status).toBe(401);
    expect((await fetch(`${base}/api/v1/jobs/${jobId}/events?token=x.1.abc`)).status).toBe(401);
  });
});

describe('once the job is done', () => {
  let outputs: { id: string; name: string; sha256: string; size: number }[];

  beforeAll(async () => {
    worker = await startWorker();
    const job = await waitForJob(sys.gw, token, jobId, isFinal);
    expect(job.status).toBe('COMPLETED');
    const manifest = await request(sys.gw.server)
      .get(`/api/v1/jobs/${jobId}/manifest`)
      .set(auth)
      .expect(200);
    outputs = manifest.body.outputs;
  });

  it('lists every output in the manifest: name, clips by group, duration, size, sha256, metadata', async () => {
    expect(outputs).toHaveLength(4);
    for (const o of outputs as unknown as Record<string, unknown>[]) {
      expect(o).toMatchObject({
        id: expect.any(String),
        name: expect.stringMatching(/^Campaign-000\d-.+\.mp4$/),
        durationSeconds: expect.any(Number),
        size: expect.any(Number),
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        metadata: expect.objectContaining({ campaign: '=HYPERLINK("x")', jobId }),
      });
      expect((o.clips as { groupName: string }[]).map((c) => c.groupName)).toEqual(['G0', 'G1']);
    }
    const csv = await request(sys.gw.server)
      .get(`/api/v1/jobs/${jobId}/manifest?format=csv`)
      .set(auth)
      .expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^id,index,name,duration_seconds,size_bytes,sha256,clip:G0,clip:G1,/);
    expect(lines[0]).toContain('metadata:campaign');
    // A formula is neutralised (leading apostrophe) and CSV-quoted.
    expect(lines[1]).toContain(`"'=HYPERLINK(""x"")"`);
    expect(lines[1]).toContain(outputs[0].sha256);
    await request(sys.gw.server)
      .get(`/api/v1/jobs/${jobId}/manifest?format=xml`)
      .set(auth)
      .expect(400);
  });

  it('streams a ZIP of every output plus manifest.csv whose bytes match the manifest', async () => {
    const res = await request(sys.gw.server)
      .get(`/api/v1/jobs/${jobId}/archive`)
      .set(auth)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers['content-type']).toBe('application/zip');
    const dir = await mkdtemp(path.join(tmpdir(), 'vmp-zip-'));
    const zip = path.join(dir, 'job.zip');
    await writeFile(zip, res.body as Buffer);
    const listing = execFileSync('unzip', ['-Z', '-v', zip], { encoding: 'utf8' });
    // Stored, not recompressed.
    expect(listing).not.toMatch(/compression method:\s+deflated/);
    const names = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).trim().split('\n');
    expect(names.sort()).toEqual([...outputs.map((o) => o.name), 'manifest.csv'].sort());
    execFileSync('unzip', ['-q', zip, '-d', path.join(dir, 'x')]);
    for (const o of outputs) {
      expect(sha256(await readFile(path.join(dir, 'x', o.name)))).toBe(o.sha256);
    }
    const csv = await readFile(path.join(dir, 'x', 'manifest.csv'), 'utf8');
    expect(csv.split('\r\n')).toHaveLength(6);
    await request(sys.gw.server)
      .get(`/api/v1/jobs/${jobId}/archive`)
      .set('Authorization', `Bearer ${pendingToken}`)
      .expect(404);
  });

  it('answers HEAD and sends ETag and Accept-Ranges on downloads; If-None-Match gets 304', async () => {
    const o = outputs[0];
    const head = await request(sys.gw.server)
      .head(`/api/v1/outputs/${o.id}/download`)
      .set(auth)
      .expect(200);
    expect(head.headers).toMatchObject({
      'content-length': String(o.size),
      'content-type': 'video/mp4',
      'accept-ranges': 'bytes',
      etag: `"${o.sha256}"`,
    });
    expect(head.text ?? '').toBe('');
    await request(sys.gw.server)
      .get(`/api/v1/outputs/${o.id}/download`)
      .set(auth)
      .set('If-None-Match', `"${o.sha256}"`)
      .expect(304);
  });

  it('makes a signed link that works without headers until it expires', async () => {
    const o = outputs[1];
    await request(sys.gw.server)
      .post(`/api/v1/outputs/${o.id}/link`)
      .set(auth)
      .send({ expiresInSeconds: 0 })
      .expect(400);
    await request(sys.gw.server)
      .post(`/api/v1/outputs/${o.id}/link`)
      .set(auth)
      .send({ expiresInSeconds: 7 * 86400 + 1 })
      .expect(400);
    await request(sys.gw.server)
      .post(`/api/v1/outputs/${o.id}/link`)
      .set('Authorization', `Bearer ${pendingToken}`)
      .send({ expiresInSeconds: 60 })
      .expect(404);
    const link = await request(sys.gw.server)
      .post(`/api/v1/outputs/${o.id}/link`)
      .set(auth)
      .send({ expiresInSeconds: 3600 })
      .expect(201);
    const expiresAt = new Date(link.body.expiresAt).getTime();
    expect(expiresAt).toBeGreaterThan(Date.now() + 3500_000);
    const url = new URL(link.body.url);
    const whole = await fetch(`${base}${url.pathname}${url.search}`);
    expect(whole.status).toBe(200);
    expect(sha256(Buffer.from(await whole.arrayBuffer()))).toBe(o.sha256);
    const part = await fetch(`${base}${url.pathname}${url.search}`, {
      headers: { Range: 'bytes=0-9' },
    });
    expect(part.status).toBe(206);
    expect((await part.arrayBuffer()).byteLength).toBe(10);

    const token = url.searchParams.get('token') as string;
    const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    expect((await fetch(`${base}${url.pathname}?token=${tampered}`)).status).toBe(403);
    expect(
      (await fetch(`${base}/api/v1/outputs/${outputs[0].id}/shared?token=${token}`)).status,
    ).toBe(403);
    expect((await fetch(`${base}${url.pathname}`)).status).toBe(403);

    const short = await request(sys.gw.server)
      .post(`/api/v1/outputs/${o.id}/link`)
      .set(auth)
      .send({ expiresInSeconds: 1 })
      .expect(201);
    const shortUrl = new URL(short.body.url);
    await new Promise((r) =>
      setTimeout(r, Math.max(0, new Date(short.body.expiresAt).getTime() - Date.now()) + 50),
    );
    expect((await fetch(`${base}${shortUrl.pathname}${shortUrl.search}`)).status).toBe(403);
  });

  it('makes a signed link to the archive: the ZIP streams without headers until it expires', async () => {
    const url = `/api/v1/jobs/${jobId}/archive/link`;
    for (const expiresInSeconds of [0, 7 * 86400 + 1, 'soon']) {
      const bad = await request(sys.gw.server)
        .post(url)
        .set(auth)
        .send({ expiresInSeconds })
        .expect(400);
      expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual(['expiresInSeconds']);
    }
    await request(sys.gw.server).post(url).send({ expiresInSeconds: 60 }).expect(401);
    await request(sys.gw.server)
      .post(url)
      .set('Authorization', `Bearer ${pendingToken}`)
      .send({ expiresInSeconds: 60 })
      .expect(404);
    const link = await request(sys.gw.server)
      .post(url)
      .set(auth)
      .send({ expiresInSeconds: 3600 })
      .expect(201);
    expect(new Date(link.body.expiresAt).getTime()).toBeGreaterThan(Date.now() + 3500_000);
    const shared = new URL(link.body.url);
    expect(shared.pathname).toBe(`/api/v1/jobs/${jobId}/archive/shared`);

    // No header at all: the ZIP, named, with every output (bytes as in the manifest).
    const res = await fetch(`${base}${shared.pathname}${shared.search}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="job-${jobId}.zip"`);
    const dir = await mkdtemp(path.join(tmpdir(), 'vmp-zip-'));
    const zip = path.join(dir, 'shared.zip');
    await writeFile(zip, Buffer.from(await res.arrayBuffer()));
    const names = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).trim().split('\n');
    expect(names.sort()).toEqual([...outputs.map((o) => o.name), 'manifest.csv'].sort());
    execFileSync('unzip', ['-q', zip, '-d', path.join(dir, 'x')]);
    for (const o of outputs) {
      expect(sha256(await readFile(path.join(dir, 'x', o.name)))).toBe(o.sha256);
    }

    // 403 for a tampered token, a token of another job, an output's token, or none; 400 for two.
    const token = shared.searchParams.get('token') as string;
    const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    const archiveOf = (id: string, query: string) =>
      fetch(`${base}/api/v1/jobs/${id}/archive/shared${query}`);
    expect((await archiveOf(jobId, `?token=${tampered}`)).status).toBe(403);
    expect((await archiveOf(pendingJobId, `?token=${token}`)).status).toBe(403);
    expect((await archiveOf(jobId, '')).status).toBe(403);
    const outputLink = await request(sys.gw.server)
      .post(`/api/v1/outputs/${outputs[0].id}/link`)
      .set(auth)
      .send({ expiresInSeconds: 60 })
      .expect(201);
    const outputToken = new URL(outputLink.body.url).searchParams.get('token') as string;
    expect((await archiveOf(outputs[0].id, `?token=${outputToken}`)).status).toBe(403);
    expect((await archiveOf(jobId, `?token=${outputToken}`)).status).toBe(403);
    const twice = await archiveOf(jobId, `?token=${token}&token=${token}`);
    expect(twice.status).toBe(400);
    expect(((await twice.json()) as { details: { field: string }[] }).details[0].field).toBe(
      'token',
    );

    // Expired: 403.
    const short = await request(sys.gw.server)
      .post(url)
      .set(auth)
      .send({ expiresInSeconds: 1 })
      .expect(201);
    const shortUrl = new URL(short.body.url);
    await new Promise((r) =>
      setTimeout(r, Math.max(0, new Date(short.body.expiresAt).getTime() - Date.now()) + 50),
    );
    expect((await fetch(`${base}${shortUrl.pathname}${shortUrl.search}`)).status).toBe(403);
  });

  it('serves a JPEG poster per output', async () => {
    const res = await request(sys.gw.server)
      .get(`/api/v1/outputs/${outputs[2].id}/poster`)
      .set(auth)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    const bytes = res.body as Buffer;
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    await request(sys.gw.server)
      .get(`/api/v1/outputs/${outputs[2].id}/poster`)
      .set('Authorization', `Bearer ${pendingToken}`)
      .expect(404);
  });

  it('sends the current state first on reconnect with Last-Event-ID, each event with an id', async () => {
    const first = await fetch(`${base}/api/v1/jobs/${jobId}/events`, { headers: auth });
    const text = await first.text();
    const id = /^id: (\d+)$/m.exec(text)?.[1];
    expect(id).toBeDefined();
    expect(text).toMatch(/event: status\ndata: .*"COMPLETED"/);
    const again = await fetch(`${base}/api/v1/jobs/${jobId}/events`, {
      headers: { ...auth, 'Last-Event-ID': id as string },
    });
    const blocks = (await again.text()).split('\n\n').filter((b) => b.startsWith('id: '));
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toContain('"COMPLETED"');
  });
});
