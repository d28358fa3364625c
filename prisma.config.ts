import 'dotenv/config';
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';
import { createMigrationPool } from './libs/database/src/migration-pool';

// Migrations run as the owner role (MIGRATION_DATABASE_URL); the services connect as a limited
// role (DATABASE_URL) that row level security applies to. The schema's datasource reads
// DATABASE_URL even for `prisma generate`: default both to the local ones.
process.env.MIGRATION_DATABASE_URL ??=
  process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/videomixpro';
process.env.DATABASE_URL ??= process.env.MIGRATION_DATABASE_URL;

// Prisma 6.19's WebAssembly schema engine runs migrations through adapter-pg, so no native
// engine binary has to be downloaded (these machines cannot reach Prisma's binary host).
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations'), seed: 'tsx prisma/seed.ts' },
  adapter: async () => new PrismaPg(createMigrationPool(process.env.MIGRATION_DATABASE_URL)),
});
