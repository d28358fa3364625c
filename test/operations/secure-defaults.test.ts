import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DEV_JWT_SECRET, gatewayEnvSchema, validateEnv } from '@app/config';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startAppProcess } from '../support/processes';

// Real processes (the built gateway, tsx): seconds each on a busy 2-core machine.
jest.setTimeout(60_000);

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe('the published JWT secret', () => {
  for (const mode of ['production', 'development']) {
    it(`stops the gateway at boot in ${mode}, with a message naming the variable`, async () => {
      const gateway = startAppProcess('gateway', {
        NODE_ENV: mode,
        JWT_SECRET: DEV_JWT_SECRET,
        PORT: '0',
      });
      const code = await new Promise((resolve) => gateway.proc.on('exit', resolve));
      expect(code).not.toBe(0);
      expect(gateway.output()).toContain('"JWT_SECRET" is a published or weak secret');
    });
  }

  it('boots the gateway in production with a random secret (the control)', async () => {
    const gateway = startAppProcess('gateway', { NODE_ENV: 'production', PORT: '0' });
    try {
      await gateway.waitFor(/listening on/);
    } finally {
      await gateway.stop();
    }
  });
});

describe('npm start on a fresh machine', () => {
  /** scripts/lib.sh in a folder of its own, so the .env it writes is that folder's. */
  function freshCheckout(): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'vmp-start-'));
    mkdirSync(path.join(dir, 'scripts'));
    copyFileSync(path.join(ROOT, 'scripts/lib.sh'), path.join(dir, 'scripts/lib.sh'));
    return dir;
  }
  const ensureEnv = (dir: string) =>
    run('bash', ['-c', 'source scripts/lib.sh && ensure_env_file && echo "NODE_ENV=$NODE_ENV"'], {
      cwd: dir,
      env: { PATH: process.env.PATH },
    });

  it('writes a private .env with a freshly generated secret, says so, and keeps it afterwards', async () => {
    const dir = freshCheckout();
    const first = await ensureEnv(dir);
    expect(first.stdout).toContain('wrote one with a freshly generated JWT_SECRET');
    expect(first.stdout).toContain('NODE_ENV=development');
    const env = readFileSync(path.join(dir, '.env'), 'utf8');
    expect(statSync(path.join(dir, '.env')).mode & 0o077).toBe(0);
    const secret = /^JWT_SECRET=(.+)$/m.exec(env)?.[1] ?? '';
    expect(
      validateEnv(gatewayEnvSchema, { NODE_ENV: 'production', JWT_SECRET: secret }).JWT_SECRET,
    ).toBe(secret);

    const second = await ensureEnv(dir);
    expect(second.stdout).not.toContain('wrote one');
    expect(readFileSync(path.join(dir, '.env'), 'utf8')).toBe(env);
    // Another machine gets another secret.
    const other = freshCheckout();
    await ensureEnv(other);
    expect(readFileSync(path.join(other, '.env'), 'utf8')).not.toContain(secret);
  });
});

describe('the demo user', () => {
  const seedAs = (nodeEnv: string) =>
    run('npx', ['--no-install', 'tsx', 'prisma/seed.ts'], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: nodeEnv, DATABASE_URL: db.url },
    });
  const demoUsers = () => db.prisma.user.count({ where: { email: 'test@videomixpro.com' } });

  it('is not seeded in production or test', async () => {
    for (const mode of ['production', 'test']) {
      const { stdout } = await seedAs(mode);
      expect(stdout).toContain(`not seeding the demo user (NODE_ENV=${mode})`);
    }
    expect(await demoUsers()).toBe(0);
  });

  it('is seeded in development', async () => {
    await seedAs('development');
    expect(await demoUsers()).toBe(1);
  });
});
