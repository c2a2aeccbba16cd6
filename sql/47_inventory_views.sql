-- Inventory: reading stock and reservations, and checking stock against the ledger.
--
-- A hold past its expiry no longer counts, whether or not a sweeper or a reservation has given
-- its units back yet: these views count such holds as available.

-- Holds past their expiry whose units are still in stock.reserved, per product and warehouse.
CREATE VIEW commerce.lapsed_holds AS
SELECT l.product_id, l.warehouse_id, sum(l.qty)::bigint AS qty
  FROM commerce.reservation_lines l
 WHERE l.state = 'held' AND l.expires_at <= clock_timestamp()
 GROUP BY l.product_id, l.warehouse_id;

-- One row per product and warehouse: what is there, what is promised, what can be sold.
CREATE VIEW commerce.stock_levels AS
SELECT s.product_id, p.sku, s.warehouse_id, w.code AS warehouse,
       sum(s.on_hand)::bigint AS on_hand,
       (sum(s.reserved) - coalesce(max(x.qty), 0))::bigint AS reserved,
       (sum(s.available) + coalesce(max(x.qty), 0))::bigint AS available,
       ss.safety_stock,
       greatest(sum(s.available) + coalesce(max(x.qty), 0) - ss.safety_stock, 0)::bigint
         AS sellable,
       ss.low_stock_threshold,
       ss.buckets,
       ss.buckets > 1 AS hot
  FROM commerce.stock s
  JOIN commerce.stock_settings ss USING (product_id, warehouse_id)
  JOIN commerce.products p USING (product_id)
  JOIN commerce.warehouses w USING (warehouse_id)
  LEFT JOIN commerce.lapsed_holds x USING (product_id, warehouse_id)
 GROUP BY s.product_id, p.sku, s.warehouse_id, w.code, ss.safety_stock,
          ss.low_stock_threshold, ss.buckets;

-- Reservations with the state they are in now (a held one past its expiry is expired).
CREATE VIEW commerce.reservation_status AS
SELECT r.reservation_id, r.idempotency_key, r.order_ref,
       CASE WHEN r.state = 'held' AND r.expires_at <= clock_timestamp() THEN 'expired'
            ELSE r.state END AS state,
       r.created_at, r.expires_at, r.closed_at,
       (SELECT jsonb_agg(jsonb_build_object('line_no', l.line_no, 'sku', p.sku,
                                            'warehouse', w.code, 'qty', l.qty)
                         ORDER BY l.line_no, w.code)
          FROM commerce.reservation_lines l
          JOIN commerce.products p USING (product_id)
          JOIN commerce.warehouses w USING (warehouse_id)
         WHERE l.reservation_id = r.reservation_id) AS lines
  FROM commerce.reservations r;

-- Stock as the ledger says it should be: the sum of every movement.
CREATE VIEW commerce.stock_from_ledger AS
SELECT m.product_id, m.warehouse_id, sum(m.on_hand_delta)::bigint AS on_hand,
       sum(m.reserved_delta)::bigint AS reserved
  FROM commerce.stock_movements m
 GROUP BY m.product_id, m.warehouse_id;

-- Every way stock disagrees with the ledger or with the reservations; no rows means consistent.
--   on_hand / reserved   stock totals against the sum of the movements
--   bucket_reserved      a stock row's reserved against the held lines taken from it
--   line_state           a held line of a reservation that is no longer held
--   orphan_line          a line whose reservation does not exist
CREATE FUNCTION commerce.verify_inventory()
RETURNS TABLE (problem text, product_id bigint, warehouse_id integer, bucket smallint,
               expected bigint, actual bigint)
LANGUAGE sql STABLE AS $$
  WITH totals AS (
    SELECT s.product_id, s.warehouse_id, sum(s.on_hand)::bigint AS on_hand,
           sum(s.reserved)::bigint AS reserved
      FROM commerce.stock s GROUP BY s.product_id, s.warehouse_id)
  SELECT 'on_hand', coalesce(t.product_id, g.product_id), coalesce(t.warehouse_id, g.warehouse_id),
         NULL::smallint, coalesce(g.on_hand, 0), coalesce(t.on_hand, 0)
    FROM totals t FULL JOIN commerce.stock_from_ledger g USING (product_id, warehouse_id)
   WHERE coalesce(g.on_hand, 0) <> coalesce(t.on_hand, 0)
  UNION ALL
  SELECT 'reserved', coalesce(t.product_id, g.product_id), coalesce(t.warehouse_id, g.warehouse_id),
         NULL, coalesce(g.reserved, 0), coalesce(t.reserved, 0)
    FROM totals t FULL JOIN commerce.stock_from_ledger g USING (product_id, warehouse_id)
   WHERE coalesce(g.reserved, 0) <> coalesce(t.reserved, 0)
  UNION ALL
  SELECT 'bucket_reserved', s.product_id, s.warehouse_id, s.bucket, coalesce(h.qty, 0), s.reserved
    FROM commerce.stock s
    LEFT JOIN (SELECT l.product_id, l.warehouse_id, l.bucket, sum(l.qty)::bigint AS qty
                 FROM commerce.reservation_lines l WHERE l.state = 'held'
                GROUP BY 1, 2, 3) h USING (product_id, warehouse_id, bucket)
   WHERE coalesce(h.qty, 0) <> s.reserved
  UNION ALL
  SELECT 'line_state', l.product_id, l.warehouse_id, l.bucket, NULL, l.reservation_id
    FROM commerce.reservation_lines l JOIN commerce.reservations r USING (reservation_id)
   WHERE l.state = 'held' AND r.state <> 'held'
  UNION ALL
  SELECT 'orphan_line', l.product_id, l.warehouse_id, l.bucket, NULL, l.reservation_id
    FROM commerce.reservation_lines l
   WHERE NOT EXISTS (SELECT 1 FROM commerce.reservations r
                      WHERE r.reservation_id = l.reservation_id)
$$;
