-- The commerce_bm25 index: options and their errors, the planner's use of it, agreement of its
-- ranking and scores with the window function bm25_score over the same rows, query syntax,
-- typos, synonyms, Asian scripts, inserts, updates, deletes with VACUUM (statistics equal to a
-- fresh build), empty tables and NULLs.
SET search_path TO public, commerce;

-- 2,000 seeded products over a small vocabulary, so that words repeat and scores tie rarely.
SELECT setseed(0.5);
CREATE TABLE bm25_items (id int PRIMARY KEY, name text, description text);
INSERT INTO bm25_items
SELECT i,
  (SELECT string_agg(w[1 + floor(random() * array_length(w, 1))::int + 0 * k], ' ')
   FROM generate_series(1, 2 + (i % 6)) k),
  (SELECT string_agg(w[1 + floor(random() * array_length(w, 1))::int + 0 * k], ' ')
   FROM generate_series(1, 4 + (i % 9)) k)
FROM generate_series(1, 2000) i,
     LATERAL (SELECT ARRAY['wireless', 'headphones', 'leather', 'boots', 'brass', 'lamp', 'sofa',
       'desk', 'running', 'shoes', 'noise', 'cancelling', 'cotton', 'shirt', 'blue', 'red',
       'wooden', 'table', 'chair', 'kids', 'garden', 'hose', 'steel', 'kettle', 'electric',
       'coffee', 'maker', 'wool', 'scarf', 'black', 'bluetooth', 'speaker', 'portable', 'vintage',
       'green', 'couch', 'large', 'small', 'soft', 'pillow'] || ARRAY[i::text]) v(w);
INSERT INTO bm25_items VALUES
  (2001, 'Sony WH-1000XM4 Wireless Noise Cancelling Headphones', 'over-ear, 30 hours'),
  (2002, 'หูฟังไร้สายโซนี่รุ่นใหม่', NULL),          -- Sony wireless headphones, new model
  (2003, 'ソニー ワイヤレスヘッドホン 黒', NULL),      -- Sony wireless headphones, black
  (2004, NULL, 'a description only: leather sofa'),
  (2005, NULL, NULL);                               -- not indexed: every column is NULL

-- Bad options: clear SQLSTATEs and hints.
SELECT * FROM try($$CREATE INDEX ON bm25_items USING commerce_bm25 (name) WITH (analyzer = 'klingon')$$);
SELECT * FROM try($$CREATE INDEX ON bm25_items USING commerce_bm25 (name) WITH (k1 = 200)$$);
SELECT * FROM try($$CREATE INDEX ON bm25_items USING commerce_bm25 (name) WITH (b = 1.5)$$);
SELECT * FROM try($$CREATE INDEX ON bm25_items USING commerce_bm25 (name) WITH (weights = '3,x')$$);
SELECT * FROM try($$CREATE INDEX ON bm25_items USING commerce_bm25 (name, description) WITH (weights = '3')$$);
SELECT * FROM try($$CREATE INDEX ON bm25_items USING commerce_bm25 (name) WITH (weights = '0')$$);
-- A malformed query fails where it is written.
SELECT * FROM try($$SELECT 'wireless "headphones'::bm25query$$);

CREATE INDEX bm25_items_idx ON bm25_items USING commerce_bm25 (name, description)
  WITH (analyzer = 'english', k1 = 1.2, b = 0.75, weights = '3,1', typos = on);
SELECT reloptions FROM pg_class WHERE relname = 'bm25_items_idx';
SELECT documents, round(average_length::numeric, 6) AS average_length, terms, segments,
       pending_documents, analyzer
FROM bm25_index_stats('bm25_items_idx');

-- The reference: bm25_score over the same rows (rows with at least one non-NULL column), top k
-- by score then id; and the index's own top k with scores (bm25_search).
CREATE FUNCTION bm25_ref(q text, k int) RETURNS TABLE (id int, score float8) LANGUAGE sql AS $$
  SELECT id, s FROM (
    SELECT id, bm25_score(ARRAY[name, description], ARRAY[3.0, 1.0], q, 'english', 1.2, 0.75,
                          true) OVER () AS s
    FROM bm25_items WHERE name IS NOT NULL OR description IS NOT NULL) r
  WHERE s > 0 ORDER BY s DESC, id LIMIT k $$;
CREATE FUNCTION bm25_idx(q text, k int) RETURNS TABLE (id int, score float8) LANGUAGE sql AS $$
  SELECT i.id, s.score FROM bm25_search('bm25_items_idx', q, k) s JOIN bm25_items i ON i.ctid = s.ctid
  ORDER BY s.score DESC, i.id $$;
-- Same scores rank by rank (1e-9 relative), the same rows above the k-th score (rows tied at
-- the k-th score may differ), and ORDER BY <&> LIMIT k through the index in bm25_search's order.
CREATE FUNCTION bm25_agree(q text, k int DEFAULT 10)
RETURNS TABLE (matches bigint, same_scores boolean, same_rows boolean, order_by_agrees boolean)
LANGUAGE sql AS $$
  WITH r AS (SELECT *, row_number() OVER (ORDER BY score DESC, id) AS rank FROM bm25_ref(q, k)),
       i AS (SELECT *, row_number() OVER (ORDER BY score DESC, id) AS rank FROM bm25_idx(q, k)),
       kth AS (SELECT min(score) AS s FROM r)
  SELECT (SELECT count(*) FROM r),
         (SELECT count(*) FROM r) = (SELECT count(*) FROM i) AND
         (SELECT bool_and(abs(r.score - i.score) <= 1e-9 * r.score) FROM r JOIN i USING (rank)),
         (SELECT array_agg(id ORDER BY id) FROM r WHERE score > (SELECT s FROM kth) * (1 + 1e-9))
           IS NOT DISTINCT FROM
         (SELECT array_agg(id ORDER BY id) FROM i WHERE score > (SELECT s FROM kth) * (1 + 1e-9)),
         (SELECT array_agg(o.id) FROM (SELECT id FROM bm25_items ORDER BY name <&> q::bm25query
                                       LIMIT k) o) =
         (SELECT array_agg(s.id ORDER BY rn) FROM (SELECT b.id, row_number() OVER () AS rn
            FROM bm25_search('bm25_items_idx', q, k) x JOIN bm25_items b ON b.ctid = x.ctid) s)
           OR (SELECT count(*) FROM r) < k $$;

-- The planner uses the index for ORDER BY ... LIMIT and for WHERE, even on a small table.
EXPLAIN (COSTS OFF) SELECT id FROM bm25_items ORDER BY name <&> 'wireless headphones' LIMIT 10;
EXPLAIN (COSTS OFF) SELECT count(*) FROM bm25_items WHERE name @@& 'wireless headphones';
EXPLAIN (COSTS OFF) SELECT id FROM bm25_items WHERE description @@& '+lamp' ORDER BY name <&> 'brass lamp' LIMIT 5;

SELECT q, a.* FROM unnest(ARRAY[
  'wireless headphones', 'brass lamp', 'comfortable running shoes for kids',
  '+leather boots', 'lamp -brass', '+"noise cancelling" headphones', '"cancelling noise"',
  'wireles headphnes', 'electric coffe maker', 'WH-1000XM4', 'kettle 17', 'sofa']) q,
  LATERAL bm25_agree(q) a;
-- The score the executor sees (the select list) is the index's, negated.
SELECT id, round((-(name <&> 'brass lamp'))::numeric, 9) AS score
FROM bm25_items ORDER BY name <&> 'brass lamp' LIMIT 3;
SELECT id, round(score::numeric, 9) FROM bm25_ref('brass lamp', 3);

-- Syntax: required, excluded, phrases.
SELECT count(*) FROM bm25_items WHERE name @@& '+leather +boots';
SELECT count(*) FROM bm25_items
WHERE (coalesce(name, '') || ' ' || coalesce(description, '')) ~ '\mleather\M'
  AND (coalesce(name, '') || ' ' || coalesce(description, '')) ~ '\mboots\M';
SELECT count(*) FROM bm25_items WHERE name @@& 'lamp -brass';
SELECT count(*) FROM bm25_items
WHERE (coalesce(name, '') || ' ' || coalesce(description, '')) ~ '\mlamp\M'
  AND (coalesce(name, '') || ' ' || coalesce(description, '')) !~ '\mbrass\M';
SELECT id FROM bm25_items WHERE name @@& '"noise cancelling headphones"' ORDER BY id LIMIT 5;
-- Typos: on by default, off for the session with commerce.bm25_typos.
SELECT id FROM bm25_items ORDER BY name <&> 'Sonny headphnes' LIMIT 1;
SET commerce.bm25_typos = off;
SELECT count(*) FROM bm25_items WHERE name @@& 'headphnes';
RESET commerce.bm25_typos;
SELECT count(*) > 0 AS typo_matches FROM bm25_items WHERE name @@& 'headphnes';
-- Synonyms from commerce.synonyms, applied at query time.
INSERT INTO commerce.synonyms VALUES ('settee', 'couch', true);
SELECT count(*) FROM bm25_items WHERE name @@& 'settee';
SELECT a.* FROM bm25_agree('settee') a;
-- In a parallel worker (no new snapshot may be taken there) the rules are read with the
-- statement's snapshot: same count, and the highlight marks the synonym.
SET force_parallel_mode = on;
EXPLAIN (COSTS OFF) SELECT count(*) FROM bm25_items WHERE name @@& 'settee';
SELECT count(*) FROM bm25_items WHERE name @@& 'settee';
SELECT commerce.highlight(name, 'settee') FROM bm25_items WHERE name @@& 'settee' ORDER BY id
LIMIT 1;
RESET force_parallel_mode;
DELETE FROM commerce.synonyms WHERE term = 'settee';
SELECT count(*) FROM bm25_items WHERE name @@& 'settee';
-- The rules are cached per backend; every change to them fires the statement trigger (enabled
-- ALWAYS, so also under logical replication) that makes the caches stale. Its function is not
-- callable directly.
SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'commerce.synonyms'::regclass
  AND NOT tgisinternal;
SELECT * FROM try($$SELECT commerce.invalidate_caches()$$);
-- Thai and Japanese titles are found by words inside them; a row with only a description is
-- found through it; varchar columns work through the binary cast.
SELECT id FROM bm25_items WHERE name @@& 'ไร้สาย';
SELECT id FROM bm25_items WHERE name @@& 'ヘッドホン';
SELECT id FROM bm25_items WHERE name @@& '+leather +sofa' AND id > 2000;
CREATE TABLE bm25_varchar (id int, title varchar(100));
INSERT INTO bm25_varchar VALUES (1, 'brass desk lamp'), (2, 'red sofa');
CREATE INDEX ON bm25_varchar USING commerce_bm25 (title);
SELECT id FROM bm25_varchar WHERE title @@& 'lamp';

-- Outside an index scan the operators have no corpus: 55000 with a hint.
SELECT * FROM try($$SELECT 'brass lamp'::text <&> 'lamp'$$);
SELECT * FROM try($$SELECT count(*) FROM (SELECT name FROM bm25_items OFFSET 0) s WHERE name @@& 'lamp'$$);
SELECT * FROM try($$SELECT * FROM bm25_search('bm25_items_pkey', 'lamp')$$);
-- ORDER BY without LIMIT returns every indexed row: the matches first, then score 0.
SELECT count(*), count(*) FILTER (WHERE NOT m) AS not_matching
FROM (SELECT id, name <&> 'kettle' < 0 AS m FROM bm25_items ORDER BY name <&> 'kettle') s;

-- Inserts after the build (into the pending list, which becomes segments as it fills): the
-- index keeps agreeing with the window function. An update and deletes leave dead rows that
-- still count until VACUUM; after it the statistics equal those of a fresh build.
INSERT INTO bm25_items
SELECT 3000 + i, 'electric kettle number ' || i,
       repeat('steel ', 1 + i % 4) || 'kettle with a glass window, a blue light, auto shut off '
       || 'and boil dry protection, cordless on a swivel base, model ' || (i * 7919) % 10007
FROM generate_series(1, 4000) i;
SELECT documents, segments, pending_documents FROM bm25_index_stats('bm25_items_idx');
SELECT q, a.* FROM unnest(ARRAY['electric kettle', 'brass lamp shade', 'kettle 2999']) q,
  LATERAL bm25_agree(q) a;
UPDATE bm25_items SET name = 'vintage brass lamp with shade' WHERE id = 7;
DELETE FROM bm25_items WHERE id % 3 = 0;
SELECT documents FROM bm25_index_stats('bm25_items_idx');
VACUUM bm25_items;
SELECT documents, round(average_length::numeric, 6) AS average_length, terms, pending_documents
FROM bm25_index_stats('bm25_items_idx');
SELECT bm25_term_df('bm25_items_idx', 'kettl') AS kettle_df;
CREATE INDEX bm25_items_fresh ON bm25_items USING commerce_bm25 (name, description)
  WITH (weights = '3,1');
SELECT documents, round(average_length::numeric, 6) AS average_length, terms, pending_documents
FROM bm25_index_stats('bm25_items_fresh');
SELECT bm25_term_df('bm25_items_fresh', 'kettl') AS kettle_df;
DROP INDEX bm25_items_fresh;
SELECT q, a.* FROM unnest(ARRAY['electric kettle', 'vintage brass lamp', 'wireles headphnes']) q,
  LATERAL bm25_agree(q) a;
-- REINDEX gives the same statistics again.
REINDEX INDEX bm25_items_idx;
SELECT documents, round(average_length::numeric, 6) AS average_length, terms, segments
FROM bm25_index_stats('bm25_items_idx');

-- A build that outgrows maintenance_work_mem spills runs to a temporary file and merges them
-- into one segment: statistics and answers are those of the build that fitted in memory.
SET maintenance_work_mem = '1MB';
CREATE INDEX bm25_items_small ON bm25_items USING commerce_bm25 (name, description)
  WITH (weights = '3,1');
RESET maintenance_work_mem;
SELECT segments, documents, round(average_length::numeric, 6) AS average_length, terms
FROM bm25_index_stats('bm25_items_small');
SELECT q, (SELECT string_agg(ctid::text || ':' || round(score::numeric, 9), ',')
           FROM bm25_search('bm25_items_small', q, 20)) =
          (SELECT string_agg(ctid::text || ':' || round(score::numeric, 9), ',')
           FROM bm25_search('bm25_items_idx', q, 20)) AS same_answers
FROM unnest(ARRAY['electric kettle', 'vintage brass lamp', '+wooden -table chair']) q;
DROP INDEX bm25_items_small;

-- An empty table, a table of NULLs, and a very long document.
CREATE TABLE bm25_empty (id int, t text);
CREATE INDEX bm25_empty_idx ON bm25_empty USING commerce_bm25 (t);
SELECT documents, terms, segments FROM bm25_index_stats('bm25_empty_idx');
SELECT count(*) FROM (SELECT id FROM bm25_empty ORDER BY t <&> 'lamp' LIMIT 10) s;
INSERT INTO bm25_empty SELECT i, NULL FROM generate_series(1, 10) i;
SELECT count(*) FROM bm25_empty WHERE t @@& 'lamp';
INSERT INTO bm25_empty VALUES (11, repeat('brass lamp ', 20000) || 'needle');
SELECT id FROM bm25_empty WHERE t @@& '+needle +brass';
SELECT documents, segments FROM bm25_index_stats('bm25_empty_idx');

-- Multi-column weights: a title word counts 3 times a description word.
CREATE TABLE bm25_weights (id int, title text, body text);
INSERT INTO bm25_weights VALUES (1, 'lamp', 'desk'), (2, 'desk', 'lamp'), (3, 'chair', 'chair');
CREATE INDEX ON bm25_weights USING commerce_bm25 (title, body) WITH (weights = '3,1');
SELECT id FROM bm25_weights ORDER BY title <&> 'lamp' LIMIT 2;
SELECT id FROM bm25_weights ORDER BY body <&> 'desk' LIMIT 2;  -- any indexed column: same score

RESET enable_seqscan;
DROP TABLE bm25_items, bm25_varchar, bm25_empty, bm25_weights;
DROP FUNCTION bm25_agree(text, int), bm25_ref(text, int), bm25_idx(text, int);
