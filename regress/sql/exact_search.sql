-- Exact nearest-neighbour search: ORDER BY e <op> q LIMIT k scans every row and returns the
-- true top-k for each distance.
SET search_path TO public, commerce;

CREATE TABLE products (id int PRIMARY KEY, category text, e embedding(3));
INSERT INTO products VALUES
  (1, 'shoes', '[1,0,0]'), (2, 'shoes', '[0.9,0.1,0]'), (3, 'bags', '[0,1,0]'),
  (4, 'bags', '[0,0.9,0.2]'), (5, 'hats', '[0,0,1]'), (6, 'hats', '[-1,0,0]'),
  (7, 'shoes', '[2,0,0]'), (8, 'hats', NULL);

SELECT id, round((e <-> '[1,0,0]')::numeric, 4) AS l2 FROM products ORDER BY e <-> '[1,0,0]' LIMIT 3;
SELECT id, round((e <=> '[1,0,0]')::numeric, 4) AS cosine FROM products ORDER BY e <=> '[1,0,0]', id LIMIT 3;
SELECT id, e <#> '[1,0,0]' AS neg_ip FROM products ORDER BY e <#> '[1,0,0]' LIMIT 3;
SELECT id, round((e <+> '[1,0,0]')::numeric, 4) AS l1 FROM products ORDER BY e <+> '[1,0,0]' LIMIT 3;
-- with a filter, and with the query vector as a parameter
PREPARE nearest(embedding, int) AS
  SELECT id FROM products WHERE category <> 'hats' ORDER BY e <-> $1 LIMIT $2;
EXECUTE nearest('[0,1,0]', 2);
-- NULL vectors sort last
SELECT id FROM products ORDER BY e <-> '[0,0,1]' LIMIT 8;
EXPLAIN (COSTS OFF) SELECT id FROM products ORDER BY e <-> '[1,0,0]' LIMIT 3;

-- the same top-k as a brute-force check on 2,000 random 32-d vectors
CREATE TABLE random_items AS
SELECT i AS id, ARRAY(SELECT ((i * 7919 + j * 104729) % 1000 / 500.0 - 1)::real FROM generate_series(1, 32) j)::embedding AS e
FROM generate_series(1, 2000) i;
WITH q AS (SELECT e FROM random_items WHERE id = 42),
     by_operator AS (SELECT r.id FROM random_items r, q ORDER BY r.e <-> q.e LIMIT 10),
     by_arrays AS (
       SELECT r.id FROM random_items r, q
       ORDER BY (SELECT sum((x - y) ^ 2) FROM unnest(r.e::float8[], q.e::float8[]) u(x, y)) LIMIT 10)
SELECT (SELECT array_agg(id ORDER BY id) FROM by_operator) = (SELECT array_agg(id ORDER BY id) FROM by_arrays) AS same_top10;
