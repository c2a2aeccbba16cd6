#!/usr/bin/env bash
# Runs the benchmarks and prints their tables (see docs/benchmarks.md for the latest figures).
#   bash bench/run.sh            all of them
#   bash bench/run.sh distance   the kernel micro-benchmark only
#   bash bench/run.sh exact      exact top-10 over 100,000 x 128-d through SQL
#   bash bench/run.sh relevance  BM25 nDCG@10 / Recall@100 on Cranfield, CISI, MEDLINE vs ts_rank
#                                (data from $PGC_DATA, default ../shared/data beside the repo)
#   bash bench/run.sh topk       core BM25 top-10 over 1,000,000 synthetic titles, WAND vs all
#   bash bench/run.sh segmentation  ICU Chinese segmentation vs gold brand/product spans
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

if [ "$what" = all ] || [ "$what" = topk ]; then
  log "BM25 top-10 in the core: block-max WAND vs scoring every match (WANDS queries)"
  "$PGC_BUILD/bench/bench_topk" 1000000 "${PGC_DATA:-$PGC_ROOT/../shared/data}/wands/query.csv"
fi

if [ "$what" = all ] || [ "$what" = segmentation ]; then
  log "Chinese segmentation: ICU dictionary vs character unigrams on gold brand/product spans"
  "$PGC_BUILD/bench/bench_segmentation" "${PGC_DATA:-$PGC_ROOT/../shared/data}/catalogs/ecommerce-ner-zh"
fi

if [ "$what" = all ] || [ "$what" = relevance ]; then
  data=${PGC_DATA:-$PGC_ROOT/../shared/data}
  dir=${PGC_BENCH_WORK:-/tmp/pg_commerce-bench}-relevance
  port=${PGC_BENCH_PORT:-55434}
  trap 'stop_server "$dir"' EXIT
  start_server "$dir" "$port"
  log "Relevance: core BM25 vs reference figures and ts_rank over GIN ($data/relevance)"
  as_postgres "$PGC_BUILD/bench/bench_relevance" "$data/relevance" \
    "host=$dir port=$port dbname=postgres user=postgres"
fi
