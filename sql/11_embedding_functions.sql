-- Distances, norms and element-wise arithmetic, and the operators that name them.
CREATE FUNCTION commerce.l2_distance(commerce.embedding, commerce.embedding) RETURNS float8
  AS 'MODULE_PATHNAME', 'embedding_l2_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.l2_squared_distance(commerce.embedding, commerce.embedding) RETURNS float8
  AS 'MODULE_PATHNAME', 'embedding_l2_squared_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.cosine_distance(commerce.embedding, commerce.embedding) RETURNS float8
  AS 'MODULE_PATHNAME', 'embedding_cosine_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.inner_product(commerce.embedding, commerce.embedding) RETURNS float8
  AS 'MODULE_PATHNAME', 'embedding_inner_product' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.negative_inner_product(commerce.embedding, commerce.embedding) RETURNS float8
  AS 'MODULE_PATHNAME', 'embedding_negative_inner_product' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.l1_distance(commerce.embedding, commerce.embedding) RETURNS float8
  AS 'MODULE_PATHNAME', 'embedding_l1_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.vector_dims(commerce.embedding) RETURNS integer
  AS 'MODULE_PATHNAME', 'embedding_dims' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.vector_norm(commerce.embedding) RETURNS float8
  AS 'MODULE_PATHNAME', 'embedding_norm' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.l2_normalize(commerce.embedding) RETURNS commerce.embedding
  AS 'MODULE_PATHNAME', 'embedding_l2_normalize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.embedding_add(commerce.embedding, commerce.embedding) RETURNS commerce.embedding
  AS 'MODULE_PATHNAME', 'embedding_add' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.embedding_subtract(commerce.embedding, commerce.embedding) RETURNS commerce.embedding
  AS 'MODULE_PATHNAME', 'embedding_subtract' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.embedding_multiply(commerce.embedding, commerce.embedding) RETURNS commerce.embedding
  AS 'MODULE_PATHNAME', 'embedding_multiply' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR commerce.<-> (
  LEFTARG = commerce.embedding, RIGHTARG = commerce.embedding,
  FUNCTION = commerce.l2_distance, COMMUTATOR = OPERATOR(commerce.<->));
CREATE OPERATOR commerce.<=> (
  LEFTARG = commerce.embedding, RIGHTARG = commerce.embedding,
  FUNCTION = commerce.cosine_distance, COMMUTATOR = OPERATOR(commerce.<=>));
CREATE OPERATOR commerce.<#> (
  LEFTARG = commerce.embedding, RIGHTARG = commerce.embedding,
  FUNCTION = commerce.negative_inner_product, COMMUTATOR = OPERATOR(commerce.<#>));
CREATE OPERATOR commerce.<+> (
  LEFTARG = commerce.embedding, RIGHTARG = commerce.embedding,
  FUNCTION = commerce.l1_distance, COMMUTATOR = OPERATOR(commerce.<+>));
CREATE OPERATOR commerce.+ (
  LEFTARG = commerce.embedding, RIGHTARG = commerce.embedding,
  FUNCTION = commerce.embedding_add, COMMUTATOR = OPERATOR(commerce.+));
CREATE OPERATOR commerce.- (
  LEFTARG = commerce.embedding, RIGHTARG = commerce.embedding,
  FUNCTION = commerce.embedding_subtract);
CREATE OPERATOR commerce.* (
  LEFTARG = commerce.embedding, RIGHTARG = commerce.embedding,
  FUNCTION = commerce.embedding_multiply, COMMUTATOR = OPERATOR(commerce.*));
