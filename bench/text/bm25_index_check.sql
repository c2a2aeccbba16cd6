-- Self-check of the commerce_bm25 index on :rows synthetic bench_products (bench/run.sh bm25index):
-- build time against GIN, and top-10 latency of the 480 WANDS queries through the index against
-- ORDER BY ts_rank LIMIT 10 over the GIN index, in the same run. Needs :wands (query.csv path).
\set ON_ERROR_STOP on
SET search_path = public, commerce;
SET max_parallel_maintenance_workers = 0;
DROP TABLE IF EXISTS bench_products, vocab, wands;
CREATE TABLE wands (id int, query text, class text);
COPY wands FROM :'wands' WITH (FORMAT csv, DELIMITER E'\t', HEADER true, QUOTE E'\b');
-- 50,000 words, the WANDS query words at random ranks among the 5,000 most common; ranks are
-- drawn with P(rank) ~ 1/rank.
CREATE TABLE vocab AS SELECT i AS rank, 'w' || i AS word FROM generate_series(1, 50000) i;
WITH words AS (SELECT DISTINCT lower(w) AS w FROM wands, regexp_split_to_table(query, '\s+') w
               WHERE w <> ''),
     placed AS (SELECT w, 1 + floor(random() * 5000)::int AS rank FROM words)
UPDATE vocab SET word = placed.w FROM placed WHERE vocab.rank = placed.rank;
CREATE TABLE bench_products AS
WITH v AS (SELECT array_agg(word ORDER BY rank) AS words FROM vocab)
SELECT g AS id,
  (SELECT string_agg(v.words[least(50000, floor(exp(random() * ln(50000)))::int + 0 * k)], ' ')
   FROM generate_series(1, 6 + (random() * 8)::int + 0 * g) k) AS name,
  (SELECT string_agg(v.words[least(50000, floor(exp(random() * ln(50000)))::int + 0 * k)], ' ')
   FROM generate_series(1, 15 + (random() * 20)::int + 0 * g) k) AS description
FROM generate_series(1, :rows) g, v;
ALTER TABLE bench_products ADD PRIMARY KEY (id);
VACUUM ANALYZE bench_products;
\timing on
CREATE INDEX bench_gin ON bench_products USING gin (to_tsvector('english', name || ' ' || description));
CREATE INDEX bench_bm25 ON bench_products USING commerce_bm25 (name, description) WITH (weights = '3,1');
\timing off
SELECT * FROM commerce.bm25_index_stats('bench_bm25');
SELECT pg_size_pretty(pg_relation_size('bench_gin')) AS gin_size,
       pg_size_pretty(pg_relation_size('bench_bm25')) AS bm25_size;
ANALYZE bench_products;

-- Milliseconds per query (planning included) for a statement template over every WANDS query.
CREATE OR REPLACE FUNCTION pg_temp.time_queries(template text, rounds int) RETURNS TABLE (
  median_ms float8, p95_ms float8, queries int) LANGUAGE plpgsql AS $$
DECLARE q record; t0 timestamptz; times float8[] := '{}'; r int; n int;
BEGIN
  FOR r IN 1..rounds LOOP
    FOR q IN SELECT query FROM wands ORDER BY id LOOP
      t0 := clock_timestamp();
      EXECUTE format(template, q.query);
      times := times || extract(epoch FROM clock_timestamp() - t0) * 1000;
    END LOOP;
  END LOOP;
  RETURN QUERY SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY t),
                      percentile_cont(0.95) WITHIN GROUP (ORDER BY t), count(*)::int
               FROM unnest(times) t;
END $$;
-- Warm the caches (dictionaries, buffers) once.
SELECT * FROM pg_temp.time_queries('SELECT id FROM bench_products ORDER BY name <&> %L LIMIT 10', 1);
SELECT 'bm25 index top-10' AS what, * FROM pg_temp.time_queries(
  'SELECT id FROM bench_products ORDER BY name <&> %L LIMIT 10', 2);
SET commerce.bm25_typos = off;
SELECT 'bm25 index top-10, no typos' AS what, * FROM pg_temp.time_queries(
  'SELECT id FROM bench_products ORDER BY name <&> %L LIMIT 10', 1);
RESET commerce.bm25_typos;
SELECT 'ts_rank over GIN top-10' AS what, * FROM pg_temp.time_queries(
  $q$SELECT id FROM bench_products WHERE to_tsvector('english', name || ' ' || description)
     @@ to_tsquery('english', replace(plainto_tsquery('english', %1$L)::text, '&', '|'))
     ORDER BY ts_rank(to_tsvector('english', name || ' ' || description),
                      to_tsquery('english', replace(plainto_tsquery('english', %1$L)::text, '&', '|'))) DESC
     LIMIT 10$q$, 1);
EXPLAIN (COSTS OFF) SELECT id FROM bench_products ORDER BY name <&> 'smart coffee table' LIMIT 10;
