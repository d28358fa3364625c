/**
 * bench/api: requests per second and p50/p99 latency of the authenticated reads against the
 * framework's own ceiling (`GET /health`: no auth, no database), measured in the same run on a
 * real gateway and billing process (fresh database), with autocannon at 20 connections.
 * Targets: every authenticated read ≥ 0.5 × /health's requests/s and p99 ≤ 2 × /health's p99.
 *   npm run build && npm run bench:api
 * BENCH_SECONDS (per route, default 9), BENCH_ROUNDS (default 3: the routes take turns),
 * BENCH_CONNECTIONS (default 20), GATEWAY_WORKERS
 * (default 1), BENCH_CPU_PROF=<dir> (the gateway writes a CPU profile there on exit),
 * BENCH_ROUTES=<regular expression> (only the routes whose name matches, besides /health: a
 * profile of one path), BENCH_PORT (the gateway's, default 3903).
 */
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { benchSystem, benchUser } from './system';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 9);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PORT = Number(process.env.BENCH_PORT ?? 3903);
const ONLY = process.env.BENCH_ROUTES ? new RegExp(process.env.BENCH_ROUTES) : undefined;

interface Measured {
  route: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

async function measure(
  base: string,
  route: string,
  path: string,
  headers: Record<string, string> = {},
  seconds = SECONDS,
): Promise<Measured> {
  const result = await autocannon({
    url: base + path,
    connections: CONNECTIONS,
    duration: seconds,
    headers,
  });
  return {
    route,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors + result.timeouts,
  };
}

async function main(): Promise<void> {
  const system = benchSystem('api', PORT);
  const prof = process.env.BENCH_CPU_PROF;
  system.app('billing');
  system.app(
    'gateway',
    {
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      GATEWAY_WORKERS: process.env.GATEWAY_WORKERS ?? '1',
    },
    prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [],
  );
  try {
    await system.ready();
    const user = await benchUser(system);
    const jwt = { Authorization: `Bearer ${user.token}` };
    const project = await system.api('POST', '/api/v1/projects', user.token, {
      name: 'bench',
      settings: { mixingMode: 'AUTO', outputFormat: 'MP4', quality: 'LOW', outputCount: 1 },
    });
    const { key } = await system.api<{ key: string }>('POST', '/api/v1/api-keys', user.token, {
      name: 'bench',
      scopes: ['read'],
    });
    const apiKey = { 'X-API-Key': key };
    // A job being polled: written directly (no worker runs in this bench).
    const jobId = randomUUID();
    const db = new Client({ connectionString: system.ownerUrl });
    await db.connect();
    await db.query(
      `INSERT INTO processing_jobs (id, project_id, status, progress, started_at, output_count)
       VALUES ($1, $2, 'PROCESSING', 40, now(), 4)`,
      [jobId, project.id],
    );
    await db.end();

    const base = system.base;
    // Warm-up: JIT, pool connections, caches.
    await measure(base, 'warm-up', '/api/v1/projects', jwt, 3);
    const allRoutes: [string, string, Record<string, string>][] = [
      ['GET /health', '/health', {}],
      ['GET /api/v1/users/me (JWT)', '/api/v1/users/me', jwt],
      ['GET /api/v1/projects (JWT)', '/api/v1/projects', jwt],
      ['GET /api/v1/jobs/:id (JWT)', `/api/v1/jobs/${jobId}`, jwt],
      ['GET /api/v1/jobs/:id (API key)', `/api/v1/jobs/${jobId}`, apiKey],
    ];
    const routes = allRoutes.filter(([route], i) => i === 0 || !ONLY || ONLY.test(route));
    // Round robin over the routes (ROUNDS times SECONDS / ROUNDS each): the machine's load
    // drifts, and every route then sees the same drift as /health.
    const samples = new Map<string, Measured[]>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const [route, path, headers] of routes) {
        const m = await measure(base, route, path, headers, Math.max(1, SECONDS / ROUNDS));
        samples.set(route, [...(samples.get(route) ?? []), m]);
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const results: Measured[] = routes.map(([route]) => {
      const ms = samples.get(route)!;
      return {
        route,
        rps: mean(ms.map((m) => m.rps)),
        p50: mean(ms.map((m) => m.p50)),
        p99: mean(ms.map((m) => m.p99)),
        non2xx: ms.reduce((a, m) => a + m.non2xx, 0),
      };
    });
    const health = results[0];
    console.log(
      `\n${CONNECTIONS} connections, ${SECONDS} s per route in ${ROUNDS} turns, GATEWAY_WORKERS=${process.env.GATEWAY_WORKERS ?? 1}\n`,
    );
    console.log(
      '| route | requests/s | p50 ms | p99 ms | × /health req/s | × /health p99 | errors |',
    );
    console.log('|---|---|---|---|---|---|---|');
    let ok = true;
    for (const r of results) {
      const rpsRatio = r.rps / health.rps;
      const p99Ratio = r.p99 / health.p99;
      if (r !== health && (rpsRatio < 0.5 || p99Ratio > 2 || r.non2xx > 0)) ok = false;
      console.log(
        `| \`${r.route}\` | ${r.rps.toFixed(0)} | ${r.p50.toFixed(0)} | ${r.p99.toFixed(0)} | ${rpsRatio.toFixed(2)} | ${p99Ratio.toFixed(2)} | ${r.non2xx} |`,
      );
    }
    console.log(
      `\ntargets (req/s ≥ 0.5 × /health, p99 ≤ 2 × /health, no errors): ${ok ? 'met' : 'NOT met'}`,
    );
  } finally {
    system.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
