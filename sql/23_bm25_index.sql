-- commerce_bm25: a BM25 index for ORDER BY col <&> query LIMIT k and WHERE col @@& query
-- (docs/search.md).
--   CREATE INDEX ON products USING commerce_bm25 (name, description)
--     WITH (analyzer = 'english', k1 = 1.2, b = 0.75, weights = '3,1', typos = on);
-- Scores are BM25 over all the index's columns with their weights, whichever column the
-- operator names. The operators only run inside an index scan (their functions raise 55000).

-- The query type: text whose syntax (+word, -word, "phrase") is checked on input.
CREATE TYPE commerce.bm25query;
CREATE FUNCTION commerce.bm25query_in(cstring) RETURNS commerce.bm25query
  AS 'MODULE_PATHNAME', 'commerce_bm25query_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.bm25query_out(commerce.bm25query) RETURNS cstring
  AS 'MODULE_PATHNAME', 'commerce_bm25query_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.bm25query_recv(internal) RETURNS commerce.bm25query
  AS 'MODULE_PATHNAME', 'commerce_bm25query_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.bm25query_send(commerce.bm25query) RETURNS bytea
  AS 'MODULE_PATHNAME', 'commerce_bm25query_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE commerce.bm25query (
  INPUT = commerce.bm25query_in, OUTPUT = commerce.bm25query_out,
  RECEIVE = commerce.bm25query_recv, SEND = commerce.bm25query_send,
  INTERNALLENGTH = VARIABLE, STORAGE = extended, CATEGORY = 'S');
COMMENT ON TYPE commerce.bm25query IS 'a search query for the commerce_bm25 operators <&> and @@&';

CREATE FUNCTION commerce.bm25query(text) RETURNS commerce.bm25query
  AS 'MODULE_PATHNAME', 'commerce_bm25query_from_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (text AS commerce.bm25query) WITH FUNCTION commerce.bm25query(text) AS IMPLICIT;

-- Costly on purpose: they cannot run outside the index, so the planner must prefer it.
CREATE FUNCTION commerce.bm25_order(text, commerce.bm25query) RETURNS float8
  AS 'MODULE_PATHNAME', 'commerce_bm25_order' LANGUAGE C STABLE STRICT PARALLEL SAFE COST 10000;
CREATE FUNCTION commerce.bm25_match(text, commerce.bm25query) RETURNS boolean
  AS 'MODULE_PATHNAME', 'commerce_bm25_match' LANGUAGE C STABLE STRICT PARALLEL SAFE COST 10000;
CREATE OPERATOR commerce.<&> (LEFTARG = text, RIGHTARG = commerce.bm25query,
                              FUNCTION = commerce.bm25_order);
COMMENT ON OPERATOR commerce.<&> (text, commerce.bm25query) IS
  'minus the BM25 score (ascending = best first); only inside a commerce_bm25 index scan';
CREATE OPERATOR commerce.@@& (LEFTARG = text, RIGHTARG = commerce.bm25query,
                              FUNCTION = commerce.bm25_match,
                              RESTRICT = contsel, JOIN = contjoinsel);
COMMENT ON OPERATOR commerce.@@& (text, commerce.bm25query) IS
  'the row matches the search query; only inside a commerce_bm25 index scan';

CREATE FUNCTION commerce.commerce_bm25_handler(internal) RETURNS index_am_handler
  AS 'MODULE_PATHNAME' LANGUAGE C;
CREATE ACCESS METHOD commerce_bm25 TYPE INDEX HANDLER commerce.commerce_bm25_handler;
COMMENT ON ACCESS METHOD commerce_bm25 IS 'BM25 full-text index with block-max WAND top-k';

CREATE OPERATOR CLASS commerce.bm25_text_ops
  DEFAULT FOR TYPE text USING commerce_bm25 AS
  OPERATOR 1 commerce.@@& (text, commerce.bm25query),
  OPERATOR 2 commerce.<&> (text, commerce.bm25query) FOR ORDER BY pg_catalog.float_ops;

CREATE FUNCTION commerce.bm25_index_stats(index regclass, OUT documents bigint,
                                          OUT average_length float8, OUT terms bigint,
                                          OUT segments integer, OUT pending_documents bigint,
                                          OUT pages bigint, OUT analyzer text)
  RETURNS record AS 'MODULE_PATHNAME', 'commerce_bm25_index_stats' LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION commerce.bm25_index_stats(regclass) IS
  'corpus statistics (live indexed rows) and storage of a commerce_bm25 index';
CREATE FUNCTION commerce.bm25_term_df(index regclass, term text) RETURNS bigint
  AS 'MODULE_PATHNAME', 'commerce_bm25_term_df' LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION commerce.bm25_term_df(regclass, text) IS
  'how many indexed rows contain the analysed term';
CREATE FUNCTION commerce.bm25_search(index regclass, query text, k integer DEFAULT 10)
  RETURNS TABLE (ctid tid, score float8)
  AS 'MODULE_PATHNAME', 'commerce_bm25_search' LANGUAGE C STABLE STRICT ROWS 10;
COMMENT ON FUNCTION commerce.bm25_search(regclass, text, integer) IS
  'the index''s k best rows for the query with their BM25 scores (join on ctid)';
