-- One line per bad input: each shows the SQLSTATE, the message and the hint the user gets.
SET search_path TO public, commerce;

-- malformed text: 22P02
SELECT * FROM try($$SELECT ''::embedding$$);
SELECT * FROM try($$SELECT '1,2,3'::embedding$$);
SELECT * FROM try($$SELECT '[1,2,3'::embedding$$);
SELECT * FROM try($$SELECT '[1,,2]'::embedding$$);
SELECT * FROM try($$SELECT '[1,2,]'::embedding$$);
SELECT * FROM try($$SELECT '[1 2]'::embedding$$);
SELECT * FROM try($$SELECT '[one]'::embedding$$);
SELECT * FROM try($$SELECT '[1]extra'::embedding$$);
SELECT * FROM try($$SELECT '[[1,2]]'::embedding$$);
SELECT * FROM try($$SELECT '[0x1A]'::embedding$$);
-- empty: 22023; too many dimensions: 54000
SELECT * FROM try($$SELECT '[]'::embedding$$);
SELECT * FROM try($$SELECT ('[' || repeat('1,', 16000) || '1]')::embedding$$);
-- not finite or out of float4 range: 22003
SELECT * FROM try($$SELECT '[NaN]'::embedding$$);
SELECT * FROM try($$SELECT '[1,Infinity]'::embedding$$);
SELECT * FROM try($$SELECT '[-inf]'::embedding$$);
SELECT * FROM try($$SELECT '[3.5e38]'::embedding$$);
SELECT * FROM try($$SELECT '[-1e300]'::embedding$$);
SELECT * FROM try($$SELECT '[1e999]'::embedding$$);
-- bad type modifiers: 22023
SELECT * FROM try($$SELECT '[1]'::embedding(0)$$);
SELECT * FROM try($$SELECT '[1]'::embedding(16001)$$);
SELECT * FROM try($$SELECT '[1]'::embedding(3, 4)$$);
SELECT * FROM try($$CREATE TABLE bad_typmod (e embedding(-1))$$);
-- value does not match the declared dimensions: 22026
SELECT * FROM try($$SELECT '[1,2]'::embedding(3)$$);
SELECT * FROM try($$SELECT '[1,2]'::embedding::embedding(3)$$);
-- operands of different dimensions: 22026, for every operator and function
SELECT * FROM try($$SELECT '[1,2]'::embedding <-> '[1,2,3]'$$);
SELECT * FROM try($$SELECT '[1,2]'::embedding <=> '[1,2,3]'$$);
SELECT * FROM try($$SELECT '[1,2]'::embedding <#> '[1,2,3]'$$);
SELECT * FROM try($$SELECT '[1,2]'::embedding <+> '[1,2,3]'$$);
SELECT * FROM try($$SELECT inner_product('[1,2]', '[1,2,3]')$$);
SELECT * FROM try($$SELECT l2_squared_distance('[1,2]', '[1,2,3]')$$);
SELECT * FROM try($$SELECT '[1,2]'::embedding + '[1,2,3]'$$);
SELECT * FROM try($$SELECT '[1,2]'::embedding - '[1,2,3]'$$);
SELECT * FROM try($$SELECT '[1,2]'::embedding * '[1,2,3]'$$);
SELECT * FROM try($$SELECT avg(e) FROM (VALUES ('[1,2]'::embedding), ('[1,2,3]')) v(e)$$);
SELECT * FROM try($$SELECT sum(e) FROM (VALUES ('[1,2]'::embedding), ('[1,2,3]')) v(e)$$);
-- arithmetic overflow: 22003
SELECT * FROM try($$SELECT '[3e38]'::embedding + '[3e38]'$$);
SELECT * FROM try($$SELECT '[1e20]'::embedding * '[1e20]'$$);
SELECT * FROM try($$SELECT '[-3e38]'::embedding - '[3e38]'$$);
SELECT * FROM try($$SELECT sum(e) FROM (VALUES ('[3e38]'::embedding), ('[3e38]')) v(e)$$);
-- array casts
SELECT * FROM try($$SELECT '{}'::real[]::embedding$$);
SELECT * FROM try($$SELECT '{1,NULL,3}'::real[]::embedding$$);
SELECT * FROM try($$SELECT '{{1,2},{3,4}}'::real[]::embedding$$);
SELECT * FROM try($$SELECT '{1,NaN}'::float8[]::embedding$$);
SELECT * FROM try($$SELECT '{1,Infinity}'::real[]::embedding$$);
SELECT * FROM try($$SELECT '{1e300}'::float8[]::embedding$$);
SELECT * FROM try($$SELECT ARRAY[1,2,3]::embedding(2)$$);
SELECT * FROM try($$SELECT '[3e9]'::embedding::int[]$$);
SELECT * FROM try($$SELECT array_fill(1::real, ARRAY[16001])::embedding$$);
-- NULL in, NULL out (functions are strict)
SELECT NULL::embedding <-> '[1]' IS NULL AS null_distance, vector_dims(NULL) IS NULL AS null_dims;
