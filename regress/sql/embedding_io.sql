-- Text and binary input/output, type modifiers and casts of commerce.embedding.
SET search_path TO public, commerce;

SELECT '[1,2,3]'::embedding;
SELECT ' [ 1.5 , -2e1 , +3 ] '::embedding;
SELECT '[0.1,1e-05,3.4028235e+38,-3.4028235e+38]'::embedding;
SELECT '[1e-50]'::embedding;  -- underflow rounds to zero, as float4 input does
SELECT '[1,2,3]'::embedding(3);
SELECT pg_typeof('[1]'::embedding), format_type('embedding'::regtype, 384);

-- typmod is enforced on storage and on cast
CREATE TABLE items (id int PRIMARY KEY, e embedding(3));
INSERT INTO items VALUES (1, '[1,2,3]'), (2, '[4,5,6]'), (3, NULL);
INSERT INTO items VALUES (4, '[1,2]');
UPDATE items SET e = '[1,2,3,4]' WHERE id = 1;
SELECT * FROM items ORDER BY id;
\d items

-- every length up to the limit round-trips through text
SELECT vector_dims(('[' || repeat('1,', 15999) || '1]')::embedding);
SELECT (('[' || repeat('0.5,', 999) || '0.5]')::embedding)::text = '[' || repeat('0.5,', 999) || '0.5]' AS round_trip;

-- binary COPY round trip (send/recv) keeps every bit
CREATE TABLE bin_src (id int, e embedding);
INSERT INTO bin_src SELECT i, ARRAY[i, i / 3.0, -i * 1e-3, 3.4028235e38]::real[]::embedding FROM generate_series(1, 5) i;
CREATE TABLE bin_dst (id int, e embedding(4));
CREATE TABLE bin_dst3 (id int, e embedding(3));
DO $$
DECLARE f text := current_setting('data_directory') || '/embedding.bin';
BEGIN
  EXECUTE format('COPY bin_src TO %L WITH (FORMAT binary)', f);
  EXECUTE format('COPY bin_dst FROM %L WITH (FORMAT binary)', f);
  BEGIN
    EXECUTE format('COPY bin_dst3 FROM %L WITH (FORMAT binary)', f);
  EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'binary into embedding(3): % %', SQLSTATE, SQLERRM;
  END;
END
$$;
SELECT count(*) AS rows, bool_and(s.e = d.e) AS identical FROM bin_src s JOIN bin_dst d USING (id);
-- casts to and from arrays, in both directions
SELECT '{1,2,3}'::real[]::embedding, '{1.5,2.5}'::float8[]::embedding, '{7,-8}'::int[]::embedding;
SELECT '[1.5,2.5,-3.5]'::embedding::real[], '[1.5,2.5]'::embedding::float8[], '[1.4,2.5,-3.5]'::embedding::int[];
SELECT ARRAY[1,2,3]::embedding(3);
SELECT ARRAY[1,2]::embedding(3);
INSERT INTO items VALUES (5, ARRAY[7,8,9]::real[]);  -- assignment cast
SELECT e FROM items WHERE id = 5;
-- a value moves to and from pgvector's type through text: same form
SELECT ('[1,2,3]'::embedding)::text AS as_text, ('[1,2,3]'::embedding)::text::embedding AS back;

-- comparisons and the btree opclass (DISTINCT, GROUP BY, ORDER BY e, UNIQUE)
SELECT '[1,2]'::embedding = '[1,2]', '[1,2]'::embedding < '[1,3]', '[1,2]'::embedding < '[1,2,0]', '[2]'::embedding > '[1,9]';
SELECT DISTINCT e FROM (VALUES ('[1,2]'::embedding), ('[1,2]'), ('[0,5]')) v(e) ORDER BY e;
CREATE UNIQUE INDEX ON items (e);
INSERT INTO items VALUES (6, '[4,5,6]');
