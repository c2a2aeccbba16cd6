#!/usr/bin/env bash
# Runs the benchmarks and prints their tables (see docs/benchmarks.md for the latest figures).
#   bash bench/run.sh            all of them but the recommender runs (minutes of training)
#   bash bench/run.sh distance   the kernel micro-benchmark only
#   bash bench/run.sh exact      exact top-10 over 100,000 x 128-d through SQL
#   bash bench/run.sh relevance  BM25 nDCG@10 / Recall@100 on Cranfield, CISI, MEDLINE vs ts_rank
#                                (data from $PGC_DATA, default ../shared/data beside the repo)
#   bash bench/run.sh topk       core BM25 top-10 over 1,000,000 synthetic titles, WAND vs all,
#                                and over one segment of 1,000,000 products (blocks decoded)
#   bash bench/run.sh bm25       commerce_bm25 top-10 through SQL vs ts_rank over GIN (on a stored
#                                tsvector and on an expression), 1,000,000 synthetic products,
#                                WANDS queries (minutes; not part of "all")
#   bash bench/run.sh segmentation  ICU Chinese segmentation vs gold brand/product spans
#   bash bench/run.sh recs-quality  offline HIT@10/NDCG@10 of the recommenders (Amazon Beauty, Sports)
#   bash bench/run.sh recs-sql      the same data loaded as events, trained and served in PostgreSQL
#                                (RECS_SETS=Beauty.txt for one data set)
#   bash bench/run.sh hnsw-core  in-memory HNSW vs brute force (synthetic, Fashion-MNIST)
#   bash bench/run.sh hnsw       commerce_hnsw through SQL vs exact scan (same data sets)
#   bash bench/run.sh inventory  flash sale: 64 clients, plain UPDATE vs reserve() normal and hot
#                                (INVENTORY_RUNS=10 runs, INVENTORY_BUCKETS=64 by default; every
#                                run checks zero oversell)
# SQL benchmarks start a throwaway PostgreSQL (as the postgres user, on a unix socket, from a
# private installation of this build) and stop it.
set -euo pipefail
source "$(dirname "$0")/../tests/lib/common.sh"
what=${1:-all}

ensure_packages
build
PG_BIN=$(make_test_install "${PGC_BENCH_WORK:-/tmp/pg_commerce-bench}-install")

# The shared data sets (../shared/data beside the repository); benchmarks that need them say so
# and skip when they are absent.
data_root=${PGC_DATA:-$PGC_ROOT/../shared/data}

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
  port=${PGC_BENCH_PORT:-55433}
  bench_server "$dir" "$port"
  log "Exact top-10 through SQL"
  as_postgres "$PGC_BUILD/bench/bench_exact_scan" "host=$dir port=$port dbname=postgres user=postgres"
  stop_server "$dir" # frees the port for the next benchmark of "all", which may use the same one
fi

if [ "$what" = all ] || [ "$what" = topk ]; then
  log "BM25 top-10 in the core: block-max WAND vs scoring every match (WANDS queries)"
  "$PGC_BUILD/bench/bench_topk" 1000000 "$data_root/wands/query.csv"
fi

if [ "$what" = bm25 ]; then
  dir=${PGC_BENCH_WORK:-/tmp/pg_commerce-bench}-bm25
  port=${PGC_BENCH_PORT:-55436}
  # The indexes and the table fit in shared buffers, so the runs time the searches, not the disk.
  servers+=("$dir")
  start_server "$dir" "$port" "-c shared_buffers=2GB -c maintenance_work_mem=1GB"
  log "commerce_bm25 vs ts_rank over GIN through SQL (WANDS queries from $data_root/wands)"
  as_postgres "$PGC_BUILD/bench/bench_bm25_sql" "host=$dir port=$port dbname=postgres user=postgres" \
    "$data_root/wands/query.csv" "${BM25_ROWS:-1000000}"
fi

if [ "$what" = all ] || [ "$what" = segmentation ]; then
  log "Chinese segmentation: ICU dictionary vs character unigrams on gold brand/product spans"
  "$PGC_BUILD/bench/bench_segmentation" "$data_root/catalogs/ecommerce-ner-zh"
fi

if [ "$what" = all ] || [ "$what" = relevance ]; then
  data=$data_root
  dir=${PGC_BENCH_WORK:-/tmp/pg_commerce-bench}-relevance
  port=${PGC_BENCH_PORT:-55434}
  bench_server "$dir" "$port"
  log "Relevance: core BM25 vs reference figures and ts_rank over GIN ($data/relevance)"
  as_postgres "$PGC_BUILD/bench/bench_relevance" "$data/relevance" \
    "host=$dir port=$port dbname=postgres user=postgres"
fi

if [ "$what" = recs-quality ]; then
  data=$data_root/amazon-5core-seq
  if [ -d "$data" ]; then
    log "Recommender quality, leave-last-out, full ranking (pure C++)"
    "$PGC_BUILD/bench/bench_recs_quality" "$data"
  else
    echo "recs-quality: $data is absent, skipped"
  fi
fi

if [ "$what" = recs-sql ]; then
  data=$data_root/amazon-5core-seq
  if [ -d "$data" ]; then
    dir=${PGC_BENCH_WORK:-/tmp/pg_commerce-bench}-recs
    bench_server "$dir" "${PGC_BENCH_PORT:-55472}"
    as_postgres "$PG_BIN/psql" -h "$dir" -p "${PGC_BENCH_PORT:-55472}" -U postgres -d postgres -qc "CREATE EXTENSION pg_commerce"
    for f in ${RECS_SETS:-Beauty.txt Sports_and_Outdoors.txt}; do
      log "Recommender end to end in PostgreSQL: $f (load as events, train, recommend for every user)"
      as_postgres "$PGC_BUILD/bench/bench_recs_sql" "host=$dir port=${PGC_BENCH_PORT:-55472} dbname=postgres user=postgres" "$data/$f"
    done
  else
    echo "recs-sql: $data is absent, skipped"
  fi
fi

if [ "$what" = hnsw-core ]; then
  log "HNSW in memory vs brute-force exact search (docs/benchmarks_hnsw.md)"
  "$PGC_BUILD/bench/bench_hnsw_core" "$data_root/ann/fashion-mnist"
fi

if [ "$what" = hnsw ]; then
  dir=${PGC_BENCH_WORK:-/tmp/pg_commerce-bench}-hnsw
  port=${PGC_BENCH_PORT:-55462}
  bench_server "$dir" "$port"
  # Room for Fashion-MNIST's index (about 250 MB) in shared buffers; restart reuses the options.
  as_postgres "$PG_BIN/psql" -h "$dir" -p "$port" -U postgres -d postgres -qc "ALTER SYSTEM SET shared_buffers = '1GB'"
  as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -w restart >/dev/null
  log "commerce_hnsw through SQL vs exact scan (docs/benchmarks_hnsw.md)"
  as_postgres "$PGC_BUILD/bench/bench_hnsw_sql" "host=$dir port=$port dbname=postgres user=postgres" \
    "$data_root/ann/fashion-mnist"
fi

if [ "$what" = all ] || [ "$what" = inventory ]; then
  inv_dir=${PGC_BENCH_WORK:-/tmp/pg_commerce-bench}-inventory
  # 64 clients plus the checker; errors (sold out) are answers here, not log lines.
  servers+=("$inv_dir")
  start_server "$inv_dir" "${INVENTORY_PORT:-55435}" \
    "-c max_connections=100 -c shared_buffers=256MB -c log_min_messages=fatal -c log_min_error_statement=panic"
  log "Flash sale: plain UPDATE vs commerce.reserve() (one stock row, hot-SKU buckets)"
  as_postgres "$PGC_BUILD/bench/bench_flash_sale" \
    "host=$inv_dir port=${INVENTORY_PORT:-55435} dbname=postgres user=postgres" \
    "${INVENTORY_RUNS:-10}" 64 10000 "${INVENTORY_BUCKETS:-64}"
fi
