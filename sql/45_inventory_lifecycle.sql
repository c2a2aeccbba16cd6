-- Inventory: what happens to a reservation after reserve(): commit, release, extend, expire.
--
-- Lock order (docs/inventory.md): reservation rows, then their lines, then stock rows in
-- (product, warehouse, bucket) order. reserve() never waits for a reservation row or a line
-- while it holds stock rows (it skips locked lines), so these paths cannot deadlock with it.

-- Closes the held lines of the given reservations: commit (units leave on_hand and reserved),
-- release or expiry (units go back to available). Writes one movement per line. The caller
-- holds the reservation rows. Returns the number of lines closed.
CREATE FUNCTION commerce.close_held_lines(reservation_ids bigint[], new_state text)
RETURNS integer
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  closed integer;
BEGIN
  PERFORM FROM commerce.reservation_lines l
    WHERE l.reservation_id = ANY (reservation_ids) AND l.state = 'held'
    ORDER BY l.reservation_id, l.line_no, l.warehouse_id FOR UPDATE;
  PERFORM FROM commerce.stock s
    WHERE (s.product_id, s.warehouse_id, s.bucket) IN (
      SELECT l.product_id, l.warehouse_id, l.bucket FROM commerce.reservation_lines l
       WHERE l.reservation_id = ANY (reservation_ids) AND l.state = 'held')
    ORDER BY s.product_id, s.warehouse_id, s.bucket FOR UPDATE;
  WITH lines AS (
    UPDATE commerce.reservation_lines l SET state = new_state
     WHERE l.reservation_id = ANY (reservation_ids) AND l.state = 'held'
    RETURNING l.reservation_id, l.product_id, l.warehouse_id, l.bucket, l.qty),
  ledger AS (
    INSERT INTO commerce.stock_movements
      (kind, product_id, warehouse_id, on_hand_delta, reserved_delta, reservation_id)
    SELECT CASE new_state WHEN 'committed' THEN 'commit' WHEN 'released' THEN 'release'
                          ELSE 'expiry' END,
           l.product_id, l.warehouse_id,
           CASE WHEN new_state = 'committed' THEN -l.qty ELSE 0 END, -l.qty, l.reservation_id
      FROM lines l),
  per_bucket AS (
    SELECT l.product_id, l.warehouse_id, l.bucket, sum(l.qty) AS qty, count(*) AS n
      FROM lines l GROUP BY 1, 2, 3),
  moved AS (
    UPDATE commerce.stock s
       SET reserved = s.reserved - b.qty,
           on_hand = s.on_hand - CASE WHEN new_state = 'committed' THEN b.qty ELSE 0 END
      FROM per_bucket b
     WHERE (s.product_id, s.warehouse_id, s.bucket) = (b.product_id, b.warehouse_id, b.bucket)
    RETURNING b.n)
  SELECT coalesce(sum(n), 0) INTO closed FROM moved;
  RETURN closed;
END
$$;

-- Locks a reservation row; unknown ids are an error.
CREATE FUNCTION commerce.lock_reservation(reservation_id bigint)
RETURNS commerce.reservations
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  r commerce.reservations;
BEGIN
  SELECT * INTO r FROM commerce.reservations x
   WHERE x.reservation_id = lock_reservation.reservation_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unknown reservation %', coalesce(reservation_id::text, 'NULL')
      USING ERRCODE = '22023', HINT = 'pass the reservation_id that reserve() returned';
  END IF;
  RETURN r;
END
$$;

-- True when a held reservation cannot be used any more: past its expiry, or one of its lines
-- was already reclaimed by a reservation that needed the units. The caller holds the lines.
CREATE FUNCTION commerce.hold_has_lapsed(r commerce.reservations) RETURNS boolean
LANGUAGE sql AS $$
  SELECT r.expires_at <= clock_timestamp()
      OR EXISTS (SELECT 1 FROM commerce.reservation_lines l
                  WHERE l.reservation_id = r.reservation_id AND l.state = 'expired')
$$;

-- Turns a held reservation into a sale: its units leave on_hand. Committing again is a no-op
-- (safe to retry); committing a released or expired reservation is an error.
CREATE FUNCTION commerce.commit_reservation(reservation_id bigint,
                                            OUT state text, OUT closed_at timestamptz)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  r commerce.reservations;
BEGIN
  r := commerce.lock_reservation(reservation_id);
  IF r.state = 'committed' THEN
    state := r.state;
    closed_at := r.closed_at;
    RETURN;
  END IF;
  IF r.state <> 'held' THEN
    RAISE EXCEPTION 'reservation % is % and cannot be committed', reservation_id, r.state
      USING ERRCODE = '55000', HINT = 'reserve the units again with a new idempotency key';
  END IF;
  -- Lines first, then the expiry test: once we hold the lines nobody reclaims them.
  PERFORM FROM commerce.reservation_lines l WHERE l.reservation_id = r.reservation_id
    ORDER BY l.line_no, l.warehouse_id FOR UPDATE;
  IF commerce.hold_has_lapsed(r) THEN
    RAISE EXCEPTION 'reservation % has expired and cannot be committed', reservation_id
      USING ERRCODE = '55000',
            DETAIL = format('it expired at %s', r.expires_at),
            HINT = 'reserve the units again with a new idempotency key';
  END IF;
  PERFORM commerce.close_held_lines(ARRAY[r.reservation_id], 'committed');
  UPDATE commerce.reservations x SET state = 'committed', closed_at = clock_timestamp()
   WHERE x.reservation_id = r.reservation_id
  RETURNING x.state, x.closed_at INTO state, closed_at;
END
$$;

-- Gives the units back. Releasing again is a no-op; releasing a reservation that has expired
-- records the expiry; releasing a committed one is an error (returns are stock adjustments).
CREATE FUNCTION commerce.release_reservation(reservation_id bigint,
                                             OUT state text, OUT closed_at timestamptz)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  r commerce.reservations;
  final_state text;
BEGIN
  r := commerce.lock_reservation(reservation_id);
  IF r.state IN ('released', 'expired') THEN
    state := r.state;
    closed_at := r.closed_at;
    RETURN;
  END IF;
  IF r.state = 'committed' THEN
    RAISE EXCEPTION 'reservation % is committed and cannot be released', reservation_id
      USING ERRCODE = '55000',
            HINT = 'record returned units with commerce.adjust_stock()';
  END IF;
  final_state := CASE WHEN r.expires_at <= clock_timestamp() THEN 'expired' ELSE 'released' END;
  PERFORM commerce.close_held_lines(ARRAY[r.reservation_id], final_state);
  UPDATE commerce.reservations x SET state = final_state, closed_at = clock_timestamp()
   WHERE x.reservation_id = r.reservation_id
  RETURNING x.state, x.closed_at INTO state, closed_at;
END
$$;

-- Keeps a held reservation for `ttl` from now (never shortens it; calling it again with the
-- same ttl is harmless). An expired or closed reservation cannot be extended.
CREATE FUNCTION commerce.extend_reservation(reservation_id bigint, ttl interval,
                                            OUT state text, OUT expires_at timestamptz)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  r commerce.reservations;
BEGIN
  PERFORM commerce.check_ttl(ttl);
  r := commerce.lock_reservation(reservation_id);
  PERFORM FROM commerce.reservation_lines l WHERE l.reservation_id = r.reservation_id
    ORDER BY l.line_no, l.warehouse_id FOR UPDATE;
  IF r.state <> 'held' OR commerce.hold_has_lapsed(r) THEN
    RAISE EXCEPTION 'reservation % is % and cannot be extended', reservation_id,
                    CASE WHEN r.state = 'held' THEN 'expired' ELSE r.state END
      USING ERRCODE = '55000', HINT = 'reserve the units again with a new idempotency key';
  END IF;
  UPDATE commerce.reservations x
     SET expires_at = greatest(x.expires_at, clock_timestamp() + ttl)
   WHERE x.reservation_id = r.reservation_id
  RETURNING x.state, x.expires_at INTO state, expires_at;
  UPDATE commerce.reservation_lines l SET expires_at = extend_reservation.expires_at
   WHERE l.reservation_id = r.reservation_id;
END
$$;

-- The sweeper: marks up to batch_size held reservations past their expiry as expired and gives
-- their units back. Reservations another transaction is working on are skipped (that one decides
-- their fate). Returns how many were expired; run it from cron or a background job, but
-- correctness never waits for it: reserve() reclaims expired holds itself when it needs them.
CREATE FUNCTION commerce.expire_reservations(batch_size integer DEFAULT 1000) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  due bigint[];
BEGIN
  IF batch_size IS NULL OR batch_size < 1 THEN
    RAISE EXCEPTION 'batch_size must be positive'
      USING ERRCODE = '22023', HINT = 'pass how many reservations to expire in one call';
  END IF;
  due := ARRAY(SELECT r.reservation_id FROM commerce.reservations r
                WHERE r.state = 'held' AND r.expires_at <= clock_timestamp()
                ORDER BY r.expires_at LIMIT batch_size FOR UPDATE SKIP LOCKED);
  IF cardinality(due) = 0 THEN
    RETURN 0;
  END IF;
  PERFORM commerce.close_held_lines(due, 'expired');
  UPDATE commerce.reservations r SET state = 'expired', closed_at = clock_timestamp()
   WHERE r.reservation_id = ANY (due);
  RETURN cardinality(due);
END
$$;
