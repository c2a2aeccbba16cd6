#!/usr/bin/env bash
# Runs the benchmarks and prints their tables (see docs/benchmarks.md for the latest figures).
#   bash bench/run.sh            all of them
#   bash bench/run.sh distance   the kernel micro-benchmark only
#   bash bench/run.sh exact      exact top-10 over 100,000 x 128-d through SQL
#   bash bench/run.sh recs-quality  offline HIT@10/NDCG@10 of the recommenders (Amazon Beauty, Sports)
#   bash bench/run.sh recs-sql      the same data loaded as events, trained and served in PostgreSQL
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

if [ "$what" = recs-quality ]; then
  data=${PGC_DATA:-/work/shared/data}/amazon-5core-seq
  if [ -d "$data" ]; then
    log "Recommender quality, leave-last-out, full ranking (pure C++)"
    "$PGC_BUILD/bench/bench_recs_quality" "$data"
  else
    echo "recs-quality: $data is absent, skipped"
  fi
fi

if [ "$what" = recs-sql ]; then
  data=${PGC_DATA:-/work/shared/data}/amazon-5core-seq
  if [ -d "$data" ]; then
    dir=${PGC_BENCH_WORK:-/tmp/pg_commerce-bench}-recs
    trap 'stop_server "$dir"' EXIT
    start_server "$dir" 55472
    as_postgres "$PG_BIN/psql" -h "$dir" -p 55472 -U postgres -d postgres -qc "CREATE EXTENSION pg_commerce"
    for f in Beauty.txt Sports_and_Outdoors.txt; do
      log "Recommender end to end in PostgreSQL: $f (load as events, train, recommend for every user)"
      as_postgres "$PGC_BUILD/bench/bench_recs_sql" "host=$dir port=55472 dbname=postgres user=postgres" "$data/$f"
    done
  else
    echo "recs-sql: $data is absent, skipped"
  fi
fi
