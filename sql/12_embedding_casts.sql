-- Casts to and from arrays. Array -> embedding takes the target typmod, so
-- ARRAY[1,2]::embedding(3) is an error; both directions also apply on assignment.
CREATE FUNCTION commerce.array_to_embedding(real[], integer, boolean) RETURNS commerce.embedding
  AS 'MODULE_PATHNAME', 'array_to_embedding' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.array_to_embedding(double precision[], integer, boolean) RETURNS commerce.embedding
  AS 'MODULE_PATHNAME', 'array_to_embedding' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.array_to_embedding(integer[], integer, boolean) RETURNS commerce.embedding
  AS 'MODULE_PATHNAME', 'array_to_embedding' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.embedding_to_float4(commerce.embedding) RETURNS real[]
  AS 'MODULE_PATHNAME', 'embedding_to_float4_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.embedding_to_float8(commerce.embedding) RETURNS double precision[]
  AS 'MODULE_PATHNAME', 'embedding_to_float8_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.embedding_to_int4(commerce.embedding) RETURNS integer[]
  AS 'MODULE_PATHNAME', 'embedding_to_int4_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE CAST (real[] AS commerce.embedding)
  WITH FUNCTION commerce.array_to_embedding(real[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (double precision[] AS commerce.embedding)
  WITH FUNCTION commerce.array_to_embedding(double precision[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (integer[] AS commerce.embedding)
  WITH FUNCTION commerce.array_to_embedding(integer[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (commerce.embedding AS real[])
  WITH FUNCTION commerce.embedding_to_float4(commerce.embedding) AS ASSIGNMENT;
CREATE CAST (commerce.embedding AS double precision[])
  WITH FUNCTION commerce.embedding_to_float8(commerce.embedding) AS ASSIGNMENT;
CREATE CAST (commerce.embedding AS integer[])
  WITH FUNCTION commerce.embedding_to_int4(commerce.embedding) AS ASSIGNMENT;
