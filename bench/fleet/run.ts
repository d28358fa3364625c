/**
 * bench/fleet (issue 18): one 30-clip, 200-output job on one media worker, then the same job
 * (same project, same seed, so the same plan) on three, through the real API on a fresh database
 * (bench/api's `benchSystem`). Every worker runs with FFMPEG_THREADS=1 and STORAGE_DRIVER=nats,
 * its own WORK_DIR and its own empty STORAGE_DIR: no disk is shared with the gateway or another
 * worker; sources, mezzanines and outputs go through the NATS Object Store. The mezzanines of the
 * first run are deleted from the store before the second, so both runs encode every clip.
 *
 * Asserted (exit code 1 when one fails):
 * - both jobs COMPLETED, 200 outputs each, each (combinationIndex, rendition) recorded once;
 * - the same outputs byte for byte: the recorded sha256 and the source clips per
 *   (combinationIndex, rendition) are equal between the runs, and every stored output, downloaded
 *   through the API, hashes to its recorded sha256;
 * - every task DONE; in the 3-worker run `job_tasks.done_by` has the 3 workers' ids, in the
 *   1-worker run only the single worker's; the owner charged once per job (one USAGE entry, the
 *   amount reserved);
 * - no worker and no gateway wrote to its STORAGE_DIR.
 * Printed: POST /jobs → COMPLETED per run and their ratio (1 worker / 3 workers), the load
 * average, tasks per worker, and the warnings and errors in the workers' logs (kept in
 * bench/.out/fleet/).
 *
 *   npx tsc -p tsconfig.build.json && npx tsc-alias -p tsconfig.build.json && npm run bench:fleet
 *   (BENCH_SEED, default 18; BENCH_QUALITY, default LOW)
 */
import { createHash } from 'node:crypto';
import { type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Objm } from '@nats-io/obj';
import { Client } from 'pg';
import { benchSources, timed, type BenchClip } from '../mix/run';
import { benchProject, benchSystem, benchUser, ROOT, type BenchSystem } from '../api/system';

const PORT = 3905;
const OUTPUTS = 200;
const SEED = Number(process.env.BENCH_SEED ?? 18);
const QUALITY = process.env.BENCH_QUALITY ?? 'LOW';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const LOGS = join(ROOT, 'bench/.out/fleet');

/**
 * 3 groups × 10 small clips, all different (size, rate and length cycle with periods 5, 3 and 2,
 * which meet only every 30 clips); every seventh without audio; one container per group.
 */
const SIZES: [number, number][] = [
  [320, 180],
  [256, 144],
  [320, 240],
  [180, 320],
  [288, 162],
];
const CONTAINERS = ['mp4', 'mov', 'mkv'] as const;
const FLEET_GROUPS: BenchClip[][] = CONTAINERS.map((container, g) =>
  Array.from({ length: 10 }, (_, i) => {
    const k = g * 10 + i;
    const [width, height] = SIZES[k % 5];
    return {
      width,
      height,
      fps: [24, 25, 30][k % 3],
      durationSeconds: 2 + (k % 2),
      audio: k % 7 !== 3,
      container,
    };
  }),
);

interface Worker {
  id: string;
  proc: ChildProcess;
  log: string;
  storageDir: string;
}

interface RunResult {
  workers: Worker[];
  jobId: string;
  creditsReserved: number;
  ms: number;
  load: [number[], number[]];
}

const failures: string[] = [];
function check(ok: boolean, what: string): void {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'vmp-bench-fleet-'));
  rmSync(LOGS, { recursive: true, force: true });
  mkdirSync(LOGS, { recursive: true });
  const system = benchSystem('fleet', PORT);
  const store = {
    STORAGE_DRIVER: 'nats',
    STORAGE_NATS_BUCKET_PREFIX: system.prefix,
    NATS_URL,
  };
  const gatewayStorage = join(work, 'gateway-storage');
  mkdirSync(gatewayStorage);
  const common = { ...store, STORAGE_DIR: gatewayStorage, UPLOAD_TMP_DIR: join(work, 'uploads') };
  system.app('billing', common, [], join(LOGS, 'billing.log'));
  system.app(
    'gateway',
    { ...common, AUTH_RATE_LIMIT: '1000', EXPENSIVE_RATE_LIMIT: '100000' },
    [],
    join(LOGS, 'gateway.log'),
  );

  /** A worker on "its own machine": its own WORK_DIR and an empty STORAGE_DIR of its own. */
  const startWorker = async (id: string): Promise<Worker> => {
    const storageDir = join(work, id, 'storage');
    mkdirSync(storageDir, { recursive: true });
    const log = join(LOGS, `${id}.log`);
    const proc = system.app(
      'media-worker',
      {
        ...store,
        WORKER_ID: id,
        FFMPEG_THREADS: '1',
        WORKER_CONCURRENCY: '1',
        WORK_DIR: join(work, id, 'work'),
        STORAGE_DIR: storageDir,
        LOG_LEVEL: 'info',
      },
      [],
      log,
    );
    for (let i = 0; i < 600; i++) {
      if (readFileSync(log, 'utf8').includes('"ready (pid')) return { id, proc, log, storageDir };
      if (proc.exitCode !== null) break;
      await sleep(200);
    }
    throw new Error(`worker ${id} did not start:\n${readFileSync(log, 'utf8').slice(-3000)}`);
  };
  const stopWorker = (w: Worker) =>
    new Promise<void>((resolve) => {
      if (w.proc.exitCode !== null || w.proc.signalCode !== null) return resolve();
      w.proc.once('exit', () => resolve());
      w.proc.kill('SIGTERM');
    });

  const db = new Client({ connectionString: system.ownerUrl });
  try {
    const groups = await benchSources(FLEET_GROUPS);
    await system.ready();
    await db.connect();
    const { token } = await benchUser(system);
    const projectId = await benchProject(system, token, {
      name: 'bench fleet',
      quality: QUALITY,
      outputCount: OUTPUTS,
      groups,
    });
    const clipCount = groups.flat().length;
    console.log(
      `${clipCount} clips (${groups.map((g) => g.length).join(' + ')}, 2–3 s, ≤ 320 px), ` +
        `${OUTPUTS} outputs, ${QUALITY} 16:9 MP4, seed ${SEED}, ${cpus().length} cpus; ` +
        `workers: FFMPEG_THREADS=1, WORKER_CONCURRENCY=1, STORAGE_DRIVER=nats, own disks`,
    );

    /** The job on `ids.length` fresh workers, timed from POST /jobs to COMPLETED. */
    const run = async (ids: string[]): Promise<RunResult> => {
      const workers = await Promise.all(ids.map(startWorker));
      const before = loadavg();
      const started = await timed(async () => {
        const job = await system.api<{ id: string; creditsReserved: number }>(
          'POST',
          `/api/v1/projects/${projectId}/jobs`,
          token,
          { seed: SEED },
        );
        await untilCompleted(system, token, job.id);
        return job;
      });
      const load: [number[], number[]] = [before, loadavg()];
      await Promise.all(workers.map(stopWorker));
      console.log(
        `${ids.length} worker(s): POST /jobs → COMPLETED ${(started.ms / 1000).toFixed(1)} s ` +
          `(load average ${fmtLoad(load[0])} before, ${fmtLoad(load[1])} after)`,
      );
      return {
        workers,
        jobId: started.value.id,
        creditsReserved: started.value.creditsReserved,
        ms: started.ms,
        load,
      };
    };

    const one = await run(['solo']);
    // The second job must encode its clips again, not fetch the first one's mezzanines.
    await destroyBuckets(system.prefix, ['mezzanines']);
    const three = await run(['fleet-1', 'fleet-2', 'fleet-3']);

    // --- what the database recorded ---
    const outputs = async (jobId: string) =>
      (
        await db.query<{
          id: string;
          combination_index: number;
          rendition: number;
          sha256: string | null;
          source_files: unknown;
        }>(
          `SELECT id, combination_index, rendition, sha256, source_files
             FROM output_files WHERE job_id = $1 ORDER BY combination_index, rendition`,
          [jobId],
        )
      ).rows;
    const a = await outputs(one.jobId);
    const b = await outputs(three.jobId);
    const key = (o: { combination_index: number; rendition: number }) =>
      `${o.combination_index}:${o.rendition}`;
    for (const [label, rows] of [
      ['1 worker', a],
      ['3 workers', b],
    ] as const) {
      check(rows.length === OUTPUTS, `${label}: ${rows.length} outputs recorded (${OUTPUTS})`);
      check(
        new Set(rows.map(key)).size === rows.length,
        `${label}: each (combinationIndex, rendition) recorded once`,
      );
      check(
        rows.every((o) => /^[0-9a-f]{64}$/.test(o.sha256 ?? '')),
        `${label}: every output has its sha256`,
      );
    }
    const byKey = new Map(a.map((o) => [key(o), o]));
    const differ = b.filter((o) => byKey.get(key(o))?.sha256 !== o.sha256);
    const replanned = b.filter(
      (o) => JSON.stringify(byKey.get(key(o))?.source_files) !== JSON.stringify(o.source_files),
    );
    check(replanned.length === 0, `same plan: the same clips per output in both runs`);
    check(
      differ.length === 0 && a.length === b.length,
      `same outputs byte for byte: sha256 equal per (combinationIndex, rendition)` +
        (differ.length
          ? ` — ${differ.length} differ, e.g. ${differ.slice(0, 5).map(key).join(', ')}`
          : ''),
    );
    // The stored files themselves, downloaded through the API (out of the NATS Object Store).
    const wrong = await storedMismatches(system, token, [...a, ...b]);
    check(
      wrong.length === 0,
      `every stored output (${a.length + b.length}) hashes to its recorded sha256` +
        (wrong.length ? ` — not: ${wrong.slice(0, 5).join(', ')}` : ''),
    );

    for (const [label, result] of [
      ['1 worker', one],
      ['3 workers', three],
    ] as const) {
      const tasks = (
        await db.query<{
          seq: number;
          kind: string;
          status: string;
          done_by: string | null;
          runs: number;
          seconds: number | null;
        }>(
          `SELECT seq, kind, status, done_by, runs,
                  extract(epoch FROM done_at - started_at)::float8 AS seconds
             FROM job_tasks WHERE job_id = $1 ORDER BY seq`,
          [result.jobId],
        )
      ).rows;
      const ids = result.workers.map((w) => w.id);
      const doers = new Set(tasks.map((t) => t.done_by));
      check(
        tasks.length > 0 && tasks.every((t) => t.status === 'DONE'),
        `${label}: all ${tasks.length} tasks DONE`,
      );
      check(
        doers.size === ids.length && ids.every((id) => doers.has(id)),
        `${label}: job_tasks.done_by = {${[...doers].join(', ')}} (every worker did part of it)`,
      );
      const redone = tasks.filter((t) => t.runs !== 1);
      if (redone.length)
        console.log(
          `     ${label}: tasks run more or less than once: ${redone.map((t) => `${t.seq}×${t.runs}`).join(', ')}`,
        );
      for (const id of ids) {
        const mine = tasks.filter((t) => t.done_by === id);
        const of = (kind: string) => mine.filter((t) => t.kind === kind);
        const mean = (ts: typeof tasks) =>
          ts.length ? ts.reduce((s, t) => s + (t.seconds ?? 0), 0) / ts.length : 0;
        console.log(
          `     ${id.padEnd(8)} ${String(of('NORMALIZE').length).padStart(3)} normalize (mean ${mean(of('NORMALIZE')).toFixed(2)} s), ` +
            `${String(of('ASSEMBLE').length).padStart(3)} assemble (mean ${mean(of('ASSEMBLE')).toFixed(2)} s)`,
        );
      }
      const ledger = (
        await db.query<{ type: string; amount: number }>(
          `SELECT type::text, amount FROM credit_transactions WHERE job_id = $1 AND type = 'USAGE'`,
          [result.jobId],
        )
      ).rows;
      check(
        ledger.length === 1 && ledger[0].amount === -result.creditsReserved,
        `${label}: charged once (${ledger.map((l) => l.amount).join(', ')}; reserved ${result.creditsReserved})`,
      );
      const times = (
        await db.query<{ pickup: number; run: number }>(
          `SELECT extract(epoch FROM started_at - created_at)::float8 AS pickup,
                  extract(epoch FROM completed_at - started_at)::float8 AS run
             FROM processing_jobs WHERE id = $1`,
          [result.jobId],
        )
      ).rows[0];
      console.log(
        `     job: created → started ${times.pickup.toFixed(2)} s, started → completed ${times.run.toFixed(1)} s`,
      );
    }

    for (const w of [...one.workers, ...three.workers]) {
      check(readdirSync(w.storageDir).length === 0, `${w.id} wrote nothing to its STORAGE_DIR`);
    }
    check(readdirSync(gatewayStorage).length === 0, 'the gateway wrote nothing to its STORAGE_DIR');

    // Anything odd the workers logged (pino levels: 40 warn, 50 error, 60 fatal), and Node's
    // own warnings on stderr (`(node:<pid>) …`).
    for (const w of [...one.workers, ...three.workers]) {
      const odd = readFileSync(w.log, 'utf8')
        .split('\n')
        .filter((line) => /"level":(4|5|6)\d/.test(line) || line.startsWith('(node:'))
        .map((line) => {
          try {
            const entry = JSON.parse(line) as { level: number; msg?: string; context?: string };
            return `${entry.level >= 50 ? 'error' : 'warn'} ${entry.context ?? ''}: ${entry.msg ?? line}`;
          } catch {
            return line;
          }
        });
      console.log(`     ${w.id} log: ${odd.length} warnings/errors`);
      for (const line of odd.slice(0, 10)) console.log(`       ${line.slice(0, 300)}`);
    }

    console.log(`1 worker:  ${(one.ms / 1000).toFixed(1)} s`);
    console.log(`3 workers: ${(three.ms / 1000).toFixed(1)} s`);
    console.log(
      `ratio 1 worker / 3 workers: ${(one.ms / three.ms).toFixed(2)}  (bounded by the ${cpus().length} cores)`,
    );
  } finally {
    await db.end().catch(() => undefined);
    system.stop();
    await sleep(1000);
    await destroyBuckets(system.prefix).catch((e: Error) =>
      console.error(`cleaning NATS up: ${e.message}`),
    );
    rmSync(work, { recursive: true, force: true });
  }
  if (failures.length) {
    console.error(`${failures.length} assertion(s) failed:\n- ${failures.join('\n- ')}`);
    process.exit(1);
  }
}

/** Polls GET /jobs/:id (with its ETag) every 200 ms until COMPLETED; throws if it ends otherwise. */
async function untilCompleted(system: BenchSystem, token: string, jobId: string): Promise<void> {
  let etag = '';
  for (;;) {
    const res = await fetch(`${system.base}/api/v1/jobs/${jobId}`, {
      headers: { Authorization: `Bearer ${token}`, ...(etag ? { 'If-None-Match': etag } : {}) },
    });
    if (res.status === 200) {
      etag = res.headers.get('etag') ?? '';
      const body = (await res.json()) as { status: string; errorMessage?: string };
      if (body.status === 'COMPLETED') return;
      if (['FAILED', 'CANCELLED'].includes(body.status))
        throw new Error(`job ${jobId} ${body.status}: ${body.errorMessage}`);
    } else if (res.status !== 304) throw new Error(`poll: ${res.status} ${await res.text()}`);
    await sleep(200);
  }
}

/** Outputs whose bytes, downloaded through the API, do not hash to their recorded sha256. */
async function storedMismatches(
  system: BenchSystem,
  token: string,
  rows: { id: string; sha256: string | null }[],
): Promise<string[]> {
  const wrong: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < rows.length) {
        const row = rows[next++];
        const res = await fetch(`${system.base}/api/v1/outputs/${row.id}/download`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        const body = Buffer.from(await res.arrayBuffer());
        const sha = createHash('sha256').update(body).digest('hex');
        if (res.status !== 200 || sha !== row.sha256) wrong.push(`${row.id} (${res.status})`);
      }
    }),
  );
  return wrong;
}

/**
 * The bench's Object Store buckets of `kinds` (all of them when none is given, and then the
 * bench's streams too), so nothing of it stays on the shared NATS server.
 */
async function destroyBuckets(prefix: string, kinds?: string[]): Promise<void> {
  const nc = await connect({ servers: NATS_URL });
  try {
    const jsm = await jetstreamManager(nc);
    const objm = new Objm(nc);
    const upper = prefix.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
    const names: string[] = [];
    for await (const name of jsm.streams.names()) names.push(name);
    for (const name of names) {
      const bucket = name.startsWith('OBJ_') ? name.slice(4) : null;
      if (bucket?.startsWith(`${prefix}_`)) {
        if (!kinds || kinds.includes(bucket.slice(prefix.length + 1)))
          await (await objm.open(bucket)).destroy();
      } else if (!kinds && name.toUpperCase().startsWith(`${upper}_`)) {
        await jsm.streams.delete(name);
      }
    }
  } finally {
    await nc.close();
  }
}

function fmtLoad(load: number[]): string {
  return load.map((l) => l.toFixed(2)).join(' ');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
