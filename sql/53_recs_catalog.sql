-- What stage 2 needs to know about products beyond events: their category and brand (rules,
-- category filters, diversification, affinities), live availability (out-of-stock demotion) and
-- the merchandiser's rules. These are join points: each is small and documented so that the
-- catalogue and inventory tables can feed them (docs/recommendations.md, "Join points").

-- Category is a path written with '/' (e.g. 'beauty/skin/serum'); a filter on 'beauty/skin'
-- matches it and everything below it.
CREATE TABLE commerce.product_facets (
  product_id bigint PRIMARY KEY,
  category text,
  brand text
);

-- Availability for stages that do not own inventory. A product with rows in commerce.stock (the
-- inventory feature) gets its live sellable quantity summed over warehouses, from
-- commerce.stock_levels, which already counts holds past their expiry as available; a product
-- without stock rows reads commerce.availability_feed, a table a shop that keeps stock in its
-- own system can fill. A product absent from both is treated as available: demotion needs
-- evidence.
CREATE TABLE commerce.availability_feed (
  product_id bigint PRIMARY KEY,
  available bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE VIEW commerce.product_availability AS
SELECT product_id, sum(available)::bigint AS available
  FROM (SELECT l.product_id, l.sellable AS available FROM commerce.stock_levels l
        UNION ALL
        SELECT f.product_id, f.available FROM commerce.availability_feed f
         WHERE NOT EXISTS (SELECT 1 FROM commerce.stock s WHERE s.product_id = f.product_id)) a
 GROUP BY product_id;

-- Merchandising rules applied by commerce.recommend after scoring:
--   boost  multiply the score of matching items by factor (> 1)
--   bury   multiply by factor (< 1; 0 sends them to the bottom)
--   filter drop matching items
--   pin    show product_id at 1-based position, whatever its score
-- A rule matches by product_id or by category (path prefix); inactive or out-of-window rules
-- are ignored.
CREATE TABLE commerce.recommendation_rules (
  rule_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  action text NOT NULL CHECK (action IN ('boost', 'bury', 'filter', 'pin')),
  product_id bigint,
  category text,
  factor real,
  position integer,
  starts_at timestamptz,
  ends_at timestamptz,
  active boolean NOT NULL DEFAULT true,
  CONSTRAINT rules_target CHECK (product_id IS NOT NULL OR category IS NOT NULL),
  CONSTRAINT rules_factor CHECK (
    (action = 'boost' AND factor > 1) OR (action = 'bury' AND factor >= 0 AND factor < 1) OR
    (action IN ('filter', 'pin') AND factor IS NULL)),
  CONSTRAINT rules_pin CHECK ((action = 'pin') = (position IS NOT NULL) AND
                              (action <> 'pin' OR (product_id IS NOT NULL AND position >= 1)))
);

-- True when `category` is `prefix` or lies below it in the path.
CREATE FUNCTION commerce.category_matches(category text, prefix text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT category = prefix OR starts_with(category, prefix || '/')
$$;
