#!/usr/bin/env bash
# npm run start:gateway | start:billing | start:worker - one app, built if needed. Start the
# worker as many times as you like: every instance shares the job queue.
source "$(dirname "$0")/lib.sh"
app="$1"
ensure_node_modules
ensure_env_file
[[ "$app" == media-worker ]] && ensure_ffmpeg
if [[ ! -f "dist/apps/$app/src/main.js" ]]; then npm run --silent build; fi
exec node "dist/apps/$app/src/main.js"
