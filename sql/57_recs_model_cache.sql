-- commerce.recommend caches which model version it serves per backend
-- (src/pg/recs/model_cache.cpp). Every statement that changes commerce.models (training,
-- activate_model, retire_model, a hand edit) commits an invalidation (commerce.invalidate_caches,
-- sql/01) that empties that cache in every backend; the changing backend sees its own change from
-- its next command on.
CREATE TRIGGER recommend_cache AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON commerce.models FOR EACH STATEMENT EXECUTE FUNCTION commerce.invalidate_caches();
-- Also when rows arrive by logical replication (session_replication_role = replica).
ALTER TABLE commerce.models ENABLE ALWAYS TRIGGER recommend_cache;
