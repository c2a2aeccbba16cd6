-- A small demo shop: 36 products in six categories, each with an 8-dimensional embedding.
-- Real shops store embeddings from a text or image model (384..1536 dimensions); here each
-- dimension is a readable product trait so the results can be checked by eye:
--   [footwear, bags, audio, furniture, sporty, formal, premium, dark colour]
-- plus a little seeded noise, so that no two products are identical.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_commerce;
SET search_path TO public, commerce;
SELECT setseed(0.42) \g /dev/null

DROP TABLE IF EXISTS shop_products;
CREATE TABLE shop_products (
  product_id bigint PRIMARY KEY,
  title text NOT NULL,
  category text NOT NULL,
  price numeric(10, 2) NOT NULL,
  traits real[] NOT NULL,
  embedding embedding(8)
);

INSERT INTO shop_products (product_id, title, category, price, traits) VALUES
  (1, 'Trail running shoe', 'shoes', 129.00, '{1,0,0,0,1,0,0.5,0.3}'),
  (2, 'Road running shoe', 'shoes', 119.00, '{1,0,0,0,1,0,0.4,0.2}'),
  (3, 'Leather oxford shoe', 'shoes', 189.00, '{1,0,0,0,0,1,0.8,0.9}'),
  (4, 'Canvas sneaker', 'shoes', 59.00, '{1,0,0,0,0.5,0,0.1,0.2}'),
  (5, 'Hiking boot', 'shoes', 159.00, '{1,0,0,0,0.8,0,0.6,0.7}'),
  (6, 'Suede loafer', 'shoes', 149.00, '{1,0,0,0,0,0.8,0.7,0.6}'),
  (7, 'Gym duffel bag', 'bags', 49.00, '{0,1,0,0,1,0,0.2,0.8}'),
  (8, 'Leather briefcase', 'bags', 249.00, '{0,1,0,0,0,1,0.9,0.9}'),
  (9, 'Running hydration vest', 'bags', 89.00, '{0.1,1,0,0,1,0,0.4,0.5}'),
  (10, 'Canvas tote', 'bags', 29.00, '{0,1,0,0,0.2,0.2,0.1,0.1}'),
  (11, 'Travel backpack', 'bags', 129.00, '{0,1,0,0,0.6,0.3,0.5,0.8}'),
  (12, 'Evening clutch', 'bags', 99.00, '{0,1,0,0,0,1,0.7,0.9}'),
  (13, 'Noise-cancelling headphones WH-1000XM4', 'audio', 349.00, '{0,0,1,0,0.2,0.5,0.9,0.9}'),
  (14, 'Sport earbuds', 'audio', 99.00, '{0,0,1,0,1,0,0.4,0.9}'),
  (15, 'Bluetooth speaker', 'audio', 79.00, '{0,0,1,0,0.5,0,0.3,0.6}'),
  (16, 'Studio monitor headphones', 'audio', 199.00, '{0,0,1,0,0,0.4,0.7,0.9}'),
  (17, 'Bone-conduction running headphones', 'audio', 129.00, '{0,0,1,0,1,0,0.5,0.5}'),
  (18, 'Vinyl turntable', 'audio', 299.00, '{0,0,1,0.3,0,0.6,0.8,0.4}'),
  (19, 'Three-seat sofa', 'furniture', 899.00, '{0,0,0,1,0,0.5,0.6,0.5}'),
  (20, 'Leather armchair', 'furniture', 649.00, '{0,0,0,1,0,0.8,0.8,0.9}'),
  (21, 'Oak coffee table', 'furniture', 349.00, '{0,0,0,1,0,0.5,0.6,0.3}'),
  (22, 'Standing desk', 'furniture', 499.00, '{0,0,0,1,0.3,0.5,0.6,0.6}'),
  (23, 'Foam yoga mat', 'sports', 35.00, '{0,0,0,0.2,1,0,0.1,0.4}'),
  (24, 'Adjustable dumbbells', 'sports', 299.00, '{0,0,0,0.2,1,0,0.6,0.9}'),
  (25, 'Carbon road bike', 'sports', 2499.00, '{0,0,0,0,1,0,1,0.8}'),
  (26, 'Tennis racket', 'sports', 179.00, '{0,0,0,0,1,0,0.6,0.3}'),
  (27, 'Running socks (3 pack)', 'sports', 19.00, '{0.6,0,0,0,1,0,0.1,0.5}'),
  (28, 'Fitness tracker watch', 'sports', 199.00, '{0,0,0.3,0,1,0.2,0.6,0.9}'),
  (29, 'Wool overcoat', 'clothing', 399.00, '{0,0,0,0,0,1,0.8,0.9}'),
  (30, 'Running jacket', 'clothing', 149.00, '{0,0,0,0,1,0,0.5,0.6}'),
  (31, 'Silk tie', 'clothing', 79.00, '{0,0,0,0,0,1,0.7,0.8}'),
  (32, 'Merino base layer', 'clothing', 99.00, '{0,0,0,0,0.9,0,0.5,0.7}'),
  (33, 'Linen shirt', 'clothing', 69.00, '{0,0,0,0,0.1,0.7,0.4,0.1}'),
  (34, 'Denim jeans', 'clothing', 89.00, '{0,0,0,0,0.3,0.3,0.3,0.8}'),
  (35, 'Cashmere scarf', 'clothing', 129.00, '{0,0,0,0,0,0.8,0.9,0.5}'),
  (36, 'Compression tights', 'clothing', 59.00, '{0,0,0,0,1,0,0.3,0.9}');

-- traits plus up to ±0.05 of seeded noise, cast from real[] to the embedding type
UPDATE shop_products
SET embedding = ARRAY(SELECT t + (random() - 0.5)::real / 10 FROM unnest(traits) t)::embedding(8);

-- a browsing session: what one shopper looked at, in order
DROP TABLE IF EXISTS shop_session_views;
CREATE TABLE shop_session_views (session_id text, product_id bigint, viewed_at timestamptz);
INSERT INTO shop_session_views VALUES
  ('s-1001', 1, now() - interval '9 minutes'),
  ('s-1001', 14, now() - interval '6 minutes'),
  ('s-1001', 30, now() - interval '2 minutes');

-- The same catalogue in the canonical inventory tables: two warehouses, stock per SKU.
INSERT INTO commerce.warehouses (code, region, priority) VALUES ('berlin', 'eu', 1), ('newark', 'us', 1)
  ON CONFLICT DO NOTHING;
INSERT INTO commerce.products (product_id, sku, title, price)
SELECT product_id, 'SKU-' || product_id, title, price FROM shop_products
  ON CONFLICT DO NOTHING;
SELECT commerce.restock('SKU-' || product_id, 'berlin', 20) FROM shop_products \g /dev/null
SELECT commerce.restock('SKU-13', 'newark', 5) \g /dev/null

-- A shopping history for the recommender: 120 shoppers, each browsing one category (four of its
-- products, in order) and buying the first one they looked at, two days ago.
TRUNCATE commerce.events;
SELECT commerce.ensure_event_partitions((now() - interval '1 month')::date) \g /dev/null
WITH shoppers AS (
  SELECT u, (ARRAY['shoes', 'bags', 'audio', 'furniture', 'sports', 'clothing'])[1 + u % 6] AS category
  FROM generate_series(1, 120) u
), ranked AS (
  SELECT product_id, category, row_number() OVER (PARTITION BY category ORDER BY product_id) AS r,
         count(*) OVER (PARTITION BY category) AS n
  FROM shop_products
), visits AS (
  SELECT s.u, v, p.product_id, now() - interval '2 days' + v * interval '3 minutes' AS at
  FROM shoppers s CROSS JOIN generate_series(0, 3) v
  JOIN ranked p ON p.category = s.category AND p.r = 1 + (s.u / 6 + v) % p.n
)
SELECT count(commerce.track('view', product_id, user_id => u, occurred_at => at)) +
       count(CASE WHEN v = 0 THEN commerce.track('purchase', product_id, user_id => u, price => 10,
                                                   occurred_at => at + interval '1 hour') END)
FROM visits \g /dev/null
