-- Inventory: hot-SKU mode. The SKU's available units are spread over bucket rows; which bucket
-- a session uses depends on its backend pid, so the file shows totals, never single buckets.
SET search_path TO public, commerce;

INSERT INTO commerce.products (product_id, sku) VALUES (201, 'DROP'), (202, 'BULK');
SELECT commerce.restock('DROP', 'berlin', 10), commerce.restock('BULK', 'berlin', 20);
SELECT buckets FROM commerce.set_hot_sku('DROP', 'berlin', 4);
-- The 10 units are spread evenly: 3 + 3 + 2 + 2.
SELECT count(*) AS rows, sum(available) AS available, max(available) - min(available) AS spread
  FROM commerce.stock WHERE product_id = 201;
SELECT hot, buckets, available FROM commerce.stock_levels WHERE sku = 'DROP';

-- Sell one unit at a time: buckets run dry and are refilled, and the last unit still sells.
SELECT count(*) FILTER (WHERE (SELECT state FROM commerce.reserve('drop-' || i, '[{"sku": "DROP", "qty": 1}]')) = 'held') AS sold
  FROM generate_series(1, 10) i;
SELECT * FROM try($$SELECT commerce.reserve('drop-11', '[{"sku": "DROP", "qty": 1}]')$$);
SELECT on_hand, reserved, available FROM commerce.stock_levels WHERE sku = 'DROP';

-- Releasing puts units back into the buckets they came from; a quantity larger than any one
-- bucket holds is gathered from all of them.
SELECT count(commerce.release_reservation(reservation_id)) AS released
  FROM commerce.reservations WHERE idempotency_key LIKE 'drop-%';
SELECT state FROM commerce.reserve('drop-big', '[{"sku": "DROP", "qty": 9}]');
SELECT max(reserved) AS one_bucket_holds FROM commerce.stock WHERE product_id = 201;
SELECT * FROM try($$SELECT commerce.reserve('drop-two', '[{"sku": "DROP", "qty": 2}]')$$);
SELECT state FROM commerce.reserve('drop-one', '[{"sku": "DROP", "qty": 1}]');

-- Fewer buckets: held units stay where they are, available units move to the remaining buckets.
SELECT buckets FROM commerce.set_hot_sku('DROP', 'berlin', 2);
SELECT count(commerce.commit_reservation(reservation_id)) AS committed
  FROM commerce.reservations WHERE idempotency_key IN ('drop-big', 'drop-one');
SELECT on_hand, reserved, available FROM commerce.stock_levels WHERE sku = 'DROP';
SELECT commerce.restock('DROP', 'berlin', 6);
SELECT count(*) FILTER (WHERE (SELECT state FROM commerce.reserve('again-' || i, '[{"sku": "DROP", "qty": 1}]')) = 'held') AS sold
  FROM generate_series(1, 6) i;
SELECT * FROM try($$SELECT commerce.reserve('again-7', '[{"sku": "DROP", "qty": 1}]')$$);
-- No units sit in the buckets past the new count.
SELECT count(*) AS stranded FROM commerce.stock WHERE product_id = 201 AND bucket >= 2 AND available > 0;

-- Safety stock stays in bucket 0 and is never handed out.
SELECT buckets FROM commerce.set_hot_sku('BULK', 'berlin', 8);
SELECT safety_stock FROM commerce.set_stock_policy('BULK', 'berlin', safety_stock => 5);
SELECT state FROM commerce.reserve('bulk-1', '[{"sku": "BULK", "qty": 15}]');
SELECT * FROM try($$SELECT commerce.reserve('bulk-2', '[{"sku": "BULK", "qty": 1}]')$$);
SELECT available, sellable FROM commerce.stock_levels WHERE sku = 'BULK';

-- Expired holds on a hot SKU come back when someone needs them.
SELECT (commerce.release_reservation(reservation_id)).state
  FROM commerce.reservations WHERE idempotency_key = 'bulk-1';
SELECT state FROM commerce.reserve('bulk-cart', '[{"sku": "BULK", "qty": 15}]', ttl => '200 milliseconds');
SELECT pg_sleep(0.3);
SELECT sellable FROM commerce.stock_levels WHERE sku = 'BULK';
SELECT state FROM commerce.reserve('bulk-3', '[{"sku": "BULK", "qty": 15}]');
SELECT * FROM commerce.verify_inventory();
