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
