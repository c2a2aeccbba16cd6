-- avg(embedding) (e.g. a session's centroid) and sum(embedding). Parallel safe.
CREATE FUNCTION commerce.embedding_accum(double precision[], commerce.embedding)
  RETURNS double precision[]
  AS 'MODULE_PATHNAME', 'embedding_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.embedding_combine(double precision[], double precision[])
  RETURNS double precision[]
  AS 'MODULE_PATHNAME', 'embedding_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.embedding_avg(double precision[]) RETURNS commerce.embedding
  AS 'MODULE_PATHNAME', 'embedding_avg' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION commerce.embedding_sum(double precision[]) RETURNS commerce.embedding
  AS 'MODULE_PATHNAME', 'embedding_sum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE commerce.avg(commerce.embedding) (
  SFUNC = commerce.embedding_accum, STYPE = double precision[], INITCOND = '{0}',
  FINALFUNC = commerce.embedding_avg, COMBINEFUNC = commerce.embedding_combine,
  PARALLEL = SAFE);
CREATE AGGREGATE commerce.sum(commerce.embedding) (
  SFUNC = commerce.embedding_accum, STYPE = double precision[], INITCOND = '{0}',
  FINALFUNC = commerce.embedding_sum, COMBINEFUNC = commerce.embedding_combine,
  PARALLEL = SAFE);
