#!/usr/bin/env bash
# Runs the benchmarks and prints their tables (see docs/benchmarks.md for the latest figures).
#   bash bench/run.sh            all of them
#   bash bench/run.sh distance   the kernel micro-benchmark only
#   bash bench/run.sh exact      exact top-10 over 100,000 x 128-d through SQL
#   bash bench/run.sh inventory  flash sale: 64 clients, plain UPDATE vs reserve() normal and hot
#                                (INVENTORY_RUNS=10 runs, INVENTORY_BUCKETS=64 by default; every
#                                run checks zero oversell)
# SQL benchmarks start a throwaway PostgreSQL (as the postgres user, on a unix socket) and stop it.
set -euo pipefail
source "$(dirname "$0")/../tests/lib/common.sh"
what=${1:-all}

ensure_packages
lock_installation
build_and_install

if [ "$what" = all ] || [ "$what" = distance ]; then
  log "Distance kernels vs a scalar loop (Google Benchmark, median of 5)"
  "$PGC_BUILD/bench/bench_distance" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
    --benchmark_filter='_median' 2>/dev/null || "$PGC_BUILD/bench/bench_distance" --benchmark_repetitions=5 \
    --benchmark_report_aggregates_only=true | grep -E 'median|Benchmark|---'
fi

if [ "$what" = all ] || [ "$what" = exact ]; then
  dir=${PGC_BENCH_WORK:-/tmp/pg_commerce-bench}
  trap 'stop_server "$dir"' EXIT
  start_server "$dir" 55433
  log "Exact top-10 through SQL"
  as_postgres "$PGC_BUILD/bench/bench_exact_scan" "host=$dir port=55433 dbname=postgres user=postgres"
fi

if [ "$what" = all ] || [ "$what" = inventory ]; then
  inv_dir=${PGC_BENCH_WORK:-/tmp/pg_commerce-bench}-inventory
  trap 'stop_server "$inv_dir"; if [ -n "${dir:-}" ]; then stop_server "$dir"; fi' EXIT
  # 64 clients plus the checker; errors (sold out) are answers here, not log lines.
  start_server "$inv_dir" "${INVENTORY_PORT:-55434}" \
    "-c max_connections=100 -c shared_buffers=256MB -c log_min_messages=fatal -c log_min_error_statement=panic"
  log "Flash sale: plain UPDATE vs commerce.reserve() (one stock row, hot-SKU buckets)"
  as_postgres "$PGC_BUILD/bench/bench_flash_sale" \
    "host=$inv_dir port=${INVENTORY_PORT:-55434} dbname=postgres user=postgres" \
    "${INVENTORY_RUNS:-10}" 64 10000 "${INVENTORY_BUCKETS:-64}"
fi
