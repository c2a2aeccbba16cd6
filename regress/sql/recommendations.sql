-- Event stream, training, serving and the feature layer on a small hand-checkable shop.
SET client_min_messages = warning;
SET TIME ZONE 'UTC';

-- Partitions: three months created; a second call creates nothing.
SELECT commerce.ensure_event_partitions('2026-01-01', '2026-03-01');
SELECT commerce.ensure_event_partitions('2026-01-01', '2026-03-01');

INSERT INTO commerce.product_facets VALUES
  (1, 'beauty/skin', 'acme'), (2, 'beauty/skin', 'acme'), (3, 'beauty/hair', 'zen'),
  (4, 'beauty/hair', 'zen'), (5, 'sports/run', 'fleet'), (6, 'sports/run', 'fleet');

-- Users 1-4 browse skin care in order 1 -> 2 -> 3; users 5-6 runners 5 -> 6; user 7 mixes.
SELECT count(commerce.track('view', p, user_id => u,
                            occurred_at => timestamptz '2026-01-10' + (u * 10 + i) * interval '1 minute'))
  FROM (VALUES (1, 1, 1), (1, 2, 2), (1, 3, 3), (2, 1, 1), (2, 2, 2), (2, 3, 3),
               (3, 1, 1), (3, 2, 2), (3, 4, 3), (4, 1, 1), (4, 2, 2), (4, 3, 3),
               (5, 5, 1), (5, 6, 2), (6, 5, 1), (6, 6, 2), (7, 1, 1), (7, 5, 2)) v(u, p, i);
SELECT count(commerce.track('purchase', p, user_id => u, price => 10,
                            occurred_at => timestamptz '2026-01-11' + i * interval '1 minute'))
  FROM (VALUES (1, 1, 1), (1, 2, 2), (2, 1, 1), (2, 2, 2), (5, 5, 1), (5, 6, 2)) v(u, p, i);
SELECT commerce.track('search', query => 'serum', session_id => 'anon-1',
                      occurred_at => '2026-02-01 09:00', device => 'mobile', entry_point => 'search') > 0 AS tracked;
SELECT commerce.track('view', 1, session_id => 'anon-1', occurred_at => '2026-02-01 09:01',
                      device => 'mobile', entry_point => 'search') > 0 AS tracked;
-- An event outside every partition goes to the default one, and moves when its month is created.
SELECT commerce.track('view', 5, user_id => 8, occurred_at => '2026-06-15') > 0 AS tracked;
SELECT tableoid::regclass FROM commerce.events WHERE user_id = 8;
SELECT commerce.ensure_event_partitions('2026-06-01', '2026-06-01');
SELECT tableoid::regclass FROM commerce.events WHERE user_id = 8;
SELECT event_type, count(*) FROM commerce.events GROUP BY 1 ORDER BY 1;

-- Training: EASE with a small lambda; metrics carry sizes and times.
SELECT commerce.train_recommender('default', 'ease', '{"lambda": 1, "neighbors": 5}') AS model_id \gset
SELECT name, kind, version, status, metrics->'events' AS events, metrics->'items' AS items,
       metrics->'actors' AS actors, (metrics->>'train_seconds')::numeric >= 0 AS timed,
       metrics->'memory_bytes' = to_jsonb(commerce.ease_memory_bytes(6)) AS memory_reported
  FROM commerce.models;
SELECT relation, count(*) FROM commerce.model_neighbors GROUP BY 1 ORDER BY 1;
-- Six of the seven steps out of 1 go to 2; with smoothing 1 that is 6 / 8.
SELECT neighbors[1], round(weights[1]::numeric, 4) FROM commerce.model_neighbors
 WHERE relation = 'transition' AND product_id = 1;

-- Serving: user 3 saw 1, 2, 4; bought nothing. Seen items are excluded by default.
SELECT product_id, round(score::numeric, 3) AS score, reasons ? 'collaborative' AS collaborative
  FROM commerce.recommend(3, 3, '{"at": "2026-02-01 10:00"}');
-- User 1 bought 1 and 2: with exclude_seen off, purchases are still excluded.
SELECT product_id FROM commerce.recommend(1, 10, '{"exclude_seen": false, "at": "2026-02-01 10:00"}');
-- An unknown user is a cold start: context popularity, no error.
SELECT product_id, reasons->>'segment' AS segment FROM commerce.recommend(424242, 2,
  '{"device": "mobile", "entry_point": "search", "at": "2026-02-01 09:30"}');
-- An anonymous session is served from its own events.
SELECT product_id, reasons->>'because' AS because FROM commerce.recommend(session_id => 'anon-1', k => 1,
  context => '{"at": "2026-02-01 10:00"}');
-- A user and a session together: the history is both (user 5 ran 5 -> 6; the session saw 1).
SELECT product_id, reasons->>'because' AS because FROM commerce.recommend(5, 2, '{"at": "2026-02-01 10:00"}', 'anon-1');

-- Out-of-stock demotion reads commerce.product_availability.
INSERT INTO commerce.availability_feed (product_id, available) VALUES (3, 0), (4, 12);
SELECT product_id, reasons->'out_of_stock' AS out_of_stock
  FROM commerce.recommend(3, 3, '{"at": "2026-02-01 10:00"}');
-- A product with stock rows (the inventory feature) reads its sellable quantity there, not the
-- feed: 3 has 4 units (the feed's 0 no longer counts), 5 had 1 and it is reserved. Rolled
-- back, and the sequences it used are put back, for the inventory tests after this one.
CREATE TEMP TABLE sequences_before AS
  SELECT schemaname, sequencename, last_value FROM pg_sequences WHERE schemaname = 'commerce';
BEGIN;
INSERT INTO commerce.warehouses (code, region, priority) VALUES ('recs', 'eu', 1);
INSERT INTO commerce.products (product_id, sku, title) VALUES (3, 'RECS-3', 'three'), (5, 'RECS-5', 'five');
SELECT commerce.restock('RECS-3', 'recs', 4) IS NOT NULL AS restocked,
       commerce.restock('RECS-5', 'recs', 1) IS NOT NULL AS restocked;
SELECT state FROM commerce.reserve('recs-order', '[{"sku": "RECS-5", "qty": 1}]');
SELECT product_id, reasons->'out_of_stock' AS out_of_stock
  FROM commerce.recommend(3, 3, '{"at": "2026-02-01 10:00"}');
ROLLBACK;
SELECT count(setval(format('%I.%I', b.schemaname, b.sequencename), coalesce(b.last_value, 1),
                    b.last_value IS NOT NULL)) > 0 AS sequences_restored
  FROM sequences_before b JOIN pg_sequences s USING (schemaname, sequencename)
 WHERE s.last_value IS DISTINCT FROM b.last_value;
DROP TABLE sequences_before;
DELETE FROM commerce.availability_feed;

-- Rules: boost hair care, then also filter product 3, then also pin product 4 at position 1.
INSERT INTO commerce.recommendation_rules (action, category, factor) VALUES ('boost', 'beauty/hair', 3);
SELECT product_id, reasons->'rules' AS rules FROM commerce.recommend(7, 3, '{"at": "2026-02-01 10:00"}');
INSERT INTO commerce.recommendation_rules (action, product_id) VALUES ('filter', 3);
SELECT product_id FROM commerce.recommend(7, 3, '{"at": "2026-02-01 10:00"}');
INSERT INTO commerce.recommendation_rules (action, product_id, position) VALUES ('pin', 4, 1);
SELECT product_id, reasons ? 'pinned' AS pinned FROM commerce.recommend(7, 3, '{"at": "2026-02-01 10:00"}');
-- Every reason at once: the pin, a boosted product, collaborative and transition sources with the
-- history items behind them, and the rank before diversification.
SELECT product_id, round(score::numeric, 3) AS score, reasons
  FROM commerce.recommend(7, 3, '{"at": "2026-02-01 10:00", "diversity": 0.5}');
-- A category filter from the context applies to pinned products too.
SELECT product_id FROM commerce.recommend(7, 3, '{"category": "beauty", "at": "2026-02-01 10:00"}');
DELETE FROM commerce.recommendation_rules;

-- Diversification: with lambda 0 every pick changes category while it can.
SELECT product_id, f.category FROM commerce.recommend(4, 3, '{"exclude_seen": false, "diversity": 0, "at": "2026-02-01 10:00"}') r
  JOIN commerce.product_facets f USING (product_id);

-- Categories and rules are cached per backend: a change shows from the next statement on.
INSERT INTO commerce.recommendation_rules (action, category, factor) VALUES ('boost', 'test/boosted', 100);
SELECT product_id, reasons ? 'rules' AS boosted FROM commerce.recommend(3, 3, '{"at": "2026-02-01 10:00"}');
UPDATE commerce.product_facets SET category = 'test/boosted' WHERE product_id = 6;
SELECT product_id, reasons ? 'rules' AS boosted FROM commerce.recommend(3, 3, '{"at": "2026-02-01 10:00"}');
UPDATE commerce.product_facets SET category = 'sports/run' WHERE product_id = 6;
SELECT product_id, reasons ? 'rules' AS boosted FROM commerce.recommend(3, 3, '{"at": "2026-02-01 10:00"}');
-- In a parallel query the leader may take no new snapshot: emptied caches are then read with
-- the statement's snapshot, and the answer is the one above.
UPDATE commerce.models SET status = status WHERE false;
UPDATE commerce.recommendation_rules SET active = active WHERE false;
CREATE TABLE parallel_rows AS SELECT g FROM generate_series(1, 10) g;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT count(*) FROM parallel_rows;
SELECT n, (SELECT array_agg(product_id) FROM commerce.recommend(3, 3, '{"at": "2026-02-01 10:00"}')) AS top
  FROM (SELECT count(*) AS n FROM parallel_rows) c;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
DROP TABLE parallel_rows;
DELETE FROM commerce.recommendation_rules;

-- Similar items and bought together.
SELECT product_id, round(score::numeric, 4) AS score FROM commerce.similar_items(5, 3);
SELECT product_id, round(score::numeric, 4) AS score FROM commerce.bought_together(1, 3);
SELECT count(*) FROM commerce.similar_items(999, 3);

-- Versions: a co-occurrence model becomes active, the EASE one shadow; both can serve.
SELECT commerce.train_recommender('default', 'cooccurrence') AS cooc_id \gset
SELECT version, kind, status FROM commerce.models ORDER BY version;
SELECT count(*) FROM commerce.recommend(3, 2, jsonb_build_object('model_id', :model_id, 'at', '2026-02-01'));
SELECT commerce.activate_model(:model_id);
SELECT version, status FROM commerce.models ORDER BY version;
SELECT count(*) FROM commerce.recommend(999, 3, jsonb_build_object('model_id', :cooc_id, 'at', '2026-02-01'));
SELECT count(*) FROM commerce.recommend(3, 3, jsonb_build_object('model_id', :cooc_id, 'at', '2026-02-01'));
SELECT commerce.retire_model(:cooc_id);
SELECT count(*) FROM commerce.model_neighbors WHERE model_id = :cooc_id;
-- Activated again, a retired version serves nothing (its lists and popularity are gone), also in
-- this backend, which cached its neighbour and popularity lists above.
SELECT commerce.activate_model(:cooc_id);
SELECT count(*) FROM commerce.recommend(999, 3, '{"at": "2026-02-01"}');
SELECT count(*) FROM commerce.recommend(3, 3, '{"at": "2026-02-01"}');
SELECT commerce.activate_model(:model_id);

-- Feature layer: a first refresh sees everything, a second nothing, a third only the new event.
SELECT commerce.refresh_features()->'events' AS events;
SELECT commerce.refresh_features()->'events' AS events;
SELECT commerce.track('purchase', 3, user_id => 1, price => 7.5, occurred_at => '2026-01-11 00:30') > 0 AS tracked;
SELECT commerce.refresh_features()->'events' AS events;
SELECT product_id, views, purchases, round(conversion_rate::numeric, 3) AS conversion
  FROM commerce.product_conversion ORDER BY product_id;
SELECT user_id, frequency, monetary FROM commerce.user_rfm ORDER BY user_id;
SELECT value, events, round(share::numeric, 3) AS share FROM commerce.user_affinities
 WHERE user_id = 1 AND kind = 'category' ORDER BY value;
SELECT session_id, events, items_seen, dwell_seconds, intent_category FROM commerce.session_features;
SELECT product_id, other_id, purchases FROM commerce.product_copurchases ORDER BY 1, 2;
