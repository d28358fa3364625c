// Creates (or updates) the limited role the services connect as, and its grants. Run by
// `npm start` after the migrations, as the owner role.
import 'dotenv/config';
import { ensureAppRole } from '../libs/database/src/app-role';

const ownerUrl = process.env.MIGRATION_DATABASE_URL ?? process.env.DATABASE_URL;
const appUrl = process.env.DATABASE_URL;
if (!ownerUrl || !appUrl) throw new Error('MIGRATION_DATABASE_URL and DATABASE_URL must be set');
ensureAppRole(ownerUrl, appUrl).then(
  (role) => console.log(`application role ${role} ready (row level security applies to it)`),
  (e: Error) => {
    console.error(e.message);
    process.exit(1);
  },
);
