-- pg_commerce must install next to pgvector without a name collision. pgvector is not packaged
-- for Debian 12, so this stands in for it: the same object names pgvector creates (type vector,
-- access methods hnsw and ivfflat, operators <->, <=>, <#>, <+> on vector, functions
-- l2_distance, cosine_distance, inner_product, l1_distance, vector_dims, vector_norm,
-- l2_normalize, aggregates avg and sum on vector) in schema public, in a database of its own.
CREATE DATABASE coexistence;
\c coexistence
CREATE TYPE vector AS (x real[]);
CREATE ACCESS METHOD hnsw TYPE INDEX HANDLER bthandler;
CREATE ACCESS METHOD ivfflat TYPE INDEX HANDLER bthandler;
CREATE FUNCTION l2_distance(vector, vector) RETURNS float8 LANGUAGE sql IMMUTABLE
  AS $$ SELECT sqrt(sum((a - b) ^ 2)) FROM unnest($1.x, $2.x) u(a, b) $$;
CREATE FUNCTION cosine_distance(vector, vector) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$ SELECT 0::float8 $$;
CREATE FUNCTION inner_product(vector, vector) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$ SELECT 0::float8 $$;
CREATE FUNCTION l1_distance(vector, vector) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$ SELECT 0::float8 $$;
CREATE FUNCTION vector_dims(vector) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT cardinality($1.x) $$;
CREATE FUNCTION vector_norm(vector) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$ SELECT 0::float8 $$;
CREATE FUNCTION l2_normalize(vector) RETURNS vector LANGUAGE sql IMMUTABLE AS $$ SELECT $1 $$;
CREATE OPERATOR <-> (LEFTARG = vector, RIGHTARG = vector, FUNCTION = l2_distance);
CREATE OPERATOR <=> (LEFTARG = vector, RIGHTARG = vector, FUNCTION = cosine_distance);
CREATE OPERATOR <#> (LEFTARG = vector, RIGHTARG = vector, FUNCTION = inner_product);
CREATE OPERATOR <+> (LEFTARG = vector, RIGHTARG = vector, FUNCTION = l1_distance);
CREATE FUNCTION vector_accum(float8[], vector) RETURNS float8[] LANGUAGE sql IMMUTABLE AS $$ SELECT $1 $$;
CREATE AGGREGATE avg(vector) (SFUNC = vector_accum, STYPE = float8[], INITCOND = '{0}');
CREATE AGGREGATE sum(vector) (SFUNC = vector_accum, STYPE = float8[], INITCOND = '{0}');

CREATE EXTENSION pg_commerce;

-- nothing of ours landed outside schema commerce
SELECT DISTINCT n.nspname
FROM pg_depend d
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'pg_commerce'
LEFT JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid
LEFT JOIN pg_type t ON d.classid = 'pg_type'::regclass AND t.oid = d.objid
LEFT JOIN pg_operator o ON d.classid = 'pg_operator'::regclass AND o.oid = d.objid
LEFT JOIN pg_opclass c ON d.classid = 'pg_opclass'::regclass AND c.oid = d.objid
JOIN pg_namespace n ON n.oid = coalesce(p.pronamespace, t.typnamespace, o.oprnamespace, c.opcnamespace)
WHERE d.deptype = 'e';
-- no access method of ours is named like pgvector's
SELECT amname FROM pg_am WHERE amname IN ('hnsw', 'ivfflat') ORDER BY 1;

-- both work side by side, with both schemas on the search path
SET search_path TO public, commerce;
SELECT (ROW(ARRAY[0,0]::real[])::vector <-> ROW(ARRAY[3,4]::real[])::vector) AS pgvector_l2,
       ('[0,0]'::embedding <-> '[3,4]'::embedding) AS commerce_l2;
SELECT vector_dims(ROW(ARRAY[1,2]::real[])::vector) AS pgvector_dims, vector_dims('[1,2,3]'::embedding) AS commerce_dims;
SELECT avg(e) FROM (VALUES ('[1,2]'::embedding), ('[3,4]')) v(e);
-- and text moves between them: pgvector's text form is ours
SELECT '[1,2,3]'::text::embedding;

DROP EXTENSION pg_commerce;
SELECT count(*) AS commerce_objects_left FROM pg_type WHERE typname = 'embedding';
\c regression
DROP DATABASE coexistence;
