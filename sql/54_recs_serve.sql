-- Stage 2: commerce.recommend blends the stage-1 signals of a history with context, live stock,
-- merchandising rules and diversification; commerce.similar_items and commerce.bought_together
-- read one neighbour list. All three serve the active version of a named model (or a given
-- model_id, to compare a shadow version). See docs/recommendations.md.
CREATE FUNCTION commerce.diversify_order(scores real[], groups integer[], k integer, lambda real)
RETURNS integer[] AS 'MODULE_PATHNAME', 'diversify_order' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The model a call serves: context model_id if given (any status but retired), else the active
-- version of `model`.
CREATE FUNCTION commerce.serving_model(model text, model_id bigint DEFAULT NULL)
RETURNS bigint LANGUAGE plpgsql STABLE AS $$
DECLARE
  found_id bigint;
BEGIN
  IF serving_model.model_id IS NOT NULL THEN
    SELECT m.model_id INTO found_id FROM commerce.models m
     WHERE m.model_id = serving_model.model_id AND m.status <> 'retired';
    IF found_id IS NULL THEN
      RAISE EXCEPTION USING ERRCODE = '55000',
        MESSAGE = format('model %s does not exist or is retired', serving_model.model_id),
        HINT = 'See commerce.models for the versions that can serve.';
    END IF;
  ELSE
    SELECT m.model_id INTO found_id FROM commerce.models m
     WHERE m.name = serving_model.model AND m.status = 'active';
    IF found_id IS NULL THEN
      RAISE EXCEPTION USING ERRCODE = '55000',
        MESSAGE = format('recommender %L has no active model', serving_model.model),
        HINT = 'Train one with commerce.train_recommender(' || quote_literal(coalesce(serving_model.model, '')) || ').';
    END IF;
  END IF;
  RETURN found_id;
END
$$;

-- One stage-2 candidate while recommend() orders it: its final score, the scaled source scores
-- behind it, the history items behind its collaborative and transition scores, and what stage 2
-- did to it (reasons are built from these for the returned rows only).
CREATE TYPE commerce.recommendation_candidate AS (
  item bigint, score real, c real, tr real, pp real, g real, category text, out_of_stock boolean,
  rule_ids bigint[], pinned bigint, pre_rank integer, because bigint, after bigint);

-- Stage 1 of recommend(): see src/pg/recs/candidates.cpp. weights = collaborative, transition,
-- popularity, segment. because / after: the history item whose collaborative / transition list
-- contributed most to the item (NULL when none did).
CREATE FUNCTION commerce.recommend_candidates(
  model_id bigint, history bigint[], excluded bigint[], segment text, weights real[],
  history_decay double precision, transition_decay double precision, transition_depth integer,
  candidates integer)
RETURNS TABLE (item bigint, c real, tr real, pp real, g real, base real, because bigint, after bigint)
AS 'MODULE_PATHNAME', 'recommend_candidates' LANGUAGE C STABLE PARALLEL RESTRICTED;

CREATE FUNCTION commerce.recommend(
  user_id bigint DEFAULT NULL, k integer DEFAULT 10, context jsonb DEFAULT '{}',
  session_id text DEFAULT NULL, model text DEFAULT 'default')
RETURNS TABLE (product_id bigint, score real, reasons jsonb)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  known constant text[] := ARRAY['device', 'entry_point', 'at', 'category', 'exclude_purchased',
    'exclude_seen', 'diversity', 'candidates', 'out_of_stock_factor', 'collaborative_weight',
    'transition_weight', 'popularity_weight', 'segment_weight', 'session_weight',
    'history_decay', 'transition_depth', 'transition_decay', 'history_length', 'model_id'];
  unknown text;
  mid bigint;
  at timestamptz;
  seg text;
  wc real; wt real; wp real; wg real; ws real;
  hd double precision; td double precision;
  depth integer; history_length integer; candidates integer;
  oos real; diversity real;
  exclude_purchased boolean; exclude_seen boolean;
  category_filter text;
  history bigint[];
  purchased bigint[];
  intent text;
  cands commerce.recommendation_candidate[];
  picked commerce.recommendation_candidate[];
  pinned commerce.recommendation_candidate;
  ord integer[];
  pin record;
  at_pos integer;
BEGIN
  IF k IS NULL OR k < 1 OR k > 1000 THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format('k must be between 1 and 1000, got %s', coalesce(k::text, 'NULL')),
      HINT = 'Ask for the number of items the page shows.';
  END IF;
  IF context IS NULL OR jsonb_typeof(context) <> 'object' THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'context must be a json object',
      HINT = 'Pass e.g. ''{"device": "mobile", "entry_point": "home"}''.';
  END IF;
  SELECT string_agg(key, ', ') INTO unknown FROM jsonb_object_keys(context) key WHERE key <> ALL (known);
  IF unknown IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format('unknown context key %s', unknown),
      HINT = 'Known keys: ' || array_to_string(known, ', ') || '.';
  END IF;
  mid := commerce.serving_model(model, (context->>'model_id')::bigint);
  at := coalesce((context->>'at')::timestamptz, now());
  seg := commerce.context_segment(context->>'entry_point', context->>'device', at);
  wc := coalesce((context->>'collaborative_weight')::real, 1);
  wt := coalesce((context->>'transition_weight')::real, 0.25);
  wp := coalesce((context->>'popularity_weight')::real, 0.01);
  wg := coalesce((context->>'segment_weight')::real, 0.05);
  ws := coalesce((context->>'session_weight')::real, 0.2);
  hd := coalesce((context->>'history_decay')::double precision, 0.8);
  td := coalesce((context->>'transition_decay')::double precision, 0.5);
  depth := coalesce((context->>'transition_depth')::integer, 3);
  history_length := coalesce((context->>'history_length')::integer, 50);
  candidates := greatest(coalesce((context->>'candidates')::integer, 500), k);
  oos := coalesce((context->>'out_of_stock_factor')::real, 0.1);
  diversity := coalesce((context->>'diversity')::real, 1);
  exclude_purchased := coalesce((context->>'exclude_purchased')::boolean, true);
  exclude_seen := coalesce((context->>'exclude_seen')::boolean, true);
  category_filter := context->>'category';
  IF diversity < 0 OR diversity > 1 OR oos < 0 OR oos > 1 OR history_length < 1 OR depth < 0 THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'context value out of range',
      HINT = 'diversity and out_of_stock_factor lie in [0, 1], history_length >= 1, transition_depth >= 0.';
  END IF;

  -- The history: distinct products of the user's and the session's events, newest first.
  SELECT array_agg(h.product_id ORDER BY h.last_at DESC, h.product_id),
         array_agg(h.product_id) FILTER (WHERE h.bought)
    INTO history, purchased
    FROM (SELECT e.product_id, max(e.occurred_at) AS last_at, bool_or(e.event_type = 'purchase') AS bought
            FROM (SELECT u.product_id, u.occurred_at, u.event_type FROM commerce.events u
                   WHERE u.user_id = recommend.user_id AND u.product_id IS NOT NULL
                  UNION ALL
                  SELECT s.product_id, s.occurred_at, s.event_type FROM commerce.events s
                   WHERE s.session_id = recommend.session_id AND s.product_id IS NOT NULL) e
           WHERE e.event_type IN ('view', 'click', 'add_to_cart', 'purchase')
           GROUP BY e.product_id
           ORDER BY max(e.occurred_at) DESC, e.product_id
           LIMIT history_length) h;
  history := coalesce(history, '{}');
  purchased := coalesce(purchased, '{}');
  -- Session intent: the most frequent category among the ten newest history items.
  SELECT mode() WITHIN GROUP (ORDER BY f.category) INTO intent
    FROM unnest(history[1:10]) AS h(product_id) JOIN commerce.product_facets f USING (product_id);

  WITH pool AS (
    -- Stage 1 in C++ (recommend_candidates): history lists and popularity, each source scaled
    -- to a maximum of 1, weighted, exclusions dropped, best first. Stage 2 works on the best
    -- `candidates` of them that pass the category filter.
    SELECT b.item, b.c, b.tr, b.pp, b.g, b.base, b.because, b.after, f.category
      FROM commerce.recommend_candidates(
             mid, history,
             CASE WHEN exclude_purchased THEN purchased ELSE '{}' END
               || CASE WHEN exclude_seen THEN history ELSE '{}' END,
             seg, ARRAY[wc, wt, wp, wg], hd, td, depth,
             CASE WHEN category_filter IS NULL THEN candidates ELSE candidates * 20 END) b
      LEFT JOIN commerce.product_facets f ON f.product_id = b.item
     WHERE category_filter IS NULL OR commerce.category_matches(f.category, category_filter)
     ORDER BY b.base DESC, b.item
     LIMIT candidates
  ), matched AS (
    -- Boost, bury and filter rules in force, joined to the pool once (not probed per candidate):
    -- per matched item the product of its boost/bury factors, their ids, and whether a filter
    -- rule drops it. Without rules this is an empty join.
    SELECT p.item,
           CASE WHEN bool_or(r.factor = 0) FILTER (WHERE r.action <> 'filter') THEN 0
                ELSE exp(sum(ln(nullif(r.factor, 0))) FILTER (WHERE r.action <> 'filter')) END AS factor,
           array_agg(r.rule_id ORDER BY r.rule_id) FILTER (WHERE r.action <> 'filter') AS rule_ids,
           bool_or(r.action = 'filter') AS filtered
      FROM commerce.recommendation_rules r
      JOIN pool p ON r.product_id = p.item OR commerce.category_matches(p.category, r.category)
     WHERE r.action IN ('boost', 'bury', 'filter') AND r.active
       AND (r.starts_at IS NULL OR r.starts_at <= at) AND (r.ends_at IS NULL OR r.ends_at > at)
     GROUP BY p.item
  ), ranked AS (
    SELECT p.*, a.available <= 0 AS out_of_stock, m.rule_ids,
           p.base * coalesce(m.factor, 1)
             * CASE WHEN a.available <= 0 THEN oos ELSE 1 END
             * CASE WHEN intent IS NOT NULL AND p.category = intent THEN 1 + ws ELSE 1 END AS final
      FROM pool p
      LEFT JOIN commerce.product_availability a ON a.product_id = p.item
      LEFT JOIN matched m ON m.item = p.item
     WHERE m.filtered IS NOT TRUE
  )
  SELECT array_agg(ROW(r.item, r.final, r.c, r.tr, r.pp, r.g, r.category, r.out_of_stock, r.rule_ids,
                       NULL, r.rn, r.because, r.after)::commerce.recommendation_candidate ORDER BY r.rn)
    INTO cands
    FROM (SELECT q.*, row_number() OVER (ORDER BY q.final DESC, q.item) AS rn FROM ranked q
           ORDER BY q.final DESC, q.item
           LIMIT CASE WHEN diversity < 1 THEN candidates ELSE k END) r;
  cands := coalesce(cands, '{}');

  IF diversity < 1 THEN
    ord := commerce.diversify_order(
      ARRAY(SELECT x.score FROM unnest(cands) WITH ORDINALITY x ORDER BY x.ordinality),
      ARRAY(SELECT CASE WHEN x.category IS NOT NULL THEN dense_rank() OVER (ORDER BY x.category)::integer END
              FROM unnest(cands) WITH ORDINALITY x ORDER BY x.ordinality),
      k, diversity);
  ELSE
    ord := ARRAY(SELECT generate_series(1, least(k, cardinality(cands))));
  END IF;
  picked := ARRAY(SELECT cands[o] FROM unnest(ord) WITH ORDINALITY u(o, n) ORDER BY n);

  -- Pins: each pinned product moves to (or is inserted at) its position. A pin obeys the
  -- context's category filter and the exclusions (purchased, filter rules).
  FOR pin IN SELECT r.rule_id, r.product_id AS item, r.position, f.category
               FROM commerce.recommendation_rules r
               LEFT JOIN commerce.product_facets f ON f.product_id = r.product_id
              WHERE r.action = 'pin' AND r.active AND (r.starts_at IS NULL OR r.starts_at <= at)
                AND (r.ends_at IS NULL OR r.ends_at > at) AND r.position <= k
                AND (category_filter IS NULL OR commerce.category_matches(f.category, category_filter))
                AND NOT (exclude_purchased AND r.product_id = ANY (purchased))
                AND NOT EXISTS (SELECT 1 FROM commerce.recommendation_rules x
                                 WHERE x.action = 'filter' AND x.active
                                   AND (x.starts_at IS NULL OR x.starts_at <= at) AND (x.ends_at IS NULL OR x.ends_at > at)
                                   AND (x.product_id = r.product_id OR commerce.category_matches(f.category, x.category)))
              ORDER BY r.position, r.rule_id LOOP
    SELECT * INTO pinned FROM unnest(cands) c WHERE c.item = pin.item;
    IF pinned.item IS NULL THEN
      pinned := ROW(pin.item, 0, 0, 0, 0, 0, pin.category, NULL, NULL, NULL, NULL, NULL, NULL)::commerce.recommendation_candidate;
    END IF;
    pinned.pinned := pin.rule_id;
    picked := ARRAY(SELECT picked[i] FROM generate_subscripts(picked, 1) AS i
                     WHERE (picked[i]).item <> pin.item ORDER BY i);
    at_pos := least(pin.position, cardinality(picked) + 1);
    picked := picked[:at_pos - 1] || pinned || picked[at_pos:];
  END LOOP;

  -- Reasons are built for the k returned rows only; "because" and "after" name the history
  -- item whose neighbour list contributed most (found by recommend_candidates while blending).
  RETURN QUERY
    SELECT u.item, u.score, jsonb_strip_nulls(jsonb_build_object(
             'collaborative', nullif(round(u.c::numeric, 4), 0),
             'because', CASE WHEN u.c > 0 THEN u.because END,
             'transition', nullif(round(u.tr::numeric, 4), 0),
             'after', CASE WHEN u.tr > 0 THEN u.after END,
             'popularity', nullif(round(u.pp::numeric, 4), 0),
             'segment', CASE WHEN u.g > 0 THEN seg END,
             'session_intent', CASE WHEN intent IS NOT NULL AND u.category = intent THEN intent END,
             'out_of_stock', CASE WHEN u.out_of_stock THEN true END,
             'rules', u.rule_ids,
             'pinned', u.pinned,
             'rank_before_diversity', CASE WHEN diversity < 1 THEN u.pre_rank END))
      FROM unnest(picked[:k]) WITH ORDINALITY AS u(item, score, c, tr, pp, g, category, out_of_stock,
                                                   rule_ids, pinned, pre_rank, because, after, n)
     ORDER BY u.n;
END
$$;

-- Items most like `product` (viewed and bought by the same people; cosine co-occurrence).
CREATE FUNCTION commerce.similar_items(product bigint, k integer DEFAULT 10, model text DEFAULT 'default')
RETURNS TABLE (product_id bigint, score real, reasons jsonb) LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN QUERY SELECT * FROM commerce.neighbor_list(product, k, model, 'similar');
END
$$;

-- Items bought in the same histories as `product` (cosine co-occurrence over purchases).
CREATE FUNCTION commerce.bought_together(product bigint, k integer DEFAULT 10, model text DEFAULT 'default')
RETURNS TABLE (product_id bigint, score real, reasons jsonb) LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN QUERY SELECT * FROM commerce.neighbor_list(product, k, model, 'bought_together');
END
$$;

-- The shared body of similar_items and bought_together. An unknown product has no neighbours
-- (an empty result, not an error: new products are normal).
CREATE FUNCTION commerce.neighbor_list(product bigint, k integer, model text, relation text)
RETURNS TABLE (product_id bigint, score real, reasons jsonb) LANGUAGE plpgsql STABLE AS $$
DECLARE
  mid bigint;
BEGIN
  IF k IS NULL OR k < 1 OR k > 1000 THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format('k must be between 1 and 1000, got %s', coalesce(k::text, 'NULL')),
      HINT = 'Ask for the number of items the page shows.';
  END IF;
  mid := commerce.serving_model(model);
  RETURN QUERY
    SELECT n.item, n.w, jsonb_build_object(neighbor_list.relation, round(n.w::numeric, 4), 'of', product)
      FROM commerce.model_neighbors mn
     CROSS JOIN LATERAL unnest(mn.neighbors, mn.weights) WITH ORDINALITY AS n(item, w, r)
     WHERE mn.model_id = mid AND mn.relation = neighbor_list.relation
       AND mn.product_id = product
     ORDER BY n.r
     LIMIT k;
END
$$;
