#!/usr/bin/env bash
# The Dockerfile's path without Docker: compile, install production dependencies only in a
# clean folder, and boot the compiled entry point as the image does (migrations at boot).
set -euo pipefail
cd "$(dirname "$0")/.."
# The image's runtime is Node 24: run the compiled app on the pinned Node, not the system's.
root_dir=$(pwd)
PATH="$root_dir/node_modules/.bin:$PATH"

npm run build >/dev/null
work=$(mktemp -d)
chmod 755 "$work" # embedded Postgres runs as the postgres user when we are root
pid=""
# Stops the app (SIGTERM, then SIGKILL after 20 s) and, should it have died without stopping
# its embedded Postgres, that server too: the smoke test leaves no process behind.
stop_app() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  pid=""
  local lock="$work/.data/postgres/postmaster.pid"
  if [ -f "$lock" ]; then
    local pg_pid
    pg_pid=$(head -n1 "$lock")
    if [ -n "$pg_pid" ] && [ "$(cat "/proc/$pg_pid/comm" 2>/dev/null)" = "postgres" ]; then
      kill -INT "$pg_pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pg_pid" 2>/dev/null || break; sleep 0.1; done
    fi
  fi
}
cleanup() {
  stop_app
  rm -rf "$work"
}
trap cleanup EXIT
cp -r dist package.json package-lock.json "$work/"
(cd "$work" && npm ci --omit=dev --no-audit --no-fund >/dev/null)
# (typescript itself may arrive through typeorm's ts-node dependency; the test and build tools must not.)
if [ -d "$work/node_modules/jest" ] || [ -d "$work/node_modules/@nestjs/cli" ] || [ -d "$work/node_modules/@nestjs/testing" ]; then
  echo "smoke-prod: dev dependencies leaked into the production install" >&2; exit 1
fi

port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
db_env=()
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  db="cb_smoke_$$"
  psql "$TEST_DATABASE_URL" -qc "CREATE DATABASE $db" >/dev/null
  db_env=(DATABASE_URL="${TEST_DATABASE_URL%/*}/$db")
else
  db_env=(EMBEDDED_PG_PORT="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")")
fi

(cd "$work" && exec env -i PATH="$PATH" HOME="$HOME" NODE_ENV=production SANDBOX=true PORT="$port" HOST=127.0.0.1 \
  DATA_DIR="$work/.data" ENCRYPTION_KEY="$(openssl rand -base64 32)" ADMIN_TOKEN="smoke-admin-token-123" \
  JWT_SECRET="$(openssl rand -base64 32)" "${db_env[@]}" node --max-semi-space-size=16 dist/src/main.js >"$work/app.log" 2>&1) &
pid=$!

for _ in $(seq 1 60); do
  if curl -fs "http://127.0.0.1:$port/ready" >/dev/null 2>&1; then break; fi
  sleep 1
done
status=0
curl -fs "http://127.0.0.1:$port/health" | grep -q '"ok"' || status=1
curl -fs "http://127.0.0.1:$port/ready" | grep -q '"applied"' || status=1
curl -fs "http://127.0.0.1:$port/docs-json" | grep -q '"openapi"' || status=1
stop_app
if [ -n "${TEST_DATABASE_URL:-}" ]; then psql "$TEST_DATABASE_URL" -qc "DROP DATABASE IF EXISTS cb_smoke_$$ WITH (FORCE)" >/dev/null || true; fi
if [ "$status" -ne 0 ]; then
  echo "smoke-prod: the compiled app did not become healthy and ready" >&2
  tail -n 40 "$work/app.log" >&2
  exit 1
fi
echo "smoke-prod: compiled app with production dependencies booted, migrated and answered /health, /ready, /docs-json"
exit 0
