#!/usr/bin/env bash
# The demo: installs what is missing from Debian's packages, builds and installs pg_commerce,
# starts a throwaway PostgreSQL (as the postgres user, on a unix socket in /tmp), loads a small
# demo shop and runs example queries, printing their results. Idempotent; set KEEP=1 to leave
# the server running afterwards (it prints how to connect).
set -euo pipefail
source "$(dirname "$0")/../../tests/lib/common.sh"

ensure_packages
build
install_system

dir=/tmp/pg_commerce-demo
port=55432
stop_server "$dir"
start_server "$dir" "$port"
[ "${KEEP:-0}" = 1 ] || trap 'stop_server "$dir"' EXIT

log "Loading the demo shop and running example queries"
# psql reads the scripts from stdin, so the postgres user needs no access to this checkout.
cat "$PGC_ROOT/docs/demo/shop.sql" "$PGC_ROOT/docs/demo/queries.sql" |
  as_postgres psql -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -d postgres

if [ "${KEEP:-0}" = 1 ]; then
  log "Server left running: psql -h $dir -p $port -U postgres postgres (stop: pg_ctl -D $dir/data stop)"
fi
