#!/usr/bin/env bash
# Backs up the database (pg_dump, custom format) and, with --with-storage, the storage folder,
# into BACKUP_DIR with a UTC timestamp; keeps the newest BACKUP_KEEP backups (default 14).
#   MIGRATION_DATABASE_URL=... BACKUP_DIR=./data/backups scripts/backup.sh [--with-storage]
# Prints the path of the database dump it wrote.
set -euo pipefail

# The owner's URL: the application role cannot read past row level security.
DATABASE_URL="${MIGRATION_DATABASE_URL:-${DATABASE_URL:-}}"
: "${DATABASE_URL:?MIGRATION_DATABASE_URL (or DATABASE_URL) is required}"
BACKUP_DIR="${BACKUP_DIR:-./data/backups}"
BACKUP_KEEP="${BACKUP_KEEP:-14}"
STORAGE_DIR="${STORAGE_DIR:-./data/storage}"
with_storage=false
[[ "${1:-}" == "--with-storage" ]] && with_storage=true

if ! [[ "$BACKUP_KEEP" =~ ^[1-9][0-9]*$ ]]; then echo "BACKUP_KEEP must be a positive integer" >&2; exit 2; fi
mkdir -p "$BACKUP_DIR"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
dump="$BACKUP_DIR/videomixpro-$stamp.dump"

# pg_dump takes a URL; libpq honours sslmode and friends given in it.
pg_dump --format=custom --no-owner --no-privileges --file="$dump.partial" "$DATABASE_URL"
mv "$dump.partial" "$dump"

if $with_storage && [[ -d "$STORAGE_DIR" ]]; then
  tar -C "$STORAGE_DIR" --exclude=.tmp -czf "$BACKUP_DIR/videomixpro-$stamp.storage.tar.gz.partial" .
  mv "$BACKUP_DIR/videomixpro-$stamp.storage.tar.gz.partial" "$BACKUP_DIR/videomixpro-$stamp.storage.tar.gz"
fi

# Retention: the newest BACKUP_KEEP dumps stay (with their storage archives).
ls -1 "$BACKUP_DIR"/videomixpro-*.dump 2>/dev/null | sort -r | tail -n +$((BACKUP_KEEP + 1)) | while read -r old; do
  rm -f "$old" "${old%.dump}.storage.tar.gz"
done

echo "$dump"
