-- The join point between inventory and recommendations: commerce.product_availability (what
-- recommend() demotes on) reads live, expiry-aware stock for products that have stock rows, and
-- commerce.availability_feed only for products that do not.
SET search_path TO public, commerce;

INSERT INTO commerce.warehouses (code, region, priority) VALUES ('avail-wh', 'eu', 9);
INSERT INTO commerce.products (product_id, sku, title) VALUES
  (9001, 'AV-STOCKED', 'stocked item'), (9002, 'AV-FEED', 'feed item');
SELECT commerce.restock('AV-STOCKED', 'avail-wh', 3) AS available_after_receipt;
-- the feed says 0 for both; only the product without stock rows takes the feed's word
INSERT INTO commerce.availability_feed (product_id, available) VALUES (9001, 0), (9002, 0);
SELECT product_id, available FROM commerce.product_availability WHERE product_id IN (9001, 9002) ORDER BY 1;

-- a hold lowers availability at once ...
SELECT state FROM commerce.reserve('avail-hold', '[{"sku": "AV-STOCKED", "qty": 3}]', '1 second');
SELECT available FROM commerce.product_availability WHERE product_id = 9001;
-- ... and a hold past its expiry stops counting before any sweeper runs
SELECT pg_sleep(1.2);
SELECT available FROM commerce.product_availability WHERE product_id = 9001;
