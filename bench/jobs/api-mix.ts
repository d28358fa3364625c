/**
 * bench/jobs, the 27-output case through the API: 3 groups × 3 clips (bench/mix's clips),
 * 720p MEDIUM MP4, from `POST /jobs` to COMPLETED on a real gateway, billing and media worker
 * (fresh database, local storage), against the engine alone and the naive per-output
 * re-encode at the same preset, CRF and ffmpeg concurrency, in the same run (bench/mix's code).
 * Also breaks the API time down: queue pickup (created → started), rendering, and the tail
 * (last output → COMPLETED seen by the client).
 *   npm run build && npx tsx bench/jobs/api-mix.ts     (BENCH_CONCURRENCY, default 2)
 * Target: naive / through-the-API ≥ 8.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { FfmpegRunner } from '@app/media';
import { MixingEngine, outputProfile } from '@app/mixing';
import { benchPlan, benchSources, naiveRun, timed } from '../mix/run';
import { benchProject, benchSystem, benchUser } from '../api/system';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 2);
const OUTPUTS = 27;
const PORT = 3904;

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'vmp-bench-api-mix-'));
  const system = benchSystem('apimix', PORT);
  const common = { STORAGE_DIR: join(work, 'storage'), LOG_LEVEL: 'warn' };
  system.app('billing', common);
  system.app('gateway', { ...common, AUTH_RATE_LIMIT: '1000', EXPENSIVE_RATE_LIMIT: '100000' });
  system.app('media-worker', {
    ...common,
    WORK_DIR: join(work, 'work'),
    FFMPEG_MAX_PROCESSES: String(CONCURRENCY),
  });
  try {
    const groups = await benchSources();
    const sources = groups.flat();
    await system.ready();
    const { token } = await benchUser(system);
    const projectId = await benchProject(system, token, {
      name: 'bench 27',
      quality: 'MEDIUM',
      outputCount: OUTPUTS,
      groups,
    });
    console.log(
      `${sources.length} clips, ${OUTPUTS} outputs, MEDIUM 16:9 MP4, ffmpeg concurrency ${CONCURRENCY}, ${cpus().length} cpus`,
    );

    // Through the API: a client that listens to the job's events (SSE, GET /jobs/:id/events)
    // until COMPLETED. BENCH_POLL_MS=50 polls GET /jobs/:id with its ETag instead: on these 2
    // cores the poller's own CPU (client, gateway, PostgreSQL at 20 requests/s) is taken from
    // ffmpeg and shows as a slower job (docs/benchmarks.md).
    const pollMs = Number(process.env.BENCH_POLL_MS ?? 0);
    const api = await timed(async () => {
      const job = await system.api('POST', `/api/v1/projects/${projectId}/jobs`, token);
      return pollMs > 0 ? pollUntilDone(job.id, pollMs) : listenUntilDone(job.id);
    });
    async function listenUntilDone(jobId: string): Promise<string> {
      const res = await fetch(`${system.base}/api/v1/jobs/${jobId}/events`, {
        headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
      });
      if (res.status !== 200 || !res.body) throw new Error(`events: ${res.status}`);
      const decoder = new TextDecoder();
      let buffered = '';
      for await (const chunk of res.body) {
        buffered += decoder.decode(chunk as Uint8Array, { stream: true });
        for (const line of buffered.split('\n').filter((l) => l.startsWith('data: '))) {
          const event = JSON.parse(line.slice(6)) as { status: string; errorMessage?: string };
          if (event.status === 'COMPLETED') return jobId;
          if (['FAILED', 'CANCELLED'].includes(event.status))
            throw new Error(`job ${event.status}: ${event.errorMessage}`);
        }
        buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
      }
      throw new Error('the event stream ended before the job did');
    }
    async function pollUntilDone(jobId: string, everyMs: number): Promise<string> {
      let etag = '';
      for (;;) {
        const res = await fetch(`${system.base}/api/v1/jobs/${jobId}`, {
          headers: { Authorization: `Bearer ${token}`, ...(etag ? { 'If-None-Match': etag } : {}) },
        });
        if (res.status === 200) {
          etag = res.headers.get('etag') ?? '';
          const body = (await res.json()) as { status: string; errorMessage?: string };
          if (body.status === 'COMPLETED') return jobId;
          if (['FAILED', 'CANCELLED'].includes(body.status))
            throw new Error(`job ${body.status}: ${body.errorMessage}`);
        } else if (res.status !== 304) throw new Error(`poll: ${res.status}`);
        await new Promise((r) => setTimeout(r, everyMs));
      }
    }
    const db = new Client({ connectionString: system.ownerUrl });
    await db.connect();
    const { rows } = await db.query<{
      created: Date;
      started: Date;
      completed: Date;
      first_output: Date;
      last_output: Date;
      outputs: string;
    }>(
      `SELECT j.created_at AS created, j.started_at AS started, j.completed_at AS completed,
              min(o.created_at) AS first_output, max(o.created_at) AS last_output,
              count(o.id) AS outputs
         FROM processing_jobs j LEFT JOIN output_files o ON o.job_id = j.id
        WHERE j.id = $1 GROUP BY j.id`,
      [api.value],
    );
    await db.end();
    const t = rows[0];

    // The engine alone and the naive way, same clips, same profile, same concurrency.
    const plan = benchPlan(groups);
    const runner = new FfmpegRunner({ maxConcurrent: CONCURRENCY });
    const engine = new MixingEngine({ cacheDir: join(work, 'cache'), runner });
    const settings = {
      outputFormat: 'MP4' as const,
      quality: 'MEDIUM' as const,
      aspectRatio: '16:9' as const,
    };
    const alone = await timed(() =>
      engine.mix({
        combinations: plan.combinations,
        sources,
        settings,
        job: { jobId: 'bench', projectName: 'bench' },
        outputDir: join(work, 'engine'),
      }),
    );
    const profile = outputProfile('MEDIUM', 'MP4', '16:9');
    const naive = await timed(() =>
      naiveRun(runner, sources, plan.combinations, profile, join(work, 'naive')),
    );

    const ms = (a: Date, b: Date) => b.getTime() - a.getTime();
    const row = (label: string, value: number) =>
      console.log(`${label.padEnd(52)} ${value.toFixed(0).padStart(8)} ms`);
    row(`through the API: POST /jobs → COMPLETED (${t.outputs} outputs)`, api.ms);
    row('  queue pickup (created → started)', ms(t.created, t.started));
    row('  started → first output recorded', ms(t.started, t.first_output));
    row('  first → last output recorded', ms(t.first_output, t.last_output));
    row('  last output → completed', ms(t.last_output, t.completed));
    row('engine alone (cold cache)', alone.ms);
    row(`naive (${OUTPUTS} filter_complex encodes)`, naive.ms);
    console.log(`ratio naive / engine alone:    ${(naive.ms / alone.ms).toFixed(2)}`);
    console.log(`ratio naive / through the API: ${(naive.ms / api.ms).toFixed(2)}  (target ≥ 8)`);
  } finally {
    system.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
