#!/usr/bin/env bash
# Crash recovery and streaming replication of commerce_bm25, which pg_regress cannot show:
#   1. a primary and a streaming standby (pg_basebackup -R); after a build, inserts (pending list
#      and segment flushes), deletes and VACUUM (segment rewrites, page recycling) on the primary,
#      the standby answers the same top-10 and statistics for every probe query;
#   2. the backend of a client inserting rows one transaction at a time is killed with SIGKILL
#      (the primary replays WAL from the last checkpoint); after recovery every committed row is
#      found through the index, the index keeps accepting rows, after VACUUM its statistics and
#      answers equal a freshly built index's, and the standby again answers like the primary.
# Runs the servers as the postgres user; needs pg_commerce installed (tests/run-all.sh does it).
# Usage: bash regress/bm25_wal_test.sh   (PGC_TEST_WORK, PG_BIN and ports 55463/55464 may be set)
set -euo pipefail
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
work=${PGC_TEST_WORK:-/tmp/pg_commerce-tests}/bm25wal
primary_port=${PRIMARY_PORT:-55463}
standby_port=${STANDBY_PORT:-55464}
source "$(dirname "$0")/lib/wal_cluster.sh"

start_primary

# Row i: a unique word tok<i> and words picked by formulas, so every run has the same data.
words="ARRAY['lamp','brass','sofa','desk','chair','wooden','blue','red','kettle','steel','wool','scarf','garden','hose']"
rows_sql="SELECT i, 'tok' || i || ' ' || ($words)[1 + i % 14] || ' ' || ($words)[1 + (i * 7) % 13],
  ($words)[1 + (i * 3) % 11] || ' ' || ($words)[1 + (i * 5) % 14] || ' with ' || ($words)[1 + i % 5]
  FROM generate_series"
psql_at "$primary_port" "CREATE EXTENSION pg_commerce;
  CREATE TABLE items (id int PRIMARY KEY, name text, description text);
  INSERT INTO items $rows_sql(1, 3000) i;
  CREATE INDEX items_bm25 ON items USING commerce_bm25 (name, description) WITH (weights = '2,1');" >/dev/null

start_standby
psql_at "$primary_port" "INSERT INTO items $rows_sql(3001, 8000) i; DELETE FROM items WHERE id % 7 = 0;" >/dev/null
psql_at "$primary_port" "VACUUM items" >/dev/null

# Top-10 ids of 40 two-word probe queries through the index, and the corpus statistics.
probe="SET enable_seqscan = off;
  SELECT string_agg(ids, ';' ORDER BY q) FROM (
    SELECT q, (SELECT string_agg(id::text, ',') FROM (SELECT id FROM items
               ORDER BY name OPERATOR(commerce.<&>) (($words)[1 + q % 14] || ' ' || ($words)[1 + (q * 3) % 14])::commerce.bm25query
               LIMIT 10) t) AS ids
    FROM generate_series(1, 40) q) s;"
stats="SELECT documents || ' ' || round(average_length::numeric, 9) || ' ' || terms FROM commerce.bm25_index_stats('items_bm25')"
uses_index="EXPLAIN (COSTS OFF) SELECT id FROM items ORDER BY name OPERATOR(commerce.<&>) 'brass lamp' LIMIT 10;"

wait_for_standby
check "standby plans the bm25 index" 1 "$(psql_at "$standby_port" "$uses_index" | grep -c 'Index Scan using items_bm25')"
primary_top=$(psql_at "$primary_port" "$probe" | tail -n 1)
standby_top=$(psql_at "$standby_port" "$probe" | tail -n 1)
check "standby answers the same top-10 as the primary (40 queries)" "$primary_top" "$standby_top"
check "probe answers have 10 rows each" 400 "$(echo "$primary_top" | tr ';' '\n' | tr ',' '\n' | grep -c .)"
check "standby has the same corpus statistics" "$(psql_at "$primary_port" "$stats")" "$(psql_at "$standby_port" "$stats")"

# Crash during inserts (see crash_during_inserts in lib/wal_cluster.sh).
crash_during_inserts 10001 4
found="SET enable_seqscan = off;
  SELECT count(*) FROM committed c
  WHERE (SELECT array_agg(id) FROM items WHERE name OPERATOR(commerce.@@&) ('tok' || c.id)::commerce.bm25query) = ARRAY[c.id];"
check "every committed row is found through the index after recovery" "$committed" "$(psql_at "$primary_port" "$found" | tail -n 1)"
psql_at "$primary_port" "INSERT INTO items $rows_sql(300001, 300200) i;" >/dev/null
check "the recovered index takes new rows" 200 "$(psql_at "$primary_port" "SET enable_seqscan = off;
  SELECT count(*) FROM items i WHERE i.id > 300000 AND (SELECT array_agg(id) FROM items
    WHERE name OPERATOR(commerce.@@&) ('tok' || i.id)::commerce.bm25query) = ARRAY[i.id]" | tail -n 1)"

# After VACUUM the recovered index equals a fresh build: statistics and every match with score.
psql_at "$primary_port" "VACUUM items" >/dev/null
psql_at "$primary_port" "CREATE INDEX items_fresh ON items USING commerce_bm25 (name, description) WITH (weights = '2,1')" >/dev/null
check "recovered index statistics equal a fresh build's" \
  "$(psql_at "$primary_port" "${stats/items_bm25/items_fresh}")" "$(psql_at "$primary_port" "$stats")"
answers="SELECT string_agg(ctid::text || ':' || round(score::numeric, 9), ',' ORDER BY ctid) FROM commerce.bm25_search('%s', 'brass lamp tok10001 wooden', 100000)"
check "recovered index answers equal a fresh build's" \
  "$(psql_at "$primary_port" "$(printf "$answers" items_fresh)")" "$(psql_at "$primary_port" "$(printf "$answers" items_bm25)")"
psql_at "$primary_port" "DROP INDEX items_fresh" >/dev/null

wait_for_standby
primary_top=$(psql_at "$primary_port" "$probe" | tail -n 1)
standby_top=$(psql_at "$standby_port" "$probe" | tail -n 1)
check "after the crash the standby still answers the same top-10 as the primary" "$primary_top" "$standby_top"
check "after the crash the standby has the same statistics" "$(psql_at "$primary_port" "$stats")" "$(psql_at "$standby_port" "$stats")"
finish
