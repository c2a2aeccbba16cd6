-- Inventory: every bad input is a clear error with its SQLSTATE and a hint, and leaves nothing
-- behind. Uses the products and warehouses of inventory_model.
SET search_path TO public, commerce;

-- Lines.
SELECT * FROM try($$SELECT commerce.reserve('e1', '[{"sku": "NOPE", "qty": 1}]')$$);
SELECT * FROM try($$SELECT commerce.reserve('e1', '[{"sku": "NOPE", "qty": 1}, {"sku": "ZIP", "qty": 1}]')$$);
SELECT * FROM try($$SELECT commerce.reserve('e1', '[{"sku": "OLD", "qty": 1}]')$$);
SELECT * FROM try($$SELECT commerce.reserve('e1', '[{"sku": "MUG", "qty": 0}]')$$);
SELECT * FROM try($$SELECT commerce.reserve('e1', '[{"sku": "MUG", "qty": -3}]')$$);
SELECT * FROM try($$SELECT commerce.reserve('e1', '[{"sku": "MUG", "qty": 1.5}]')$$);
SELECT * FROM try($$SELECT commerce.reserve('e1', '[{"sku": "MUG", "qty": "2"}]')$$);
SELECT * FROM try($$SELECT commerce.reserve('e1', '[{"sku": "MUG", "qty": 10000000}]')$$);
SELECT * FROM try($$SELECT commerce.reserve('e1', '[{"sku": "MUG", "qty": 1e30}]')$$);
SELECT * FROM try($$SELECT commerce.reserve('e1', '[{"sku": "MUG"}]')$$);
SELECT * FROM try($$SELECT commerce.reserve('e1', '[{"sku": "", "qty": 1}]')$$);
SELECT * FROM try($$SELECT commerce.reserve('e1', '[{"sku": 7, "qty": 1}]')$$);
SELECT * FROM try($$SELECT commerce.reserve('e1', '[{"sku": "MUG", "qty": 1, "colour": "red"}]')$$);
SELECT * FROM try($$SELECT commerce.reserve('e1', '[{"sku": "MUG", "qty": 1}, {"sku": "MUG", "qty": 2}]')$$);
SELECT * FROM try($$SELECT commerce.reserve('e1', '[1, 2]')$$);
SELECT * FROM try($$SELECT commerce.reserve('e1', '[]')$$);
SELECT * FROM try($$SELECT commerce.reserve('e1', '{"sku": "MUG", "qty": 1}')$$);
SELECT * FROM try($$SELECT commerce.reserve('e1', NULL)$$);
SELECT * FROM try($$SELECT commerce.reserve('e1', (SELECT jsonb_agg(jsonb_build_object('sku', 'S' || i, 'qty', 1)) FROM generate_series(1, 1001) i))$$);

-- Key, TTL, policy.
SELECT * FROM try($$SELECT commerce.reserve('', '[{"sku": "MUG", "qty": 1}]')$$);
SELECT * FROM try($$SELECT commerce.reserve(NULL, '[{"sku": "MUG", "qty": 1}]')$$);
SELECT * FROM try($$SELECT commerce.reserve(repeat('k', 201), '[{"sku": "MUG", "qty": 1}]')$$);
SELECT * FROM try($$SELECT commerce.reserve('e1', '[{"sku": "MUG", "qty": 1}]', ttl => '-5 minutes')$$);
SELECT * FROM try($$SELECT commerce.reserve('e1', '[{"sku": "MUG", "qty": 1}]', ttl => '0')$$);
SELECT * FROM try($$SELECT commerce.reserve('e1', '[{"sku": "MUG", "qty": 1}]', ttl => '31 days')$$);
SELECT * FROM try($$SELECT commerce.reserve('e1', '[{"sku": "MUG", "qty": 1}]', policy => '{"fast": true}')$$);
SELECT * FROM try($$SELECT commerce.reserve('e1', '[{"sku": "MUG", "qty": 1}]', policy => '{"split": "yes"}')$$);
SELECT * FROM try($$SELECT commerce.reserve('e1', '[{"sku": "MUG", "qty": 1}]', policy => '{"warehouses": ["mars"]}')$$);
SELECT * FROM try($$SELECT commerce.reserve('e1', '[{"sku": "MUG", "qty": 1}]', policy => '{"warehouses": []}')$$);
SELECT * FROM try($$SELECT commerce.reserve('e1', '[{"sku": "MUG", "qty": 1}]', policy => '{"region": 5}')$$);
SELECT * FROM try($$SELECT commerce.reserve('e1', '[{"sku": "MUG", "qty": 1}]', policy => '[]')$$);
-- Stock that is not there.
SELECT * FROM try($$SELECT commerce.reserve('e1', '[{"sku": "MUG", "qty": 500}]')$$);
SELECT * FROM try($$SELECT commerce.reserve('e1', '[{"sku": "MUG", "qty": 500}]', policy => '{"split": true}')$$);
SELECT count(*) AS e1_rows FROM commerce.reservations WHERE idempotency_key = 'e1';

-- Lifecycle calls on what does not exist.
SELECT * FROM try($$SELECT commerce.commit_reservation(-1)$$);
SELECT * FROM try($$SELECT commerce.release_reservation(NULL)$$);
SELECT * FROM try($$SELECT commerce.extend_reservation(-1, '1 hour')$$);
SELECT * FROM try($$SELECT commerce.extend_reservation(-1, '-1 hour')$$);
SELECT * FROM try($$SELECT commerce.expire_reservations(0)$$);

-- Administration.
SELECT * FROM try($$SELECT commerce.restock('MUG', 'berlin', 0)$$);
SELECT * FROM try($$SELECT commerce.restock('MUG', 'berlin', -4)$$);
SELECT * FROM try($$SELECT commerce.restock('MUG', 'berlin', 5000000000)$$);
SELECT * FROM try($$SELECT commerce.restock('MUG', 'mars', 1)$$);
SELECT * FROM try($$SELECT commerce.restock('NOPE', 'berlin', 1)$$);
SELECT * FROM try($$SELECT commerce.restock('MUG', 'berlin', 1, '')$$);
SELECT * FROM try($$SELECT commerce.adjust_stock('MUG', 'berlin', 0, 'nothing')$$);
SELECT * FROM try($$SELECT commerce.adjust_stock('MUG', 'berlin', -1, NULL)$$);
SELECT * FROM try($$SELECT commerce.set_stock_policy('MUG', 'berlin', safety_stock => -1)$$);
SELECT * FROM try($$SELECT commerce.set_hot_sku('MUG', 'berlin', 0)$$);
SELECT * FROM try($$SELECT commerce.set_hot_sku('MUG', 'berlin', 300)$$);
SELECT * FROM commerce.verify_inventory();
