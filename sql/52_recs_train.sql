-- commerce.train_recommender: trains a new version of a named recommender from commerce.events.
CREATE FUNCTION commerce.fit_neighbor_lists(
  kind text, starts boolean[], products bigint[], purchases boolean[], lambda real,
  neighbors integer, max_memory_bytes bigint, transition_window integer)
RETURNS TABLE (relation text, product_id bigint, neighbors bigint[], weights real[])
AS 'MODULE_PATHNAME', 'fit_neighbor_lists' LANGUAGE C VOLATILE PARALLEL UNSAFE;

CREATE FUNCTION commerce.ease_memory_bytes(items integer) RETURNS bigint
AS 'MODULE_PATHNAME', 'ease_memory_bytes' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The cold-start segment of a context: entry point x device x hour-of-day bucket (night 0-5,
-- morning 6-11, afternoon 12-17, evening 18-23, in the session's time zone). Unknown parts are ''.
CREATE FUNCTION commerce.context_segment(entry_point text, device text, at timestamptz)
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(lower(entry_point), '') || '|' || coalesce(lower(device), '') || '|' ||
         CASE WHEN at IS NULL THEN ''
              ELSE (ARRAY['night', 'morning', 'afternoon', 'evening'])[extract(hour FROM at)::int / 6 + 1]
         END
$$;

-- Trains a new version of recommender `model` from commerce.events and returns its model_id.
-- kind 'ease' (closed-form linear model, dense items x items training) or 'cooccurrence'
-- (memory grows with events, for large catalogues). Every version also gets transitions,
-- similar items, bought-together lists and (segment) popularity. See docs/recommendations.md.
CREATE FUNCTION commerce.train_recommender(
  model text, kind text DEFAULT 'ease', params jsonb DEFAULT '{}', activate boolean DEFAULT true)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  known constant text[] := ARRAY['lambda', 'neighbors', 'max_memory_mb', 'transition_window',
                                 'event_types', 'since', 'popularity_halflife_days'];
  unknown text;
  lambda real;
  neighbors integer;
  budget bigint;
  window_size integer;
  types commerce.event_type[];
  since timestamptz;
  halflife double precision;
  started timestamptz := clock_timestamp();
  fitted timestamptz;
  starts boolean[];
  products bigint[];
  purchases boolean[];
  event_count bigint;
  actor_count bigint;
  item_count bigint;
  newest timestamptz;
  new_id bigint;
  new_version integer;
  rows_written bigint;
BEGIN
  IF model IS NULL OR model = '' THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'model name must not be empty',
      HINT = 'Name the recommender, e.g. ''home''.';
  END IF;
  IF kind IS NULL OR kind NOT IN ('ease', 'cooccurrence') THEN
    RAISE EXCEPTION USING ERRCODE = '22023',
      MESSAGE = format('unknown recommender kind %L', kind), HINT = 'Use ''ease'' or ''cooccurrence''.';
  END IF;
  IF params IS NULL OR jsonb_typeof(params) <> 'object' THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'params must be a json object',
      HINT = 'Pass e.g. ''{"lambda": 50}''.';
  END IF;
  SELECT string_agg(k, ', ') INTO unknown FROM jsonb_object_keys(params) k WHERE k <> ALL (known);
  IF unknown IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format('unknown parameter %s', unknown),
      HINT = 'Known parameters: ' || array_to_string(known, ', ') || '.';
  END IF;
  lambda := coalesce((params->>'lambda')::real, 50);
  neighbors := coalesce((params->>'neighbors')::integer, 200);
  budget := coalesce((params->>'max_memory_mb')::bigint * 1048576,
                     pg_size_bytes(current_setting('maintenance_work_mem')));
  window_size := coalesce((params->>'transition_window')::integer, 1);
  types := CASE WHEN params ? 'event_types'
                THEN ARRAY(SELECT jsonb_array_elements_text(params->'event_types'))::commerce.event_type[]
                ELSE ARRAY['view', 'click', 'add_to_cart', 'purchase']::commerce.event_type[] END;
  since := (params->>'since')::timestamptz;
  halflife := coalesce((params->>'popularity_halflife_days')::double precision, 14);
  IF halflife <= 0 OR cardinality(types) = 0 THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'invalid popularity_halflife_days or event_types',
      HINT = 'Use a positive half-life and at least one event type.';
  END IF;

  -- One array element per event, ordered by actor (user, else session) and time; starts marks
  -- the first event of each actor.
  SELECT array_agg(o.start ORDER BY o.rn), array_agg(o.product_id ORDER BY o.rn),
         array_agg(o.purchase ORDER BY o.rn), count(*), count(*) FILTER (WHERE o.start),
         count(DISTINCT o.product_id), max(o.occurred_at)
    INTO starts, products, purchases, event_count, actor_count, item_count, newest
    FROM (SELECT row_number() OVER w AS rn, (lag(e.actor) OVER w) IS DISTINCT FROM e.actor AS start,
                 e.product_id, e.event_type = 'purchase' AS purchase, e.occurred_at
            FROM (SELECT coalesce('u' || ev.user_id, 's' || ev.session_id) AS actor, ev.product_id,
                         ev.event_type, ev.occurred_at, ev.event_id
                    FROM commerce.events ev
                   WHERE ev.event_type = ANY (types) AND ev.product_id IS NOT NULL
                     AND (since IS NULL OR ev.occurred_at >= since)) e
          WINDOW w AS (ORDER BY e.actor, e.occurred_at, e.event_id)) o;
  IF event_count = 0 THEN
    RAISE EXCEPTION USING ERRCODE = '55000', MESSAGE = 'no events to train from',
      HINT = 'Record product events with commerce.track() (or widen event_types / since) first.';
  END IF;
  RAISE NOTICE 'train_recommender %: % events, % users and sessions, % items', model, event_count,
    actor_count, item_count;

  -- The core checks the budget too; checking here first gives the SQL-level hint.
  IF kind = 'ease' AND commerce.ease_memory_bytes(item_count::integer) > budget THEN
    RAISE EXCEPTION USING ERRCODE = '54000',
      MESSAGE = format('EASE needs %s for %s items, over the memory budget of %s',
                       pg_size_pretty(commerce.ease_memory_bytes(item_count::integer)), item_count,
                       pg_size_pretty(budget)),
      HINT = 'Raise params max_memory_mb (default: maintenance_work_mem), restrict the events with '
             'params since / event_types, or train kind ''cooccurrence'', whose memory grows with the events.';
  END IF;

  SELECT coalesce(max(m.version), 0) + 1 INTO new_version FROM commerce.models m WHERE m.name = model;
  INSERT INTO commerce.models (name, kind, version, params, status)
    VALUES (model, kind, new_version, params, 'shadow') RETURNING model_id INTO new_id;
  INSERT INTO commerce.model_neighbors (model_id, relation, product_id, neighbors, weights)
    SELECT new_id, f.relation, f.product_id, f.neighbors, f.weights
      FROM commerce.fit_neighbor_lists(kind, starts, products, purchases, lambda, neighbors,
                                       budget, window_size) f;
  GET DIAGNOSTICS rows_written = ROW_COUNT;
  fitted := clock_timestamp();

  -- Popularity with exponential time decay (half-life in days), relative to the newest event so
  -- that historical loads do not underflow; the ranking does not depend on the reference time.
  -- The global list is segment ''; each context segment keeps its 500 most popular items.
  INSERT INTO commerce.model_popularity (model_id, segment, product_id, score)
    SELECT new_id, s.segment, s.product_id, s.score
      FROM (SELECT g.segment, g.product_id, g.score,
                   row_number() OVER (PARTITION BY g.segment ORDER BY g.score DESC, g.product_id) AS r
              FROM (SELECT CASE WHEN grouping(commerce.context_segment(ev.entry_point, ev.device, ev.occurred_at)) = 1
                                THEN '' ELSE commerce.context_segment(ev.entry_point, ev.device, ev.occurred_at) END AS segment,
                           ev.product_id,
                           sum(exp(-ln(2) * extract(epoch FROM newest - ev.occurred_at) / (halflife * 86400)))::real AS score
                      FROM commerce.events ev
                     WHERE ev.event_type = ANY (types) AND ev.product_id IS NOT NULL
                       AND (since IS NULL OR ev.occurred_at >= since)
                     GROUP BY GROUPING SETS ((ev.product_id),
                                             (commerce.context_segment(ev.entry_point, ev.device, ev.occurred_at), ev.product_id))) g) s
     WHERE s.segment = '' OR s.r <= 500;

  UPDATE commerce.models m SET metrics = jsonb_build_object(
      'events', event_count, 'actors', actor_count, 'items', item_count,
      'neighbor_rows', rows_written,
      'fit_seconds', round(extract(epoch FROM fitted - started)::numeric, 3),
      'train_seconds', round(extract(epoch FROM clock_timestamp() - started)::numeric, 3),
      'memory_bytes', CASE WHEN train_recommender.kind = 'ease' THEN commerce.ease_memory_bytes(item_count::integer) END,
      'memory_budget_bytes', budget)
    WHERE m.model_id = new_id;
  IF activate THEN
    PERFORM commerce.activate_model(new_id);
  END IF;
  RETURN new_id;
END
$$;
