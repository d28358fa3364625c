import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, readFile, stat, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startGateway, type TestGateway } from '../support/gateway';
import { createProject, registerUser } from '../support/factories';
import { clip } from '../support/clips';
import { binaryBody } from '../support/http';

let db: TestDatabase;
let gw: TestGateway;
let token: string;
let projectId: string;
let scratch: string;

const LIMIT = 4 * 1024 * 1024;

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.MAX_UPLOAD_BYTES = String(LIMIT);
  gw = await startGateway();
  ({ token } = await registerUser(gw.server));
  projectId = (await createProject(gw.server, token)).id;
  scratch = await mkdtemp(path.join(tmpdir(), 'vmp-upload-'));
});
afterAll(async () => {
  await gw?.close();
  await db?.drop();
});

const upload = (
  file: string | Buffer,
  name = 'clip.mp4',
  fields: Record<string, string> = {},
  auth = token,
) => {
  const req = request(gw.server)
    .post(`/api/v1/projects/${projectId}/videos`)
    .set('Authorization', `Bearer ${auth}`);
  for (const [k, v] of Object.entries(fields)) req.field(k, v);
  return req.attach('file', file, name);
};

/** Every file under the storage root except the temp folder. */
async function storedFiles(): Promise<string[]> {
  const root = process.env.STORAGE_DIR!;
  const all = (await readdir(root, { recursive: true })) as string[];
  const files: string[] = [];
  for (const f of all)
    if (!f.startsWith('.tmp') && (await stat(path.join(root, f))).isFile()) files.push(f);
  const tmp = await readdir(path.join(root, '.tmp')).catch(() => []);
  const spooled = await readdir(process.env.UPLOAD_TMP_DIR!).catch(() => []);
  return [...files, ...tmp.map((t) => `.tmp/${t}`), ...spooled.map((t) => `spool/${t}`)];
}

async function expectNothingLeft(before: string[], videosBefore: number) {
  expect(await storedFiles()).toEqual(before);
  expect(await db.prisma.videoFile.count({ where: { projectId } })).toBe(videosBefore);
}

describe('uploads accepted and probed', () => {
  const cases = [
    {
      name: 'landscape 25 fps MP4 with audio',
      spec: { width: 320, height: 180, fps: 25, container: 'mp4' as const },
      format: 'mp4',
      resolution: '320x180',
    },
    {
      name: 'portrait 30 fps MOV',
      spec: { width: 180, height: 320, fps: 30, container: 'mov' as const },
      format: 'mov',
      resolution: '180x320',
    },
    {
      name: 'silent 24 fps MKV',
      spec: { width: 240, height: 240, fps: 24, audio: false, container: 'mkv' as const },
      format: 'mkv',
      resolution: '240x240',
    },
    {
      name: '60 fps WebM',
      spec: { width: 320, height: 180, fps: 60, container: 'webm' as const },
      format: 'webm',
      resolution: '320x180',
    },
    {
      name: 'MP4 rotated 90° (phone portrait)',
      spec: { width: 320, height: 180, fps: 30, container: 'mp4' as const, rotate: 90 as const },
      format: 'mp4',
      resolution: '180x320',
    },
  ];
  for (const c of cases) {
    it(`accepts a ${c.name}`, async () => {
      const file = await clip({ durationSeconds: 2, ...c.spec });
      const res = await upload(file, `my clip.${c.spec.container}`).expect(201);
      expect(res.body).toMatchObject({
        originalName: `my clip.${c.spec.container}`,
        format: c.format,
        resolution: c.resolution,
        groupId: null,
      });
      expect(res.body.duration).toBeGreaterThan(1.9);
      expect(res.body.duration).toBeLessThan(2.2);
      expect(res.body.size).toBe((await stat(file)).size);
      const row = await db.prisma.videoFile.findUniqueOrThrow({ where: { id: res.body.id } });
      expect(row.path).toMatch(/^file:\/\/\//);
      expect(row.filename).not.toContain('my clip');
      expect(await readFile(fileURLToPath(row.path))).toEqual(await readFile(file));
    });
  }

  it('puts the video in the group named by groupId', async () => {
    const group = await request(gw.server)
      .post(`/api/v1/projects/${projectId}/groups`)
      .set('Authorization', `Bearer ${token}`)
      .send({ name: 'Hooks', order: 0 })
      .expect(201);
    const res = await upload(await clip(), 'hook.mp4', { groupId: group.body.id }).expect(201);
    expect(res.body.groupId).toBe(group.body.id);
  });

  it('takes concurrent uploads to one project (as many as a user may have in flight: 3)', async () => {
    const file = await clip();
    const before = await db.prisma.videoFile.count({ where: { projectId } });
    const results = await Promise.all([1, 2, 3].map((i) => upload(file, `c${i}.mp4`)));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(await db.prisma.videoFile.count({ where: { projectId } })).toBe(before + 3);
  });
});

describe('uploads refused, leaving nothing behind', () => {
  let before: string[];
  let videosBefore: number;
  beforeEach(async () => {
    before = await storedFiles();
    videosBefore = await db.prisma.videoFile.count({ where: { projectId } });
  });

  it('refuses a text file named .mp4 with 400', async () => {
    const res = await upload(
      Buffer.from('just some text, not a video at all\n'.repeat(20)),
      'fake.mp4',
    ).expect(400);
    expect(res.body.details[0].field).toBe('file');
    await expectNothingLeft(before, videosBefore);
  });

  it('refuses a zero-byte file with 400', async () => {
    const res = await upload(Buffer.alloc(0), 'empty.mp4').expect(400);
    expect(res.body.message).toMatch(/empty/);
    await expectNothingLeft(before, videosBefore);
  });

  it('refuses a truncated MP4 (header intact, data cut) with 400', async () => {
    const whole = await readFile(await clip({ durationSeconds: 3 }));
    const res = await upload(whole.subarray(0, Math.floor(whole.length * 0.6)), 'cut.mp4').expect(
      400,
    );
    expect(res.body.message).toMatch(/truncated|damaged|corrupt/i);
    await expectNothingLeft(before, videosBefore);
  });

  it('refuses a truncated MKV with 400', async () => {
    const whole = await readFile(await clip({ durationSeconds: 3, container: 'mkv' }));
    await upload(whole.subarray(0, Math.floor(whole.length * 0.5)), 'cut.mkv').expect(400);
    await expectNothingLeft(before, videosBefore);
  });

  it('refuses an audio-only file (no video stream) with 400', async () => {
    const { execFileSync } = await import('node:child_process');
    const audio = path.join(scratch, 'tone.m4a');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=duration=1', '-y', audio]);
    await upload(audio, 'tone.mp4').expect(400);
    await expectNothingLeft(before, videosBefore);
  });

  it('refuses an FLV (a real video stream in an unsupported container) with 415', async () => {
    const { execFileSync } = await import('node:child_process');
    const flv = path.join(scratch, 'clip.flv');
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=64x64:rate=10:duration=1',
      '-c:v',
      'libx264',
      '-y',
      flv,
    ]);
    const res = await upload(flv, 'clip.mp4').expect(415);
    // The sandbox parses only the accepted containers: the FLV is refused without being named.
    expect(res.body.message).toMatch(/unsupported container; accepted: mp4/);
    await expectNothingLeft(before, videosBefore);
  });

  it('refuses an animated GIF (a still-image codec) with 400', async () => {
    const { execFileSync } = await import('node:child_process');
    const gif = path.join(scratch, 'anim.gif');
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=64x64:rate=10:duration=1',
      '-y',
      gif,
    ]);
    const res = await upload(gif, 'anim.gif').expect(400);
    expect(res.body.message).toMatch(/not a usable video/);
    await expectNothingLeft(before, videosBefore);
  });

  it('refuses a body that is not multipart with 415', async () => {
    await request(gw.server)
      .post(`/api/v1/projects/${projectId}/videos`)
      .set('Authorization', `Bearer ${token}`)
      .send({ file: 'x' })
      .expect(415);
    await expectNothingLeft(before, videosBefore);
  });

  it('refuses a missing file part with 400', async () => {
    const res = await request(gw.server)
      .post(`/api/v1/projects/${projectId}/videos`)
      .set('Authorization', `Bearer ${token}`)
      .field('groupId', 'x')
      .expect(400);
    expect(res.body.message).toMatch(/file/);
    await expectNothingLeft(before, videosBefore);
  });

  it('refuses an unknown group with 400 and keeps no file', async () => {
    const res = await upload(await clip(), 'x.mp4', { groupId: 'no-such-group' }).expect(400);
    expect(res.body.details[0].field).toBe('groupId');
    await expectNothingLeft(before, videosBefore);
  });

  it('refuses a path-traversal file name by ignoring it: the stored name is generated', async () => {
    const res = await upload(await clip(), '../../../../etc/evil.mp4').expect(201);
    expect(res.body.originalName).toBe('evil.mp4');
    const row = await db.prisma.videoFile.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(fileURLToPath(row.path).startsWith(path.resolve(process.env.STORAGE_DIR!))).toBe(true);
    await request(gw.server)
      .delete(`/api/v1/projects/${projectId}/videos/${res.body.id}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(204);
    await expectNothingLeft(before, videosBefore);
  });

  it('answers 404 for another user’s project and stores nothing', async () => {
    const other = await registerUser(gw.server);
    await upload(await clip(), 'x.mp4', {}, other.token).expect(404);
    await expectNothingLeft(before, videosBefore);
  });

  it('cleans up after a client that disconnects mid-upload', async () => {
    const server = gw.server.listening
      ? gw.server
      : await new Promise<typeof gw.server>((r) => gw.server.listen(0, () => r(gw.server)));
    const { port } = server.address() as AddressInfo;
    const boundary = 'vmpboundary';
    await new Promise<void>((resolve) => {
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/api/v1/projects/${projectId}/videos`,
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
          'Content-Length': String(10 * 1024 * 1024),
        },
      });
      req.on('error', () => resolve());
      req.write(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
      );
      req.write(Buffer.alloc(256 * 1024, 1));
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 300);
    });
    // The server notices the close asynchronously; wait until its temp file is gone.
    for (let i = 0; i < 50 && (await storedFiles()).length !== before.length; i++)
      await new Promise((r) => setTimeout(r, 100));
    await expectNothingLeft(before, videosBefore);
  });
});

/** Streams a multipart upload of `total` bytes chunk by chunk until the server answers. */
async function streamUpload(
  total: number,
): Promise<{ status: number; body: string; sent: number }> {
  const server = gw.server.listening
    ? gw.server
    : await new Promise<typeof gw.server>((r) => gw.server.listen(0, () => r(gw.server)));
  const { port } = server.address() as AddressInfo;
  const boundary = 'vmpboundary';
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: `/api/v1/projects/${projectId}/videos`,
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
      },
    });
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, sent }));
    });
    req.on('error', (e) => (answered ? undefined : reject(e)));
    req.write(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\n\r\n`,
    );
    const chunk = Buffer.alloc(64 * 1024, 7);
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end(`\r\n--${boundary}--\r\n`);
    };
    pump();
  });
}

describe('size limit', () => {
  it('answers 413 once the file passes MAX_UPLOAD_BYTES, stops reading, and keeps nothing', async () => {
    const before = await storedFiles();
    const total = LIMIT * 8;
    const res = await streamUpload(total);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).message).toMatch(/larger than/);
    expect(res.sent).toBeLessThan(total);
    for (let i = 0; i < 50 && (await storedFiles()).length !== before.length; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await storedFiles()).toEqual(before);
  });
});

describe('listing, moving and deleting', () => {
  it('lists with paging and a group filter, moves a video, then deletes row and file', async () => {
    const auth = { Authorization: `Bearer ${token}` };
    const g = await request(gw.server)
      .post(`/api/v1/projects/${projectId}/groups`)
      .set(auth)
      .send({ name: 'Bodies', order: 5 })
      .expect(201);
    const v = (await upload(await clip(), 'move-me.mp4').expect(201)).body;
    const page = await request(gw.server)
      .get(`/api/v1/projects/${projectId}/videos?page=1&limit=2`)
      .set(auth)
      .expect(200);
    expect(page.body.items).toHaveLength(2);
    expect(page.body.total).toBeGreaterThan(2);
    await request(gw.server)
      .patch(`/api/v1/projects/${projectId}/videos/${v.id}`)
      .set(auth)
      .send({ groupId: g.body.id })
      .expect(200);
    const inGroup = await request(gw.server)
      .get(`/api/v1/projects/${projectId}/videos?groupId=${g.body.id}`)
      .set(auth)
      .expect(200);
    expect(inGroup.body.items.map((i: { id: string }) => i.id)).toEqual([v.id]);
    await request(gw.server)
      .patch(`/api/v1/projects/${projectId}/videos/${v.id}`)
      .set(auth)
      .send({ groupId: null })
      .expect(200);
    const row = await db.prisma.videoFile.findUniqueOrThrow({ where: { id: v.id } });
    expect(row.groupId).toBeNull();
    await request(gw.server)
      .delete(`/api/v1/projects/${projectId}/videos/${v.id}`)
      .set(auth)
      .expect(204);
    await expect(stat(fileURLToPath(row.path))).rejects.toThrow();
    await request(gw.server)
      .delete(`/api/v1/projects/${projectId}/videos/${v.id}`)
      .set(auth)
      .expect(404);
  });

  it('answers 404 to another user on list, move and delete', async () => {
    const other = await registerUser(gw.server);
    const v = (await upload(await clip(), 'mine.mp4').expect(201)).body;
    const auth = { Authorization: `Bearer ${other.token}` };
    await request(gw.server).get(`/api/v1/projects/${projectId}/videos`).set(auth).expect(404);
    await request(gw.server)
      .patch(`/api/v1/projects/${projectId}/videos/${v.id}`)
      .set(auth)
      .send({ groupId: null })
      .expect(404);
    await request(gw.server)
      .delete(`/api/v1/projects/${projectId}/videos/${v.id}`)
      .set(auth)
      .expect(404);
  });
});

/** The width in a JPEG's start-of-frame marker (SOF0..SOF15, not DHT/JPG/DAC). */
function jpegWidth(jpeg: Buffer): number {
  let i = 2;
  while (i + 9 < jpeg.length) {
    if (jpeg[i] !== 0xff) throw new Error(`not a JPEG marker at ${i}`);
    const marker = jpeg[i + 1];
    const length = jpeg.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker))
      return jpeg.readUInt16BE(i + 7);
    i += 2 + length;
  }
  throw new Error('no start-of-frame marker');
}

describe('thumbnails', () => {
  const thumbnailOf = (videoId: string, auth = token) =>
    request(gw.server)
      .get(`/api/v1/projects/${projectId}/videos/${videoId}/thumbnail`)
      .set('Authorization', `Bearer ${auth}`)
      .buffer(true)
      .parse(binaryBody);

  it('gives an uploaded clip a 320 px wide JPEG, private to its owner', async () => {
    const v = (await upload(await clip({ durationSeconds: 2 }), 'thumb.mp4').expect(201)).body;
    const res = await thumbnailOf(v.id).expect(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['cache-control']).toBe('private, max-age=86400');
    const jpeg = res.body as Buffer;
    expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect(jpegWidth(jpeg)).toBe(320);
    const other = await registerUser(gw.server);
    await thumbnailOf(v.id, other.token).expect(404);
  });

  it('deletes the thumbnail with its video', async () => {
    const v = (await upload(await clip(), 'gone.mp4').expect(201)).body;
    await thumbnailOf(v.id).expect(200);
    const { filename } = await db.prisma.videoFile.findUniqueOrThrow({ where: { id: v.id } });
    expect((await storedFiles()).filter((f) => f.includes(filename))).toHaveLength(2);
    await request(gw.server)
      .delete(`/api/v1/projects/${projectId}/videos/${v.id}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(204);
    await thumbnailOf(v.id).expect(404);
    expect((await storedFiles()).filter((f) => f.includes(filename))).toEqual([]);
  });
});
