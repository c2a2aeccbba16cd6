-- The text analyzer: which terms a document is indexed under and a query searches for.
CREATE FUNCTION commerce.tokenize(document text, analyzer text DEFAULT 'english',
                                  OUT term text, OUT "position" integer, OUT joined boolean)
  RETURNS SETOF record
  AS 'MODULE_PATHNAME', 'commerce_tokenize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION commerce.tokenize(text, text) IS
  'the terms an analyzer produces for a text, with word positions; joined = model number joined from its parts';

CREATE FUNCTION commerce.analyzers(OUT name text, OUT stop_words text, OUT stemmer text,
                                   OUT folds_accents boolean)
  RETURNS SETOF record
  AS 'MODULE_PATHNAME', 'commerce_analyzers' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION commerce.analyzers() IS 'the named analyzers and what each one does';

CREATE FUNCTION commerce.is_single_word(word text) RETURNS boolean
  AS 'MODULE_PATHNAME', 'commerce_is_single_word' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
