// Creates (or updates) the limited roles the apps connect as, and their grants: the shared one
// (DATABASE_URL, for any app without a URL of its own) and, when set, each service's own:
// GATEWAY_DATABASE_URL (tenant-only), BILLING_DATABASE_URL and WORKER_DATABASE_URL. Run by
// `npm start`, the compose migrate step and scripts/restore.sh after the migrations, as the
// owner role.
import 'dotenv/config';
import { ensureAppRole, type AppRoleKind } from '../libs/database/src/app-role';

const ownerUrl = process.env.MIGRATION_DATABASE_URL ?? process.env.DATABASE_URL;
const appUrl = process.env.DATABASE_URL;
if (!ownerUrl || !appUrl) throw new Error('MIGRATION_DATABASE_URL and DATABASE_URL must be set');

const SERVICES: { variable: string; kind: AppRoleKind; note: string }[] = [
  {
    variable: 'GATEWAY_DATABASE_URL',
    kind: 'gateway',
    note: 'tenant-only: app.service does not apply to it',
  },
  { variable: 'BILLING_DATABASE_URL', kind: 'billing', note: 'the ledger, credits and licences' },
  { variable: 'WORKER_DATABASE_URL', kind: 'worker', note: 'jobs, outputs and webhook deliveries' },
];

const userOf = (url: string) => decodeURIComponent(new URL(url).username);

async function main(): Promise<void> {
  // Which role each URL names, checked before any is changed.
  const shared = userOf(appUrl!);
  const owners = new Map<string, string>([[shared, 'DATABASE_URL']]);
  const own: { url: string; kind: AppRoleKind; note: string }[] = [];
  for (const { variable, kind, note } of SERVICES) {
    const url = process.env[variable];
    if (!url) continue;
    const user = userOf(url);
    const other = owners.get(user);
    if (other === 'DATABASE_URL') {
      // The service shares the application role: it keeps that role's grants.
      console.log(`${variable} uses DATABASE_URL's role ${user}: no role of its own`);
      continue;
    }
    if (other) {
      throw new Error(`${variable} and ${other} name the same role (${user}): give each its own`);
    }
    owners.set(user, variable);
    own.push({ url, kind, note });
  }
  await ensureAppRole(ownerUrl!, appUrl!);
  console.log(`application role ${shared} ready (row level security applies to it)`);
  for (const { url, kind, note } of own) {
    const role = await ensureAppRole(ownerUrl!, url, { kind });
    console.log(`${kind} role ${role} ready (${note})`);
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
