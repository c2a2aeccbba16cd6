-- The feature layer: per-user, per-product and per-session features derived from
-- commerce.events, shared by every model (recommenders, fraud, search ranking). Refreshed
-- incrementally by commerce.refresh_features(), which processes only the events past a
-- watermark (the largest event_id it has seen). Freshness is therefore "as of the last refresh":
-- schedule it (every minute is cheap, see docs/benchmarks_recs.md). An event whose transaction
-- commits after a refresh has already passed a larger event_id is not counted; commerce.track()
-- commits one row at a time, so that window is one insert long.
CREATE TABLE commerce.feature_watermarks (
  feature text PRIMARY KEY,
  last_event_id bigint NOT NULL DEFAULT 0,
  refreshed_at timestamptz
);
INSERT INTO commerce.feature_watermarks (feature) VALUES ('events');

-- Popularity decays with a 7-day half-life: score(t) = sum over events of 2^-((t - t_e) / 7 d).
CREATE TABLE commerce.product_features (
  product_id bigint PRIMARY KEY,
  views bigint NOT NULL DEFAULT 0,
  clicks bigint NOT NULL DEFAULT 0,
  add_to_carts bigint NOT NULL DEFAULT 0,
  purchases bigint NOT NULL DEFAULT 0,
  returns bigint NOT NULL DEFAULT 0,
  popularity double precision NOT NULL DEFAULT 0,
  popularity_at timestamptz,
  last_event_at timestamptz
);

CREATE TABLE commerce.user_features (
  user_id bigint PRIMARY KEY,
  first_event_at timestamptz,
  last_event_at timestamptz,
  last_purchase_at timestamptz,
  events bigint NOT NULL DEFAULT 0,
  purchases bigint NOT NULL DEFAULT 0,
  monetary numeric NOT NULL DEFAULT 0
);

-- Affinity counts: how many of the user's product events fell into each category and brand
-- (from commerce.product_facets at refresh time).
CREATE TABLE commerce.user_affinity_counts (
  user_id bigint NOT NULL,
  kind text NOT NULL CHECK (kind IN ('category', 'brand')),
  value text NOT NULL,
  events bigint NOT NULL,
  PRIMARY KEY (user_id, kind, value)
);

CREATE TABLE commerce.session_features (
  session_id text PRIMARY KEY,
  user_id bigint,
  first_event_at timestamptz NOT NULL,
  last_event_at timestamptz NOT NULL,
  events bigint NOT NULL,
  items_seen bigint NOT NULL,
  dwell_seconds double precision NOT NULL,
  intent_category text
);

-- Purchases of two products by the same user or session within 24 hours of each other.
CREATE TABLE commerce.product_copurchases (
  product_id bigint NOT NULL,
  other_id bigint NOT NULL,
  purchases bigint NOT NULL,
  PRIMARY KEY (product_id, other_id)
);

-- Derived views: recency, frequency, monetary; conversion; affinity shares.
CREATE VIEW commerce.user_rfm AS
  SELECT u.user_id, now() - u.last_event_at AS recency, now() - u.last_purchase_at AS purchase_recency,
         u.purchases AS frequency, u.monetary, u.events
    FROM commerce.user_features u;

CREATE VIEW commerce.product_conversion AS
  SELECT p.product_id, p.views, p.purchases,
         p.purchases::double precision / nullif(p.views, 0) AS conversion_rate,
         p.returns::double precision / nullif(p.purchases, 0) AS return_rate,
         p.popularity * power(2, -extract(epoch FROM now() - p.popularity_at) / (7 * 86400)) AS popularity_now
    FROM commerce.product_features p;

CREATE VIEW commerce.user_affinities AS
  SELECT a.user_id, a.kind, a.value, a.events,
         a.events::double precision / sum(a.events) OVER (PARTITION BY a.user_id, a.kind) AS share
    FROM commerce.user_affinity_counts a;

-- Processes the events past the watermark and returns what it did. Serialised by an advisory
-- lock, so concurrent calls queue instead of double counting.
CREATE FUNCTION commerce.refresh_features() RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  low bigint;
  high bigint;
  processed bigint;
  ref timestamptz;
  halflife constant double precision := 7 * 86400;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('commerce.refresh_features'));
  SELECT w.last_event_id INTO low FROM commerce.feature_watermarks w WHERE w.feature = 'events' FOR UPDATE;
  SELECT max(e.event_id), count(*), max(e.occurred_at) INTO high, processed, ref
    FROM commerce.events e WHERE e.event_id > low;
  IF high IS NULL THEN
    UPDATE commerce.feature_watermarks SET refreshed_at = now() WHERE feature = 'events';
    RETURN jsonb_build_object('events', 0, 'last_event_id', low);
  END IF;
  CREATE TEMP TABLE IF NOT EXISTS pg_temp.feature_batch (LIKE commerce.events) ON COMMIT DROP;
  TRUNCATE pg_temp.feature_batch;
  INSERT INTO pg_temp.feature_batch SELECT * FROM commerce.events e WHERE e.event_id > low AND e.event_id <= high;

  INSERT INTO commerce.product_features AS p
      (product_id, views, clicks, add_to_carts, purchases, returns, popularity, popularity_at, last_event_at)
    SELECT b.product_id, count(*) FILTER (WHERE b.event_type = 'view'),
           count(*) FILTER (WHERE b.event_type = 'click'),
           count(*) FILTER (WHERE b.event_type = 'add_to_cart'),
           count(*) FILTER (WHERE b.event_type = 'purchase'),
           count(*) FILTER (WHERE b.event_type = 'return'),
           sum(power(2, -extract(epoch FROM ref - b.occurred_at) / halflife))
             FILTER (WHERE b.event_type IN ('view', 'click', 'add_to_cart', 'purchase')),
           ref, max(b.occurred_at)
      FROM pg_temp.feature_batch b WHERE b.product_id IS NOT NULL GROUP BY b.product_id
  ON CONFLICT (product_id) DO UPDATE SET
    views = p.views + excluded.views, clicks = p.clicks + excluded.clicks,
    add_to_carts = p.add_to_carts + excluded.add_to_carts, purchases = p.purchases + excluded.purchases,
    returns = p.returns + excluded.returns,
    -- Bring the stored score forward to the new reference time, then add the batch.
    popularity = p.popularity * power(2, -extract(epoch FROM greatest(excluded.popularity_at, p.popularity_at) - p.popularity_at) / halflife)
                 + coalesce(excluded.popularity, 0) * power(2, -extract(epoch FROM greatest(excluded.popularity_at, p.popularity_at) - excluded.popularity_at) / halflife),
    popularity_at = greatest(excluded.popularity_at, p.popularity_at),
    last_event_at = greatest(excluded.last_event_at, p.last_event_at);
  UPDATE commerce.product_features SET popularity = 0 WHERE popularity IS NULL;

  INSERT INTO commerce.user_features AS u
      (user_id, first_event_at, last_event_at, last_purchase_at, events, purchases, monetary)
    SELECT b.user_id, min(b.occurred_at), max(b.occurred_at),
           max(b.occurred_at) FILTER (WHERE b.event_type = 'purchase'), count(*),
           count(*) FILTER (WHERE b.event_type = 'purchase'),
           coalesce(sum(b.price * b.quantity) FILTER (WHERE b.event_type = 'purchase'), 0)
             - coalesce(sum(b.price * b.quantity) FILTER (WHERE b.event_type = 'return'), 0)
      FROM pg_temp.feature_batch b WHERE b.user_id IS NOT NULL GROUP BY b.user_id
  ON CONFLICT (user_id) DO UPDATE SET
    first_event_at = least(u.first_event_at, excluded.first_event_at),
    last_event_at = greatest(u.last_event_at, excluded.last_event_at),
    last_purchase_at = greatest(u.last_purchase_at, excluded.last_purchase_at),
    events = u.events + excluded.events, purchases = u.purchases + excluded.purchases,
    monetary = u.monetary + excluded.monetary;

  INSERT INTO commerce.user_affinity_counts AS a (user_id, kind, value, events)
    SELECT b.user_id, x.kind, x.value, count(*)
      FROM pg_temp.feature_batch b
      JOIN commerce.product_facets f ON f.product_id = b.product_id
     CROSS JOIN LATERAL (VALUES ('category', f.category), ('brand', f.brand)) AS x(kind, value)
     WHERE b.user_id IS NOT NULL AND x.value IS NOT NULL
       AND b.event_type IN ('view', 'click', 'add_to_cart', 'purchase')
     GROUP BY b.user_id, x.kind, x.value
  ON CONFLICT (user_id, kind, value) DO UPDATE SET events = a.events + excluded.events;

  -- Sessions are short: every session the batch touches is recomputed from all its events.
  INSERT INTO commerce.session_features AS s
      (session_id, user_id, first_event_at, last_event_at, events, items_seen, dwell_seconds, intent_category)
    SELECT e.session_id, max(e.user_id), min(e.occurred_at), max(e.occurred_at), count(*),
           count(DISTINCT e.product_id), extract(epoch FROM max(e.occurred_at) - min(e.occurred_at)),
           mode() WITHIN GROUP (ORDER BY f.category)
      FROM commerce.events e
      LEFT JOIN commerce.product_facets f ON f.product_id = e.product_id
     WHERE e.session_id IN (SELECT DISTINCT b.session_id FROM pg_temp.feature_batch b WHERE b.session_id IS NOT NULL)
       AND e.event_id <= high
     GROUP BY e.session_id
  ON CONFLICT (session_id) DO UPDATE SET
    user_id = excluded.user_id, first_event_at = excluded.first_event_at,
    last_event_at = excluded.last_event_at, events = excluded.events,
    items_seen = excluded.items_seen, dwell_seconds = excluded.dwell_seconds,
    intent_category = excluded.intent_category;

  -- Each new purchase pairs with the same actor's purchases within 24 hours that came before it
  -- (older, or in this batch with a smaller id), so every pair is counted exactly once; the join
  -- runs once and each pair is counted in both directions.
  INSERT INTO commerce.product_copurchases AS c (product_id, other_id, purchases)
    WITH pairs AS (
      SELECT n.product_id AS a, o.product_id AS b
        FROM pg_temp.feature_batch n
        JOIN commerce.events o
          ON o.event_type = 'purchase' AND o.event_id < n.event_id AND o.product_id <> n.product_id
         AND ((n.user_id IS NOT NULL AND o.user_id = n.user_id)
              OR (n.user_id IS NULL AND o.session_id = n.session_id))
         AND o.occurred_at BETWEEN n.occurred_at - interval '24 hours' AND n.occurred_at + interval '24 hours'
       WHERE n.event_type = 'purchase')
    SELECT x.a, x.b, count(*)
      FROM (SELECT a, b FROM pairs UNION ALL SELECT b, a FROM pairs) x
     GROUP BY x.a, x.b
  ON CONFLICT (product_id, other_id) DO UPDATE SET purchases = c.purchases + excluded.purchases;

  UPDATE commerce.feature_watermarks SET last_event_id = high, refreshed_at = now() WHERE feature = 'events';
  RETURN jsonb_build_object('events', processed, 'last_event_id', high);
END
$$;
