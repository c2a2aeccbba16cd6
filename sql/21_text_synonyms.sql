-- Query-time synonyms, shared by every analyzer: each rule is analysed with the analyzer of the
-- search that uses it. two_way rules work in both directions (sofa <-> couch); one-way rules only
-- from term to synonym (tv -> television). The side that is looked up must be a single word.
CREATE TABLE commerce.synonyms (
  term text NOT NULL,
  synonym text NOT NULL,
  two_way boolean NOT NULL DEFAULT true,
  PRIMARY KEY (term, synonym),
  CONSTRAINT synonyms_term_single_word CHECK (commerce.is_single_word(term)),
  CONSTRAINT synonyms_two_way_single_word CHECK (NOT two_way OR commerce.is_single_word(synonym)),
  CONSTRAINT synonyms_differ CHECK (lower(term) <> lower(synonym))
);
COMMENT ON TABLE commerce.synonyms IS 'query-time synonyms for BM25 search (sofa <-> couch, tv -> television)';
-- The rules are the user's data: keep them in pg_dump output.
SELECT pg_catalog.pg_extension_config_dump('commerce.synonyms', '');
-- Every search keeps the rules per backend (src/pg/text/text_args.cpp); each statement that
-- changes them empties that cache in every backend when it commits (in the changing session from
-- its next statement on), also for rows applied by logical replication.
CREATE TRIGGER synonyms_cache AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON commerce.synonyms FOR EACH STATEMENT EXECUTE FUNCTION commerce.invalidate_caches();
ALTER TABLE commerce.synonyms ENABLE ALWAYS TRIGGER synonyms_cache;
