#!/usr/bin/env bash
# Crash recovery and streaming replication of commerce_hnsw, which pg_regress cannot show:
#   1. a primary and a streaming standby (pg_basebackup -R) on unix sockets in a work directory;
#      after a build and more inserts on the primary, the standby answers the same top-10 for
#      every probe query;
#   2. the backend of a client inserting rows is killed with SIGKILL, which makes the primary
#      drop its shared buffers and replay WAL from the last checkpoint; after recovery every
#      row that was committed is in the index (found as its own nearest neighbour), the index
#      keeps accepting inserts, and the standby again answers the same top-10 as the primary.
# Runs the servers as the postgres user; needs pg_commerce installed (tests/run-all.sh does it).
# Usage: bash regress/hnsw_wal_test.sh   (PGC_TEST_WORK, PG_BIN and ports 55461/55462 may be set)
set -euo pipefail
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
work=${PGC_TEST_WORK:-/tmp/pg_commerce-tests}/wal
primary_port=${PRIMARY_PORT:-55461}
standby_port=${STANDBY_PORT:-55462}
source "$(dirname "$0")/lib/wal_cluster.sh"

start_primary

# 24-d vectors from a formula, so every run has the same data: row i is the vector of sin(i*j).
rows_sql="SELECT i, ARRAY(SELECT sin(i * 0.37 + j * 1.91)::real FROM generate_series(1, 24) j)::commerce.embedding FROM generate_series"
psql_at "$primary_port" "CREATE EXTENSION pg_commerce;
  CREATE TABLE items (id int PRIMARY KEY, e commerce.embedding(24));
  INSERT INTO items $rows_sql(1, 3000) i;
  CREATE INDEX items_hnsw ON items USING commerce_hnsw (e commerce.embedding_l2_ops);" >/dev/null

start_standby
psql_at "$primary_port" "INSERT INTO items $rows_sql(3001, 4000) i; DELETE FROM items WHERE id % 7 = 0;" >/dev/null
psql_at "$primary_port" "VACUUM items" >/dev/null

# Top-10 ids of 50 probe queries through the index, one line per query.
probe="SET enable_seqscan = off;
  SELECT string_agg(ids, ';' ORDER BY q) FROM (
    SELECT q, (SELECT string_agg(id::text, ',') FROM (SELECT id FROM items
               ORDER BY e OPERATOR(commerce.<->) ARRAY(SELECT cos(q * 0.53 + j) ::real FROM generate_series(1, 24) j)::commerce.embedding
               LIMIT 10) t) AS ids
    FROM generate_series(1, 50) q) s;"
uses_index="SET enable_seqscan = off; EXPLAIN (COSTS OFF) SELECT id FROM items ORDER BY e OPERATOR(commerce.<->) (SELECT e FROM items WHERE id = 1) LIMIT 10;"

wait_for_standby
check "standby plans the hnsw index" 1 "$(psql_at "$standby_port" "$uses_index" | grep -c 'Index Scan using items_hnsw')"
primary_top=$(psql_at "$primary_port" "$probe" | tail -n 1)
standby_top=$(psql_at "$standby_port" "$probe" | tail -n 1)
check "standby answers the same top-10 as the primary (50 queries)" "$primary_top" "$standby_top"
check "probe answers have 10 rows each" 500 "$(echo "$primary_top" | tr ';' '\n' | tr ',' '\n' | grep -c .)"

# Crash during inserts (see crash_during_inserts in lib/wal_cluster.sh).
crash_during_inserts 5001 3
check "every committed row survived in the table" "$committed" "$(psql_at "$primary_port" "SELECT count(*) FROM items WHERE id BETWEEN 5001 AND 300000")"
found_self="SET enable_seqscan = off;
  SELECT count(*) FROM items i WHERE i.id BETWEEN 5001 AND 300000
    AND (SELECT c.id FROM items c ORDER BY c.e OPERATOR(commerce.<->) i.e LIMIT 1) = i.id;"
check "every committed row is found through the index after recovery" "$committed" "$(psql_at "$primary_port" "$found_self" | tail -n 1)"
psql_at "$primary_port" "INSERT INTO items $rows_sql(300001, 300200) i;" >/dev/null
check "the recovered index takes new rows" 200 "$(psql_at "$primary_port" "SET enable_seqscan = off;
  SELECT count(*) FROM items i WHERE i.id > 300000
    AND (SELECT c.id FROM items c ORDER BY c.e OPERATOR(commerce.<->) i.e LIMIT 1) = i.id;" | tail -n 1)"

wait_for_standby
primary_top=$(psql_at "$primary_port" "$probe" | tail -n 1)
standby_top=$(psql_at "$standby_port" "$probe" | tail -n 1)
check "after the crash the standby still answers the same top-10 as the primary" "$primary_top" "$standby_top"
finish
