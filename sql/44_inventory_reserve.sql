-- Inventory: reserve() and the choice of warehouses it makes.
--
-- The choice is made from a snapshot, without locks; hold_stock() then takes the units under
-- locks, in ascending (product, warehouse) order, and raises PC002 if a concurrent reservation
-- took them first. Everything happens in the caller's transaction, so a failure anywhere leaves
-- nothing behind: all lines or none.

-- Every warehouse that stocks a line's product and the policy allows, with its rank (lower is
-- preferred: the policy's list order, then the policy's region, then warehouses.priority) and
-- the units it could give now. with_expired also counts holds that have expired but are not
-- reclaimed yet (dearer to compute, so only asked for when the first look falls short).
CREATE FUNCTION commerce.allocation_candidates(product_ids bigint[], qtys bigint[],
                                               codes text[], region text, with_expired boolean)
RETURNS TABLE (line integer, product_id bigint, qty bigint, warehouse_id integer, rank bigint,
               free bigint)
LANGUAGE sql STABLE AS $$
  SELECT l.i::integer, l.product_id, l.qty, ss.warehouse_id,
         dense_rank() OVER (ORDER BY coalesce(array_position(codes, w.code), 0),
                                     w.region IS DISTINCT FROM allocation_candidates.region,
                                     w.priority, w.warehouse_id),
         (SELECT sum(s.available)::bigint FROM commerce.stock s
           WHERE s.product_id = l.product_id AND s.warehouse_id = ss.warehouse_id)
         - ss.safety_stock
         + CASE WHEN with_expired THEN
             (SELECT coalesce(sum(h.qty), 0) FROM commerce.reservation_lines h
               WHERE h.product_id = l.product_id AND h.warehouse_id = ss.warehouse_id
                 AND h.state = 'held' AND h.expires_at <= clock_timestamp())
           ELSE 0 END
    FROM unnest(product_ids, qtys) WITH ORDINALITY AS l(product_id, qty, i)
    JOIN commerce.stock_settings ss ON ss.product_id = l.product_id
    JOIN commerce.warehouses w ON w.warehouse_id = ss.warehouse_id
   WHERE w.active AND (codes IS NULL OR w.code = ANY (codes))
$$;

-- Which warehouse serves how much of which line. One warehouse that can fill every line is
-- preferred (the best ranked such); with {"split": true} each line is otherwise filled from the
-- best ranked warehouses in turn. Raises PC002 when the stock is not there.
CREATE FUNCTION commerce.plan_allocation(skus text[], product_ids bigint[], qtys bigint[],
                                         policy jsonb)
RETURNS TABLE (line integer, product_id bigint, warehouse_id integer, qty bigint)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
  codes text[];
  chosen integer;
  pass boolean;
  short text;
BEGIN
  IF policy ? 'warehouses' THEN
    codes := ARRAY(SELECT jsonb_array_elements_text(policy -> 'warehouses'));
  END IF;
  FOREACH pass IN ARRAY ARRAY[false, true] LOOP
    SELECT c.warehouse_id INTO chosen
      FROM commerce.allocation_candidates(product_ids, qtys, codes, policy ->> 'region', pass) c
     GROUP BY c.warehouse_id, c.rank
    HAVING count(*) = cardinality(product_ids) AND bool_and(c.free >= c.qty)
     ORDER BY c.rank LIMIT 1;
    IF chosen IS NOT NULL THEN
      RETURN QUERY SELECT i, product_ids[i], chosen, qtys[i]
                     FROM generate_subscripts(product_ids, 1) i;
      RETURN;
    END IF;
  END LOOP;

  -- No single warehouse: which lines cannot be filled even from all warehouses together?
  SELECT string_agg(format('"%s" (%s requested, %s available)', skus[t.line], t.qty, t.free), ', ')
    INTO short
    FROM (SELECT l.i AS line, l.qty,
                 coalesce((SELECT sum(greatest(c.free, 0)) FROM commerce.allocation_candidates(
                             product_ids, qtys, codes, policy ->> 'region', true) c
                            WHERE c.line = l.i), 0) AS free
            FROM unnest(qtys) WITH ORDINALITY AS l(qty, i)) t
   WHERE t.free < t.qty;
  IF short IS NOT NULL THEN
    RAISE EXCEPTION 'insufficient stock for sku %', short
      USING ERRCODE = 'PC002',
            HINT = 'offer fewer units, other warehouses or a back-order';
  END IF;
  IF NOT coalesce((policy ->> 'split')::boolean, false) THEN
    RAISE EXCEPTION 'insufficient stock: no single warehouse can fill the whole order'
      USING ERRCODE = 'PC002',
            HINT = 'allow split shipments with policy {"split": true}';
  END IF;
  RETURN QUERY
    SELECT g.line, g.product_id, g.warehouse_id, g.take
      FROM (SELECT c.line, c.product_id, c.warehouse_id,
                   least(greatest(c.free, 0),
                         c.qty - coalesce(sum(greatest(c.free, 0)) OVER (
                           PARTITION BY c.line ORDER BY c.rank
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0))::bigint AS take
              FROM commerce.allocation_candidates(product_ids, qtys, codes, policy ->> 'region',
                                                  true) c) g
     WHERE g.take > 0;
END
$$;

-- reserve_general(): every request reserve() does not take on its fast path (in C, see
-- src/pg/inventory/reserve.cpp): a policy, several candidate warehouses, more than 16 lines, a
-- retry of a known key, and every malformed request (this raises the error that says what is
-- wrong). Same arguments and result as reserve(); replayed is true when the same request was
-- already made under this idempotency key (nothing new is reserved then, and state is that
-- reservation's state now, e.g. 'expired').
--
-- Arguments that look right are checked inline and by one query over the lines; only when
-- something is wrong do the check_* functions run, to say exactly what.
CREATE FUNCTION commerce.reserve_general(idempotency_key text, lines jsonb,
                                 ttl interval DEFAULT interval '15 minutes',
                                 policy jsonb DEFAULT '{}', order_ref text DEFAULT NULL,
                                 OUT reservation_id bigint, OUT state text,
                                 OUT expires_at timestamptz, OUT replayed boolean)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  line_nos smallint[];
  skus text[];
  product_ids bigint[];
  qtys bigint[];
  lines_ok boolean;
  single_warehouse integer;
  request text;
  prior record;
  a record;
  h record;
  a_line smallint[] := '{}';
  a_product bigint[] := '{}';
  a_warehouse integer[] := '{}';
  a_bucket smallint[] := '{}';
  a_qty bigint[] := '{}';
BEGIN
  IF idempotency_key IS NULL OR idempotency_key = '' OR length(idempotency_key) > 200 THEN
    PERFORM commerce.check_idempotency_key(idempotency_key);
  END IF;
  IF ttl IS NULL OR ttl <= interval '0' OR ttl > interval '30 days' THEN
    PERFORM commerce.check_ttl(ttl);
  END IF;
  IF policy IS DISTINCT FROM '{}'::jsonb THEN
    PERFORM commerce.check_reservation_policy(policy);
  END IF;

  -- Lines that are well formed, name active products and nothing twice, in product order.
  IF jsonb_typeof(lines) = 'array' AND jsonb_array_length(lines) BETWEEN 1 AND 1000 THEN
    SELECT array_agg(e.n::smallint ORDER BY p.product_id), array_agg(p.sku ORDER BY p.product_id),
           array_agg(p.product_id ORDER BY p.product_id),
           array_agg(CASE WHEN e.qty BETWEEN 1 AND commerce.max_line_qty() THEN e.qty::bigint END
                     ORDER BY p.product_id),
           bool_and(e.valid AND e.qty = trunc(e.qty) AND e.qty BETWEEN 1 AND commerce.max_line_qty()
                    AND p.active)
             AND count(p.product_id) = count(*) AND count(DISTINCT p.product_id) = count(*)
      INTO line_nos, skus, product_ids, qtys, lines_ok
      FROM (SELECT x.n, x.v ->> 'sku' AS sku,
                   CASE WHEN jsonb_typeof(x.v -> 'qty') = 'number'
                        THEN (x.v ->> 'qty')::numeric END AS qty,
                   CASE WHEN jsonb_typeof(x.v) = 'object'
                        THEN x.v - 'sku' - 'qty' = '{}'::jsonb
                             AND jsonb_typeof(x.v -> 'sku') = 'string'
                             AND jsonb_typeof(x.v -> 'qty') = 'number'
                        ELSE false END AS valid
              FROM jsonb_array_elements(lines) WITH ORDINALITY AS x(v, n)) e
      LEFT JOIN commerce.products p ON p.sku = e.sku;
  END IF;
  IF lines_ok IS NOT TRUE THEN
    -- Something is wrong with the lines; this raises the error that says what.
    SELECT array_agg(l.line_no), array_agg(l.sku), array_agg(l.product_id), array_agg(l.qty)
      INTO line_nos, skus, product_ids, qtys
      FROM commerce.parse_reservation_lines(lines) l;
  END IF;
  request := jsonb_build_array(skus, qtys, policy, ttl::text, order_ref)::text;

  -- Claim the key first, before any stock row is locked: a retry racing its original waits
  -- here (for the original to commit or roll back) and holds nothing another one waits for.
  INSERT INTO commerce.reservations AS r (idempotency_key, request, order_ref, expires_at)
  VALUES (reserve_general.idempotency_key, request, reserve_general.order_ref, clock_timestamp() + reserve_general.ttl)
  ON CONFLICT (idempotency_key) DO NOTHING
  RETURNING r.reservation_id, r.expires_at INTO reservation_id, expires_at;
  IF reservation_id IS NULL THEN
    SELECT r.reservation_id, r.request, r.expires_at,
           CASE WHEN r.state = 'held' AND r.expires_at <= clock_timestamp()
                THEN 'expired' ELSE r.state END AS state
      INTO prior
      FROM commerce.reservations r WHERE r.idempotency_key = reserve_general.idempotency_key;
    IF prior.request <> request THEN
      RAISE EXCEPTION 'idempotency key "%" was already used for a different request',
                      reserve_general.idempotency_key
        USING ERRCODE = 'PC001',
              DETAIL = format('the key belongs to reservation %s', prior.reservation_id),
              HINT = 'use a new key for a new request; send the same request to retry';
    END IF;
    reservation_id := prior.reservation_id;
    state := prior.state;
    expires_at := prior.expires_at;
    replayed := true;
    RETURN;
  END IF;

  -- Without a policy, when one active warehouse is the only one stocking every product, there
  -- is nothing to choose (hold_stock() checks the units); otherwise plan.
  IF policy = '{}'::jsonb THEN
    SELECT min(ss.warehouse_id),
           array_agg(commerce.home_bucket(ss.buckets) ORDER BY ss.product_id)::smallint[]
      INTO single_warehouse, a_bucket
      FROM commerce.stock_settings ss
      JOIN commerce.warehouses w ON w.warehouse_id = ss.warehouse_id AND w.active
     WHERE ss.product_id = ANY (product_ids)
    HAVING count(*) = cardinality(product_ids) AND count(DISTINCT ss.warehouse_id) = 1;
  END IF;
  IF single_warehouse IS NOT NULL THEN
    -- Write the lines and movements first and lock the stock rows last, so that each stock
    -- row lock is held only until commit, not while the inserts run: on rows that many buyers
    -- want, that is the throughput. A line names the bucket its units will most likely come
    -- from (bucket 0 of a normal SKU, the backend's own bucket of a hot one) and is corrected
    -- in the rare case they come from another. product_ids is in product order already,
    -- which is the lock order.
    WITH held AS (
      INSERT INTO commerce.reservation_lines
        (reservation_id, line_no, product_id, warehouse_id, bucket, qty, expires_at)
      SELECT reserve_general.reservation_id, x.line_no, x.product_id, single_warehouse, x.bucket, x.qty,
             reserve_general.expires_at
        FROM unnest(line_nos, product_ids, qtys, a_bucket) AS x(line_no, product_id, qty, bucket)
      RETURNING product_id, qty)
    INSERT INTO commerce.stock_movements
      (kind, product_id, warehouse_id, on_hand_delta, reserved_delta, reservation_id)
    SELECT 'reservation', x.product_id, single_warehouse, 0, x.qty, reserve_general.reservation_id
      FROM held x;
    FOR i IN 1 .. cardinality(product_ids) LOOP
      h := commerce.hold_stock(product_ids[i], single_warehouse, qtys[i]);
      IF h.check_low_stock THEN
        PERFORM commerce.signal_low_stock(product_ids[i], single_warehouse);
      END IF;
      IF h.bucket <> a_bucket[i] THEN
        UPDATE commerce.reservation_lines l SET bucket = h.bucket
         WHERE l.reservation_id = reserve_general.reservation_id AND l.product_id = product_ids[i];
      END IF;
    END LOOP;
    state := 'held';
    replayed := false;
    RETURN;
  ELSE
    FOR a IN SELECT p.line, p.product_id, p.warehouse_id, p.qty
               FROM commerce.plan_allocation(skus, product_ids, qtys, reserve_general.policy) p
              ORDER BY p.product_id, p.warehouse_id LOOP
      h := commerce.hold_stock(a.product_id, a.warehouse_id, a.qty);
      IF h.check_low_stock THEN
        PERFORM commerce.signal_low_stock(a.product_id, a.warehouse_id);
      END IF;
      a_line := a_line || line_nos[a.line];
      a_product := a_product || a.product_id;
      a_warehouse := a_warehouse || a.warehouse_id;
      a_bucket := a_bucket || h.bucket;
      a_qty := a_qty || a.qty;
    END LOOP;
  END IF;

  WITH held AS (
    INSERT INTO commerce.reservation_lines
      (reservation_id, line_no, product_id, warehouse_id, bucket, qty, expires_at)
    SELECT reserve_general.reservation_id, x.line_no, x.product_id, x.warehouse_id, x.bucket, x.qty,
           reserve_general.expires_at
      FROM unnest(a_line, a_product, a_warehouse, a_bucket, a_qty)
           AS x(line_no, product_id, warehouse_id, bucket, qty)
    RETURNING product_id, warehouse_id, qty)
  INSERT INTO commerce.stock_movements
    (kind, product_id, warehouse_id, on_hand_delta, reserved_delta, reservation_id)
  SELECT 'reservation', x.product_id, x.warehouse_id, 0, x.qty, reserve_general.reservation_id
    FROM held x;
  state := 'held';
  replayed := false;
END
$$;

-- reserve(): see docs/inventory.md. The common request (no policy, up to 16 valid lines that one
-- active warehouse stocks, a new key) is served in C with plans kept per backend: one lookup per
-- line and one statement for the reservation, its lines, the ledger and the first line's units.
-- Everything else goes to reserve_general() above, so both paths give the same answers.
CREATE FUNCTION commerce.reserve(idempotency_key text, lines jsonb,
                                 ttl interval DEFAULT interval '15 minutes',
                                 policy jsonb DEFAULT '{}', order_ref text DEFAULT NULL,
                                 OUT reservation_id bigint, OUT state text,
                                 OUT expires_at timestamptz, OUT replayed boolean)
AS 'MODULE_PATHNAME', 'commerce_reserve' LANGUAGE C VOLATILE PARALLEL UNSAFE;

-- reserve()'s fast path caches, per backend, what it reads about a SKU: the product, the one
-- active warehouse that stocks it and that warehouse's stock settings. Every change to those
-- commits an invalidation that empties the cache in every backend (src/pg/inventory/sku_cache.cpp).
-- Inserted products and warehouses are not cached before they are used, so only changes count.
CREATE FUNCTION commerce.stock_settings_changed() RETURNS trigger
AS 'MODULE_PATHNAME', 'commerce_stock_settings_changed' LANGUAGE C;
CREATE TRIGGER reserve_cache AFTER INSERT OR UPDATE OR DELETE ON commerce.stock_settings
  FOR EACH ROW EXECUTE FUNCTION commerce.stock_settings_changed();
CREATE TRIGGER reserve_cache AFTER UPDATE OF product_id, sku, active OR DELETE
  ON commerce.products FOR EACH ROW EXECUTE FUNCTION commerce.stock_settings_changed();
CREATE TRIGGER reserve_cache AFTER UPDATE OF warehouse_id, active OR DELETE
  ON commerce.warehouses FOR EACH ROW EXECUTE FUNCTION commerce.stock_settings_changed();
CREATE TRIGGER reserve_cache_truncate AFTER TRUNCATE ON commerce.stock_settings
  FOR EACH STATEMENT EXECUTE FUNCTION commerce.stock_settings_changed();
CREATE TRIGGER reserve_cache_truncate AFTER TRUNCATE ON commerce.products
  FOR EACH STATEMENT EXECUTE FUNCTION commerce.stock_settings_changed();
CREATE TRIGGER reserve_cache_truncate AFTER TRUNCATE ON commerce.warehouses
  FOR EACH STATEMENT EXECUTE FUNCTION commerce.stock_settings_changed();
