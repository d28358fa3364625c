import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@app/database';
import {
  APP_ROLE,
  BILLING_ROLE,
  GATEWAY_ROLE,
  WORKER_ROLE,
  withDatabase,
  withUser,
} from './global-setup';

export interface TestDatabase {
  name: string;
  /** The owner's URL (bypasses row level security): for inspecting and arranging data. */
  url: string;
  /** The shared application role's URL (DATABASE_URL): for apps without a role of their own. */
  appUrl: string;
  /** The gateway's tenant-only role's URL (GATEWAY_DATABASE_URL). */
  gatewayUrl: string;
  /** Billing's role's URL (BILLING_DATABASE_URL). */
  billingUrl: string;
  /** The media workers' role's URL (WORKER_DATABASE_URL). */
  workerUrl: string;
  prisma: PrismaClient;
  drop(): Promise<void>;
}

function serverUrl(): string {
  const url = process.env.TEST_SERVER_URL;
  if (!url) throw new Error('TEST_SERVER_URL is not set: run the tests through jest (globalSetup)');
  return url;
}

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: serverUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * A freshly migrated database of the test file's own, cloned from the run's template. Sets
 * DATABASE_URL (the shared role) and each app's own role's URL (GATEWAY_DATABASE_URL,
 * BILLING_DATABASE_URL, WORKER_DATABASE_URL) so apps started afterwards in this file use them;
 * `prisma` is the owner's client, which row level security does not limit.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = process.env.TEST_TEMPLATE_DB;
  if (!template) throw new Error('TEST_TEMPLATE_DB is not set: run the tests through jest');
  const name = `vmp_test_${randomBytes(6).toString('hex')}`;
  await admin(async (c) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        return;
      } catch (e) {
        // Two clones starting at the same instant: "source database is being accessed".
        if (attempt >= 20 || !/being accessed/.test((e as Error).message)) throw e;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  });
  const url = withDatabase(serverUrl(), name);
  const appUrl = withUser(url, APP_ROLE);
  const gatewayUrl = withUser(url, GATEWAY_ROLE);
  const billingUrl = withUser(url, BILLING_ROLE);
  const workerUrl = withUser(url, WORKER_ROLE);
  process.env.DATABASE_URL = appUrl;
  process.env.GATEWAY_DATABASE_URL = gatewayUrl;
  process.env.BILLING_DATABASE_URL = billingUrl;
  process.env.WORKER_DATABASE_URL = workerUrl;
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 4 }) });
  return {
    name,
    url,
    appUrl,
    gatewayUrl,
    billingUrl,
    workerUrl,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** A plain pg client on a test database, for catalog queries and raw SQL. */
export async function withPg<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
