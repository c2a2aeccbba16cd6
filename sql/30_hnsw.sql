-- commerce_hnsw: an HNSW index for ORDER BY embedding <op> value LIMIT k (docs/hnsw.md).
--   CREATE INDEX ON items USING commerce_hnsw (emb commerce.embedding_l2_ops)
--     WITH (m = 16, ef_construction = 64);
-- Support function 1 names the distance the graph is built for.
CREATE FUNCTION commerce.commerce_hnsw_handler(internal) RETURNS index_am_handler
  AS 'MODULE_PATHNAME' LANGUAGE C;

CREATE ACCESS METHOD commerce_hnsw TYPE INDEX HANDLER commerce.commerce_hnsw_handler;
COMMENT ON ACCESS METHOD commerce_hnsw IS 'HNSW approximate nearest-neighbour index for commerce.embedding';

CREATE OPERATOR CLASS commerce.embedding_l2_ops
  FOR TYPE commerce.embedding USING commerce_hnsw AS
  OPERATOR 1 commerce.<-> (commerce.embedding, commerce.embedding) FOR ORDER BY pg_catalog.float_ops,
  FUNCTION 1 commerce.l2_squared_distance(commerce.embedding, commerce.embedding);

CREATE OPERATOR CLASS commerce.embedding_cosine_ops
  FOR TYPE commerce.embedding USING commerce_hnsw AS
  OPERATOR 1 commerce.<=> (commerce.embedding, commerce.embedding) FOR ORDER BY pg_catalog.float_ops,
  FUNCTION 1 commerce.cosine_distance(commerce.embedding, commerce.embedding);

CREATE OPERATOR CLASS commerce.embedding_ip_ops
  FOR TYPE commerce.embedding USING commerce_hnsw AS
  OPERATOR 1 commerce.<#> (commerce.embedding, commerce.embedding) FOR ORDER BY pg_catalog.float_ops,
  FUNCTION 1 commerce.negative_inner_product(commerce.embedding, commerce.embedding);
