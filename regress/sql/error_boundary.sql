-- The C++/PostgreSQL error boundary (src/pg/guard.h). The probe functions are compiled into
-- pg_commerce.so for tests but not created by the extension; this file creates them.
CREATE FUNCTION error_probe(mode text, payload_kb int) RETURNS bigint
  AS '$libdir/pg_commerce', 'commerce_error_probe' LANGUAGE C STRICT;
CREATE FUNCTION heap_bytes() RETURNS bigint
  AS '$libdir/pg_commerce', 'commerce_heap_bytes' LANGUAGE C STRICT;

-- every kind of failure becomes an ERROR with its own SQLSTATE; none crashes the backend
SELECT pg_backend_pid() AS pid \gset
SELECT error_probe('ok', 64) AS ok_bytes;
SELECT * FROM try($$SELECT error_probe('core_error', 64)$$);     -- commerce::Error keeps its code
SELECT * FROM try($$SELECT error_probe('pg_error', 64)$$);       -- PostgreSQL error through C++
SELECT * FROM try($$SELECT error_probe('bad_alloc', 64)$$);      -- std::bad_alloc -> 53200
SELECT * FROM try($$SELECT error_probe('std_exception', 64)$$);  -- a bug -> XX000, with a hint
SELECT * FROM try($$SELECT error_probe('unknown', 64)$$);        -- throw 42 -> XX000
SELECT * FROM try($$SELECT error_probe('nonsense', 64)$$);
SELECT pg_backend_pid() = :pid AS same_backend;

-- a cancelled core loop becomes 57014 (PL/pgSQL's WHEN OTHERS does not catch cancels)
\set VERBOSITY sqlstate
SELECT error_probe('cancel', 64);
\set VERBOSITY default
-- detail and hint survive the trip through C++
SELECT error_probe('core_error', 1);

-- 10,000 failures per path in one backend must not grow its memory: each call allocates 64 KiB
-- on the C++ heap before failing, so a skipped destructor would leak 625 MiB per path.
CREATE FUNCTION leak_check(mode text, calls int) RETURNS TABLE (failures int, codes text, grew_less_than_4mb boolean)
LANGUAGE plpgsql AS $$
DECLARE
  before bigint;
  seen text[] := '{}';
  code text;
BEGIN
  -- warm up allocator and caches so that one-time allocations do not count as growth
  FOR i IN 1..100 LOOP
    BEGIN PERFORM error_probe(mode, 64); EXCEPTION WHEN OTHERS THEN NULL; END;
  END LOOP;
  before := heap_bytes();
  failures := 0;
  FOR i IN 1..calls LOOP
    BEGIN
      PERFORM error_probe(mode, 64);
    EXCEPTION WHEN OTHERS THEN
      failures := failures + 1;
      GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE;
      IF NOT code = ANY (seen) THEN seen := seen || code; END IF;
    END;
  END LOOP;
  codes := array_to_string(seen, ',');
  grew_less_than_4mb := heap_bytes() - before < 4 * 1024 * 1024;
  RETURN NEXT;
END
$$;
SELECT * FROM leak_check('core_error', 10000);
SELECT * FROM leak_check('pg_error', 10000);
SELECT * FROM leak_check('std_exception', 10000);
-- the same through a real type function: malformed input parsed by C++ 10,000 times
CREATE FUNCTION parse_failures(calls int) RETURNS TABLE (failures int, grew_less_than_4mb boolean)
LANGUAGE plpgsql AS $$
DECLARE
  before bigint;
  big text := '[' || repeat('1.5,', 20000) || 'x]';
BEGIN
  before := heap_bytes();
  failures := 0;
  FOR i IN 1..calls LOOP
    BEGIN
      PERFORM big::commerce.embedding;
    EXCEPTION WHEN invalid_text_representation OR program_limit_exceeded THEN
      failures := failures + 1;
    END;
  END LOOP;
  grew_less_than_4mb := heap_bytes() - before < 4 * 1024 * 1024;
  RETURN NEXT;
END
$$;
SELECT * FROM parse_failures(10000);
SELECT pg_backend_pid() = :pid AS same_backend;

-- negative control: the same measurement does see the leak when a PostgreSQL error longjmps over
-- a live C++ vector (the pattern guard.h exists to prevent): 1,000 calls lose about 64 MiB.
SELECT failures, codes, NOT grew_less_than_4mb AS leak_detected FROM leak_check('unguarded_pg_error', 1000);

