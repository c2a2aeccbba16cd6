-- The event stream: one typed table for every interaction a shop records, partitioned by month,
-- and commerce.track(), the one-row insert cheap enough to call on every page view. Everything
-- the recommenders and the feature layer know comes from here.
CREATE TYPE commerce.event_type AS ENUM
  ('view', 'search', 'click', 'add_to_cart', 'remove_from_cart', 'purchase', 'return');

CREATE TABLE commerce.events (
  event_id bigint GENERATED ALWAYS AS IDENTITY (CACHE 64),
  occurred_at timestamptz NOT NULL DEFAULT now(),
  event_type commerce.event_type NOT NULL,
  -- A signed-in user, an anonymous session, or both (a session that signs in keeps its id).
  user_id bigint,
  session_id text,
  product_id bigint,
  query text,
  price numeric,
  quantity integer NOT NULL DEFAULT 1,
  device text,
  entry_point text,
  context jsonb,
  PRIMARY KEY (event_id, occurred_at),
  CONSTRAINT events_actor CHECK (user_id IS NOT NULL OR session_id IS NOT NULL),
  CONSTRAINT events_product CHECK (event_type = 'search' OR product_id IS NOT NULL),
  CONSTRAINT events_query CHECK (event_type <> 'search' OR query IS NOT NULL),
  CONSTRAINT events_price CHECK (price IS NULL OR price >= 0),
  CONSTRAINT events_quantity CHECK (quantity > 0)
) PARTITION BY RANGE (occurred_at);

-- Rows outside every monthly partition land here instead of failing the insert; 
-- commerce.ensure_event_partitions() moves them into their month when it creates it.
CREATE TABLE commerce.events_default PARTITION OF commerce.events DEFAULT;

-- Histories are read newest first per user and per session; the feature refresh scans by time.
CREATE INDEX events_user_idx ON commerce.events (user_id, occurred_at) WHERE user_id IS NOT NULL;
CREATE INDEX events_session_idx ON commerce.events (session_id, occurred_at)
  WHERE session_id IS NOT NULL;
CREATE INDEX events_time_brin ON commerce.events USING brin (occurred_at);

-- Creates the monthly partitions covering [from_month, to_month] that do not exist yet, moving
-- any rows the default partition holds for those months. Safe to run again (it creates nothing
-- twice); schedule it monthly with a few months of lead so that inserts never wait on it.
CREATE FUNCTION commerce.ensure_event_partitions(
  from_month date DEFAULT date_trunc('month', now())::date,
  to_month date DEFAULT (date_trunc('month', now()) + interval '3 months')::date)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  month date := date_trunc('month', from_month)::date;
  name text;
  created integer := 0;
BEGIN
  IF from_month IS NULL OR to_month IS NULL OR to_month < from_month THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'invalid month range',
      HINT = 'Pass from_month <= to_month.';
  END IF;
  IF to_month > from_month + interval '10 years' THEN
    RAISE EXCEPTION USING ERRCODE = '54000', MESSAGE = 'too many partitions requested',
      HINT = 'Create at most ten years of monthly partitions at once.';
  END IF;
  WHILE month <= to_month LOOP
    name := format('events_%s', to_char(month, 'YYYY_MM'));
    IF to_regclass(format('commerce.%I', name)) IS NULL THEN
      EXECUTE format('CREATE TABLE commerce.%I (LIKE commerce.events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name);
      EXECUTE format('INSERT INTO commerce.%I SELECT * FROM commerce.events_default '
                     'WHERE occurred_at >= %L AND occurred_at < %L', name, month, month + interval '1 month');
      DELETE FROM commerce.events_default
        WHERE occurred_at >= month AND occurred_at < month + interval '1 month';
      EXECUTE format('ALTER TABLE commerce.events ATTACH PARTITION commerce.%I '
                     'FOR VALUES FROM (%L) TO (%L)', name, month, month + interval '1 month');
      created := created + 1;
    END IF;
    month := (month + interval '1 month')::date;
  END LOOP;
  RETURN created;
END
$$;

-- Records one event and returns its id. A single INSERT through a plan cached per session:
-- cheap enough for every page view (docs/benchmarks_recs.md has the measured rate).
CREATE FUNCTION commerce.track(
  event_type commerce.event_type,
  product_id bigint DEFAULT NULL,
  user_id bigint DEFAULT NULL,
  session_id text DEFAULT NULL,
  query text DEFAULT NULL,
  price numeric DEFAULT NULL,
  device text DEFAULT NULL,
  entry_point text DEFAULT NULL,
  context jsonb DEFAULT NULL,
  occurred_at timestamptz DEFAULT now(),
  quantity integer DEFAULT 1)
RETURNS bigint LANGUAGE sql AS $$
  INSERT INTO commerce.events (occurred_at, event_type, user_id, session_id, product_id, query,
                               price, quantity, device, entry_point, context)
  VALUES (coalesce($10, now()), $1, $3, $4, $2, $5, $6, coalesce($11, 1), $7, $8, $9)
  RETURNING event_id
$$;
