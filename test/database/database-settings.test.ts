// Database settings read from the environment: the slow query log and TLS (sslmode).
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PrismaService } from '@app/database';
import { createTestDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

function service(slowQueryMs: number): PrismaService {
  return new PrismaService(
    new ConfigService({
      DATABASE_URL: db.appUrl,
      DATABASE_POOL_MAX: 1,
      DATABASE_CONNECT_TIMEOUT_MS: 5000,
      DATABASE_IDLE_TIMEOUT_MS: 1000,
      DATABASE_STATEMENT_TIMEOUT_MS: 5000,
      DATABASE_SLOW_QUERY_MS: slowQueryMs,
    }),
  );
}

describe('slow query log (DATABASE_SLOW_QUERY_MS)', () => {
  it('warns of a query slower than the threshold, with its statement but not its values', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    // A threshold far above what a trivial query takes on a busy CI machine (one took 162 ms).
    const prisma = service(1000);
    try {
      await prisma.$queryRaw`SELECT 1 AS fast WHERE ${'secret-value'}::text IS NOT NULL`;
      expect(warn).not.toHaveBeenCalled();
      await prisma.$queryRaw`SELECT pg_sleep(1.2)::text AS slept, ${'secret-value'}::text AS v`;
      expect(warn).toHaveBeenCalledTimes(1);
      const [message] = warn.mock.calls[0] as [string];
      expect(message).toMatch(/^slow query \(\d+ ms\): SELECT pg_sleep\(1\.2\)::text/);
      expect(message).not.toContain('secret-value');
    } finally {
      warn.mockRestore();
      await prisma.onApplicationShutdown();
    }
  });

  it('logs nothing when off', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const prisma = service(0);
    try {
      await prisma.$queryRaw`SELECT pg_sleep(0.15)::text AS slept`;
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      await prisma.onApplicationShutdown();
    }
  });
});

describe('DATABASE_URL sslmode', () => {
  it('is honoured: sslmode=verify-full refuses a server without TLS instead of falling back', async () => {
    const url = new URL(db.appUrl);
    url.searchParams.set('sslmode', 'verify-full');
    const prisma = new PrismaService(
      new ConfigService({
        DATABASE_URL: url.toString(),
        DATABASE_POOL_MAX: 1,
        DATABASE_CONNECT_TIMEOUT_MS: 5000,
        DATABASE_IDLE_TIMEOUT_MS: 1000,
        DATABASE_STATEMENT_TIMEOUT_MS: 5000,
      }),
    );
    try {
      // The test server has no TLS: a connection that honours the URL cannot be made.
      await expect(prisma.$queryRaw`SELECT 1`).rejects.toThrow(/SSL|certificate/i);
    } finally {
      await prisma.onApplicationShutdown();
    }
  });
});

describe("an app's own database URL", () => {
  async function roleOf(variable: string, env: Record<string, string>): Promise<string> {
    const prisma = new PrismaService(
      new ConfigService({
        DATABASE_URL: db.appUrl,
        DATABASE_POOL_MAX: 1,
        DATABASE_CONNECT_TIMEOUT_MS: 5000,
        DATABASE_IDLE_TIMEOUT_MS: 1000,
        DATABASE_STATEMENT_TIMEOUT_MS: 5000,
        ...env,
      }),
      { service: 'check' },
      variable,
    );
    try {
      const [row] = await prisma.$queryRaw<{ role: string }[]>`SELECT current_user::text AS role`;
      return row.role;
    } finally {
      await prisma.onApplicationShutdown();
    }
  }

  it('is used when set, and DATABASE_URL (the shared role) when unset or empty', async () => {
    expect(await roleOf('BILLING_DATABASE_URL', { BILLING_DATABASE_URL: db.billingUrl })).toBe(
      'vmp_billing',
    );
    expect(await roleOf('WORKER_DATABASE_URL', { WORKER_DATABASE_URL: db.workerUrl })).toBe(
      'vmp_worker',
    );
    // Unset is '' once the environment is validated (the schemas' default).
    expect(await roleOf('WORKER_DATABASE_URL', { WORKER_DATABASE_URL: '' })).toBe('vmp_app');
    expect(await roleOf('BILLING_DATABASE_URL', { BILLING_DATABASE_URL: '' })).toBe('vmp_app');
  });
});
