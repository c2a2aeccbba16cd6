-- Everything pg_commerce creates lives in schema commerce (named in the control file, which
-- creates it). Put it on search_path to use the operators unqualified:
--   SET search_path TO public, commerce;
COMMENT ON SCHEMA commerce IS 'pg_commerce: embeddings and search, recommendations, inventory';
