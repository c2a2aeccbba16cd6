-- Per-backend caches of table contents (commerce.recommend's catalogue, the BM25 synonyms) are
-- emptied by a statement trigger that invalidates the cached tables' relcache entries
-- (src/pg/cache/invalidate.cpp): the table it fires on, and the commerce tables named in its
-- arguments. Every backend hears of the change when it commits, the changing one at its next
-- statement.
CREATE FUNCTION commerce.invalidate_caches() RETURNS trigger
AS 'MODULE_PATHNAME', 'commerce_invalidate_caches' LANGUAGE C;
