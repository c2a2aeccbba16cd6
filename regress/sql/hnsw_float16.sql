-- commerce_hnsw WITH (storage = float16): vectors stored as binary16 on the index pages, answers
-- re-ranked by the executor on the table's float vectors (so distances and order are exact among
-- the rows the index returns), for each distance; inserts, VACUUM, and the errors for values
-- outside the half range and for a bad storage value.
SET search_path TO public, commerce;

-- 2,000 seeded random 16-d vectors; values like 0.1234567 are not representable in half.
SELECT setseed(0.5);
CREATE TABLE h16_items (id int PRIMARY KEY, e embedding(16));
INSERT INTO h16_items
SELECT i, ARRAY(SELECT (random() * 2 - 1)::real FROM generate_series(1, 16) WHERE i > 0)::embedding
FROM generate_series(1, 2000) i;
CREATE TABLE h16_queries AS SELECT id AS qid, e + '[0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01]' AS e
FROM h16_items WHERE id % 40 = 3;

-- Exact answers per distance, computed before any index exists.
CREATE TABLE h16_truth AS
SELECT 'l2' AS op, q.qid, t.id FROM h16_queries q,
  LATERAL (SELECT id FROM h16_items ORDER BY e <-> q.e LIMIT 10) t
UNION ALL
SELECT 'cosine', q.qid, t.id FROM h16_queries q,
  LATERAL (SELECT id FROM h16_items ORDER BY e <=> q.e LIMIT 10) t
UNION ALL
SELECT 'ip', q.qid, t.id FROM h16_queries q,
  LATERAL (SELECT id FROM h16_items ORDER BY e <#> q.e LIMIT 10) t;

-- recall@10 of the index for `op` against the exact answers (50 queries).
CREATE FUNCTION h16_recall(op text) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
  hits bigint := 0;
  q record;
  sql text := format('SELECT id FROM h16_items ORDER BY e %s $1 LIMIT 10',
                     CASE op WHEN 'l2' THEN '<->' WHEN 'cosine' THEN '<=>' ELSE '<#>' END);
BEGIN
  FOR q IN SELECT * FROM h16_queries LOOP
    EXECUTE 'SELECT count(*) FROM (' || sql || ') a WHERE a.id IN (SELECT t.id FROM h16_truth t WHERE t.op = $2 AND t.qid = $3)'
      INTO STRICT q.qid USING q.e, op, q.qid;
    hits := hits + q.qid;
  END LOOP;
  RETURN round(hits / 500.0, 2);
END
$$;

SET enable_seqscan = off;
CREATE INDEX h16_l2_float32 ON h16_items USING commerce_hnsw (e embedding_l2_ops);
CREATE INDEX h16_l2 ON h16_items USING commerce_hnsw (e embedding_l2_ops) WITH (storage = float16);
SELECT reloptions FROM pg_class WHERE relname = 'h16_l2';
-- Half the vector bytes: a smaller index than the float32 one.
SELECT pg_relation_size('h16_l2') < pg_relation_size('h16_l2_float32') AS smaller;
DROP INDEX h16_l2_float32;
EXPLAIN (COSTS OFF) SELECT id FROM h16_items ORDER BY e <-> '[1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]' LIMIT 5;
SELECT h16_recall('l2') >= 0.95 AS recall_ok;
-- A row's own vector is its nearest neighbour, at distance exactly 0 (re-ranked on the table).
SELECT id, e <-> (SELECT e FROM h16_items WHERE id = 1234) AS d
FROM h16_items ORDER BY e <-> (SELECT e FROM h16_items WHERE id = 1234) LIMIT 1;
-- The rows come back in exact distance order, for every query (the executor checks that each
-- returned lower bound is below the exact distance: an error here would be a wrong bound).
SELECT bool_and(ordered) AS all_ordered FROM (
  SELECT q.qid, bool_and(d >= prev) AS ordered FROM h16_queries q,
    LATERAL (SELECT d, lag(d, 1, 0::float8) OVER (ORDER BY n) AS prev FROM (
      SELECT row_number() OVER () AS n, d FROM (
        SELECT e <-> q.e AS d FROM h16_items ORDER BY e <-> q.e LIMIT 30) x) y) z
  GROUP BY q.qid) s;

-- Cosine and inner product.
DROP INDEX h16_l2;
CREATE INDEX h16_cosine ON h16_items USING commerce_hnsw (e embedding_cosine_ops) WITH (storage = float16);
SELECT h16_recall('cosine') >= 0.95 AS recall_ok_cosine;
DROP INDEX h16_cosine;
CREATE INDEX h16_ip ON h16_items USING commerce_hnsw (e embedding_ip_ops) WITH (storage = float16);
SELECT h16_recall('ip') >= 0.95 AS recall_ok_ip;
DROP INDEX h16_ip;

-- Inserts after the build are stored as half too and found; VACUUM repairs around deleted rows.
CREATE INDEX h16_l2 ON h16_items USING commerce_hnsw (e embedding_l2_ops) WITH (storage = float16);
INSERT INTO h16_items
SELECT i, ARRAY(SELECT (random() * 2 - 1)::real FROM generate_series(1, 16) WHERE i > 0)::embedding
FROM generate_series(2001, 2300) i;
SELECT id FROM h16_items ORDER BY e <-> (SELECT e FROM h16_items WHERE id = 2222) LIMIT 1;
DELETE FROM h16_items WHERE id % 10 IN (2, 5, 8);
VACUUM h16_items;
SELECT count(*) FILTER (WHERE id % 10 IN (2, 5, 8)) AS deleted_returned, count(*) AS returned
FROM (SELECT id FROM h16_items ORDER BY e <-> (SELECT e FROM h16_items WHERE id = 1) LIMIT 50) s;

-- A filter rejecting most rows still gets its 10 rows (the scan resumes; the executor re-ranks).
SELECT count(*) AS rows_filtered, bool_and(id % 50 = 7) AS all_match
FROM (SELECT id FROM h16_items WHERE id % 50 = 7 ORDER BY e <-> (SELECT e FROM h16_items WHERE id = 1) LIMIT 10) s;
-- Values outside +-65504 do not fit half: 22003, for an insert and for a build. Cosine stores
-- unit vectors, so any finite value fits there.
SELECT * FROM try($$INSERT INTO h16_items VALUES (9001, '[70000,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]')$$);
INSERT INTO h16_items VALUES (9002, '[65504,0,0,0,0,0,0,0,0,0,0,0,0,0,0,-65504]');
SELECT id FROM h16_items ORDER BY e <-> '[65504,0,0,0,0,0,0,0,0,0,0,0,0,0,0,-65504]' LIMIT 1;
CREATE TABLE h16_big (id int, e embedding(3));
INSERT INTO h16_big VALUES (1, '[1,2,3]'), (2, '[-1e6,0,1]');
SELECT * FROM try($$CREATE INDEX ON h16_big USING commerce_hnsw (e embedding_l2_ops) WITH (storage = float16)$$);
CREATE INDEX h16_big_cosine ON h16_big USING commerce_hnsw (e embedding_cosine_ops) WITH (storage = float16);
SELECT id FROM h16_big ORDER BY e <=> '[-1,0,0]' LIMIT 1;

-- Unknown storage: 22023 with a hint naming the valid values, on CREATE and on ALTER; the
-- spelling of the valid ones is not case-sensitive ('Float16' is half storage: 22003 for -1e6).
SELECT * FROM try($$CREATE INDEX ON h16_big USING commerce_hnsw (e embedding_l2_ops) WITH (storage = int8)$$);
SELECT * FROM try($$CREATE INDEX ON h16_big USING commerce_hnsw (e embedding_l2_ops) WITH (storage = '')$$);
SELECT * FROM try($$ALTER INDEX h16_big_cosine SET (storage = float64)$$);
SELECT * FROM try($$CREATE INDEX ON h16_big USING commerce_hnsw (e embedding_l2_ops) WITH (storage = 'Float16')$$);
SELECT * FROM try($$CREATE INDEX ON h16_big USING commerce_hnsw (e embedding_l2_ops) WITH (storage = 'FLOAT32')$$);

RESET enable_seqscan;
DROP TABLE h16_items, h16_queries, h16_truth, h16_big;
DROP FUNCTION h16_recall(text);
