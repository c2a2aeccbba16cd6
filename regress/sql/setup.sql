-- Helpers shared by the other test files (pg_regress runs them all in one database).
--
-- try(sql) runs a statement and reports how it failed: its SQLSTATE, message and hint, one row,
-- so that edge-case files show the exact error without server source locations.
CREATE FUNCTION try(sql text, OUT state text, OUT message text, OUT hint text)
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE sql;
  state := '00000';
  message := 'ok';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT;
END
$$;
SELECT * FROM try('SELECT 1');
SELECT * FROM try('SELECT 1/0');
