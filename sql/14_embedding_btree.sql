-- A total order (element by element) so embeddings work with DISTINCT, GROUP BY, UNION and
-- btree indexes. It is not a similarity: use <->, <=>, <#> or <+> for that.
CREATE FUNCTION commerce.embedding_cmp(commerce.embedding, commerce.embedding) RETURNS integer
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.embedding_lt(commerce.embedding, commerce.embedding) RETURNS boolean
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.embedding_le(commerce.embedding, commerce.embedding) RETURNS boolean
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.embedding_eq(commerce.embedding, commerce.embedding) RETURNS boolean
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.embedding_ne(commerce.embedding, commerce.embedding) RETURNS boolean
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.embedding_ge(commerce.embedding, commerce.embedding) RETURNS boolean
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.embedding_gt(commerce.embedding, commerce.embedding) RETURNS boolean
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR commerce.< (
  LEFTARG = commerce.embedding, RIGHTARG = commerce.embedding, PROCEDURE = commerce.embedding_lt,
  COMMUTATOR = OPERATOR(commerce.>), NEGATOR = OPERATOR(commerce.>=),
  RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR commerce.<= (
  LEFTARG = commerce.embedding, RIGHTARG = commerce.embedding, PROCEDURE = commerce.embedding_le,
  COMMUTATOR = OPERATOR(commerce.>=), NEGATOR = OPERATOR(commerce.>),
  RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR commerce.= (
  LEFTARG = commerce.embedding, RIGHTARG = commerce.embedding, PROCEDURE = commerce.embedding_eq,
  COMMUTATOR = OPERATOR(commerce.=), NEGATOR = OPERATOR(commerce.<>),
  RESTRICT = eqsel, JOIN = eqjoinsel);
CREATE OPERATOR commerce.<> (
  LEFTARG = commerce.embedding, RIGHTARG = commerce.embedding, PROCEDURE = commerce.embedding_ne,
  COMMUTATOR = OPERATOR(commerce.<>), NEGATOR = OPERATOR(commerce.=),
  RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR commerce.>= (
  LEFTARG = commerce.embedding, RIGHTARG = commerce.embedding, PROCEDURE = commerce.embedding_ge,
  COMMUTATOR = OPERATOR(commerce.<=), NEGATOR = OPERATOR(commerce.<),
  RESTRICT = scalargesel, JOIN = scalargejoinsel);
CREATE OPERATOR commerce.> (
  LEFTARG = commerce.embedding, RIGHTARG = commerce.embedding, PROCEDURE = commerce.embedding_gt,
  COMMUTATOR = OPERATOR(commerce.<), NEGATOR = OPERATOR(commerce.<=),
  RESTRICT = scalargtsel, JOIN = scalargtjoinsel);

CREATE OPERATOR CLASS commerce.embedding_ops DEFAULT FOR TYPE commerce.embedding USING btree AS
  OPERATOR 1 commerce.<,
  OPERATOR 2 commerce.<=,
  OPERATOR 3 commerce.=,
  OPERATOR 4 commerce.>=,
  OPERATOR 5 commerce.>,
  FUNCTION 1 commerce.embedding_cmp(commerce.embedding, commerce.embedding);
