#!/usr/bin/env bash
# npm test: installs what is missing, checks types, and runs every unit, integration and
# end-to-end test against the real PostgreSQL, NATS and ffmpeg. Each test file gets its own
# freshly migrated database (see test/support/global-setup.ts).
source "$(dirname "$0")/lib.sh"

ensure_node_modules
ensure_ffmpeg
ensure_chromium
ensure_postgres
ensure_nats
prisma_generate
log "type-checking"; npx --no-install tsc -p tsconfig.json --noEmit
# The crash tests run the built apps as real processes (and kill them); the studio's browser
# tests load the built studio (dist/studio) from the gateway.
log "building"; npm run --silent build
log "running tests"
exec npx --no-install jest --ci --maxWorkers="${JEST_WORKERS:-2}" "$@"
