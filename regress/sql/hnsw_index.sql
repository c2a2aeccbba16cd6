-- The commerce_hnsw index: build for each distance, the planner's use of it, agreement with exact
-- search, inserts after the build, deletes and VACUUM, filtered scans that still return k rows,
-- and the errors for bad options.
SET search_path TO public, commerce;

-- 3,000 seeded random 24-d vectors; category = id % 10 (a 10% filter keeps one category).
SELECT setseed(0.25);
CREATE TABLE hnsw_items (id int PRIMARY KEY, category int, e embedding(24));
INSERT INTO hnsw_items
SELECT i, i % 10, ARRAY(SELECT (random() * 2 - 1)::real FROM generate_series(1, 24) WHERE i > 0)::embedding
FROM generate_series(1, 3000) i;
CREATE TABLE hnsw_queries AS SELECT id AS qid, e FROM hnsw_items WHERE id % 60 = 1;

-- Exact answers, computed with the index not yet there.
CREATE TABLE hnsw_truth AS
SELECT q.qid, t.id, t.rank
FROM hnsw_queries q,
     LATERAL (SELECT i.id, row_number() OVER (ORDER BY i.e <-> q.e) AS rank
              FROM hnsw_items i ORDER BY i.e <-> q.e LIMIT 10) t;

CREATE INDEX hnsw_items_l2 ON hnsw_items USING commerce_hnsw (e embedding_l2_ops) WITH (m = 12, ef_construction = 48);
SELECT reloptions FROM pg_class WHERE relname = 'hnsw_items_l2';
-- On a table this small a sequential scan costs about as much; turn it off so that every query
-- below exercises the index (the EXPLAINs show it).
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM hnsw_items ORDER BY e <-> '[1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]' LIMIT 5;
-- Without ORDER BY <op> the planner never picks it.
EXPLAIN (COSTS OFF) SELECT id FROM hnsw_items WHERE id = 7;

-- A row's own vector is its nearest neighbour.
SELECT id FROM hnsw_items ORDER BY e <-> (SELECT e FROM hnsw_items WHERE id = 1234) LIMIT 1;

-- recall@10 against the exact answers (50 queries).
CREATE FUNCTION hnsw_recall() RETURNS numeric LANGUAGE sql AS $$
  SELECT round(avg(hits) / 10, 2) FROM (
    SELECT q.qid, (SELECT count(*) FROM (SELECT id FROM hnsw_items ORDER BY e <-> q.e LIMIT 10) a
                   WHERE a.id IN (SELECT t.id FROM hnsw_truth t WHERE t.qid = q.qid)) AS hits
    FROM hnsw_queries q) s
$$;
SELECT hnsw_recall() >= 0.95 AS recall_ok;
SET commerce.hnsw_ef_search = 100;
SELECT hnsw_recall() >= 0.98 AS recall_ok_ef100;
RESET commerce.hnsw_ef_search;

-- Results come back nearest first within a batch.
SELECT bool_and(d >= prev) AS ordered FROM (
  SELECT d, lag(d, 1, 0::float8) OVER (ORDER BY n) AS prev FROM (
    SELECT row_number() OVER () AS n, e <-> (SELECT e FROM hnsw_items WHERE id = 99) AS d
    FROM (SELECT e FROM hnsw_items ORDER BY e <-> (SELECT e FROM hnsw_items WHERE id = 99) LIMIT 20) x) y) z;

-- A 10% filter still returns 10 rows, and so does a 0.2% one (6 rows match: all 6).
SELECT count(*) AS rows_10pct FROM (
  SELECT id FROM hnsw_items WHERE category = 3 ORDER BY e <-> (SELECT e FROM hnsw_items WHERE id = 1) LIMIT 10) s;
SELECT count(*) AS rows_rare FROM (
  SELECT id FROM hnsw_items WHERE id % 500 = 7 ORDER BY e <-> (SELECT e FROM hnsw_items WHERE id = 1) LIMIT 10) s;
-- The filtered answer matches the exact filtered top-10 closely.
EXPLAIN (COSTS OFF) SELECT id FROM hnsw_items WHERE category = 3 ORDER BY e <-> '[1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]' LIMIT 10;
CREATE TABLE hnsw_filtered AS
SELECT id FROM hnsw_items WHERE category = 3 ORDER BY e <-> (SELECT e FROM hnsw_items WHERE id = 1) LIMIT 10;
SET enable_indexscan = off;
SET enable_seqscan = on;
SELECT count(*) >= 9 AS filtered_recall_ok FROM hnsw_filtered
WHERE id IN (SELECT id FROM hnsw_items WHERE category = 3 ORDER BY e <-> (SELECT e FROM hnsw_items WHERE id = 1) LIMIT 10);
RESET enable_indexscan;
SET enable_seqscan = off;
-- Asking for everything walks the whole graph: every row once.
SELECT count(*), count(DISTINCT id) FROM (SELECT id FROM hnsw_items ORDER BY e <-> (SELECT e FROM hnsw_items WHERE id = 5) LIMIT 5000) s;

-- Inserts after the build are found.
INSERT INTO hnsw_items
SELECT i, i % 10, ARRAY(SELECT (random() * 2 - 1)::real FROM generate_series(1, 24) WHERE i > 0)::embedding
FROM generate_series(3001, 3300) i;
SELECT count(*) AS found_own_vector FROM hnsw_items i
WHERE i.id > 3000 AND (SELECT id FROM hnsw_items ORDER BY e <-> i.e LIMIT 1) = i.id;
-- NULL embeddings are not indexed (and do not break anything).
INSERT INTO hnsw_items VALUES (4000, 0, NULL);
SELECT count(*) FROM (SELECT id FROM hnsw_items ORDER BY e <-> (SELECT e FROM hnsw_items WHERE id = 5) LIMIT 10) s;
-- A query of the wrong length is an error, as with exact search.
SELECT * FROM try($$SELECT id FROM hnsw_items ORDER BY e <-> '[1,2,3]' LIMIT 1$$);

-- Delete 30% of the rows: they are never returned, before or after VACUUM, and recall holds.
DELETE FROM hnsw_items WHERE id % 10 IN (2, 5, 8);
DELETE FROM hnsw_truth;
SET enable_indexscan = off;
SET enable_seqscan = on;
INSERT INTO hnsw_truth
SELECT q.qid, t.id, t.rank
FROM hnsw_queries q,
     LATERAL (SELECT i.id, row_number() OVER (ORDER BY i.e <-> q.e) AS rank
              FROM hnsw_items i ORDER BY i.e <-> q.e LIMIT 10) t;
RESET enable_indexscan;
SET enable_seqscan = off;
SELECT count(*) AS deleted_returned FROM (
  SELECT id FROM hnsw_items ORDER BY e <-> (SELECT e FROM hnsw_items WHERE id = 1) LIMIT 200) s WHERE id % 10 IN (2, 5, 8);
VACUUM hnsw_items;
SELECT count(*) AS deleted_returned FROM (
  SELECT id FROM hnsw_items ORDER BY e <-> (SELECT e FROM hnsw_items WHERE id = 1) LIMIT 200) s WHERE id % 10 IN (2, 5, 8);
SELECT hnsw_recall() >= 0.95 AS recall_after_vacuum_ok;
SELECT count(*), count(DISTINCT id) FROM (SELECT id FROM hnsw_items ORDER BY e <-> (SELECT e FROM hnsw_items WHERE id = 5) LIMIT 5000) s;
-- Rows inserted after the VACUUM are linked into the repaired graph.
INSERT INTO hnsw_items
SELECT i, i % 10, ARRAY(SELECT (random() * 2 - 1)::real FROM generate_series(1, 24) WHERE i > 0)::embedding
FROM generate_series(5001, 5100) i;
SELECT count(*) AS found_own_vector FROM hnsw_items i
WHERE i.id > 5000 AND (SELECT id FROM hnsw_items ORDER BY e <-> i.e LIMIT 1) = i.id;
DROP INDEX hnsw_items_l2;
RESET enable_seqscan;

-- Cosine and inner product: the index agrees with exact search on a small set.
CREATE TABLE hnsw_small (id int, e embedding(3));
INSERT INTO hnsw_small VALUES (1, '[1,0,0]'), (2, '[0.9,0.1,0]'), (3, '[0,1,0]'), (4, '[0,0.9,0.2]'),
  (5, '[0,0,1]'), (6, '[-1,0,0]'), (7, '[2,0,0]'), (8, '[0,0,0]'), (9, NULL);
CREATE INDEX hnsw_small_cos ON hnsw_small USING commerce_hnsw (e embedding_cosine_ops) WITH (m = 4, ef_construction = 16);
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM hnsw_small ORDER BY e <=> '[1,0,0]' LIMIT 3;
-- the zero vector has no angle: it is not indexed. (The outer ORDER BY only fixes the order of
-- ties; the inner query is the index scan.)
SELECT id, cosine FROM (
  SELECT id, round((e <=> '[1,0,0]')::numeric, 4) AS cosine FROM hnsw_small ORDER BY e <=> '[1,0,0]' LIMIT 10) s
ORDER BY cosine, id;
DROP INDEX hnsw_small_cos;
CREATE INDEX hnsw_small_ip ON hnsw_small USING commerce_hnsw (e embedding_ip_ops);
SELECT id, round((e <#> '[1,0.3,0.1]')::numeric, 4) AS neg_ip FROM hnsw_small ORDER BY e <#> '[1,0.3,0.1]' LIMIT 5;
RESET enable_seqscan;

-- An index built on an empty table with an untyped column takes its dimensions from the first row.
CREATE TABLE hnsw_empty (id int, e embedding);
CREATE INDEX hnsw_empty_l2 ON hnsw_empty USING commerce_hnsw (e embedding_l2_ops);
SET enable_seqscan = off;
SELECT id FROM hnsw_empty ORDER BY e <-> '[1,2]' LIMIT 1;
INSERT INTO hnsw_empty VALUES (1, '[1,2]'), (2, '[3,4]'), (3, '[0,1]');
SELECT id FROM hnsw_empty ORDER BY e <-> '[1,2]' LIMIT 2;
SELECT * FROM try($$INSERT INTO hnsw_empty VALUES (4, '[1,2,3]')$$);
RESET enable_seqscan;

-- Unlogged tables: the empty index's init fork is WAL-logged, the rest works as usual.
CREATE UNLOGGED TABLE hnsw_unlogged (id int, e embedding(2));
CREATE INDEX hnsw_unlogged_l2 ON hnsw_unlogged USING commerce_hnsw (e embedding_l2_ops);
INSERT INTO hnsw_unlogged VALUES (1, '[1,2]'), (2, '[3,4]'), (3, '[0,1]');
SET enable_seqscan = off;
SELECT id FROM hnsw_unlogged ORDER BY e <-> '[3,3]' LIMIT 2;
RESET enable_seqscan;
DROP TABLE hnsw_unlogged;

-- A graph larger than maintenance_work_mem: the build says so and carries on, correctly.
SET maintenance_work_mem = '1MB';
CREATE TABLE hnsw_big AS SELECT i AS id, ARRAY(SELECT (random() * 2 - 1)::real FROM generate_series(1, 64) WHERE i > 0)::embedding(64) AS e
FROM generate_series(1, 4000) i;
CREATE INDEX hnsw_big_l2 ON hnsw_big USING commerce_hnsw (e embedding_l2_ops);
RESET maintenance_work_mem;
SET enable_seqscan = off;
SELECT count(*) AS found_own_vector FROM hnsw_big b
WHERE b.id % 40 = 0 AND (SELECT id FROM hnsw_big ORDER BY e <-> b.e LIMIT 1) = b.id;
RESET enable_seqscan;

-- Bad options and settings.
SELECT * FROM try($$CREATE INDEX ON hnsw_small USING commerce_hnsw (e embedding_l2_ops) WITH (m = 1)$$);
SELECT * FROM try($$CREATE INDEX ON hnsw_small USING commerce_hnsw (e embedding_l2_ops) WITH (m = 101)$$);
SELECT * FROM try($$CREATE INDEX ON hnsw_small USING commerce_hnsw (e embedding_l2_ops) WITH (ef_construction = 2)$$);
SELECT * FROM try($$CREATE INDEX ON hnsw_small USING commerce_hnsw (e embedding_l2_ops) WITH (m = 32, ef_construction = 40)$$);
SELECT * FROM try($$CREATE INDEX ON hnsw_small USING commerce_hnsw (e embedding_l2_ops) WITH (ef = 40)$$);
SELECT * FROM try($$CREATE INDEX ON hnsw_small USING commerce_hnsw (e)$$);
SELECT * FROM try($$CREATE INDEX ON hnsw_small USING commerce_hnsw (id)$$);
SELECT * FROM try($$SET commerce.hnsw_ef_search = 0$$);
SELECT * FROM try($$SET commerce.hnsw_ef_search = 1001$$);
CREATE TABLE hnsw_wide (e embedding(2000));
SELECT * FROM try($$CREATE INDEX ON hnsw_wide USING commerce_hnsw (e embedding_l2_ops)$$);

DROP TABLE hnsw_items, hnsw_queries, hnsw_truth, hnsw_filtered, hnsw_small, hnsw_empty, hnsw_big, hnsw_wide;
DROP FUNCTION hnsw_recall();
