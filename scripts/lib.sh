#!/usr/bin/env bash
# Shared steps of `npm start` and `npm test`: make a fresh machine ready without asking.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ -f .env ]]; then set -a; source .env; set +a; fi
# The owner role runs migrations, seeds and backups; the services connect as the limited
# application role (row level security applies to it), created by ensure_app_role.
export MIGRATION_DATABASE_URL="${MIGRATION_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/videomixpro}"
export DATABASE_URL="${DATABASE_URL:-postgresql://vmp_app@127.0.0.1:5432/videomixpro}"
# The gateway's own role: tenant-only (app.service never widens what it sees).
export GATEWAY_DATABASE_URL="${GATEWAY_DATABASE_URL:-postgresql://vmp_gateway@127.0.0.1:5432/videomixpro}"
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

# A fresh machine has no .env: write one with freshly generated secrets (never a published one),
# for local development (NODE_ENV=development, self-service purchases), and load it.
ensure_env_file() {
  [[ -f .env ]] && return 0
  local secret
  secret=$(node -e 'process.stdout.write(require("crypto").randomBytes(48).toString("base64url"))')
  umask 077
  cat > .env <<ENV
# Written by npm start on $(date -u +%Y-%m-%dT%H:%M:%SZ) for local development; .env.example lists
# every variable. Keep this file private: JWT_SECRET signs every login token.
NODE_ENV=development
JWT_SECRET=${secret}
PAYMENTS_PROVIDER=dev
ENV
  log "no .env found: wrote one with a freshly generated JWT_SECRET (NODE_ENV=development)"
  set -a; source .env; set +a
}

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

ensure_node_modules() {
  # npm ci when node_modules is missing or older than the lockfile.
  if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
    log "installing npm dependencies (npm ci)"
    npm ci --no-audit --no-fund
  fi
}

ensure_ffmpeg() {
  if ! command -v "${FFMPEG_PATH:-ffmpeg}" >/dev/null || ! command -v "${FFPROBE_PATH:-ffprobe}" >/dev/null; then
    log "installing ffmpeg (Debian package)"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq ffmpeg >/dev/null
  fi
  [[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] || { as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq fonts-dejavu-core >/dev/null; }
}

# The studio's browser tests (test/studio) drive Debian's chromium through playwright-core.
ensure_chromium() {
  if ! command -v "${CHROMIUM_PATH:-/usr/bin/chromium}" >/dev/null; then
    log "installing chromium (Debian package, for the studio's browser tests)"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
  fi
}

# The same URL with another user (password, host, database and parameters kept).
url_with_user() { node -e 'const u=new URL(process.argv[1]);u.username=process.argv[2];console.log(u.toString())' "$1" "$2"; }

# Billing's and the media workers' own roles (prisma/app-role.ts creates them), on DATABASE_URL's
# server with its password, unless set. Only npm start calls this: it creates the roles it then
# uses; an app started alone without its own URL keeps DATABASE_URL (the shared role).
default_service_urls() {
  export BILLING_DATABASE_URL="${BILLING_DATABASE_URL:-$(url_with_user "$DATABASE_URL" vmp_billing)}"
  export WORKER_DATABASE_URL="${WORKER_DATABASE_URL:-$(url_with_user "$DATABASE_URL" vmp_worker)}"
}

# host and port of a URL like scheme://user@host:port/db
url_host() { node -e 'const u=new URL(process.argv[1]);console.log(u.hostname)' "$1"; }
url_port() { node -e 'const u=new URL(process.argv[1]);console.log(u.port||process.argv[2])' "$1" "$2"; }
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_port() {
  local host=$1 port=$2 name=$3
  for _ in $(seq 1 60); do port_open "$host" "$port" && return 0; sleep 0.5; done
  echo "error: $name does not answer on $host:$port" >&2
  return 1
}

ensure_postgres() {
  local host port
  host=$(url_host "$MIGRATION_DATABASE_URL"); port=$(url_port "$MIGRATION_DATABASE_URL" 5432)
  if ! port_open "$host" "$port"; then
    if command -v pg_ctlcluster >/dev/null && [[ -d /etc/postgresql ]]; then
      log "starting PostgreSQL"
      as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    fi
    wait_port "$host" "$port" PostgreSQL
  fi
}

ensure_nats() {
  local host port
  host=$(url_host "$NATS_URL"); port=$(url_port "$NATS_URL" 4222)
  if ! port_open "$host" "$port"; then
    if [[ -x /usr/sbin/nats-server ]]; then
      log "starting NATS with JetStream"
      as_root mkdir -p /var/lib/nats-server
      as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
        -a 127.0.0.1 -p "$port" -js -sd /var/lib/nats-server -l /var/log/nats-server.log
    fi
    wait_port "$host" "$port" NATS
  fi
}

# Creates the database named in MIGRATION_DATABASE_URL when it does not exist.
ensure_database() {
  node -e '
    const { Client } = require("pg");
    const target = new URL(process.argv[1]);
    const db = decodeURIComponent(target.pathname.slice(1));
    const admin = new URL(target); admin.pathname = "/postgres";
    const c = new Client({ connectionString: admin.toString() });
    (async () => {
      await c.connect();
      const r = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [db]);
      if (!r.rowCount) { await c.query(`CREATE DATABASE "${db.replace(/"/g, "\"\"")}"`); console.log(`created database ${db}`); }
      await c.end();
    })().catch((e) => { console.error(e.message); process.exit(1); });
  ' "$MIGRATION_DATABASE_URL"
}

prisma_generate() { npx --no-install prisma generate >/dev/null; }
migrate() { npx --no-install prisma migrate deploy; }
ensure_app_role() { npx --no-install tsx prisma/app-role.ts; }
seed() { DATABASE_URL="$MIGRATION_DATABASE_URL" npx --no-install tsx prisma/seed.ts; }
