-- Inventory: checking what callers pass in. Every bad input is an error with its own SQLSTATE
-- and a hint, raised before any lock is taken. Custom SQLSTATEs of pg_commerce (class PC):
--   PC001  idempotency key reused with a different request
--   PC002  insufficient stock
-- Both are listed in docs/inventory.md.

-- The largest quantity one line may ask for; more is a typing error, not an order.
CREATE FUNCTION commerce.max_line_qty() RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT 1000000::bigint';

-- lines: a JSON array of {"sku": text, "qty": integer}. Returns one row per line with the
-- product resolved, ordered by product_id (the lock order). The same sku twice is an error:
-- the caller meant one line with the sum, or made a mistake.
CREATE FUNCTION commerce.parse_reservation_lines(lines jsonb)
RETURNS TABLE (line_no smallint, sku text, product_id bigint, qty bigint)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
  n integer;
  i integer := 0;
  e jsonb;
  skus text[] := '{}';
  qtys bigint[] := '{}';
  q numeric;
  missing text;
  inactive text;
BEGIN
  IF lines IS NULL OR jsonb_typeof(lines) <> 'array' THEN
    RAISE EXCEPTION 'lines must be a JSON array'
      USING ERRCODE = '22P02', HINT = 'pass lines like [{"sku": "A-1", "qty": 2}]';
  END IF;
  n := jsonb_array_length(lines);
  IF n = 0 THEN
    RAISE EXCEPTION 'lines must not be empty'
      USING ERRCODE = '22023', HINT = 'pass at least one {"sku": ..., "qty": ...} line';
  END IF;
  IF n > 1000 THEN
    RAISE EXCEPTION 'too many lines: % (at most 1000)', n
      USING ERRCODE = '54000', HINT = 'split the order into several reservations';
  END IF;
  FOR e IN SELECT value FROM jsonb_array_elements(lines) LOOP
    i := i + 1;
    IF jsonb_typeof(e) <> 'object' OR NOT (e ? 'sku' AND e ? 'qty')
       OR EXISTS (SELECT 1 FROM jsonb_object_keys(e) k WHERE k NOT IN ('sku', 'qty')) THEN
      RAISE EXCEPTION 'line % is malformed: %', i, e
        USING ERRCODE = '22P02', HINT = 'each line is an object {"sku": text, "qty": integer}';
    END IF;
    IF jsonb_typeof(e -> 'sku') <> 'string' OR e ->> 'sku' = '' THEN
      RAISE EXCEPTION 'line % has no valid sku: %', i, e -> 'sku'
        USING ERRCODE = '22P02', HINT = 'sku must be a non-empty JSON string';
    END IF;
    IF jsonb_typeof(e -> 'qty') <> 'number' THEN
      RAISE EXCEPTION 'line % has a non-numeric qty: %', i, e -> 'qty'
        USING ERRCODE = '22P02', HINT = 'qty must be a JSON integer';
    END IF;
    q := (e ->> 'qty')::numeric;
    IF q <> trunc(q) THEN
      RAISE EXCEPTION 'line % has a fractional qty: %', i, q
        USING ERRCODE = '22P02', HINT = 'qty counts units and must be a whole number';
    END IF;
    IF q <= 0 THEN
      RAISE EXCEPTION 'line % has qty % but qty must be positive', i, q
        USING ERRCODE = '22023', HINT = 'reserve at least one unit per line';
    END IF;
    IF q > commerce.max_line_qty() THEN
      RAISE EXCEPTION 'line % has qty % which is more than % units', i, q, commerce.max_line_qty()
        USING ERRCODE = '22003', HINT = 'check the quantity; split genuine bulk orders';
    END IF;
    IF (e ->> 'sku') = ANY (skus) THEN
      RAISE EXCEPTION 'sku "%" appears in more than one line', e ->> 'sku'
        USING ERRCODE = '22023', HINT = 'merge the lines into one with the summed qty';
    END IF;
    skus := skus || (e ->> 'sku');
    qtys := qtys || q::bigint;
  END LOOP;

  SELECT string_agg(format('"%s"', l.sku), ', ') FILTER (WHERE p.product_id IS NULL),
         string_agg(format('"%s"', l.sku), ', ') FILTER (WHERE NOT p.active)
    INTO missing, inactive
    FROM unnest(skus) AS l(sku) LEFT JOIN commerce.products p ON p.sku = l.sku;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'unknown sku %', missing
      USING ERRCODE = '22023', HINT = 'the sku must exist in commerce.products';
  END IF;
  IF inactive IS NOT NULL THEN
    RAISE EXCEPTION 'sku % is not active', inactive
      USING ERRCODE = '55000', HINT = 'set commerce.products.active to sell it again';
  END IF;

  RETURN QUERY
    SELECT l.n::smallint, l.sku, p.product_id, l.qty
      FROM unnest(skus, qtys) WITH ORDINALITY AS l(sku, qty, n)
      JOIN commerce.products p ON p.sku = l.sku
     ORDER BY p.product_id;
END
$$;

-- A hold's time to live: positive and at most 30 days (a longer hold is a forgotten cart).
CREATE FUNCTION commerce.check_ttl(ttl interval) RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF ttl IS NULL OR ttl <= interval '0' THEN
    RAISE EXCEPTION 'ttl must be positive, got %', coalesce(ttl::text, 'NULL')
      USING ERRCODE = '22023', HINT = 'pass how long the hold lasts, e.g. interval ''15 minutes''';
  END IF;
  IF ttl > interval '30 days' THEN
    RAISE EXCEPTION 'ttl % is longer than 30 days', ttl
      USING ERRCODE = '22003', HINT = 'holds are for carts and checkouts; commit the order instead';
  END IF;
END
$$;

CREATE FUNCTION commerce.check_idempotency_key(idempotency_key text) RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF idempotency_key IS NULL OR idempotency_key = '' OR length(idempotency_key) > 200 THEN
    RAISE EXCEPTION 'idempotency key must be 1 to 200 characters'
      USING ERRCODE = '22023',
            HINT = 'use one key per checkout attempt, e.g. a UUID, and send it again on retry';
  END IF;
END
$$;

-- policy: {"split": bool, "warehouses": [code, ...], "region": text}, all optional.
--   warehouses  only these, in this order of preference (otherwise all active ones)
--   region      prefer warehouses in this region, then the others
--   split       allow one line to be served by several warehouses when no single one can
CREATE FUNCTION commerce.check_reservation_policy(policy jsonb) RETURNS void
LANGUAGE plpgsql STABLE AS $$
DECLARE
  unknown text;
BEGIN
  IF policy IS NULL OR jsonb_typeof(policy) <> 'object' THEN
    RAISE EXCEPTION 'policy must be a JSON object'
      USING ERRCODE = '22P02', HINT = 'pass ''{}'' or e.g. {"split": true, "region": "eu"}';
  END IF;
  SELECT string_agg(k, ', ') INTO unknown FROM jsonb_object_keys(policy) k
   WHERE k NOT IN ('split', 'warehouses', 'region');
  IF unknown IS NOT NULL THEN
    RAISE EXCEPTION 'unknown policy key %', unknown
      USING ERRCODE = '22023', HINT = 'policy keys are split, warehouses and region';
  END IF;
  IF policy ? 'split' AND jsonb_typeof(policy -> 'split') <> 'boolean' THEN
    RAISE EXCEPTION 'policy split must be true or false'
      USING ERRCODE = '22023', HINT = 'pass {"split": true} to allow split shipments';
  END IF;
  IF policy ? 'region' AND jsonb_typeof(policy -> 'region') <> 'string' THEN
    RAISE EXCEPTION 'policy region must be a string'
      USING ERRCODE = '22023', HINT = 'pass e.g. {"region": "eu"}';
  END IF;
  IF policy ? 'warehouses' THEN
    IF jsonb_typeof(policy -> 'warehouses') <> 'array'
       OR jsonb_array_length(policy -> 'warehouses') = 0
       OR EXISTS (SELECT 1 FROM jsonb_array_elements(policy -> 'warehouses') w
                   WHERE jsonb_typeof(w) <> 'string') THEN
      RAISE EXCEPTION 'policy warehouses must be a non-empty array of warehouse codes'
        USING ERRCODE = '22023', HINT = 'pass e.g. {"warehouses": ["berlin", "paris"]}';
    END IF;
    SELECT string_agg(format('"%s"', c), ', ') INTO unknown
      FROM jsonb_array_elements_text(policy -> 'warehouses') c
     WHERE NOT EXISTS (SELECT 1 FROM commerce.warehouses w WHERE w.code = c);
    IF unknown IS NOT NULL THEN
      RAISE EXCEPTION 'unknown warehouse %', unknown
        USING ERRCODE = '22023', HINT = 'warehouse codes are in commerce.warehouses';
    END IF;
  END IF;
END
$$;

-- The product and warehouse of an administrative call (restock, adjust_stock, ...).
CREATE FUNCTION commerce.resolve_stock_key(sku text, warehouse text,
                                           OUT product_id bigint, OUT warehouse_id integer)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
BEGIN
  SELECT p.product_id INTO product_id FROM commerce.products p WHERE p.sku = resolve_stock_key.sku;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unknown sku "%"', resolve_stock_key.sku
      USING ERRCODE = '22023', HINT = 'the sku must exist in commerce.products';
  END IF;
  SELECT w.warehouse_id INTO warehouse_id FROM commerce.warehouses w
   WHERE w.code = resolve_stock_key.warehouse;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unknown warehouse "%"', resolve_stock_key.warehouse
      USING ERRCODE = '22023', HINT = 'warehouse codes are in commerce.warehouses';
  END IF;
END
$$;
