// Creates (or updates) the limited roles the apps connect as, and their grants: the services'
// (DATABASE_URL) and the gateway's tenant-only one (GATEWAY_DATABASE_URL, when set). Run by
// `npm start` after the migrations, as the owner role.
import 'dotenv/config';
import { ensureAppRole } from '../libs/database/src/app-role';

const ownerUrl = process.env.MIGRATION_DATABASE_URL ?? process.env.DATABASE_URL;
const appUrl = process.env.DATABASE_URL;
if (!ownerUrl || !appUrl) throw new Error('MIGRATION_DATABASE_URL and DATABASE_URL must be set');
const gatewayUrl = process.env.GATEWAY_DATABASE_URL;

async function main(): Promise<void> {
  const role = await ensureAppRole(ownerUrl!, appUrl!);
  console.log(`application role ${role} ready (row level security applies to it)`);
  if (gatewayUrl) {
    const gateway = await ensureAppRole(ownerUrl!, gatewayUrl, { tenantOnly: true });
    console.log(`gateway role ${gateway} ready (tenant-only: app.service does not apply to it)`);
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
