import { execFileSync } from 'node:child_process';
import { Client } from 'pg';
import { ensureAppRole } from '../../libs/database/src/app-role';
import {
  DEFAULT_DATABASE_URL,
  DEFAULT_NATS_URL,
  natsAnswers,
  postgresAnswers,
  startContainers,
} from './servers';

/**
 * Runs once per `jest` run: finds the servers, then migrates a template database that every
 * test file clones (CREATE DATABASE ... TEMPLATE) into a database of its own. Cloning a
 * migrated template is the same schema as migrating afresh, in a fraction of the time.
 */
export default async function globalSetup(): Promise<void> {
  // The owner's URL finds the server (DATABASE_URL may name the limited application role).
  let serverUrl = adminUrl(
    process.env.MIGRATION_DATABASE_URL ?? process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
  );
  let natsUrl = process.env.NATS_URL ?? DEFAULT_NATS_URL;
  if (!(await postgresAnswers(serverUrl)) || !(await natsAnswers(natsUrl))) {
    console.warn('PostgreSQL/NATS not reachable at the given URLs: starting testcontainers');
    const started = await startContainers();
    serverUrl = started.databaseUrl;
    natsUrl = started.natsUrl;
  }
  const template = `vmp_test_template_${process.pid}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await dropStaleTestDatabases(admin);
    await admin.query(`CREATE DATABASE "${template}"`);
  } finally {
    await admin.end();
  }
  const templateUrl = withDatabase(serverUrl, template);
  execFileSync('npx', ['--no-install', 'prisma', 'migrate', 'deploy'], {
    env: { ...process.env, DATABASE_URL: templateUrl, MIGRATION_DATABASE_URL: templateUrl },
    stdio: 'pipe',
  });
  // The apps connect as limited roles, as in production: row level security applies to every
  // test. Grants are copied with the template into each test database. The shared role
  // (DATABASE_URL), then each service's own: the gateway's is tenant-only, so app.service never
  // widens what it sees; billing's and the workers' get only what they use.
  await ensureAppRole(templateUrl, withUser(templateUrl, APP_ROLE));
  await ensureAppRole(templateUrl, withUser(templateUrl, GATEWAY_ROLE), { kind: 'gateway' });
  await ensureAppRole(templateUrl, withUser(templateUrl, BILLING_ROLE), { kind: 'billing' });
  await ensureAppRole(templateUrl, withUser(templateUrl, WORKER_ROLE), { kind: 'worker' });
  process.env.TEST_SERVER_URL = serverUrl;
  process.env.TEST_TEMPLATE_DB = template;
  process.env.NATS_URL = natsUrl;
}

/**
 * Databases left by runs that were killed before their teardown: older than an hour and with
 * nobody connected (another run, going on now, keeps its connections open), dropped without
 * FORCE so a database in use is never taken away.
 */
async function dropStaleTestDatabases(admin: Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(
    `SELECT d.datname FROM pg_database d
      WHERE d.datname LIKE 'vmp!_test!_%' ESCAPE '!'
        AND (pg_stat_file('base/' || d.oid || '/PG_VERSION', true)).modification < now() - interval '1 hour'
        AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)`,
  );
  for (const { datname } of rows) {
    await admin.query(`DROP DATABASE IF EXISTS "${datname}"`).catch(() => undefined);
  }
}

export const APP_ROLE = 'vmp_app';
export const GATEWAY_ROLE = 'vmp_gateway';
export const BILLING_ROLE = 'vmp_billing';
export const WORKER_ROLE = 'vmp_worker';

export function withUser(url: string, user: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = '';
  return u.toString();
}

export function adminUrl(url: string): string {
  return withDatabase(url, 'postgres');
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
