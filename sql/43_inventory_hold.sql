-- Inventory: taking units of one product in one warehouse for a reservation (the hot path).
--
-- A normal SKU has one stock row: lock it, check, add to reserved. Every reservation of that SKU
-- queues on that row lock until the holder commits.
--
-- A hot SKU has N bucket rows that share its available units. A reservation takes its units
-- from its own bucket (commerce.home_bucket), waiting for it if another buyer holds it; if that
-- bucket is dry it spills over to the first other free bucket with enough units (SKIP LOCKED),
-- or queues on one; so N reservations proceed at once and each mostly touches one row. Only when no single bucket can serve the quantity does
-- it lock all N rows in bucket order, give expired holds back, spread what is left evenly and
-- take its units (hold_stock_exclusive): the last unit stays sellable whichever bucket it sits
-- in, and the rebalancing, which waits for every bucket, stays rare.
--
-- Deadlock freedom: within one (product, warehouse) a transaction waits only while holding no
-- bucket row of it, or takes all of them in bucket order. Each attempt runs in its own
-- subtransaction so that a bucket it locked and then found short is unlocked again before the
-- next attempt. Across products, reserve() takes (product, warehouse) pairs in
-- ascending order. docs/inventory.md lists the whole lock order.

-- The ordered path: every bucket row locked in order, expired holds reclaimed, units spread and
-- `qty` taken from bucket `preferred`. Raises PC002 when the units are not there.
CREATE FUNCTION commerce.hold_stock_exclusive(product_id bigint, warehouse_id integer,
                                              qty bigint, preferred integer,
                                              OUT bucket smallint, OUT bucket_available bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  n integer;
  safety bigint;
  free bigint;
  sku text;
BEGIN
  PERFORM commerce.lock_stock_rows(product_id, warehouse_id);
  -- Read after the locks: a set_hot_sku() that committed while we waited is visible now.
  SELECT ss.buckets, ss.safety_stock INTO n, safety FROM commerce.stock_settings ss
   WHERE ss.product_id = hold_stock_exclusive.product_id
     AND ss.warehouse_id = hold_stock_exclusive.warehouse_id;
  PERFORM commerce.reclaim_expired_holds(product_id, warehouse_id);
  SELECT sum(s.available) - safety INTO free FROM commerce.stock s
   WHERE s.product_id = hold_stock_exclusive.product_id
     AND s.warehouse_id = hold_stock_exclusive.warehouse_id;
  IF coalesce(free, 0) < qty THEN
    SELECT p.sku INTO sku FROM commerce.products p WHERE p.product_id = hold_stock_exclusive.product_id;
    RAISE EXCEPTION 'insufficient stock for sku "%": % requested, % available', sku, qty,
                    greatest(coalesce(free, 0), 0)
      USING ERRCODE = 'PC002',
            HINT = 'offer fewer units, other warehouses or a back-order';
  END IF;
  bucket := CASE WHEN preferred < n THEN preferred ELSE 0 END;
  PERFORM commerce.spread_stock(product_id, warehouse_id, n, safety, bucket, qty);
  UPDATE commerce.stock s SET reserved = s.reserved + qty
   WHERE s.product_id = hold_stock_exclusive.product_id
     AND s.warehouse_id = hold_stock_exclusive.warehouse_id AND s.bucket = hold_stock_exclusive.bucket
  RETURNING s.available INTO bucket_available;
END
$$;

-- Takes `qty` units of (product, warehouse) into reserved. Returns the bucket row they came from,
-- what that row has left, and whether the caller should look at the low-stock threshold (the
-- row fell under it and no signal is out yet; for a hot SKU this is a cheap necessary condition,
-- commerce.signal_low_stock checks the total). Raises PC002 when the units are not there.
-- This is the hot path of a flash sale: each statement here is paid by every reservation.
CREATE FUNCTION commerce.hold_stock(product_id bigint, warehouse_id integer, qty bigint,
                                    OUT bucket smallint, OUT bucket_available bigint,
                                    OUT check_low_stock boolean)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  n integer;
  safety bigint;
  threshold bigint;
  signalled boolean;
  home integer;
  candidates smallint[];
  picked smallint;
BEGIN
  SELECT ss.buckets, ss.safety_stock, ss.low_stock_threshold, ss.low_stock_signalled,
         commerce.home_bucket(ss.buckets)
    INTO n, safety, threshold, signalled, home
    FROM commerce.stock_settings ss
   WHERE ss.product_id = hold_stock.product_id AND ss.warehouse_id = hold_stock.warehouse_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'insufficient stock: product % was never stocked in warehouse %',
                    product_id, warehouse_id
      USING ERRCODE = 'PC002', HINT = 'receive units with commerce.restock() first';
  END IF;

  IF n = 1 THEN
    UPDATE commerce.stock s SET reserved = s.reserved + qty
     WHERE s.product_id = hold_stock.product_id AND s.warehouse_id = hold_stock.warehouse_id
       AND s.bucket = 0 AND s.available - safety >= qty
    RETURNING s.bucket, s.available INTO bucket, bucket_available;
    IF NOT FOUND THEN
      -- Bucket 0 is the lowest row, so holding it while taking the rest in order is safe.
      SELECT x.bucket, x.bucket_available INTO bucket, bucket_available
        FROM commerce.hold_stock_exclusive(product_id, warehouse_id, qty, 0) x;
    END IF;
  ELSE
    BEGIN
      -- 1. This backend's own bucket: with about as many buckets as buyers it is shared with
      -- few others, so waiting for it is short, and it is one row to read instead of all of
      -- them. No other bucket of this SKU is held while waiting.
      UPDATE commerce.stock s SET reserved = s.reserved + qty
       WHERE s.product_id = hold_stock.product_id AND s.warehouse_id = hold_stock.warehouse_id
         AND s.bucket = home
         AND s.available - CASE WHEN s.bucket = 0 THEN safety ELSE 0 END >= qty
      RETURNING s.bucket, s.available INTO bucket, bucket_available;
      IF bucket IS NULL THEN
        -- Own bucket dry: roll back, which unlocks it, and spill over.
        RAISE SQLSTATE 'PC900';
      END IF;
    EXCEPTION WHEN SQLSTATE 'PC900' THEN
      BEGIN
        -- 2. The first other bucket that is free and has the units by this statement's
        -- snapshot, in this backend's rotation.
        candidates := ARRAY(
          SELECT s.bucket FROM commerce.stock s
           WHERE s.product_id = hold_stock.product_id AND s.warehouse_id = hold_stock.warehouse_id
             AND s.bucket < n AND s.bucket <> home
             AND s.available - CASE WHEN s.bucket = 0 THEN safety ELSE 0 END >= qty
           ORDER BY (s.bucket + n - home) % n);
        IF cardinality(candidates) > 0 THEN
          WITH pick AS (
            SELECT c.bucket FROM commerce.stock c
             WHERE c.product_id = hold_stock.product_id
               AND c.warehouse_id = hold_stock.warehouse_id AND c.bucket = ANY (candidates)
             ORDER BY array_position(candidates, c.bucket) LIMIT 1
               FOR UPDATE SKIP LOCKED),
          took AS (
            UPDATE commerce.stock s SET reserved = s.reserved + qty
              FROM pick
             WHERE s.product_id = hold_stock.product_id
               AND s.warehouse_id = hold_stock.warehouse_id AND s.bucket = pick.bucket
               AND s.available - CASE WHEN s.bucket = 0 THEN safety ELSE 0 END >= qty
            RETURNING s.bucket, s.available)
          SELECT pick.bucket, took.bucket, took.available INTO picked, bucket, bucket_available
            FROM pick LEFT JOIN took ON true;
          IF picked IS NULL THEN
            -- 3. Every bucket with units is busy: queue on one (holding no other bucket).
            UPDATE commerce.stock s SET reserved = s.reserved + qty
             WHERE s.product_id = hold_stock.product_id
               AND s.warehouse_id = hold_stock.warehouse_id AND s.bucket = candidates[1]
               AND s.available - CASE WHEN s.bucket = 0 THEN safety ELSE 0 END >= qty
            RETURNING s.bucket, s.available INTO bucket, bucket_available;
          END IF;
        END IF;
        IF bucket IS NULL THEN
          -- No single bucket can serve the quantity now: roll back (unlocking any bucket found
          -- short above) and rebalance with every bucket locked in order.
          RAISE SQLSTATE 'PC900';
        END IF;
      EXCEPTION WHEN SQLSTATE 'PC900' THEN
        SELECT x.bucket, x.bucket_available INTO bucket, bucket_available
          FROM commerce.hold_stock_exclusive(product_id, warehouse_id, qty, home) x;
      END;
    END;
  END IF;
  check_low_stock := threshold > 0 AND NOT signalled AND bucket_available < threshold;
END
$$;
