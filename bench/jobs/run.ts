/**
 * bench/jobs: job throughput of the real system (gateway, billing and media worker processes on
 * PostgreSQL, NATS and ffmpeg) with one worker and then with two, in the same run. Each job is a
 * small one (two 1 s clips of different shapes, one output) of a project of its own, so jobs
 * queue up (10 at a time, the ENTERPRISE licence's limit). Prints jobs per minute for each and the scaling ratio (two workers over one).
 *   npm run build && npx tsx bench/jobs/run.ts
 * BENCH_JOBS (default 200 per phase); BENCH_FFMPEG_PROCESSES sets each worker's
 * FFMPEG_MAX_PROCESSES (default: the app's default, 2).
 */
import { randomBytes } from 'node:crypto';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { FINAL_JOB_STATUSES, JobStatus } from '@app/contracts/enums';
import { makeClip } from '@app/media/testing';

const ROOT = path.resolve(__dirname, '../..');
const JOBS = Number(process.env.BENCH_JOBS ?? 200);
const PORT = 3902;
const BASE = `http://127.0.0.1:${PORT}`;
const OWNER_URL =
  process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/vmp_bench_jobs';
const APP_URL = (() => {
  const u = new URL(OWNER_URL);
  u.username = 'vmp_app';
  u.password = '';
  return u.toString();
})();
const PREFIX = `vmpbenchjobs${process.pid}`;

/** A 1 s clip with sound (generated once, cached under the OS temp folder). */
const clip = (width: number, height: number) =>
  makeClip({ width, height, fps: 25, durationSeconds: 1, audio: true, container: 'mp4' });

function app(name: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [path.join(ROOT, `dist/apps/${name}/src/main.js`)], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: APP_URL,
      NATS_PREFIX: PREFIX,
      LOG_LEVEL: 'warn',
      // The gateway refuses to boot without a strong secret: a fresh one per run.
      JWT_SECRET: process.env.JWT_SECRET ?? randomBytes(32).toString('base64url'),
      WORKER_METRICS_PORT: '0',
      ...(process.env.BENCH_FFMPEG_PROCESSES
        ? { FFMPEG_MAX_PROCESSES: process.env.BENCH_FFMPEG_PROCESSES }
        : {}),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function api<T = Record<string, string>>(
  method: string,
  url: string,
  token?: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(BASE + url, {
    method,
    headers: {
      ...(body ? { 'Content-Type': 'application/json' } : {}),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function uploadTo(projectId: string, groupId: string, file: string, token: string) {
  const form = new FormData();
  form.set('groupId', groupId);
  form.set('file', new Blob([readFileSync(file)]), path.basename(file));
  const res = await fetch(`${BASE}/api/v1/projects/${projectId}/videos`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
    body: form,
  });
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${await res.text()}`);
}

/** A project of two groups with one clip each: one output per job. */
async function project(token: string, clips: [string, string]): Promise<string> {
  const p = await api('POST', '/api/v1/projects', token, {
    name: 'bench',
    settings: { mixingMode: 'AUTO', outputFormat: 'MP4', quality: 'LOW', outputCount: 1 },
  });
  for (let g = 0; g < 2; g++) {
    const group = await api('POST', `/api/v1/projects/${p.id}/groups`, token, {
      name: `G${g}`,
      order: g,
    });
    await uploadTo(p.id, group.id, clips[g], token);
  }
  return p.id;
}

/** A user's licence allows this many jobs at a time (ENTERPRISE): the queue is kept this full. */
const IN_FLIGHT = 10;

/** One job per project, at most IN_FLIGHT at a time, until all are done: jobs per minute. */
async function phase(token: string, projects: string[], db: Client): Promise<number> {
  const started = Date.now();
  const running = new Set<string>();
  let next = 0;
  let done = 0;
  while (done < projects.length) {
    while (running.size < IN_FLIGHT && next < projects.length) {
      running.add((await api('POST', `/api/v1/projects/${projects[next++]}/jobs`, token)).id);
    }
    await new Promise((r) => setTimeout(r, 100));
    const { rows } = await db.query<{ id: string; status: string }>(
      `SELECT id, status FROM processing_jobs WHERE id = ANY($1) AND status = ANY($2::"JobStatus"[])`,
      [[...running], FINAL_JOB_STATUSES],
    );
    for (const row of rows) {
      if (row.status !== JobStatus.COMPLETED) throw new Error(`job ${row.id} ended ${row.status}`);
      running.delete(row.id);
      done++;
    }
  }
  return projects.length / ((Date.now() - started) / 60_000);
}

async function main() {
  execFileSync(
    'bash',
    ['-c', 'source scripts/lib.sh && ensure_database && migrate >/dev/null && ensure_app_role'],
    {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, MIGRATION_DATABASE_URL: OWNER_URL, DATABASE_URL: APP_URL },
    },
  );
  const storage = mkdtempSync(path.join(tmpdir(), 'vmp-bench-jobs-storage-'));
  const common = { STORAGE_DIR: storage };
  const procs: ChildProcess[] = [
    app('billing', { ...common, BILLING_PORT: '0' }),
    app('gateway', {
      ...common,
      PORT: String(PORT),
      AUTH_RATE_LIMIT: '1000',
      EXPENSIVE_RATE_LIMIT: '100000',
    }),
  ];
  const db = new Client({ connectionString: OWNER_URL });
  await db.connect();
  try {
    for (let i = 0; i < 100; i++) {
      if ((await fetch(`${BASE}/health`).catch(() => null))?.ok) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const clips: [string, string] = [await clip(320, 180), await clip(180, 320)];
    const reg = await api<{ accessToken: string; user: { id: string } }>(
      'POST',
      '/api/v1/auth/register',
      undefined,
      {
        email: `bench-${Date.now()}@example.com`,
        password: 'bench-password',
        firstName: 'B',
        lastName: 'J',
      },
    );
    const token = reg.accessToken;
    await db.query(
      `UPDATE users SET credits = 1000000, license_type = 'ENTERPRISE',
              license_expiry = now() + interval '1 day' WHERE id = $1`,
      [reg.user.id],
    );
    console.log(`preparing ${JOBS} projects...`);
    const projects: string[] = [];
    for (let i = 0; i < JOBS; i++) projects.push(await project(token, clips));

    const workDir = () => mkdtempSync(path.join(tmpdir(), 'vmp-bench-jobs-work-'));
    const one = app('media-worker', { ...common, WORK_DIR: workDir() });
    procs.push(one);
    const single = await phase(token, projects, db);
    console.log(`1 worker : ${single.toFixed(1)} jobs/min`);
    // The same projects again, from a cold start: their mezzanines are removed.
    execFileSync('bash', ['-c', `rm -rf "${storage}"/users/*/projects/*/mezzanines`]);
    procs.push(app('media-worker', { ...common, WORK_DIR: workDir() }));
    const double = await phase(token, projects, db);
    console.log(`2 workers: ${double.toFixed(1)} jobs/min`);
    console.log(
      `scaling ratio (2 workers / 1): ${(double / single).toFixed(2)} on ${cpus().length} cores`,
    );
  } finally {
    await db.end();
    for (const p of procs) p.kill('SIGTERM');
    rmSync(storage, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
