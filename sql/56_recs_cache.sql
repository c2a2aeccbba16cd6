-- commerce.recommend caches product categories and the merchandising rules per backend
-- (src/pg/recs/catalog_cache.cpp). Every statement that changes either table commits an
-- invalidation that empties those caches in every backend; the changing backend sees its own
-- change from its next command on. Live availability is never cached.
CREATE FUNCTION commerce.recs_catalog_changed() RETURNS trigger
AS 'MODULE_PATHNAME', 'commerce_recs_catalog_changed' LANGUAGE C;
CREATE TRIGGER recommend_cache AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON commerce.product_facets FOR EACH STATEMENT EXECUTE FUNCTION commerce.recs_catalog_changed();
CREATE TRIGGER recommend_cache AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON commerce.recommendation_rules FOR EACH STATEMENT
  EXECUTE FUNCTION commerce.recs_catalog_changed();
-- Also when rows arrive by logical replication (session_replication_role = replica).
ALTER TABLE commerce.product_facets ENABLE ALWAYS TRIGGER recommend_cache;
ALTER TABLE commerce.recommendation_rules ENABLE ALWAYS TRIGGER recommend_cache;
