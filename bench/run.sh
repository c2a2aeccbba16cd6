#!/usr/bin/env bash
# Runs the benchmarks and prints their tables (see docs/benchmarks.md for the latest figures).
#   bash bench/run.sh            all of them
#   bash bench/run.sh distance   the kernel micro-benchmark only
#   bash bench/run.sh exact      exact top-10 over 100,000 x 128-d through SQL
#   bash bench/run.sh relevance  BM25 nDCG@10 / Recall@100 on Cranfield, CISI, MEDLINE vs ts_rank
#                                (data from $PGC_DATA, default ../shared/data beside the repo)
#   bash bench/run.sh topk       core BM25 top-10 over 1,000,000 synthetic titles, WAND vs all
#   bash bench/run.sh segmentation  ICU Chinese segmentation vs gold brand/product spans
# SQL benchmarks start a throwaway PostgreSQL (as the postgres user, on a unix socket, from a
# private installation of this build) and stop it.
set -euo pipefail
source "$(dirname "$0")/../tests/lib/common.sh"
what=${1:-all}

ensure_packages
build
PG_BIN=$(make_test_install "${PGC_BENCH_WORK:-/tmp/pg_commerce-bench}-install")

# Every server a benchmark starts is stopped on exit, whichever benchmark fails.
servers=()
trap 'for s in "${servers[@]}"; do stop_server "$s"; done' EXIT
bench_server() {
  servers+=("$1")
  start_server "$1" "$2"
}

if [ "$what" = all ] || [ "$what" = distance ]; then
  log "Distance kernels vs a plain scalar loop (Google Benchmark, median of 5 repetitions)"
  printf "%-14s %6s %12s %12s %12s %8s\n" kernel dims "SIMD GB/s" "Eigen GB/s" "scalar GB/s" "SIMD/scalar"
  "$PGC_BUILD/bench/bench_distance" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
    --benchmark_format=csv 2>/dev/null | awk -F, '
    # rows look like "BM_L2Squared_Simd/128_median",...,bytes_per_second,...
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == "bytes_per_second") col = i; next }
    $1 ~ /_median"$/ {
      name = $1; gsub(/"/, "", name); sub(/_median$/, "", name)
      split(name, parts, "/"); split(parts[1], kind, "_")
      gbs[kind[2] "/" parts[2] "/" kind[3]] = $col / 1e9; kernels[kind[2]] = 1; sizes[parts[2]] = 1
    }
    END {
      for (k in kernels) for (n in sizes) {
        simd = gbs[k "/" n "/Simd"]; scalar = gbs[k "/" n "/Scalar"]
        if (scalar == "") scalar = gbs[k "/" n "/Reference"]
        eigen = gbs[k "/" n "/Eigen"]; if (eigen == "") eigen = "-"; else eigen = sprintf("%.1f", eigen)
        if (simd != "" && scalar != "") printf "%-14s %6d %12.1f %12s %12.1f %10.1fx\n", k, n, simd, eigen, scalar, simd / scalar
      }
    }' | sort -k1,1 -k2,2n
fi

if [ "$what" = all ] || [ "$what" = exact ]; then
  dir=${PGC_BENCH_WORK:-/tmp/pg_commerce-bench}
  bench_server "$dir" 55433
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
  bench_server "$dir" "$port"
  log "Relevance: core BM25 vs reference figures and ts_rank over GIN ($data/relevance)"
  as_postgres "$PGC_BUILD/bench/bench_relevance" "$data/relevance" \
    "host=$dir port=$port dbname=postgres user=postgres"
fi
