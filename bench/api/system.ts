/**
 * The running system for the benches that go through the API: a fresh database (dropped,
 * created, migrated, with the application role), and the built apps (`npm run build`) as child
 * processes on PostgreSQL and NATS, with their own NATS prefix and a fresh JWT secret.
 */
import { randomBytes } from 'node:crypto';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';

export const ROOT = path.resolve(__dirname, '../..');

export interface BenchSystem {
  base: string;
  ownerUrl: string;
  appUrl: string;
  /** The apps' NATS_PREFIX (their streams' names, and the Object Store's buckets by default). */
  prefix: string;
  /**
   * Starts a built app (`gateway`, `billing`, `media-worker`) with the system's environment;
   * its output goes to `logFile` when given (else only its stderr, to the bench's).
   */
  app(
    name: string,
    env?: Record<string, string>,
    nodeArgs?: string[],
    logFile?: string,
  ): ChildProcess;
  /** Waits until the gateway answers /health. */
  ready(): Promise<void>;
  /** A JSON call; throws on a non-2xx answer. */
  api<T = Record<string, string>>(
    method: string,
    url: string,
    token?: string,
    body?: unknown,
  ): Promise<T>;
  stop(): void;
}

/** `name` is the database and NATS prefix; `port` the gateway's. */
export function benchSystem(name: string, port: number): BenchSystem {
  const base = `http://127.0.0.1:${port}`;
  const ownerUrl =
    process.env.BENCH_DATABASE_URL ?? `postgresql://postgres@127.0.0.1:5432/vmp_bench_${name}`;
  const u = new URL(ownerUrl);
  u.username = 'vmp_app';
  u.password = '';
  const appUrl = u.toString();
  const prefix = `vmpbench${name}${process.pid}`;
  const secret = process.env.JWT_SECRET ?? randomBytes(32).toString('base64url');
  const procs: ChildProcess[] = [];

  // A fresh database each run: dropped (with any leftover connections) and migrated again.
  const db = decodeURIComponent(new URL(ownerUrl).pathname.slice(1));
  const admin = new URL(ownerUrl);
  admin.pathname = '/postgres';
  execFileSync(
    process.execPath,
    [
      '-e',
      `const { Client } = require('pg');
       const c = new Client({ connectionString: process.argv[1] });
       c.connect().then(() => c.query('DROP DATABASE IF EXISTS "' + process.argv[2] + '" WITH (FORCE)')).then(() => c.end());`,
      admin.toString(),
      db.replace(/"/g, '""'),
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
  execFileSync(
    'bash',
    ['-c', 'source scripts/lib.sh && ensure_database && migrate >/dev/null && ensure_app_role'],
    {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, MIGRATION_DATABASE_URL: ownerUrl, DATABASE_URL: appUrl },
    },
  );

  const system: BenchSystem = {
    base,
    ownerUrl,
    appUrl,
    prefix,
    app(appName, env = {}, nodeArgs = [], logFile) {
      const log = logFile ? openSync(logFile, 'a') : undefined;
      const child = spawn(
        process.execPath,
        [...nodeArgs, path.join(ROOT, `dist/apps/${appName}/src/main.js`)],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            DATABASE_URL: appUrl,
            NATS_PREFIX: prefix,
            LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
            JWT_SECRET: secret,
            WORKER_METRICS_PORT: '0',
            BILLING_PORT: '0',
            ...(appName === 'gateway' ? { PORT: String(port) } : {}),
            ...env,
          },
          stdio: log === undefined ? ['ignore', 'ignore', 'inherit'] : ['ignore', log, log],
        },
      );
      if (log !== undefined) closeSync(log); // the child has its own copy
      procs.push(child);
      return child;
    },
    async ready() {
      // Two minutes: several gateway processes booting on a loaded machine take a while.
      for (let i = 0; i < 600; i++) {
        if ((await fetch(`${base}/health`).catch(() => null))?.ok) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`the gateway does not answer on ${base}/health`);
    },
    async api<T>(method: string, url: string, token?: string, body?: unknown): Promise<T> {
      const res = await fetch(base + url, {
        method,
        headers: {
          ...(body ? { 'Content-Type': 'application/json' } : {}),
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
      return (res.status === 204 ? undefined : await res.json()) as T;
    },
    stop() {
      for (const p of procs) p.kill('SIGTERM');
    },
  };
  return system;
}

/** A registered user with credits and an ENTERPRISE licence: its id and access token. */
export async function benchUser(system: BenchSystem): Promise<{ id: string; token: string }> {
  const reg = await system.api<{ accessToken: string; user: { id: string } }>(
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
  const db = new Client({ connectionString: system.ownerUrl });
  await db.connect();
  try {
    await db.query(
      `UPDATE users SET credits = 1000000, license_type = 'ENTERPRISE',
              license_expiry = now() + interval '1 day' WHERE id = $1`,
      [reg.user.id],
    );
  } finally {
    await db.end();
  }
  return { id: reg.user.id, token: reg.accessToken };
}

/**
 * A project of AUTO 16:9 MP4 outputs through the API, one group per entry of `groups` (its
 * clips uploaded in order). Returns the project's id.
 */
export async function benchProject(
  system: BenchSystem,
  token: string,
  project: {
    name: string;
    quality: string;
    outputCount: number;
    groups: readonly (readonly { path: string; originalName: string }[])[];
  },
): Promise<string> {
  const { id } = await system.api('POST', '/api/v1/projects', token, {
    name: project.name,
    settings: {
      mixingMode: 'AUTO',
      outputFormat: 'MP4',
      quality: project.quality,
      outputCount: project.outputCount,
      aspectRatio: '16:9',
    },
  });
  for (const [g, clips] of project.groups.entries()) {
    const group = await system.api('POST', `/api/v1/projects/${id}/groups`, token, {
      name: `G${g}`,
      order: g,
    });
    for (const clip of clips) {
      const form = new FormData();
      form.set('groupId', group.id);
      form.set('file', new Blob([await readFile(clip.path)]), clip.originalName);
      const res = await fetch(`${system.base}/api/v1/projects/${id}/videos`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
        body: form,
      });
      if (res.status !== 201) throw new Error(`upload: ${res.status} ${await res.text()}`);
    }
  }
  return id;
}
