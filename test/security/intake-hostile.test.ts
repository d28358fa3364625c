import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { makeHostileCorpus, type HostileItem } from '@app/media/testing';
import { HOSTILE_ITEM_NAMES } from '../support/hostile-items';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { createProject, registerUser } from '../support/factories';
import type { TestGateway } from '../support/gateway';
import { startAppProcess, type AppProcess } from '../support/processes';

/**
 * The hostile-media corpus (libs/media/src/testing/hostile-corpus.ts) uploaded through the real
 * gateway, a built process of its own with the real ffprobe: each file is refused with a 4xx in
 * under 5 s and leaves nothing stored (no video_files row, no file in STORAGE_DIR or in
 * UPLOAD_TMP_DIR); sent all at once, the gateway's memory stays under 300 MB (VmHWM).
 */
jest.setTimeout(180_000);

const MB = 1024 * 1024;

let db: TestDatabase;
let gateway: AppProcess;
let base: string;
let corpusDir: string;
let corpus: HostileItem[];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Kilobytes of a /proc/<pid>/status field (VmRSS: resident now; VmHWM: the peak so far). */
async function memoryKb(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]);
}

/** Every file (not folder) under `dir`. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = (await readdir(dir, { recursive: true }).catch(() => [])) as string[];
  const files: string[] = [];
  for (const e of entries) if ((await stat(path.join(dir, e))).isFile()) files.push(e);
  return files;
}

async function expectNothingStored(): Promise<void> {
  expect(await db.prisma.videoFile.count()).toBe(0);
  expect(await filesUnder(process.env.STORAGE_DIR!)).toEqual([]);
  expect(await filesUnder(process.env.UPLOAD_TMP_DIR!)).toEqual([]);
}

type Server = TestGateway['server'];

/** A user of its own and a project: the per-user caps stay at their defaults. */
async function uploader(): Promise<{ token: string; projectId: string }> {
  const { token } = await registerUser(base as unknown as Server);
  const projectId = (await createProject(base as unknown as Server, token)).id;
  return { token, projectId };
}

async function send(item: HostileItem, who: { token: string; projectId: string }) {
  const started = performance.now();
  const res = await request(base)
    .post(`/api/v1/projects/${who.projectId}/videos`)
    .set('Authorization', `Bearer ${who.token}`)
    .attach('file', item.path, path.basename(item.path));
  return { status: res.status, body: res.body, ms: performance.now() - started };
}

beforeAll(async () => {
  db = await createTestDatabase();
  corpusDir = mkdtempSync(path.join(tmpdir(), 'vmp-intake-hostile-'));
  corpus = await makeHostileCorpus(corpusDir);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  gateway = startAppProcess('gateway', { PORT: String(port), HOST: '127.0.0.1' });
  await gateway.waitFor(/listening on/, 60_000);
});
afterAll(async () => {
  await gateway?.stop();
  await db?.drop();
  rmSync(corpusDir, { recursive: true, force: true });
});

describe('the hostile corpus through POST /projects/:id/videos', () => {
  it('has every kind of file the issue lists', () => {
    expect(corpus.map((i) => i.name).sort()).toEqual([...HOSTILE_ITEM_NAMES].sort());
  });

  it('refuses each item with a 4xx in under 5 s, leaving nothing stored', async () => {
    const who = await uploader();
    for (const item of corpus) {
      const { status, body, ms } = await send(item, who);
      expect({ item: item.name, status: status >= 400 && status < 500 }).toEqual({
        item: item.name,
        status: true,
      });
      expect({ item: item.name, fast: ms < 5000 }).toEqual({ item: item.name, fast: true });
      // A limit names itself; nothing quotes ffprobe or a server path.
      if (item.refusal.kind === 'limit') {
        expect(status).toBe(422);
        expect(body.details[0]).toMatchObject({ field: 'file', limit: item.refusal.limit });
      }
      expect(JSON.stringify(body)).not.toContain(process.env.UPLOAD_TMP_DIR!);
      expect(JSON.stringify(body)).not.toContain(corpusDir);
      await expectNothingStored();
    }
  });

  it('keeps the gateway under 300 MB while the whole corpus is sent at once', async () => {
    const pid = gateway.proc.pid!;
    const senders = await Promise.all(corpus.map(() => uploader()));
    let peakRssKb = await memoryKb(pid, 'VmRSS');
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peakRssKb = Math.max(peakRssKb, await memoryKb(pid, 'VmRSS'));
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const results = await Promise.all(corpus.map((item, i) => send(item, senders[i])));
    sampling = false;
    await sampler;
    const hwmKb = await memoryKb(pid, 'VmHWM');

    for (const [i, r] of results.entries()) {
      expect({ item: corpus[i].name, refused: r.status >= 400 && r.status < 500 }).toEqual({
        item: corpus[i].name,
        refused: true,
      });
    }
    expect(peakRssKb * 1024).toBeLessThan(300 * MB);
    expect(hwmKb * 1024).toBeLessThan(300 * MB);
    await expectNothingStored();
  });
});
