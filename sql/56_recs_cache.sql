-- commerce.recommend caches product categories and the merchandising rules per backend
-- (src/pg/recs/catalog_cache.cpp). Every statement that changes either table commits an
-- invalidation of both (commerce.invalidate_caches, sql/01) that empties those caches in every
-- backend; the changing backend sees its own change from its next command on. Live availability
-- is never cached.
CREATE TRIGGER recommend_cache AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON commerce.product_facets FOR EACH STATEMENT
  EXECUTE FUNCTION commerce.invalidate_caches('recommendation_rules');
CREATE TRIGGER recommend_cache AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON commerce.recommendation_rules FOR EACH STATEMENT
  EXECUTE FUNCTION commerce.invalidate_caches('product_facets');
-- Also when rows arrive by logical replication (session_replication_role = replica).
ALTER TABLE commerce.product_facets ENABLE ALWAYS TRIGGER recommend_cache;
ALTER TABLE commerce.recommendation_rules ENABLE ALWAYS TRIGGER recommend_cache;
