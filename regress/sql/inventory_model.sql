-- Inventory: the model end to end on a small shop with three warehouses. Reservation ids and
-- timestamps vary between runs, so the file shows states, counts and stock, never raw ids.
SET search_path TO public, commerce;

INSERT INTO commerce.warehouses (code, region, priority) VALUES
  ('berlin', 'eu', 1), ('paris', 'eu', 2), ('newark', 'us', 1);
INSERT INTO commerce.products (product_id, sku, title) VALUES
  (101, 'MUG', 'mug'), (102, 'TEE', 't-shirt'), (103, 'CAP', 'cap'), (104, 'OLD', 'retired');
UPDATE commerce.products SET active = false WHERE sku = 'OLD';

-- Receipts create the stock rows and the ledger's first movements.
SELECT commerce.restock('MUG', 'berlin', 5), commerce.restock('MUG', 'paris', 10),
       commerce.restock('TEE', 'paris', 4), commerce.restock('CAP', 'newark', 3, 'first delivery');
SELECT sku, warehouse, on_hand, reserved, available, sellable FROM commerce.stock_levels
 ORDER BY sku, warehouse;

-- A reservation, its retry and a different request under the same key.
SELECT state, replayed FROM commerce.reserve('order-1', '[{"sku": "MUG", "qty": 2}]') \gset first_
SELECT reservation_id AS first_id FROM commerce.reservations WHERE idempotency_key = 'order-1' \gset
SELECT :'first_state' AS state, :'first_replayed' AS replayed;
SELECT reservation_id = :first_id AS same_reservation, state, replayed
  FROM commerce.reserve('order-1', '[{"sku": "MUG", "qty": 2}]');
SELECT * FROM try($$SELECT commerce.reserve('order-1', '[{"sku": "MUG", "qty": 3}]')$$);
SELECT count(*) AS reservations_for_key FROM commerce.reservations WHERE idempotency_key = 'order-1';
-- Line order does not make a different request.
SELECT replayed FROM commerce.reserve('order-2', '[{"sku": "MUG", "qty": 1}, {"sku": "TEE", "qty": 1}]');
SELECT replayed FROM commerce.reserve('order-2', '[{"sku": "TEE", "qty": 1}, {"sku": "MUG", "qty": 1}]');

-- Warehouse choice: berlin (priority 1) filled order-1; order-2 needs TEE, so paris serves both.
SELECT idempotency_key, lines FROM commerce.reservation_status ORDER BY idempotency_key;

-- All or nothing: CAP is only in newark, so no single warehouse can serve MUG + CAP ...
SELECT * FROM try($$SELECT commerce.reserve('order-3', '[{"sku": "MUG", "qty": 1}, {"sku": "CAP", "qty": 1}]')$$);
-- ... and one short line fails the whole order, leaving stock and the key untouched.
SELECT * FROM try($$SELECT commerce.reserve('order-3', '[{"sku": "MUG", "qty": 1}, {"sku": "TEE", "qty": 9}]')$$);
SELECT count(*) AS order_3_rows FROM commerce.reservations WHERE idempotency_key = 'order-3';
-- Split shipments when allowed.
SELECT state FROM commerce.reserve('order-3', '[{"sku": "MUG", "qty": 1}, {"sku": "CAP", "qty": 1}]',
                                   policy => '{"split": true}');
SELECT lines FROM commerce.reservation_status WHERE idempotency_key = 'order-3';
-- One line split over warehouses: 10 MUG = the 2 left in berlin + 8 from paris.
SELECT sku, warehouse, available FROM commerce.stock_levels WHERE sku = 'MUG' ORDER BY warehouse;
SELECT state FROM commerce.reserve('order-4', '[{"sku": "MUG", "qty": 10}]', policy => '{"split": true}');
SELECT lines FROM commerce.reservation_status WHERE idempotency_key = 'order-4';
SELECT (commerce.release_reservation(reservation_id)).state FROM commerce.reservations
 WHERE idempotency_key = 'order-4';
-- A priority list and a region preference.
SELECT state FROM commerce.reserve('order-5', '[{"sku": "MUG", "qty": 1}]', policy => '{"warehouses": ["paris", "berlin"]}');
SELECT lines FROM commerce.reservation_status WHERE idempotency_key = 'order-5';
INSERT INTO commerce.warehouses (code, region, priority) VALUES ('lyon', 'fr', 50);
SELECT commerce.restock('MUG', 'lyon', 2);
SELECT state FROM commerce.reserve('order-6', '[{"sku": "MUG", "qty": 1}]', policy => '{"region": "fr"}');
SELECT lines FROM commerce.reservation_status WHERE idempotency_key = 'order-6';

-- Commit, release and their retries.
SELECT state FROM commerce.commit_reservation(:first_id);
SELECT state FROM commerce.commit_reservation(:first_id);
SELECT * FROM try(format('SELECT commerce.release_reservation(%s)', :first_id));
SELECT reservation_id AS second_id FROM commerce.reservations WHERE idempotency_key = 'order-2' \gset
SELECT state FROM commerce.release_reservation(:second_id);
SELECT state FROM commerce.release_reservation(:second_id);
SELECT * FROM try(format('SELECT commerce.commit_reservation(%s)', :second_id));
SELECT * FROM try(format('SELECT commerce.extend_reservation(%s, ''1 hour'')', :second_id));
SELECT sku, warehouse, on_hand, reserved, available FROM commerce.stock_levels ORDER BY sku, warehouse;

-- Extending moves the expiry forward, never back.
SELECT reservation_id AS third_id, expires_at AS third_expiry FROM commerce.reservations
 WHERE idempotency_key = 'order-3' \gset
SELECT state, expires_at > :'third_expiry'::timestamptz AS later
  FROM commerce.extend_reservation(:third_id, '2 hours');
SELECT state, expires_at > now() + interval '1 hour' AS kept
  FROM commerce.extend_reservation(:third_id, '1 minute');

-- Safety stock: TEE has 4 in paris; keep 3 back.
SELECT safety_stock FROM commerce.set_stock_policy('TEE', 'paris', safety_stock => 3);
SELECT * FROM try($$SELECT commerce.reserve('order-7', '[{"sku": "TEE", "qty": 2}]')$$);
SELECT state FROM commerce.reserve('order-7', '[{"sku": "TEE", "qty": 1}]');

-- Expiry: a hold past its expiry stops counting at once, before any sweeper runs.
SELECT commerce.restock('CAP', 'berlin', 1);
SELECT state FROM commerce.reserve('cart-1', '[{"sku": "CAP", "qty": 1}]', ttl => '300 milliseconds');
SELECT available, reserved FROM commerce.stock_levels WHERE sku = 'CAP' AND warehouse = 'berlin';
SELECT pg_sleep(0.4);
SELECT available, reserved FROM commerce.stock_levels WHERE sku = 'CAP' AND warehouse = 'berlin';
SELECT state FROM commerce.reservation_status WHERE idempotency_key = 'cart-1';
-- Its retry reports it expired; committing it is an error; a new buyer gets the unit.
SELECT state, replayed FROM commerce.reserve('cart-1', '[{"sku": "CAP", "qty": 1}]', ttl => '300 milliseconds');
SELECT * FROM try($$SELECT commerce.commit_reservation(reservation_id) FROM commerce.reservations WHERE idempotency_key = 'cart-1'$$);
SELECT state FROM commerce.reserve('cart-2', '[{"sku": "CAP", "qty": 1}]', policy => '{"warehouses": ["berlin"]}');
SELECT kind, reserved_delta FROM commerce.stock_movements m JOIN commerce.reservations r USING (reservation_id)
 WHERE r.idempotency_key = 'cart-1' ORDER BY movement_id;
-- The sweeper writes down what already happened, and finds nothing more the second time.
SELECT commerce.expire_reservations();
SELECT commerce.expire_reservations();
SELECT r.state AS stored_state FROM commerce.reservations r WHERE idempotency_key = 'cart-1';

-- Restock and adjustments with reasons; the low-stock signal fires once per crossing.
SELECT low_stock_threshold FROM commerce.set_stock_policy('MUG', 'berlin', low_stock_threshold => 3);
SELECT available FROM commerce.stock_levels WHERE sku = 'MUG' AND warehouse = 'berlin';
SELECT state FROM commerce.reserve('order-9', '[{"sku": "MUG", "qty": 1}]', policy => '{"warehouses": ["berlin"]}');
SELECT p.sku, w.code, e.available, e.threshold FROM commerce.low_stock_events e
  JOIN commerce.products p USING (product_id) JOIN commerce.warehouses w USING (warehouse_id);
SELECT commerce.restock('MUG', 'berlin', 10, 'replenishment');
SELECT commerce.adjust_stock('MUG', 'berlin', -9, 'water damage');
SELECT count(*) AS low_stock_events FROM commerce.low_stock_events;
SELECT state FROM commerce.reserve('order-10', '[{"sku": "MUG", "qty": 1}]', policy => '{"warehouses": ["berlin"]}');
SELECT count(*) AS low_stock_events FROM commerce.low_stock_events;
SELECT * FROM try($$SELECT commerce.adjust_stock('MUG', 'berlin', -5, 'cycle count')$$);
SELECT commerce.adjust_stock('MUG', 'berlin', 2, 'found in returns');
SELECT kind, on_hand_delta, reason FROM commerce.stock_movements
 WHERE product_id = 101 AND warehouse_id = 1 AND kind IN ('receipt', 'adjustment') ORDER BY movement_id;

-- The database itself refuses negative stock, and the ledger refuses edits.
SELECT * FROM try($$UPDATE commerce.stock SET reserved = on_hand + 1 WHERE product_id = 101$$);
SELECT * FROM try($$UPDATE commerce.stock SET on_hand = -1 WHERE product_id = 103$$);
SELECT * FROM try($$DELETE FROM commerce.stock_movements$$);
SELECT * FROM try($$UPDATE commerce.stock_movements SET on_hand_delta = 0$$);

-- Stock equals the ledger; the ledger rebuilds the stock.
SELECT * FROM commerce.verify_inventory();
SELECT l.sku, l.warehouse, g.on_hand = l.on_hand AS on_hand_matches
  FROM commerce.stock_levels l JOIN commerce.stock_from_ledger g USING (product_id, warehouse_id)
 ORDER BY 1, 2;
