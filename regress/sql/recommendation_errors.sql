-- Bad inputs to the recommendation functions: each fails with its SQLSTATE, message and hint.
SET client_min_messages = warning;
-- No model trained under this name yet.
SELECT * FROM try($$SELECT * FROM commerce.recommend(1, 10, model => 'nope')$$);
SELECT * FROM try($$SELECT * FROM commerce.similar_items(1, 10, 'nope')$$);
SELECT * FROM try($$SELECT * FROM commerce.recommend(1, 10, '{"model_id": 987654}')$$);
-- k out of range.
SELECT * FROM try($$SELECT * FROM commerce.recommend(1, 0)$$);
SELECT * FROM try($$SELECT * FROM commerce.recommend(1, -3)$$);
SELECT * FROM try($$SELECT * FROM commerce.recommend(1, NULL)$$);
SELECT * FROM try($$SELECT * FROM commerce.bought_together(1, 0)$$);
-- Context problems.
SELECT * FROM try($$SELECT * FROM commerce.recommend(1, 5, '[1]')$$);
SELECT * FROM try($$SELECT * FROM commerce.recommend(1, 5, '{"devise": "mobile"}')$$);
SELECT * FROM try($$SELECT * FROM commerce.recommend(1, 5, '{"diversity": 2}')$$);
SELECT * FROM try($$SELECT * FROM commerce.recommend(1, 5, '{"diversity": "high"}')$$);
SELECT * FROM try($$SELECT * FROM commerce.recommend(1, 5, '{"at": "infinity"}')$$);
SELECT * FROM try($$SELECT * FROM commerce.recommend(1, 5, '{"category": "x", "candidates": 200000000}')$$);
-- Training problems.
SELECT * FROM try($$SELECT commerce.train_recommender('', 'ease')$$);
SELECT * FROM try($$SELECT commerce.train_recommender('m', 'svd')$$);
SELECT * FROM try($$SELECT commerce.train_recommender('m', 'ease', '{"lamda": 5}')$$);
SELECT * FROM try($$SELECT commerce.train_recommender('m', 'ease', '{"event_types": ["return"]}')$$);
SELECT * FROM try($$SELECT commerce.train_recommender('m', 'ease', '{"event_types": ["glance"]}')$$);
SELECT * FROM try($$SELECT commerce.train_recommender('m', 'ease', '{"lambda": -1}')$$);
SELECT * FROM try($$SELECT commerce.train_recommender('m', 'ease', '{"neighbors": 0}')$$);
SELECT * FROM try($$SELECT commerce.train_recommender('m', 'ease', '{"max_memory_mb": 0}')$$);
SELECT * FROM try($$SELECT commerce.ease_memory_bytes(-1)$$);
SELECT commerce.ease_memory_bytes(20000) AS ease_bytes_for_20000_items;
-- Events that break the table's constraints (dated past every partition, so the message names
-- the default partition whatever the day the test runs).
SELECT * FROM try($$SELECT commerce.track('view', 1, occurred_at => '2031-01-01')$$);
SELECT * FROM try($$SELECT commerce.track('view', user_id => 1, occurred_at => '2031-01-01')$$);
SELECT * FROM try($$SELECT commerce.track('search', user_id => 1, occurred_at => '2031-01-01')$$);
SELECT * FROM try($$SELECT commerce.track('glance', 1, user_id => 1)$$);
SELECT * FROM try($$SELECT commerce.track('purchase', 1, user_id => 1, price => -1, occurred_at => '2031-01-01')$$);
SELECT * FROM try($$SELECT commerce.ensure_event_partitions('2026-05-01', '2026-01-01')$$);
-- Rules that cannot mean anything.
SELECT * FROM try($$INSERT INTO commerce.recommendation_rules (action, product_id, factor) VALUES ('boost', 1, 0.5)$$);
SELECT * FROM try($$INSERT INTO commerce.recommendation_rules (action, category) VALUES ('pin', 'x')$$);
-- The C entry points reject malformed arrays.
SELECT * FROM try($$SELECT * FROM commerce.fit_neighbor_lists('ease', '{t}', '{1,2}', '{f,f}', 1, 5, 1000000, 1)$$);
SELECT * FROM try($$SELECT * FROM commerce.fit_neighbor_lists('ease', '{t,NULL}', '{1,2}', '{f,f}', 1, 5, 1000000, 1)$$);
SELECT * FROM try($$SELECT commerce.diversify_order('{1,2}', '{1}', 1, 0.5)$$);
SELECT * FROM try($$SELECT * FROM commerce.recommend_candidates(1, '{1,NULL}', '{}', '', '{1,0,0,0}', 1, 1, 1, 10)$$);
SELECT * FROM try($$SELECT * FROM commerce.recommend_candidates(1, '{1}', '{}', '', '{1,0}', 1, 1, 1, 10)$$);
SELECT count(*) FROM commerce.recommend_candidates(987654, '{1}', '{}', '', '{1,1,1,1}', 1, 1, 1, 10);
-- Training honours query cancel: 3,000 items take about a second to invert, and a 300 ms
-- statement timeout stops it inside the C++ loops; the session carries on and nothing is stored.
INSERT INTO commerce.events (event_type, user_id, product_id, occurred_at)
  SELECT 'view', 100000 + g / 10, 1000 + (g * 7919) % 3000, '2026-01-20'::timestamptz + g * interval '1 second'
    FROM generate_series(1, 30000) g;
\set VERBOSITY terse
SET statement_timeout = '300ms';
SELECT commerce.train_recommender('big', 'ease', '{"max_memory_mb": 1024}');
RESET statement_timeout;
\set VERBOSITY default
SELECT count(*) FROM commerce.models WHERE name = 'big';
