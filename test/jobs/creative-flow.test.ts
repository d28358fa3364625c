import request from 'supertest';
import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FINAL_JOB_STATUSES } from '@app/contracts';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startGateway, type TestGateway } from '../support/gateway';
import { startBilling, type TestBilling } from '../support/billing';
import { startWorker, type TestWorker } from '../support/worker';
import { createProject, fund, projectSettings, registerUser } from '../support/factories';
import { clip } from '../support/clips';

jest.setTimeout(240_000);

let db: TestDatabase;
let gw: TestGateway;
let billing: TestBilling;
let worker: TestWorker | undefined;
let dir: string;
let logo: string;
let music: string;

beforeAll(async () => {
  db = await createTestDatabase();
  billing = await startBilling();
  gw = await startGateway();
  worker = await startWorker();
  dir = await mkdtemp(path.join(tmpdir(), 'creative-flow-'));
  logo = path.join(dir, 'logo.png');
  music = path.join(dir, 'music.mp3');
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'color=red:s=128x64',
    '-frames:v',
    '1',
    logo,
  ]);
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=f=440:d=6', music]);
});
afterAll(async () => {
  await worker?.close();
  await gw?.close();
  await billing?.close();
  await db?.drop();
});

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function waitForJob(token: string, jobId: string) {
  for (let i = 0; i < 1000; i++) {
    const res = await request(gw.server)
      .get(`/api/v1/jobs/${jobId}`)
      .set(bearer(token))
      .expect(200);
    if (FINAL_JOB_STATUSES.includes(res.body.status)) return res.body;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`job ${jobId} did not finish`);
}

/** Two groups (2 hooks × 1 CTA): two combinations. */
async function mixableProject(token: string, settings: Record<string, unknown> = {}) {
  const project = await createProject(gw.server, token, {
    settings: projectSettings({ outputCount: 2, ...settings }),
  });
  const group = async (name: string, order: number) =>
    (
      await request(gw.server)
        .post(`/api/v1/projects/${project.id}/groups`)
        .set(bearer(token))
        .send({ name, order })
        .expect(201)
    ).body.id as string;
  const hooks = await group('Hooks', 0);
  const ctas = await group('CTAs', 1);
  const videos: string[] = [];
  for (const [groupId, file] of [
    [hooks, await clip({ width: 320, height: 180, fps: 25 })],
    [hooks, await clip({ width: 180, height: 320, fps: 30 })],
    [ctas, await clip({ width: 240, height: 240, fps: 24 })],
  ]) {
    const res = await request(gw.server)
      .post(`/api/v1/projects/${project.id}/videos`)
      .set(bearer(token))
      .field('groupId', groupId)
      .attach('file', file)
      .expect(201);
    videos.push(res.body.id);
  }
  return { projectId: project.id, videos };
}

const upload = (token: string, projectId: string, file: string) =>
  request(gw.server)
    .post(`/api/v1/projects/${projectId}/assets`)
    .set(bearer(token))
    .attach('file', file);

function frameSize(file: string): string {
  return execFileSync('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=width,height',
    '-of',
    'csv=p=0:s=x',
    file,
  ])
    .toString()
    .trim();
}

function binary(res: request.Response, cb: (e: Error | null, body: Buffer) => void) {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}

describe('brand assets', () => {
  it('accepts a PNG logo and an MP3 track, lists them, and refuses a video or a text file', async () => {
    const { token } = await registerUser(gw.server);
    const { projectId } = await mixableProject(token);

    const image = await upload(token, projectId, logo).expect(201);
    expect(image.body).toMatchObject({
      kind: 'image',
      format: 'png',
      resolution: '128x64',
      originalName: 'logo.png',
    });
    const sound = await upload(token, projectId, music).expect(201);
    expect(sound.body).toMatchObject({ kind: 'audio', format: 'mp3', resolution: null });
    expect(sound.body.duration).toBeGreaterThan(5);

    const listed = await request(gw.server)
      .get(`/api/v1/projects/${projectId}/assets`)
      .set(bearer(token))
      .expect(200);
    expect(listed.body.total).toBe(2);
    expect(listed.body.items.map((a: { id: string }) => a.id).sort()).toEqual(
      [image.body.id, sound.body.id].sort(),
    );

    const video = await upload(token, projectId, await clip({ width: 64, height: 64 })).expect(400);
    expect(video.body.details).toEqual([
      { field: 'file', problems: [expect.stringContaining('video')] },
    ]);
    const text = path.join(dir, 'notes.txt');
    await writeFile(text, 'not an image\n');
    const refused = await upload(token, projectId, text).expect(415);
    expect(refused.body.details[0].field).toBe('file');

    // Another user sees none of it.
    const other = await registerUser(gw.server);
    await request(gw.server)
      .get(`/api/v1/projects/${projectId}/assets`)
      .set(bearer(other.token))
      .expect(404);

    // Deleting one the settings use is refused; once unused it goes.
    await request(gw.server)
      .patch(`/api/v1/projects/${projectId}`)
      .set(bearer(token))
      .send({
        settings: projectSettings({ outputCount: 2, watermark: { assetId: image.body.id } }),
      })
      .expect(200);
    await request(gw.server)
      .delete(`/api/v1/projects/${projectId}/assets/${image.body.id}`)
      .set(bearer(token))
      .expect(409);
    await request(gw.server)
      .delete(`/api/v1/projects/${projectId}/assets/${sound.body.id}`)
      .set(bearer(token))
      .expect(204);
  });

  it('refuses settings naming an unknown asset, or an asset of the wrong kind, with 400 naming the field', async () => {
    const { token } = await registerUser(gw.server);
    const { projectId } = await mixableProject(token);
    const image = await upload(token, projectId, logo).expect(201);
    const unknown = await request(gw.server)
      .patch(`/api/v1/projects/${projectId}`)
      .set(bearer(token))
      .send({ settings: projectSettings({ watermark: { assetId: 'no-such-asset' } }) })
      .expect(400);
    expect(unknown.body.details).toEqual([
      { field: 'settings.watermark.assetId', problems: [expect.stringContaining('no asset')] },
    ]);
    const wrongKind = await request(gw.server)
      .patch(`/api/v1/projects/${projectId}`)
      .set(bearer(token))
      .send({ settings: projectSettings({ music: { assetId: image.body.id } }) })
      .expect(400);
    expect(wrongKind.body.details[0].field).toBe('settings.music.assetId');
    const badFill = await request(gw.server)
      .patch(`/api/v1/projects/${projectId}`)
      .set(bearer(token))
      .send({ settings: projectSettings({ fill: 'stretch' }) })
      .expect(400);
    expect(JSON.stringify(badFill.body.details)).toContain('fill');
    // HEVC is written to MP4 and MOV only: an AVI rendition asking for it is refused up front.
    const hevcAvi = await request(gw.server)
      .patch(`/api/v1/projects/${projectId}`)
      .set(bearer(token))
      .send({
        settings: projectSettings({
          renditions: [
            { format: 'MP4', quality: 'LOW', codec: 'hevc' },
            { format: 'AVI', quality: 'LOW', codec: 'hevc' },
          ],
        }),
      })
      .expect(400);
    expect(hevcAvi.body.details).toEqual([
      { field: 'settings.renditions.1.codec', problems: [expect.stringContaining('not AVI')] },
    ]);
  });
});

describe('a job with a logo, music, loudness, blur fill and two renditions', () => {
  it('prices combinations × renditions and renders each combination in each shape', async () => {
    const { token, user } = await registerUser(gw.server);
    await fund(db.prisma, user.id, 100);
    const { projectId, videos } = await mixableProject(token);
    const image = await upload(token, projectId, logo).expect(201);
    const sound = await upload(token, projectId, music).expect(201);
    await request(gw.server)
      .patch(`/api/v1/projects/${projectId}`)
      .set(bearer(token))
      .send({
        settings: projectSettings({
          outputCount: 2,
          quality: 'LOW',
          renditions: [
            { aspectRatio: '9:16', format: 'MP4', quality: 'LOW' },
            { aspectRatio: '1:1', format: 'MP4', quality: 'MEDIUM' },
          ],
          watermark: { assetId: image.body.id, position: 'top-right', scale: 0.2 },
          music: { assetId: sound.body.id, volume: 0.3 },
          loudness: {},
          fill: 'blur',
          captions: { position: 'bottom' },
        }),
      })
      .expect(200);
    await request(gw.server)
      .patch(`/api/v1/projects/${projectId}/videos/${videos[0]}`)
      .set(bearer(token))
      .send({ caption: 'Shop now — اشتر الآن', focus: { x: 0.5, y: 0.3 } })
      .expect(200)
      .expect((res) =>
        expect(res.body).toMatchObject({
          caption: 'Shop now — اشتر الآن',
          focus: { x: 0.5, y: 0.3 },
        }),
      );

    // Each short output costs one block per rendition: LOW 1 + MEDIUM 2, for 2 combinations.
    const estimate = await request(gw.server)
      .post(`/api/v1/projects/${projectId}/jobs/estimate`)
      .set(bearer(token))
      .expect(200);
    expect(estimate.body).toMatchObject({
      outputs: 4,
      combinationsAvailable: 2,
      credits: 2 * (1 + 2),
    });

    const created = await request(gw.server)
      .post(`/api/v1/projects/${projectId}/jobs`)
      .set(bearer(token))
      .expect(202);
    expect(created.body).toMatchObject({ outputCount: 4, creditsReserved: 6 });
    const job = await waitForJob(token, created.body.id);
    expect(job).toMatchObject({ status: 'COMPLETED', progress: 100 });
    expect(job.outputs).toHaveLength(4);
    const byRendition = (r: number) =>
      job.outputs.filter((o: { rendition: number }) => o.rendition === r);
    expect(byRendition(0)).toHaveLength(2);
    expect(byRendition(1)).toHaveLength(2);
    expect(
      new Set(
        job.outputs.map(
          (o: { combinationIndex: number; rendition: number }) =>
            `${o.combinationIndex}:${o.rendition}`,
        ),
      ).size,
    ).toBe(4);

    for (const output of job.outputs as { id: string; rendition: number }[]) {
      const body = await request(gw.server)
        .get(`/api/v1/outputs/${output.id}/download`)
        .set(bearer(token))
        .buffer(true)
        .parse(binary)
        .expect(200);
      const file = path.join(dir, `${output.id}.mp4`);
      await writeFile(file, body.body as Buffer);
      expect(frameSize(file)).toBe(output.rendition === 0 ? '480x854' : '720x720');
    }
    // All recorded outputs charged: nothing refunded.
    expect(
      (await request(gw.server).get('/api/v1/billing/balance').set(bearer(token))).body.credits,
    ).toBe(94);
  });
});

describe('several jobs of one project', () => {
  it('runs as many at a time as the licence allows (PREMIUM: 3); FREE’s second is refused by billing (409)', async () => {
    // No worker: the jobs stay PENDING, so "at a time" does not depend on how fast they run.
    await worker?.close();
    worker = undefined;
    const premium = await registerUser(gw.server);
    await fund(db.prisma, premium.user.id, 100, 'PREMIUM');
    const { projectId } = await mixableProject(premium.token, { outputCount: 1 });
    const start = () =>
      request(gw.server).post(`/api/v1/projects/${projectId}/jobs`).set(bearer(premium.token));
    const jobs = [
      (await start().expect(202)).body.id,
      (await start().expect(202)).body.id,
      (await start().expect(202)).body.id,
    ];
    expect(new Set(jobs).size).toBe(3);
    const fourth = await start().expect(409);
    expect(fourth.body.message).toContain('3 jobs at a time');

    const free = await registerUser(gw.server);
    await fund(db.prisma, free.user.id, 100, 'FREE');
    const freeProject = await mixableProject(free.token, { outputCount: 1 });
    const startFree = () =>
      request(gw.server)
        .post(`/api/v1/projects/${freeProject.projectId}/jobs`)
        .set(bearer(free.token));
    await startFree().expect(202);
    const second = await startFree().expect(409);
    expect(second.body.message).toContain('1 job at a time');

    // A worker picks them all up: the PREMIUM project's three jobs complete side by side.
    worker = await startWorker();
    for (const id of jobs) expect((await waitForJob(premium.token, id)).status).toBe('COMPLETED');
  });
});
