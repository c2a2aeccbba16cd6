-- commerce_hnsw scans and builds beyond the basics: a build large enough to link on several
-- threads (6,000 rows; below 4,096 the build is single-threaded), an index on a temporary table
-- (local buffers, which the scan's buffer hints must not confuse with shared ones), and two
-- indexes scanned alternately and interleaved in one query (one set of hints per backend).
-- The graph built on threads varies from run to run, so results are checked with thresholds.
SET search_path TO public, commerce;
SELECT setseed(0.5);

CREATE TEMP TABLE hnsw_temp AS
SELECT i AS id, ARRAY(SELECT (random() * 2 - 1)::real FROM generate_series(1, 16) WHERE i > 0)::embedding(16) AS e
FROM generate_series(1, 6000) i;
CREATE INDEX hnsw_temp_l2 ON hnsw_temp USING commerce_hnsw (e embedding_l2_ops);
ANALYZE hnsw_temp;
CREATE TABLE hnsw_perm AS SELECT * FROM hnsw_temp;
CREATE INDEX hnsw_perm_l2 ON hnsw_perm USING commerce_hnsw (e embedding_l2_ops);
ANALYZE hnsw_perm;
SET enable_seqscan = off;

EXPLAIN (COSTS OFF) SELECT id FROM hnsw_temp ORDER BY e <-> '[1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]' LIMIT 5;

-- Each row's own vector comes back first (a graph may leave a rare node unreachable).
SELECT count(*) FILTER (WHERE found) >= 196 AS temp_finds_own
FROM (SELECT (SELECT id FROM hnsw_temp ORDER BY e <-> x.e LIMIT 1) = x.id AS found
      FROM hnsw_temp x WHERE x.id <= 200) s;
SELECT count(*) FILTER (WHERE found) >= 196 AS perm_finds_own
FROM (SELECT (SELECT id FROM hnsw_perm ORDER BY e <-> x.e LIMIT 1) = x.id AS found
      FROM hnsw_perm x WHERE x.id <= 200) s;
SELECT count(*) FILTER (WHERE found) >= 196 AS temp_again
FROM (SELECT (SELECT id FROM hnsw_temp ORDER BY e <-> x.e LIMIT 1) = x.id AS found
      FROM hnsw_temp x WHERE x.id <= 200) s;

-- Both indexes scanned for every row of one query.
SELECT count(*) >= 98 AS interleaved_ok
FROM (SELECT a.id,
             (SELECT id FROM hnsw_temp ORDER BY e <-> a.e LIMIT 1) AS from_temp,
             (SELECT id FROM hnsw_perm ORDER BY e <-> a.e LIMIT 1) AS from_perm
      FROM hnsw_perm a WHERE a.id <= 100) s
WHERE from_temp = id AND from_perm = id;

-- Recall@10 of the threaded build against exact search (50 queries; "+ 0" keeps the exact
-- answer off the index).
SELECT avg(hits) >= 9.5 AS recall_ok FROM (
  SELECT (SELECT count(*) FROM (SELECT id FROM hnsw_perm ORDER BY e <-> q.e LIMIT 10) a
          WHERE a.id IN (SELECT id FROM hnsw_perm ORDER BY (e <-> q.e) + 0 LIMIT 10)) AS hits
  FROM hnsw_perm q WHERE q.id % 120 = 0) r;
EXPLAIN (COSTS OFF) SELECT id FROM hnsw_perm ORDER BY (e <-> '[1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]') + 0 LIMIT 10;

RESET enable_seqscan;
DROP TABLE hnsw_perm;
DROP TABLE hnsw_temp;
