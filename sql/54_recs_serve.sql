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

-- Stage 1 of recommend(): see src/pg/recs/candidates.cpp. weights = collaborative, transition,
-- popularity, segment. because / after: the history item whose collaborative / transition list
-- contributed most to the item (NULL when none did).
CREATE FUNCTION commerce.recommend_candidates(
  model_id bigint, history bigint[], excluded bigint[], segment text, weights real[],
  history_decay double precision, transition_decay double precision, transition_depth integer,
  candidates integer)
RETURNS TABLE (item bigint, c real, tr real, pp real, g real, base real, because bigint, after bigint)
AS 'MODULE_PATHNAME', 'recommend_candidates' LANGUAGE C STABLE PARALLEL RESTRICTED;

-- The whole of recommend() in one C call (src/pg/recs/recommend.cpp): history, stage 1, then
-- stage 2 (exclusions, live stock, session intent, rules, category filter, MMR, pins) and the
-- reasons of the returned rows; docs/recommendations.md describes every step.
CREATE FUNCTION commerce.recommend(
  user_id bigint DEFAULT NULL, k integer DEFAULT 10, context jsonb DEFAULT '{}',
  session_id text DEFAULT NULL, model text DEFAULT 'default')
RETURNS TABLE (product_id bigint, score real, reasons jsonb)
AS 'MODULE_PATHNAME', 'recommend' LANGUAGE C STABLE PARALLEL RESTRICTED;

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
