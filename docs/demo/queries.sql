-- Example queries over the demo shop (docs/demo/shop.sql).
SET search_path TO public, commerce;
SET client_min_messages = notice;
\pset footer off

\echo
\echo '1. Similar products: the 5 nearest to "Trail running shoe" (L2 distance, exact scan)'
SELECT p.product_id, p.title, p.category, round((p.embedding <-> q.embedding)::numeric, 3) AS distance
FROM shop_products p, (SELECT embedding FROM shop_products WHERE product_id = 1) q
WHERE p.product_id <> 1
ORDER BY p.embedding <-> q.embedding
LIMIT 5;

\echo '2. Cosine search with a query vector for "premium, formal, dark" items'
SELECT product_id, title, price, round((embedding <=> '[0,0,0,0,0,1,1,1]')::numeric, 3) AS cosine_distance
FROM shop_products
ORDER BY embedding <=> '[0,0,0,0,0,1,1,1]'
LIMIT 5;

\echo '3. Session-based recommendations: the centroid (avg) of what session s-1001 viewed,'
\echo '   then the nearest products it has not seen yet'
WITH centroid AS (
  SELECT avg(p.embedding) AS e
  FROM shop_session_views v JOIN shop_products p USING (product_id)
  WHERE v.session_id = 's-1001')
SELECT p.product_id, p.title, p.category, round((p.embedding <-> c.e)::numeric, 3) AS distance
FROM shop_products p, centroid c
WHERE p.product_id NOT IN (SELECT product_id FROM shop_session_views WHERE session_id = 's-1001')
ORDER BY p.embedding <-> c.e
LIMIT 5;

\echo '4. Nearest product in each category to a "sporty audio" query (filter + order)'
SELECT DISTINCT ON (category) category, title, round((embedding <-> '[0,0,1,0,1,0,0.5,0.5]')::numeric, 3) AS distance
FROM shop_products
ORDER BY category, embedding <-> '[0,0,1,0,1,0,0.5,0.5]';

\echo '5. Embedding functions: dimensions, norm, normalisation, arithmetic, casts'
SELECT vector_dims(embedding) AS dims, round(vector_norm(embedding)::numeric, 3) AS norm,
       l2_normalize('[3,4]') AS normalized, '[1,2]'::embedding + '[10,20]' AS sum,
       '[1.5,2.5]'::embedding::real[] AS as_array
FROM shop_products WHERE product_id = 13;

\echo '6. An HNSW index answers the same nearest-neighbour query (approximate, here exact at this size)'
CREATE INDEX shop_products_embedding_hnsw ON shop_products USING commerce_hnsw (embedding embedding_l2_ops);
SET enable_seqscan = off;  -- 36 rows: without this the planner rightly prefers a scan
EXPLAIN (COSTS OFF)
SELECT product_id FROM shop_products ORDER BY embedding <-> '[1,0,0,0,1,0,0.5,0.3]' LIMIT 5;
SELECT product_id, title FROM shop_products ORDER BY embedding <-> '[1,0,0,0,1,0,0.5,0.3]' LIMIT 5;
RESET enable_seqscan;

\echo '7. Text search: what the analyzer indexes (Thai and Japanese are split into words,'
\echo '   model numbers stay findable), then BM25 over the titles with highlights'
SELECT string_agg(term, ' | ' ORDER BY position) AS thai_terms FROM tokenize('รองเท้าวิ่งสำหรับผู้ชาย', 'icu');
SELECT string_agg(term, ' | ' ORDER BY position) AS japanese_terms FROM tokenize('防水ランニングシューズ男性用', 'icu');
SELECT string_agg(term, ' | ' ORDER BY position) AS english_terms FROM tokenize('Sony WH-1000XM4 Noise-Cancelling Headphones', 'english');
SELECT title, round(score::numeric, 3) AS bm25, highlight(title, 'running headphone') AS snippet
FROM (SELECT title, bm25_score(title, 'running headphone') OVER () AS score FROM shop_products) s
WHERE score > 0 ORDER BY score DESC LIMIT 5;

\echo '   the same search answered by a commerce_bm25 index (a true top-k; the score is -(title <&> q))'
CREATE INDEX shop_products_title_bm25 ON shop_products USING commerce_bm25 (title) WITH (analyzer = 'english');
SET enable_seqscan = off;  -- 36 rows: without this the planner rightly prefers a scan
SELECT product_id, title, round((-(title <&> 'running headphone'))::numeric, 3) AS bm25
FROM shop_products ORDER BY title <&> 'running headphone' LIMIT 5;
RESET enable_seqscan;

\echo '8. Inventory: reserve two items in one all-or-nothing hold; a retry with the same key'
\echo '   returns the same reservation (replayed) instead of reserving twice; then commit it'
SELECT state, replayed FROM reserve('cart-7781', '[{"sku": "SKU-13", "qty": 2}, {"sku": "SKU-1", "qty": 1}]', '15 minutes');
SELECT state, replayed FROM reserve('cart-7781', '[{"sku": "SKU-13", "qty": 2}, {"sku": "SKU-1", "qty": 1}]', '15 minutes');
SELECT state FROM commit_reservation((SELECT reservation_id FROM reserve('cart-7781', '[{"sku": "SKU-13", "qty": 2}, {"sku": "SKU-1", "qty": 1}]', '15 minutes')));
SELECT sku, warehouse, on_hand, reserved, available FROM stock_levels WHERE sku IN ('SKU-1', 'SKU-13') ORDER BY sku, warehouse;
\echo '   asking for more than any warehouse holds is refused, and nothing is held'
DO $$
BEGIN
  PERFORM commerce.reserve('cart-7782', '[{"sku": "SKU-13", "qty": 500}]');
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'ERROR %: %', SQLSTATE, SQLERRM;
END
$$;
SELECT count(*) AS problems FROM verify_inventory();

\echo '9. Recommendations trained in the database: EASE over 120 shoppers views and purchases,'
\echo '   then the top 4 for shopper 7 (who browsed bags), with the history item behind each'
SELECT commerce.train_recommender('default', 'ease', '{"lambda": 10}') IS NOT NULL AS trained;
SELECT r.product_id, p.title, round(r.score::numeric, 3) AS score, r.reasons->>'because' AS because
FROM recommend(7, 4) r JOIN shop_products p USING (product_id);

\echo '10. Bad input gets a clear error with a SQLSTATE and a hint (caught here to keep going)'
DO $$
DECLARE
  statement text;
  hint text;
BEGIN
  FOREACH statement IN ARRAY ARRAY[
    $q$SELECT '[1,NaN]'::commerce.embedding$q$,
    $q$SELECT '[1,2]'::commerce.embedding OPERATOR(commerce.<->) '[1,2,3]'$q$,
    $q$SELECT '[1,2'::commerce.embedding$q$] LOOP
    BEGIN
      EXECUTE statement;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS hint = PG_EXCEPTION_HINT;
      RAISE NOTICE E'%\n  ERROR %: %\n  HINT: %', statement, SQLSTATE, SQLERRM, hint;
    END;
  END LOOP;
END
$$;
