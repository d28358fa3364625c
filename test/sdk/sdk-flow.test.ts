import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ApiError, createClient, ok, videoUpload, type SdkClient } from '@app/sdk';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startGateway, type TestGateway } from '../support/gateway';
import { startBilling, type TestBilling } from '../support/billing';
import { startWorker, type TestWorker } from '../support/worker';
import { fund } from '../support/factories';
import { clip } from '../support/clips';
import { Receiver } from '../webhooks/receiver';

jest.setTimeout(180_000);

// The webhook receiver runs on 127.0.0.1 (allowed in tests only); retries come fast.
Object.assign(process.env, {
  WEBHOOK_ALLOW_PRIVATE: 'true',
  WEBHOOK_RETRY_SCHEDULE_MS: '300,300,300',
  WEBHOOK_POLL_INTERVAL_MS: '100',
});
const receiver = new Receiver();
let receiverUrl: string;

let db: TestDatabase;
let gw: TestGateway;
let billing: TestBilling;
let worker: TestWorker;
let baseUrl: string;

beforeAll(async () => {
  receiverUrl = await receiver.listen();
  db = await createTestDatabase();
  billing = await startBilling();
  gw = await startGateway();
  worker = await startWorker();
  // The SDK speaks HTTP (fetch): the gateway listens on a port of its own.
  await gw.app.listen(0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${(gw.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await worker?.close();
  await gw?.close();
  await billing?.close();
  await receiver.close();
  await db?.drop();
});

/** The names of a ZIP's entries, from its central directory (signature 0x02014b50). */
function zipEntryNames(zip: Buffer): string[] {
  const names: string[] = [];
  for (let at = zip.indexOf(0x02014b50 & 0xff); at >= 0 && at < zip.length - 46;) {
    if (zip.readUInt32LE(at) === 0x02014b50) {
      const nameLength = zip.readUInt16LE(at + 28);
      const extra = zip.readUInt16LE(at + 30);
      const comment = zip.readUInt16LE(at + 32);
      names.push(zip.subarray(at + 46, at + 46 + nameLength).toString('utf8'));
      at += 46 + nameLength + extra + comment;
    } else at = zip.indexOf(0x50, at + 1);
  }
  return names;
}

/** getJob until the job is final (COMPLETED, FAILED or CANCELLED). */
async function untilFinal(api: SdkClient, id: string) {
  for (let i = 0; i < 600; i++) {
    const job = ok(await api.GET('/api/v1/jobs/{id}', { params: { path: { id } } }));
    if (['COMPLETED', 'FAILED', 'CANCELLED'].includes(job.status)) return job;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`job ${id} did not finish`);
}

describe('an integrator drives the API through the SDK', () => {
  it('registers, uploads clips, previews the plan, mixes it, hears the webhook and downloads the archive', async () => {
    const api = createClient({ baseUrl });
    const email = `sdk-${Date.now()}@example.com`;
    const registered = ok(
      await api.POST('/api/v1/auth/register', {
        body: { email, password: 'correct horse battery', firstName: 'Ada', lastName: 'Lovelace' },
      }),
    );
    expect(registered.user.email).toBe(email);
    api.setToken(registered.accessToken);
    expect(ok(await api.GET('/api/v1/users/me')).id).toBe(registered.user.id);
    await fund(db.prisma, registered.user.id, 100);

    const project = ok(
      await api.POST('/api/v1/projects', {
        body: {
          name: 'Spring campaign',
          settings: { mixingMode: 'MANUAL', outputFormat: 'MP4', quality: 'LOW', outputCount: 4 },
        },
      }),
    );
    const inProject = { params: { path: { id: project.id } } };
    const hooks = ok(
      await api.POST('/api/v1/projects/{id}/groups', {
        ...inProject,
        body: { name: 'Hooks', order: 0 },
      }),
    );
    const ctas = ok(
      await api.POST('/api/v1/projects/{id}/groups', {
        ...inProject,
        body: { name: 'CTAs', order: 1 },
      }),
    );
    const clips: [string, string][] = [
      [hooks.id, await clip({ width: 320, height: 180 })],
      [hooks.id, await clip({ width: 320, height: 180, fps: 30 })],
      [ctas.id, await clip({ width: 240, height: 240, audio: false })],
      [ctas.id, await clip({ width: 320, height: 180, fps: 24 })],
    ];
    for (const [groupId, file] of clips) {
      const bytes = new Blob([await readFile(file)], { type: 'video/mp4' });
      const video = ok(
        await api.POST('/api/v1/projects/{id}/videos', {
          ...inProject,
          ...videoUpload(bytes, path.basename(file), groupId),
        }),
      );
      expect(video).toMatchObject({ groupId, originalName: path.basename(file) });
    }
    const videos = ok(await api.GET('/api/v1/projects/{id}/videos', inProject));
    expect(videos.total).toBe(4);

    const estimate = ok(await api.POST('/api/v1/projects/{id}/jobs/estimate', inProject));
    expect(estimate).toMatchObject({ outputs: 4, combinationsAvailable: 4, credits: 4 });

    // The plan: every combination the job will render, priced, spending nothing.
    const plan = ok(
      await api.POST('/api/v1/projects/{id}/plan', { ...inProject, body: { seed: 7 } }),
    );
    expect(plan).toMatchObject({ seed: 7, credits: 4 });
    expect(plan.combinations).toHaveLength(4);
    expect(ok(await api.GET('/api/v1/billing/balance')).credits).toBe(100);

    // A signed webhook endpoint: the receiver verifies every delivery with standardwebhooks.
    const hook = ok(
      await api.POST('/api/v1/webhooks', {
        body: { url: `${receiverUrl}/hooks`, events: ['job.completed'] },
      }),
    );
    receiver.secrets = [hook.secret];

    const started = await api.POST('/api/v1/projects/{id}/jobs', {
      ...inProject,
      body: { seed: plan.seed, metadata: { campaign: 'spring-26' } },
    });
    expect(started.response.status).toBe(202);
    expect(ok(started)).toMatchObject({ status: 'PENDING', outputCount: 4 });

    const job = await untilFinal(api, ok(started).id);
    expect(job).toMatchObject({ status: 'COMPLETED', progress: 100 });
    expect(ok(await api.GET('/api/v1/billing/balance')).credits).toBe(96);

    const outputs = ok(
      await api.GET('/api/v1/jobs/{id}/outputs', { params: { path: { id: job.id } } }),
    );
    expect(outputs).toHaveLength(4);
    // Exactly the plan, in order: each output's clips are its planned combination's.
    expect(outputs.map((o) => o.sourceFiles)).toEqual(
      plan.combinations.map((c) => c.clips.map((k) => k.videoId)),
    );

    // job.completed arrives once (after two refused attempts), signed, with the metadata.
    await receiver.waitFor(
      () => receiver.accepted().some((a) => JSON.parse(a.body).data?.jobId === job.id),
      'the job.completed delivery',
    );
    const delivered = receiver.accepted().filter((a) => JSON.parse(a.body).data?.jobId === job.id);
    expect(delivered).toHaveLength(1);
    expect(JSON.parse(delivered[0].body)).toMatchObject({
      type: 'job.completed',
      data: { jobId: job.id, status: 'COMPLETED', metadata: { campaign: 'spring-26' } },
    });

    // The archive: every output under its planned name, and the manifest.
    const archive = await api.GET('/api/v1/jobs/{id}/archive', {
      params: { path: { id: job.id } },
      parseAs: 'arrayBuffer',
    });
    expect(archive.response.headers.get('content-type')).toBe('application/zip');
    const entries = zipEntryNames(Buffer.from(ok(archive)));
    expect(entries.sort()).toEqual(
      [...plan.combinations.map((c) => c.name), 'manifest.csv'].sort(),
    );

    const download = await api.GET('/api/v1/outputs/{id}/download', {
      params: { path: { id: outputs[0].id } },
      parseAs: 'arrayBuffer',
    });
    expect(download.response.headers.get('content-type')).toBe('video/mp4');
    const bytes = Buffer.from(ok(download));
    expect(bytes.length).toBe(outputs[0].size);
    expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp'); // an MP4 file
  });

  it('authenticates with an API key, and reports errors as the API states them', async () => {
    const api = createClient({ baseUrl });
    const { accessToken } = ok(
      await api.POST('/api/v1/auth/register', {
        body: {
          email: `sdk-key-${Date.now()}@example.com`,
          password: 'correct horse battery',
          firstName: 'Grace',
          lastName: 'Hopper',
        },
      }),
    );
    api.setToken(accessToken);
    const key = ok(await api.POST('/api/v1/api-keys', { body: { name: 'ci', scopes: ['read'] } }));

    const byKey = createClient({ baseUrl, apiKey: key.key });
    expect(ok(await byKey.GET('/api/v1/projects')).items).toEqual([]);
    // The key holds "read" only: creating a project is refused, with the API's error body.
    const refused = await byKey.POST('/api/v1/projects', {
      body: {
        name: 'x',
        settings: { mixingMode: 'AUTO', outputFormat: 'MP4', quality: 'LOW', outputCount: 1 },
      },
    });
    expect(refused.response.status).toBe(403);
    expect(() => ok(refused)).toThrow(ApiError);

    const missing = await api.GET('/api/v1/jobs/{id}', { params: { path: { id: 'nope' } } });
    expect(missing.error).toMatchObject({ statusCode: 404, error: 'Not Found' });
    try {
      ok(missing);
      throw new Error('ok() accepted a 404');
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).status).toBe(404);
    }

    const invalid = await api.POST('/api/v1/projects', {
      body: {
        name: '',
        settings: { mixingMode: 'AUTO', outputFormat: 'MP4', quality: 'LOW', outputCount: 1 },
      },
    });
    expect(invalid.response.status).toBe(400);
    expect(invalid.error?.details?.map((d) => d.field)).toContain('name');
  });
});
