#!/usr/bin/env bash
# Runs the benchmarks and prints their tables (see docs/benchmarks.md for the latest figures).
#   bash bench/run.sh            all of them
#   bash bench/run.sh distance   the kernel micro-benchmark only
#   bash bench/run.sh exact      exact top-10 over 100,000 x 128-d through SQL
#   bash bench/run.sh hnsw-core  in-memory HNSW vs brute force (synthetic, Fashion-MNIST)
#   bash bench/run.sh hnsw       commerce_hnsw through SQL vs exact scan (same data sets)
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

if [ "$what" = hnsw-core ]; then
  log "HNSW in memory vs brute-force exact search (docs/benchmarks_hnsw.md)"
  "$PGC_BUILD/bench/bench_hnsw_core" /work/shared/data/ann/fashion-mnist
fi

if [ "$what" = hnsw ]; then
  dir=${PGC_BENCH_WORK:-/tmp/pg_commerce-bench}-hnsw
  trap 'stop_server "$dir"' EXIT
  start_server "$dir" 55462
  # Room for Fashion-MNIST's index (about 250 MB) in shared buffers; restart reuses the options.
  as_postgres "$PG_BIN/psql" -h "$dir" -p 55462 -U postgres -d postgres -qc "ALTER SYSTEM SET shared_buffers = '1GB'"
  as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -w restart >/dev/null
  log "commerce_hnsw through SQL vs exact scan (docs/benchmarks_hnsw.md)"
  as_postgres "$PGC_BUILD/bench/bench_hnsw_sql" "host=$dir port=55462 dbname=postgres user=postgres" \
    /work/shared/data/ann/fashion-mnist
fi
