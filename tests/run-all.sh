#!/usr/bin/env bash
# Runs every test: the GoogleTest units (ctest), the pg_regress suites, the
# pg_isolation_regress specs in regress/ and the crash-recovery/standby driver, each against a throwaway PostgreSQL that pg_regress
# starts as the postgres user on a unix socket and stops afterwards. The server runs from a
# private installation of this build (make_test_install), so the system's PostgreSQL directories
# are not touched. Idempotent.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

ensure_packages
build

log "Unit tests (ctest)"
(cd "$PGC_BUILD" && ctest --output-on-failure -j"$(nproc)" | tail -n 3)

PG_REGRESS_DIR=$(dirname "$(pg_config --pgxs)")/../test
work=${PGC_TEST_WORK:-/tmp/pg_commerce-tests}
PG_BIN=$(make_test_install "$work-install")
pgc_workdir "$work"
"${SUDO[@]}" cp -r "$PGC_ROOT/regress/." "$work/"
"${SUDO[@]}" chown -R "$PGC_OS_USER" "$work"

status=0
# run_suite NAME RUNNER SCHEDULE: one pg_regress-style runner over one schedule file.
run_suite() {
  local name=$1 runner=$2 schedule=$3
  log "$name ($schedule)"
  if ! as_postgres "$runner" --temp-instance="$work/$name-instance" --temp-config="$work/regress.conf" \
    --bindir="$PG_BIN" --inputdir="$work" --outputdir="$work/$name" --schedule="$work/$schedule" \
    --load-extension=pg_commerce --no-locale --encoding=UTF8; then
    status=1
    [ -f "$work/$name/regression.diffs" ] && head -n 200 "$work/$name/regression.diffs"
  fi
  # A backend that died by a signal is a failure even if every expected output matched.
  if grep -hE 'terminated by signal|was terminated by exception' "$work/$name/log/postmaster.log" 2>/dev/null; then
    echo "$name: a server process crashed (see $work/$name/log/postmaster.log)"
    status=1
  fi
}

as_postgres mkdir -p "$work/regress" "$work/isolation"
run_suite regress "$PG_REGRESS_DIR/regress/pg_regress" schedule
run_suite isolation "$PG_REGRESS_DIR/isolation/pg_isolation_regress" isolation_schedule

# What pg_regress cannot show: crash recovery and a streaming standby, on servers of their own.
log "Crash recovery and streaming standby (regress/hnsw_wal_test.sh)"
"${SUDO[@]}" env PG_BIN="$PG_BIN" PGC_TEST_WORK="$work" bash "$PGC_ROOT/regress/hnsw_wal_test.sh" || status=1
log "Crash recovery and streaming standby (regress/bm25_wal_test.sh)"
"${SUDO[@]}" env PG_BIN="$PG_BIN" PGC_TEST_WORK="$work" bash "$PGC_ROOT/regress/bm25_wal_test.sh" || status=1
exit $status
