import request from 'supertest';
import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createProject, fund, projectSettings, registerUser } from '../support/factories';
import { clip } from '../support/clips';
import { FINAL_JOB_STATUSES } from '@app/contracts';
import { useSystem } from '../support/system';

jest.setTimeout(120_000);

const sys = useSystem({ billing: true, worker: true });

async function waitForJob(
  token: string,
  jobId: string,
  final: readonly string[] = FINAL_JOB_STATUSES,
) {
  for (let i = 0; i < 600; i++) {
    const res = await request(sys.gw.server)
      .get(`/api/v1/jobs/${jobId}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    if (final.includes(res.body.status)) return res.body;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`job ${jobId} did not finish`);
}

/** A project with 2 groups × 2 clips of mixed shapes and rates, ready to mix. */
async function mixableProject(token: string, settings: Record<string, unknown> = {}) {
  const auth = { Authorization: `Bearer ${token}` };
  const project = await createProject(sys.gw.server, token, {
    settings: projectSettings({ outputCount: 4, ...settings }),
  });
  const hooks = await request(sys.gw.server)
    .post(`/api/v1/projects/${project.id}/groups`)
    .set(auth)
    .send({ name: 'Hooks', order: 0 })
    .expect(201);
  const ctas = await request(sys.gw.server)
    .post(`/api/v1/projects/${project.id}/groups`)
    .set(auth)
    .send({ name: 'CTAs', order: 1 })
    .expect(201);
  const clips = [
    [hooks.body.id, await clip({ width: 320, height: 180, fps: 25 })],
    [hooks.body.id, await clip({ width: 180, height: 320, fps: 30, container: 'mov' })],
    [
      ctas.body.id,
      await clip({ width: 240, height: 240, fps: 24, audio: false, container: 'mkv' }),
    ],
    [ctas.body.id, await clip({ width: 320, height: 180, fps: 60, rotate: 90 })],
  ];
  for (const [groupId, file] of clips) {
    await request(sys.gw.server)
      .post(`/api/v1/projects/${project.id}/videos`)
      .set(auth)
      .field('groupId', groupId)
      .attach('file', file)
      .expect(201);
  }
  return project.id;
}

describe('a new user goes from register to downloaded outputs through the API', () => {
  it('estimates, mixes 4 distinct outputs, reports progress, and serves them with Range', async () => {
    const { token, user } = await registerUser(sys.gw.server);
    await fund(sys.db.prisma, user.id, 100);
    const auth = { Authorization: `Bearer ${token}` };
    const projectId = await mixableProject(token);

    const estimate = await request(sys.gw.server)
      .post(`/api/v1/projects/${projectId}/jobs/estimate`)
      .set(auth)
      .expect(200);
    expect(estimate.body).toMatchObject({ outputs: 4, combinationsAvailable: 4, credits: 4 });
    expect(
      (await request(sys.gw.server).get('/api/v1/billing/balance').set(auth).expect(200)).body
        .credits,
    ).toBe(100);

    const created = await request(sys.gw.server)
      .post(`/api/v1/projects/${projectId}/jobs`)
      .set(auth)
      .expect(202);
    expect(created.body).toMatchObject({
      status: 'PENDING',
      outputCount: 4,
      creditsReserved: 4,
      progress: 0,
    });
    expect(
      (await request(sys.gw.server).get(`/api/v1/projects/${projectId}`).set(auth)).body.status,
    ).toBe('PROCESSING');

    const job = await waitForJob(token, created.body.id);
    expect(job).toMatchObject({ status: 'COMPLETED', progress: 100, errorMessage: null });
    expect(job.startedAt).not.toBeNull();
    expect(job.outputs).toHaveLength(4);
    const combos = job.outputs.map((o: { sourceFiles: string[] }) => o.sourceFiles.join('+'));
    expect(new Set(combos).size).toBe(4);
    expect(
      (await request(sys.gw.server).get(`/api/v1/projects/${projectId}`).set(auth)).body.status,
    ).toBe('COMPLETED');
    expect(
      (await request(sys.gw.server).get('/api/v1/billing/balance').set(auth)).body.credits,
    ).toBe(96);

    const outputs = await request(sys.gw.server)
      .get(`/api/v1/jobs/${job.id}/outputs`)
      .set(auth)
      .expect(200);
    const first = outputs.body[0];
    expect(first.metadata).toMatchObject({ campaign: 'test', jobId: job.id });

    const whole = await request(sys.gw.server)
      .get(`/api/v1/outputs/${first.id}/download`)
      .set(auth)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(whole.headers['content-type']).toBe('video/mp4');
    expect(Number(whole.headers['content-length'])).toBe(first.size);
    const dir = await mkdtemp(path.join(tmpdir(), 'vmp-dl-'));
    const file = path.join(dir, 'out.mp4');
    await writeFile(file, whole.body as Buffer);
    expect(
      execFileSync('ffmpeg', ['-v', 'error', '-xerror', '-i', file, '-f', 'null', '-'], {
        encoding: 'utf8',
      }),
    ).toBe('');
    const tags = JSON.parse(
      execFileSync('ffprobe', ['-v', 'error', '-show_format', '-of', 'json', file], {
        encoding: 'utf8',
      }),
    ).format.tags;
    expect(tags.campaign).toBe('test');

    const part = await request(sys.gw.server)
      .get(`/api/v1/outputs/${first.id}/download`)
      .set(auth)
      .set('Range', 'bytes=10-19')
      .buffer(true)
      .parse(binary)
      .expect(206);
    expect(part.headers['content-range']).toBe(`bytes 10-19/${first.size}`);
    expect((part.body as Buffer).equals((whole.body as Buffer).subarray(10, 20))).toBe(true);
    await request(sys.gw.server)
      .get(`/api/v1/outputs/${first.id}/download`)
      .set(auth)
      .set('Range', `bytes=${first.size}-`)
      .expect(416);

    const other = await registerUser(sys.gw.server);
    await request(sys.gw.server)
      .get(`/api/v1/outputs/${first.id}/download`)
      .set('Authorization', `Bearer ${other.token}`)
      .expect(404);
    await request(sys.gw.server)
      .get(`/api/v1/jobs/${job.id}`)
      .set('Authorization', `Bearer ${other.token}`)
      .expect(404);
  });
});

function binary(res: request.Response, cb: (e: Error | null, body: Buffer) => void) {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}
