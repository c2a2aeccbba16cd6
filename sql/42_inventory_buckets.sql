-- Inventory: the stock rows of one product and warehouse as a whole. Reclaiming expired holds
-- and spreading available units over the bucket rows both need every bucket row locked; the
-- caller takes those locks (lock_stock_rows) before calling the others.

-- This backend's own bucket row of a hot SKU with `buckets` rows (0 for a normal SKU): the
-- backend id modulo `buckets`. Backend ids are small and dense, so N buyers on N buckets mostly
-- get a row each (with the process id modulo N, a buyer shared its bucket about 63 % of the time
-- for N = 64).
CREATE FUNCTION commerce.home_bucket(buckets integer) RETURNS integer
AS 'MODULE_PATHNAME', 'commerce_home_bucket' LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;

-- Locks every bucket row of (product, warehouse) in bucket order: the one order every path
-- that locks more than one of them uses, so two such paths cannot deadlock.
CREATE FUNCTION commerce.lock_stock_rows(product_id bigint, warehouse_id integer) RETURNS void
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  PERFORM FROM commerce.stock s
    WHERE s.product_id = lock_stock_rows.product_id AND s.warehouse_id = lock_stock_rows.warehouse_id
    ORDER BY s.bucket FOR UPDATE;
END
$$;

-- Gives the units of expired, still held lines of (product, warehouse) back to their bucket
-- rows, with an 'expiry' movement per line; returns the number of units. Lines that another
-- transaction has locked (a commit or release in progress) are skipped rather than waited for:
-- waiting here, while holding bucket rows, could close a cycle with that commit. The caller
-- holds every bucket row of (product, warehouse).
CREATE FUNCTION commerce.reclaim_expired_holds(product_id bigint, warehouse_id integer)
RETURNS bigint
LANGUAGE sql AS $$
  WITH due AS (
    SELECT l.reservation_id, l.line_no, l.warehouse_id
      FROM commerce.reservation_lines l
     WHERE l.product_id = reclaim_expired_holds.product_id
       AND l.warehouse_id = reclaim_expired_holds.warehouse_id
       AND l.state = 'held' AND l.expires_at <= clock_timestamp()
       FOR UPDATE SKIP LOCKED),
  closed AS (
    UPDATE commerce.reservation_lines l SET state = 'expired'
      FROM due
     WHERE (l.reservation_id, l.line_no, l.warehouse_id)
         = (due.reservation_id, due.line_no, due.warehouse_id)
    RETURNING l.reservation_id, l.bucket, l.qty),
  ledger AS (
    INSERT INTO commerce.stock_movements
      (kind, product_id, warehouse_id, on_hand_delta, reserved_delta, reservation_id)
    SELECT 'expiry', reclaim_expired_holds.product_id, reclaim_expired_holds.warehouse_id,
           0, -c.qty, c.reservation_id
      FROM closed c),
  per_bucket AS (
    SELECT c.bucket, sum(c.qty) AS qty FROM closed c GROUP BY c.bucket),
  returned AS (
    UPDATE commerce.stock s SET reserved = s.reserved - b.qty
      FROM per_bucket b
     WHERE s.product_id = reclaim_expired_holds.product_id
       AND s.warehouse_id = reclaim_expired_holds.warehouse_id AND s.bucket = b.bucket
    RETURNING b.qty)
  SELECT coalesce(sum(qty), 0)::bigint FROM returned
$$;

-- Moves available units between the bucket rows of (product, warehouse) so that each of the
-- first `buckets` rows holds an even share, bucket 0 also keeps the safety stock, rows past
-- `buckets` (left over when the bucket count was lowered) hold none, and bucket `target` holds
-- `extra` units more than its share (the units a reservation is about to take). Only on_hand
-- moves, and the totals do not change, so this writes no movement. Returns the units available
-- beyond safety stock. The caller holds every bucket row and has checked the units suffice.
CREATE FUNCTION commerce.spread_stock(product_id bigint, warehouse_id integer, buckets integer,
                                      safety_stock bigint, target integer, extra bigint)
RETURNS bigint
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  free bigint;
  share bigint;
  remainder bigint;
BEGIN
  SELECT sum(s.available) - spread_stock.safety_stock INTO free FROM commerce.stock s
   WHERE s.product_id = spread_stock.product_id AND s.warehouse_id = spread_stock.warehouse_id;
  share := (free - extra) / buckets;
  remainder := (free - extra) % buckets;
  UPDATE commerce.stock s
     SET on_hand = s.reserved
                 + CASE WHEN s.bucket < spread_stock.buckets
                        THEN share + (s.bucket < remainder)::integer ELSE 0 END
                 + CASE WHEN s.bucket = 0 THEN spread_stock.safety_stock ELSE 0 END
                 + CASE WHEN s.bucket = target THEN extra ELSE 0 END
   WHERE s.product_id = spread_stock.product_id AND s.warehouse_id = spread_stock.warehouse_id;
  RETURN free;
END
$$;
