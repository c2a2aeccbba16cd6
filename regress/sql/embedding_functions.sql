-- Distances, norms, arithmetic and aggregates on commerce.embedding.
SET search_path TO public, commerce;

SELECT '[1,2,3]'::embedding <-> '[4,6,3]' AS l2,
       l2_distance('[1,2,3]', '[4,6,3]'),
       l2_squared_distance('[1,2,3]', '[4,6,3]');
SELECT '[1,2]'::embedding <=> '[2,4]' AS same_direction,
       '[1,0]'::embedding <=> '[0,1]' AS orthogonal,
       '[1,0]'::embedding <=> '[-1,0]' AS opposite,
       cosine_distance('[3,4]', '[4,3]');
SELECT '[0,0]'::embedding <=> '[1,1]' AS zero_norm_is_nan;
SELECT '[1,2,3]'::embedding <#> '[4,5,6]' AS negative_ip, inner_product('[1,2,3]', '[4,5,6]');
SELECT '[1,2,3]'::embedding <+> '[4,6,1]' AS l1, l1_distance('[1,2,3]', '[4,6,1]');
SELECT vector_dims('[1,2,3]'), vector_norm('[3,4]'), vector_norm('[3e30,4e30]');
SELECT l2_normalize('[3,4]'), l2_normalize('[0,0]'), vector_norm(l2_normalize('[1,2,3,4,5]'));

SELECT '[1,2,3]'::embedding + '[10,20,30]' AS sum, '[1,2,3]'::embedding - '[10,20,30]' AS difference,
       '[1,2,3]'::embedding * '[10,20,30]' AS product;

-- operators are symmetric and agree with the functions on random data
CREATE TABLE pairs AS
SELECT i, ARRAY(SELECT (random() * 2 - 1)::real FROM generate_series(1, 64 + i % 7))::embedding AS a,
          ARRAY(SELECT (random() * 2 - 1)::real FROM generate_series(1, 64 + i % 7))::embedding AS b
FROM generate_series(1, 200) i;
SELECT bool_and(a <-> b = b <-> a) AS l2_symmetric,
       bool_and(abs((a <-> b) - sqrt(l2_squared_distance(a, b))) < 1e-9) AS l2_sqrt,
       bool_and(abs((a <=> b) - (1 - inner_product(a, b) / (vector_norm(a) * vector_norm(b)))) < 1e-5) AS cosine_matches,
       bool_and(a <#> b = -inner_product(a, b)) AS negative_ip,
       bool_and(a <+> b >= a <-> b) AS l1_at_least_l2
FROM pairs;

-- aggregates: avg is the centroid, sum the element-wise sum; NULLs are skipped, no rows gives NULL
SELECT avg(e), sum(e) FROM (VALUES ('[1,2,3]'::embedding), ('[3,4,5]'), (NULL)) v(e);
SELECT avg(e) IS NULL AS no_rows, sum(e) IS NULL AS no_rows_sum FROM (SELECT '[1]'::embedding e WHERE false) v;
SELECT g, avg(e) FROM (VALUES (1, '[1,1]'::embedding), (1, '[3,3]'), (2, '[5,7]')) v(g, e) GROUP BY g ORDER BY g;
-- precision: the average of many float4 vectors is accumulated in double
SELECT avg('[0.1,1000000]'::embedding) FROM generate_series(1, 100000);

-- parallel aggregation combines partial states
CREATE TABLE many AS SELECT i, ARRAY[i % 10, 1]::embedding AS e FROM generate_series(1, 200000) i;
ANALYZE many;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
EXPLAIN (COSTS OFF) SELECT avg(e) FROM many;
SELECT avg(e), sum(e) FROM many;
RESET ALL;
