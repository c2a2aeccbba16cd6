-- commerce.embedding: a float4 vector of 1..16000 dimensions; embedding(n) fixes n.
-- The text form '[1,2,3]' and the binary form are pgvector's, so data moves over by a cast.
CREATE TYPE commerce.embedding;

CREATE FUNCTION commerce.embedding_in(cstring, oid, integer) RETURNS commerce.embedding
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.embedding_out(commerce.embedding) RETURNS cstring
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.embedding_typmod_in(cstring[]) RETURNS integer
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.embedding_recv(internal, oid, integer) RETURNS commerce.embedding
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.embedding_send(commerce.embedding) RETURNS bytea
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- STORAGE external: float data barely compresses, so TOAST should not spend time trying.
CREATE TYPE commerce.embedding (
  INPUT = commerce.embedding_in,
  OUTPUT = commerce.embedding_out,
  TYPMOD_IN = commerce.embedding_typmod_in,
  RECEIVE = commerce.embedding_recv,
  SEND = commerce.embedding_send,
  INTERNALLENGTH = VARIABLE,
  ALIGNMENT = int4,
  STORAGE = external
);
COMMENT ON TYPE commerce.embedding IS 'float4 vector of 1..16000 dimensions, text form [1,2,3]';

-- Enforces embedding(n) when a value is stored into a typed column or cast to it.
CREATE FUNCTION commerce.embedding(commerce.embedding, integer, boolean) RETURNS commerce.embedding
  AS 'MODULE_PATHNAME', 'embedding_coerce' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (commerce.embedding AS commerce.embedding)
  WITH FUNCTION commerce.embedding(commerce.embedding, integer, boolean) AS IMPLICIT;
