-- BM25 scoring without an index, and result snippets.
--
-- bm25_score is a window function: the window partition is the corpus whose statistics (document
-- count, average length, document frequencies) BM25 needs, e.g.
--   SELECT id, commerce.bm25_score(title, 'wireless headphones') OVER () AS score
--   FROM products ORDER BY score DESC LIMIT 10;
-- Both are STABLE, not IMMUTABLE: they read commerce.synonyms.
CREATE FUNCTION commerce.bm25_score(document text, query text) RETURNS float8
  AS 'MODULE_PATHNAME', 'commerce_bm25_score' LANGUAGE C STABLE WINDOW PARALLEL SAFE;
CREATE FUNCTION commerce.bm25_score(document text, query text, analyzer text) RETURNS float8
  AS 'MODULE_PATHNAME', 'commerce_bm25_score' LANGUAGE C STABLE WINDOW PARALLEL SAFE;
CREATE FUNCTION commerce.bm25_score(document text, query text, analyzer text, k1 float8, b float8,
                                    typos boolean) RETURNS float8
  AS 'MODULE_PATHNAME', 'commerce_bm25_score' LANGUAGE C STABLE WINDOW PARALLEL SAFE;
-- Several fields with weights (title 2.0, description 1.0): a term's frequency and the document's
-- length are the weighted sums over fields (a simplified BM25F).
CREATE FUNCTION commerce.bm25_score(documents text[], weights float8[], query text) RETURNS float8
  AS 'MODULE_PATHNAME', 'commerce_bm25_score' LANGUAGE C STABLE WINDOW PARALLEL SAFE;
CREATE FUNCTION commerce.bm25_score(documents text[], weights float8[], query text, analyzer text,
                                    k1 float8, b float8, typos boolean) RETURNS float8
  AS 'MODULE_PATHNAME', 'commerce_bm25_score' LANGUAGE C STABLE WINDOW PARALLEL SAFE;
COMMENT ON FUNCTION commerce.bm25_score(text, text) IS
  'BM25 score of the row''s document for the query, with the window partition as the corpus';

CREATE FUNCTION commerce.highlight(document text, query text, analyzer text DEFAULT 'english',
                                   start_tag text DEFAULT '<b>', stop_tag text DEFAULT '</b>',
                                   max_words integer DEFAULT 30) RETURNS text
  AS 'MODULE_PATHNAME', 'commerce_highlight' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION commerce.highlight(text, text, text, text, text, integer) IS
  'a snippet of the document with the words the query matches wrapped in tags';
