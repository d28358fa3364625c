#!/usr/bin/env bash
# npm start: the whole system on this machine: installs what is missing, migrates, seeds, then
# runs gateway, billing and one media worker with prefixed logs. Ctrl-C stops all three.
source "$(dirname "$0")/lib.sh"

ensure_env_file
# npm start is the development path (demo user, self-service purchases); production runs the
# built apps with NODE_ENV=production (Dockerfile, compose).
export NODE_ENV="${NODE_ENV:-development}"

ensure_node_modules
ensure_ffmpeg
ensure_postgres
ensure_nats
ensure_database
prisma_generate
log "applying migrations"; migrate
default_service_urls
ensure_app_role
log "seeding"; seed
log "building"; npm run --silent build
PORT="${PORT:-3000}"
log "starting gateway, billing and a media worker - Studio: http://localhost:${PORT}/ - Swagger UI: http://localhost:${PORT}/docs"
exec npx --no-install concurrently --kill-others --names gateway,billing,worker \
  --prefix-colors blue,magenta,green \
  "node dist/apps/gateway/src/main.js" \
  "node dist/apps/billing/src/main.js" \
  "while node dist/apps/media-worker/src/main.js; [ \$? -eq 75 ]; do echo 'worker restarting (WORKER_MAX_TASKS / WORKER_MAX_RSS_MB)'; done"
