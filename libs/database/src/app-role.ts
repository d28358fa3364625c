import { Client } from 'pg';
import { APP_TABLES, APPEND_ONLY_TABLES, TENANT_TABLES } from './tables';

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteLiteral = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * Members of this role act for one user at a time: app.service never widens what they see (the
 * row level policies check membership). The gateway's role is one.
 */
export const TENANT_ONLY_ROLE = 'vmp_tenant_only';

/**
 * Members of this role may do service-level work by naming themselves in app.service (billing,
 * the media workers, the shared application role); for any other role the setting does nothing
 * (app_is_service(), migration 20261201120000_service_roles_and_user_rls).
 */
export const SERVICE_ROLE = 'vmp_service';

/**
 * Which app a role is for, and so what it is granted:
 * - `shared`: DATABASE_URL's role (vmp_app), used by any app without a URL of its own: every
 *   application table and function, service-level work allowed (as before per-service roles).
 * - `gateway`: tenant-only; its tenant tables, its user's row (never the password hash) and
 *   keys, and the narrow functions for log-in, registration, key look-up and operators.
 * - `billing`: the ledger (append-only), settlements, users' credits and licences, and reads of
 *   jobs and their outputs; nothing of uploads, webhooks or API keys.
 * - `worker`: jobs, their tasks, outputs and webhook deliveries, reads of projects and their
 *   sources; nothing of users, API keys, the ledger or settlements.
 */
export type AppRoleKind = 'shared' | 'gateway' | 'billing' | 'worker';

const ALL = 'SELECT, INSERT, UPDATE, DELETE';

/** users' columns but the password hash. */
const USER_COLUMNS =
  'id, email, first_name, last_name, is_active, credits, license_type, license_expiry, role, ' +
  'stripe_customer_id, created_at, updated_at';

/** Privileges per table (a table not named gets none). Column lists limit users. */
const TABLE_GRANTS: Record<AppRoleKind, Readonly<Record<string, string>>> = {
  shared: {
    ...Object.fromEntries(APP_TABLES.map((t) => [t, ALL])),
    ...Object.fromEntries(APPEND_ONLY_TABLES.map((t) => [t, 'SELECT, INSERT'])),
  },
  gateway: {
    ...Object.fromEntries(
      TENANT_TABLES.filter((t) => t !== 'credit_transactions').map((t) => [t, ALL]),
    ),
    users: `SELECT (${USER_COLUMNS}), UPDATE (stripe_customer_id, updated_at)`,
    api_keys: 'SELECT, INSERT, UPDATE',
    webhook_endpoints: ALL,
    webhook_deliveries: 'SELECT, UPDATE',
    // Read by operators through admin_audit_logs only: entries name users' ids and emails.
    audit_logs: 'INSERT',
  },
  billing: {
    users:
      'SELECT (id, credits, license_type, license_expiry), ' +
      'UPDATE (credits, license_type, license_expiry, updated_at)',
    projects: 'SELECT',
    processing_jobs: 'SELECT',
    output_files: 'SELECT',
    credit_transactions: 'SELECT, INSERT',
    job_settlements: 'SELECT, INSERT',
    audit_logs: 'INSERT',
  },
  worker: {
    projects: 'SELECT, UPDATE',
    video_groups: 'SELECT',
    video_files: 'SELECT',
    project_assets: 'SELECT',
    processing_jobs: 'SELECT, UPDATE',
    output_files: 'SELECT, INSERT, UPDATE',
    webhook_endpoints: 'SELECT, UPDATE',
    webhook_deliveries: 'SELECT, INSERT, UPDATE',
    // The fleet's tasks (docs/scaling.md).
    job_tasks: ALL,
  },
};

/** The narrow SECURITY DEFINER functions the gateway calls (the migrations define them). */
export const GATEWAY_FUNCTIONS = [
  'gateway_jobs_by_status',
  'admin_user_counts',
  'gateway_login_user',
  'gateway_register_user',
  'gateway_api_key',
  'gateway_user_by_stripe_customer',
  'admin_users',
  'admin_users_count',
  'admin_user',
  'admin_set_user_active',
  'admin_audit_logs',
  'admin_audit_logs_count',
] as const;

/** Counts-only functions for the fleet's capacity metrics (docs/scaling.md). */
const FLEET_FUNCTIONS = ['fleet_task_backlog'] as const;

const FUNCTION_GRANTS: Record<AppRoleKind, readonly string[]> = {
  // The gateway falls back to DATABASE_URL when it has no role of its own.
  shared: [...GATEWAY_FUNCTIONS, ...FLEET_FUNCTIONS],
  gateway: [...GATEWAY_FUNCTIONS, ...FLEET_FUNCTIONS],
  billing: [],
  worker: FLEET_FUNCTIONS,
};

export interface AppRoleOptions {
  /** What the role is for (default `shared`). */
  kind?: AppRoleKind;
}

/**
 * Makes a limited role an app connects as (the user of `appUrl`): it logs in, owns nothing, is
 * no superuser and cannot bypass row level security, and gets only what its kind needs (see
 * AppRoleKind). Run as the owner (MIGRATION_DATABASE_URL) after the migrations; safe to run
 * again (each run revokes what the role had in this database first). A password is set only
 * when the app URL carries one.
 */
export async function ensureAppRole(
  ownerUrl: string,
  appUrl: string,
  options: AppRoleOptions = {},
): Promise<string> {
  const kind = options.kind ?? 'shared';
  const app = new URL(appUrl);
  const role = decodeURIComponent(app.username);
  const password = decodeURIComponent(app.password);
  if (!role) throw new Error(`the ${kind} database URL names no user for its role`);
  if (role === decodeURIComponent(new URL(ownerUrl).username)) {
    throw new Error(
      `the ${kind} database URL and MIGRATION_DATABASE_URL use the same user (${role}): the ` +
        'services must connect as a limited role of their own, or row level security does not apply',
    );
  }
  const c = new Client({ connectionString: ownerUrl });
  await c.connect();
  try {
    const exists = await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    const attributes = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT';
    const secret = password ? ` PASSWORD ${quoteLiteral(password)}` : '';
    await createRole(
      c,
      `${exists.rowCount ? 'ALTER' : 'CREATE'} ROLE ${quoteIdent(role)} ${attributes}${secret}`,
    );
    const r = quoteIdent(role);
    const { rows } = await c.query<{ db: string }>('SELECT current_database() AS db');
    await c.query(`GRANT CONNECT ON DATABASE ${quoteIdent(rows[0].db)} TO ${r}`);
    await c.query(`GRANT USAGE ON SCHEMA public TO ${r}`);
    // Also drops column privileges (REVOKE on a table revokes them on its columns).
    await c.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${r}`);
    const present = await tablesPresent(c);
    for (const [table, privileges] of Object.entries(TABLE_GRANTS[kind])) {
      if (!present.has(table)) continue; // migrations older than the table
      await c.query(`GRANT ${privileges} ON ${quoteIdent(table)} TO ${r}`);
    }
    await c.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r}`);
    await ensureMembership(c, TENANT_ONLY_ROLE, r, kind === 'gateway');
    await ensureMembership(c, SERVICE_ROLE, r, kind !== 'gateway');
    await grantFunctions(c, r, FUNCTION_GRANTS[kind]);
    return role;
  } finally {
    await c.end();
  }
}

/** CREATE or ALTER ROLE; two processes creating one role at once: the other one won. */
async function createRole(c: Client, sql: string): Promise<void> {
  try {
    await c.query(sql);
  } catch (e) {
    if (!/already exists/.test((e as Error).message)) throw e;
  }
}

async function tablesPresent(c: Client): Promise<Set<string>> {
  const { rows } = await c.query<{ name: string }>(
    "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'",
  );
  return new Set(rows.map((r) => r.name));
}

/** Makes `role` a member of `group` (a NOLOGIN role, created when missing), or not. */
async function ensureMembership(
  c: Client,
  group: string,
  role: string,
  member: boolean,
): Promise<void> {
  await createRole(c, `CREATE ROLE ${quoteIdent(group)} NOLOGIN`);
  await c.query(
    member ? `GRANT ${quoteIdent(group)} TO ${role}` : `REVOKE ${quoteIdent(group)} FROM ${role}`,
  );
}

/**
 * EXECUTE on the named functions of the schema (those the migrations made so far), and on no
 * other function granted to the role before. Functions open to PUBLIC stay open.
 */
async function grantFunctions(c: Client, role: string, names: readonly string[]): Promise<void> {
  await c.query(`REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA public FROM ${role}`);
  if (!names.length) return;
  const { rows } = await c.query<{ fn: string }>(
    `SELECT p.oid::regprocedure::text AS fn FROM pg_proc p
      WHERE p.pronamespace = 'public'::regnamespace AND p.proname = ANY($1)`,
    [[...names]],
  );
  for (const { fn } of rows) await c.query(`GRANT EXECUTE ON FUNCTION ${fn} TO ${role}`);
}

/** The same URL with another user (and no password). */
export function withUser(url: string, user: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  u.password = '';
  return u.toString();
}
