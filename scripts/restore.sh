#!/usr/bin/env bash
# Restores a dump made by scripts/backup.sh into DATABASE_URL (created when missing; existing
# objects are replaced), and the storage archive beside it into STORAGE_DIR when one exists.
#   MIGRATION_DATABASE_URL=... [APP_DATABASE_URL=postgresql://vmp_app@host/db] \
#     scripts/restore.sh data/backups/videomixpro-20261125T101500Z.dump
set -euo pipefail

dump="${1:?usage: restore.sh <file.dump>}"
# The owner's URL: the application role cannot read past row level security.
DATABASE_URL="${MIGRATION_DATABASE_URL:-${DATABASE_URL:-}}"
: "${DATABASE_URL:?MIGRATION_DATABASE_URL (or DATABASE_URL) is required}"
STORAGE_DIR="${STORAGE_DIR:-./data/storage}"
[[ -f "$dump" ]] || { echo "no such dump: $dump" >&2; exit 2; }

node -e '
  const { Client } = require("pg");
  const target = new URL(process.argv[1]);
  const db = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(target); admin.pathname = "/postgres";
  const c = new Client({ connectionString: admin.toString() });
  (async () => {
    await c.connect();
    const r = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [db]);
    if (!r.rowCount) await c.query(`CREATE DATABASE "${db.replace(/"/g, "\"\"")}"`);
    await c.end();
  })().catch((e) => { console.error(e.message); process.exit(1); });
' "$DATABASE_URL"

pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$DATABASE_URL" "$dump"

# The dump carries no privileges: give the application role its grants again when it has one,
# and the services' own roles (GATEWAY_/BILLING_/WORKER_DATABASE_URL, when set) theirs.
if [[ -n "${APP_DATABASE_URL:-}" ]]; then
  (cd "$(dirname "$0")/.." && MIGRATION_DATABASE_URL="$DATABASE_URL" DATABASE_URL="$APP_DATABASE_URL" \
    npx --no-install tsx prisma/app-role.ts)
fi

archive="${dump%.dump}.storage.tar.gz"
if [[ -f "$archive" ]]; then
  mkdir -p "$STORAGE_DIR"
  tar -C "$STORAGE_DIR" -xzf "$archive"
fi
echo "restored $dump"
