/**
 * bench/upload: streams a 1 GiB video to a real gateway process and reports its throughput
 * against a plain disk write of the same bytes in the same run, and the gateway's peak RSS
 * growth while it receives. Targets: RSS growth < 64 MiB, throughput >= 50% of the disk write.
 *   npx tsx bench/upload/run.ts            (needs `npm run build`, PostgreSQL and NATS)
 */
import { randomBytes } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { makeClip } from '@app/media/testing';

const ROOT = path.resolve(__dirname, '../..');
const PORT = 3901;
const BASE = `http://127.0.0.1:${PORT}`;
const MiB = 1024 * 1024;
const DB_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/vmp_bench';

/**
 * ~1 GiB of raw 720p video in Matroska (778 frames of 1.3 MiB): a real video the gateway
 * accepts, made without encoding (generated once, cached under the OS temp folder).
 */
const bigVideo = () =>
  makeClip({
    width: 1280,
    height: 720,
    fps: 25,
    durationSeconds: 778 / 25,
    audio: false,
    container: 'mkv',
    raw: true,
  });

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

async function json(method: string, url: string, body?: unknown, token?: string) {
  const res = await fetch(BASE + url, {
    method,
    headers: {
      'Content-Type': 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

function upload(file: string, projectId: string, token: string): Promise<number> {
  const boundary = 'vmpbench';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.mkv"\r\nContent-Type: video/x-matroska\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const req = request(`${BASE}/api/v1/projects/${projectId}/videos`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        'Content-Length': String(head.length + statSync(file).size + tail.length),
      },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.write(head);
    const input = createReadStream(file, { highWaterMark: MiB });
    input.pipe(req, { end: false });
    input.on('end', () => req.end(tail));
  });
}

async function main() {
  const file = await bigVideo();
  const bytes = statSync(file).size;
  const storage = mkdtempSync(path.join(tmpdir(), 'vmp-bench-storage-'));
  execFileSync('bash', ['-c', 'source scripts/lib.sh && ensure_database && migrate >/dev/null'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, MIGRATION_DATABASE_URL: DB_URL, DATABASE_URL: DB_URL },
  });

  // Baseline: the same bytes written by a plain stream copy into the same folder.
  const t0 = process.hrtime.bigint();
  await pipeline(
    createReadStream(file, { highWaterMark: MiB }),
    createWriteStream(path.join(storage, 'baseline.bin')),
  );
  const diskSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  rmSync(path.join(storage, 'baseline.bin'));

  const gateway = spawn(process.execPath, [path.join(ROOT, 'dist/apps/gateway/src/main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(PORT),
      // The gateway refuses to boot without a strong secret: a fresh one per run.
      JWT_SECRET: process.env.JWT_SECRET ?? randomBytes(32).toString('base64url'),
      DATABASE_URL: DB_URL,
      STORAGE_DIR: storage,
      MAX_UPLOAD_BYTES: String(2048 * MiB),
      LOG_LEVEL: 'warn',
      NATS_PREFIX: 'vmpbench',
      AUTH_RATE_LIMIT: '100',
    },
    stdio: 'inherit',
  });
  try {
    for (let i = 0; i < 100; i++) {
      if ((await fetch(`${BASE}/health`).catch(() => null))?.ok) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const email = `bench-${Date.now()}@example.com`;
    const reg = await json('POST', '/api/v1/auth/register', {
      email,
      password: 'bench-password',
      firstName: 'B',
      lastName: 'Ench',
    });
    const token = reg.body.accessToken as string;
    // The largest upload allowance: an ENTERPRISE licence (docs/billing.md).
    execFileSync('psql', [
      DB_URL,
      '-qc',
      `UPDATE users SET license_type = 'ENTERPRISE', license_expiry = now() + interval '1 day' WHERE email = '${email}'`,
    ]);
    const project = await json(
      'POST',
      '/api/v1/projects',
      {
        name: 'bench',
        settings: { mixingMode: 'AUTO', outputFormat: 'MP4', quality: 'LOW', outputCount: 1 },
      },
      token,
    );

    const idle = rssOf(gateway.pid!);
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(gateway.pid!))), 25);
    const t1 = process.hrtime.bigint();
    const status = await upload(file, project.body.id, token);
    const uploadSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
    clearInterval(sampler);
    if (status !== 201) throw new Error(`the upload was refused (${status}): nothing measured`);

    const mbps = (s: number) => bytes / MiB / s;
    console.log(`file: ${(bytes / MiB).toFixed(0)} MiB, upload answered ${status}`);
    console.log(
      `plain disk write: ${mbps(diskSeconds).toFixed(0)} MiB/s (${diskSeconds.toFixed(2)} s)`,
    );
    console.log(
      `upload (stream + ffprobe + tail decode): ${mbps(uploadSeconds).toFixed(0)} MiB/s (${uploadSeconds.toFixed(2)} s)`,
    );
    console.log(`throughput ratio: ${(diskSeconds / uploadSeconds).toFixed(2)} (target >= 0.50)`);
    console.log(
      `gateway RSS: idle ${(idle / MiB).toFixed(0)} MiB, peak ${(peak / MiB).toFixed(0)} MiB, growth ${((peak - idle) / MiB).toFixed(1)} MiB (target < 64)`,
    );
  } finally {
    gateway.kill('SIGTERM');
    rmSync(storage, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
