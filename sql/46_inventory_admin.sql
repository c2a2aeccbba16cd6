-- Inventory: receiving and correcting stock, per-SKU settings (safety stock, low-stock threshold,
-- hot-SKU buckets) and the low-stock signal. These take stock rows before the stock_settings
-- row, the same order as reserve(), and are not on the hot path.

-- Raises the low-stock event once per crossing: when available (all buckets) is under the
-- threshold and no event is out yet. Called after units left available. Returns whether it
-- raised one.
CREATE FUNCTION commerce.signal_low_stock(product_id bigint, warehouse_id integer)
RETURNS boolean
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  total bigint;
  threshold bigint;
BEGIN
  SELECT sum(s.available) INTO total FROM commerce.stock s
   WHERE s.product_id = signal_low_stock.product_id AND s.warehouse_id = signal_low_stock.warehouse_id;
  UPDATE commerce.stock_settings ss SET low_stock_signalled = true
   WHERE ss.product_id = signal_low_stock.product_id
     AND ss.warehouse_id = signal_low_stock.warehouse_id
     AND NOT ss.low_stock_signalled AND total < ss.low_stock_threshold
  RETURNING ss.low_stock_threshold INTO threshold;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  INSERT INTO commerce.low_stock_events (product_id, warehouse_id, available, threshold)
  VALUES (product_id, warehouse_id, total, threshold);
  PERFORM pg_notify('commerce_low_stock',
                    json_build_object('product_id', product_id, 'warehouse_id', warehouse_id,
                                      'available', total, 'threshold', threshold)::text);
  RETURN true;
END
$$;

-- After units arrived: re-arm the low-stock signal once available is back at the threshold.
CREATE FUNCTION commerce.rearm_low_stock(product_id bigint, warehouse_id integer) RETURNS void
LANGUAGE sql AS $$
  UPDATE commerce.stock_settings ss SET low_stock_signalled = false
   WHERE ss.product_id = rearm_low_stock.product_id
     AND ss.warehouse_id = rearm_low_stock.warehouse_id AND ss.low_stock_signalled
     AND (SELECT sum(s.available) FROM commerce.stock s
           WHERE s.product_id = rearm_low_stock.product_id
             AND s.warehouse_id = rearm_low_stock.warehouse_id) >= ss.low_stock_threshold
$$;

-- Creates the settings row and bucket 0 of (product, warehouse) if they do not exist yet.
CREATE FUNCTION commerce.ensure_stock_rows(product_id bigint, warehouse_id integer)
RETURNS void
LANGUAGE sql AS $$
  INSERT INTO commerce.stock_settings (product_id, warehouse_id)
  VALUES (product_id, warehouse_id) ON CONFLICT DO NOTHING;
  INSERT INTO commerce.stock (product_id, warehouse_id, bucket)
  VALUES (product_id, warehouse_id, 0) ON CONFLICT DO NOTHING;
$$;

CREATE FUNCTION commerce.check_stock_change(qty bigint, reason text, what text) RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF qty IS NULL OR abs(qty) > 1000000000 THEN
    RAISE EXCEPTION '% % is out of range', what, coalesce(qty::text, 'NULL')
      USING ERRCODE = '22003', HINT = 'one movement moves at most 1,000,000,000 units';
  END IF;
  IF reason IS NULL OR btrim(reason) = '' THEN
    RAISE EXCEPTION 'a reason is required'
      USING ERRCODE = '22023', HINT = 'say why stock changes, e.g. ''cycle count'' or ''damaged''';
  END IF;
END
$$;

-- Receives `qty` units into (sku, warehouse). Creates the stock rows on first receipt. Returns
-- the units available there afterwards. Not idempotent: each call is one receipt.
CREATE FUNCTION commerce.restock(sku text, warehouse text, qty bigint,
                                 reason text DEFAULT 'receipt')
RETURNS bigint
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  k record;
BEGIN
  PERFORM commerce.check_stock_change(qty, reason, 'qty');
  IF qty <= 0 THEN
    RAISE EXCEPTION 'qty must be positive, got %', qty
      USING ERRCODE = '22023', HINT = 'remove units with commerce.adjust_stock()';
  END IF;
  k := commerce.resolve_stock_key(sku, warehouse);
  PERFORM commerce.ensure_stock_rows(k.product_id, k.warehouse_id);
  -- Arrivals go to bucket 0; a hot SKU spreads them when a bucket runs dry.
  UPDATE commerce.stock s SET on_hand = s.on_hand + qty
   WHERE s.product_id = k.product_id AND s.warehouse_id = k.warehouse_id AND s.bucket = 0;
  INSERT INTO commerce.stock_movements
    (kind, product_id, warehouse_id, on_hand_delta, reserved_delta, reason)
  VALUES ('receipt', k.product_id, k.warehouse_id, qty, 0, reason);
  PERFORM commerce.rearm_low_stock(k.product_id, k.warehouse_id);
  RETURN (SELECT sum(s.available) FROM commerce.stock s
           WHERE s.product_id = k.product_id AND s.warehouse_id = k.warehouse_id);
END
$$;

-- Corrects on_hand by `delta` (positive: found units or returns; negative: damage, loss, a cycle
-- count). Units held by reservations cannot be removed: release them first. Returns the units
-- available afterwards. Not idempotent: each call is one adjustment.
CREATE FUNCTION commerce.adjust_stock(sku text, warehouse text, delta bigint, reason text)
RETURNS bigint
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  k record;
  free bigint;
BEGIN
  PERFORM commerce.check_stock_change(delta, reason, 'delta');
  IF delta = 0 THEN
    RAISE EXCEPTION 'delta must not be zero'
      USING ERRCODE = '22023', HINT = 'pass the change in units, e.g. -2 for two damaged units';
  END IF;
  k := commerce.resolve_stock_key(sku, warehouse);
  PERFORM commerce.ensure_stock_rows(k.product_id, k.warehouse_id);
  IF delta > 0 THEN
    UPDATE commerce.stock s SET on_hand = s.on_hand + delta
     WHERE s.product_id = k.product_id AND s.warehouse_id = k.warehouse_id AND s.bucket = 0;
  ELSE
    PERFORM commerce.lock_stock_rows(k.product_id, k.warehouse_id);
    PERFORM commerce.reclaim_expired_holds(k.product_id, k.warehouse_id);
    SELECT sum(s.available) INTO free FROM commerce.stock s
     WHERE s.product_id = k.product_id AND s.warehouse_id = k.warehouse_id;
    IF free < -delta THEN
      RAISE EXCEPTION 'cannot remove % units of sku "%" from "%": only % are not reserved',
                      -delta, sku, warehouse, free
        USING ERRCODE = 'PC002',
              HINT = 'release or commit the reservations that hold the units first';
    END IF;
    -- Take the units from the fullest buckets first.
    UPDATE commerce.stock s SET on_hand = s.on_hand - t.take
      FROM (SELECT b.bucket,
                   least(b.available, -delta - coalesce(sum(b.available) OVER (
                     ORDER BY b.available DESC, b.bucket
                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)) AS take
              FROM commerce.stock b
             WHERE b.product_id = k.product_id AND b.warehouse_id = k.warehouse_id) t
     WHERE s.product_id = k.product_id AND s.warehouse_id = k.warehouse_id
       AND s.bucket = t.bucket AND t.take > 0;
  END IF;
  INSERT INTO commerce.stock_movements
    (kind, product_id, warehouse_id, on_hand_delta, reserved_delta, reason)
  VALUES ('adjustment', k.product_id, k.warehouse_id, delta, 0, reason);
  IF delta > 0 THEN
    PERFORM commerce.rearm_low_stock(k.product_id, k.warehouse_id);
  ELSE
    PERFORM commerce.signal_low_stock(k.product_id, k.warehouse_id);
  END IF;
  RETURN (SELECT sum(s.available) FROM commerce.stock s
           WHERE s.product_id = k.product_id AND s.warehouse_id = k.warehouse_id);
END
$$;

-- Sets safety stock (units reserve() never hands out) and the low-stock threshold of
-- (sku, warehouse); NULL leaves a value as it is. Returns the settings row.
CREATE FUNCTION commerce.set_stock_policy(sku text, warehouse text,
                                          safety_stock bigint DEFAULT NULL,
                                          low_stock_threshold bigint DEFAULT NULL)
RETURNS commerce.stock_settings
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  k record;
  result commerce.stock_settings;
BEGIN
  IF safety_stock < 0 OR low_stock_threshold < 0 THEN
    RAISE EXCEPTION 'safety_stock and low_stock_threshold must not be negative'
      USING ERRCODE = '22023', HINT = 'pass 0 to switch either off';
  END IF;
  k := commerce.resolve_stock_key(sku, warehouse);
  PERFORM commerce.ensure_stock_rows(k.product_id, k.warehouse_id);
  UPDATE commerce.stock_settings ss
     SET safety_stock = coalesce(set_stock_policy.safety_stock, ss.safety_stock),
         low_stock_threshold = coalesce(set_stock_policy.low_stock_threshold,
                                        ss.low_stock_threshold)
   WHERE ss.product_id = k.product_id AND ss.warehouse_id = k.warehouse_id
  RETURNING ss.* INTO result;
  RETURN result;
END
$$;

-- Spreads (sku, warehouse) over `buckets` stock rows (1 turns hot-SKU mode off). Held units stay
-- in the rows they were taken from; available units are spread evenly at once. Returns the
-- settings row.
CREATE FUNCTION commerce.set_hot_sku(sku text, warehouse text, buckets integer)
RETURNS commerce.stock_settings
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  k record;
  result commerce.stock_settings;
BEGIN
  IF buckets IS NULL OR buckets < 1 OR buckets > 256 THEN
    RAISE EXCEPTION 'buckets must be between 1 and 256, got %', coalesce(buckets::text, 'NULL')
      USING ERRCODE = '22023',
            HINT = 'use about as many buckets as concurrent buyers of the SKU, e.g. 32';
  END IF;
  k := commerce.resolve_stock_key(sku, warehouse);
  PERFORM commerce.ensure_stock_rows(k.product_id, k.warehouse_id);
  PERFORM commerce.lock_stock_rows(k.product_id, k.warehouse_id);
  INSERT INTO commerce.stock (product_id, warehouse_id, bucket)
  SELECT k.product_id, k.warehouse_id, b FROM generate_series(1, buckets - 1) b
  ON CONFLICT DO NOTHING;
  PERFORM commerce.reclaim_expired_holds(k.product_id, k.warehouse_id);
  UPDATE commerce.stock_settings ss SET buckets = set_hot_sku.buckets
   WHERE ss.product_id = k.product_id AND ss.warehouse_id = k.warehouse_id
  RETURNING ss.* INTO result;
  -- Safety stock may exceed what is available; spread what there is, keeping it in bucket 0.
  PERFORM commerce.spread_stock(k.product_id, k.warehouse_id, buckets,
                                least(result.safety_stock,
                                      (SELECT sum(s.available) FROM commerce.stock s
                                        WHERE s.product_id = k.product_id
                                          AND s.warehouse_id = k.warehouse_id))::bigint,
                                0, 0);
  RETURN result;
END
$$;
