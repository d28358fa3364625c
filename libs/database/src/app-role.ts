import { Client } from 'pg';
import { APP_TABLES, APPEND_ONLY_TABLES } from './tables';

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteLiteral = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * Members of this role act for one user at a time: app.service never widens what they see (the
 * row level policies check membership). The gateway's role is one.
 */
export const TENANT_ONLY_ROLE = 'vmp_tenant_only';

/** Narrow SECURITY DEFINER functions a tenant-only role may call (the migrations define them). */
const TENANT_ONLY_FUNCTIONS = ['gateway_jobs_by_status()', 'admin_user_counts(text)'];

/** Counts-only SECURITY DEFINER functions every application role may call (metrics). */
const APP_FUNCTIONS = ['fleet_task_backlog()'];

export interface AppRoleOptions {
  /**
   * The role acts for users only (the gateway): made a member of vmp_tenant_only, so no setting
   * it can change lifts row level security. Otherwise (billing, workers) it may do
   * service-level work by setting app.service.
   */
  tenantOnly?: boolean;
}

/**
 * Makes the limited role the services connect as (the user of DATABASE_URL): it logs in, owns
 * nothing, is no superuser and cannot bypass row level security, and gets only the table
 * privileges it needs. Run as the owner (MIGRATION_DATABASE_URL) after the migrations; safe to
 * run again. A password is set only when the app URL carries one.
 */
export async function ensureAppRole(
  ownerUrl: string,
  appUrl: string,
  options: AppRoleOptions = {},
): Promise<string> {
  const app = new URL(appUrl);
  const role = decodeURIComponent(app.username);
  const password = decodeURIComponent(app.password);
  if (!role) throw new Error('DATABASE_URL names no user for the application role');
  if (role === decodeURIComponent(new URL(ownerUrl).username)) {
    throw new Error(
      `DATABASE_URL and MIGRATION_DATABASE_URL use the same user (${role}): the services must ` +
        'connect as a limited role of their own, or row level security does not apply',
    );
  }
  const c = new Client({ connectionString: ownerUrl });
  await c.connect();
  try {
    const exists = await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    const attributes = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT';
    const secret = password ? ` PASSWORD ${quoteLiteral(password)}` : '';
    try {
      await c.query(
        `${exists.rowCount ? 'ALTER' : 'CREATE'} ROLE ${quoteIdent(role)} ${attributes}${secret}`,
      );
    } catch (e) {
      // Two processes creating the role at once: the other one won.
      if (!/already exists/.test((e as Error).message)) throw e;
    }
    const r = quoteIdent(role);
    const { rows } = await c.query<{ db: string }>('SELECT current_database() AS db');
    await c.query(`GRANT CONNECT ON DATABASE ${quoteIdent(rows[0].db)} TO ${r}`);
    await c.query(`GRANT USAGE ON SCHEMA public TO ${r}`);
    await c.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${r}`);
    for (const t of APP_TABLES)
      await c.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${quoteIdent(t)} TO ${r}`);
    for (const t of APPEND_ONLY_TABLES)
      await c.query(`GRANT SELECT, INSERT ON ${quoteIdent(t)} TO ${r}`);
    await c.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r}`);
    await ensureTenantOnly(c, r, options.tenantOnly ?? false);
    for (const fn of await presentFunctions(c, APP_FUNCTIONS)) {
      await c.query(`GRANT EXECUTE ON FUNCTION ${fn} TO ${r}`);
    }
    return role;
  } finally {
    await c.end();
  }
}

async function ensureTenantOnly(c: Client, role: string, tenantOnly: boolean): Promise<void> {
  const group = quoteIdent(TENANT_ONLY_ROLE);
  try {
    await c.query(`CREATE ROLE ${group} NOLOGIN`);
  } catch (e) {
    if (!/already exists/.test((e as Error).message)) throw e;
  }
  await c.query(
    `${tenantOnly ? 'GRANT' : 'REVOKE'} ${group} ${tenantOnly ? 'TO' : 'FROM'} ${role}`,
  );
  for (const fn of await presentFunctions(c, TENANT_ONLY_FUNCTIONS)) {
    await c.query(
      `${tenantOnly ? 'GRANT' : 'REVOKE'} EXECUTE ON FUNCTION ${fn} ${tenantOnly ? 'TO' : 'FROM'} ${role}`,
    );
  }
}

/** Those of `signatures` the migrations have created (older databases lack the newer ones). */
async function presentFunctions(c: Client, signatures: readonly string[]): Promise<string[]> {
  const { rows } = await c.query<{ fn: string }>(
    `SELECT p.oid::regprocedure::text AS fn FROM pg_proc p
      WHERE p.pronamespace = 'public'::regnamespace`,
  );
  const present = new Set(rows.map((r) => r.fn));
  return signatures.filter((fn) => present.has(fn));
}

/** The same URL with another user (and no password). */
export function withUser(url: string, user: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  u.password = '';
  return u.toString();
}
