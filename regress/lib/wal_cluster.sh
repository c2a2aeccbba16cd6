# Shared by the crash-recovery and standby scripts (regress/*_wal_test.sh): a primary and a
# streaming standby on unix sockets in one work directory, run as the postgres user, a check
# counter, and a client whose backend is killed with SIGKILL in the middle of its inserts.
# The caller sets PG_BIN, work, primary_port, standby_port and, for crash_during_inserts,
# rows_sql ("SELECT ... FROM generate_series", called as $rows_sql(first, last) i).
if [ "$(id -u)" -eq 0 ]; then as_pg=(runuser -u postgres --); else as_pg=(sudo -u postgres); fi

failures=0
checks=0
check() {  # check NAME EXPECTED ACTUAL
  checks=$((checks + 1))
  if [ "$2" = "$3" ]; then echo "ok: $1"; else echo "FAILED: $1 (expected $2, got $3)"; failures=$((failures + 1)); fi
}
psql_at() {  # psql_at PORT SQL
  "${as_pg[@]}" "$PG_BIN/psql" -h "$work" -p "$1" -U postgres -d postgres -X -At -v ON_ERROR_STOP=1 -c "$2"
}
stop() { [ -f "$work/$1/postmaster.pid" ] && "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$work/$1" -m immediate -w stop >/dev/null 2>&1 || true; }
cleanup() { stop standby; stop primary; }
trap cleanup EXIT

# A fresh primary that accepts replication connections over its socket.
start_primary() {
  rm -rf "$work"
  install -d -o postgres -m 0755 "$work"
  "${as_pg[@]}" "$PG_BIN/initdb" -D "$work/primary" -U postgres --no-locale -E UTF8 -A trust >/dev/null
  cat >>"$work/primary/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$work'
wal_level = replica
max_wal_senders = 4
hot_standby_feedback = on
CONF
  echo "local replication postgres trust" >>"$work/primary/pg_hba.conf"
  "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$work/primary" -l "$work/primary.log" -o "-p $primary_port" -w start >/dev/null
}

# A streaming standby cloned from the primary as it is now.
start_standby() {
  "${as_pg[@]}" "$PG_BIN/pg_basebackup" -h "$work" -p "$primary_port" -U postgres -D "$work/standby" -R -X stream -c fast
  "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$work/standby" -l "$work/standby.log" -o "-p $standby_port" -w start >/dev/null
}

# Waits until the standby has replayed everything the primary has written so far.
wait_for_standby() {
  local lsn
  lsn=$(psql_at "$primary_port" "SELECT pg_current_wal_lsn()")
  for _ in $(seq 1 300); do
    if [ "$(psql_at "$standby_port" "SELECT pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn")" = t ]; then return 0; fi
    sleep 0.2
  done
  echo "standby did not catch up"; return 1
}

# crash_during_inserts FIRST_ID SECONDS: a client inserts rows FIRST_ID, FIRST_ID + 1, ... one
# transaction each, recording every commit in table `committed`; after SECONDS its backend is
# killed with SIGKILL, which makes the primary restart and replay WAL from the last checkpoint.
# Prints how many rows were committed; checks that the primary went through crash recovery.
crash_during_inserts() {
  local first=$1 seconds=$2 client backend=
  psql_at "$primary_port" "CREATE TABLE committed (id int)" >/dev/null
  "${as_pg[@]}" bash -c "for i in \$(seq $first 200000); do
    echo \"BEGIN; INSERT INTO items $rows_sql(\$i, \$i) i; INSERT INTO committed VALUES (\$i); COMMIT;\"
  done | PGAPPNAME=crash_client '$PG_BIN/psql' -h '$work' -p $primary_port -U postgres -d postgres -X -q >/dev/null 2>&1" &
  client=$!
  for _ in $(seq 1 100); do
    backend=$(psql_at "$primary_port" "SELECT pid FROM pg_stat_activity WHERE application_name = 'crash_client'")
    [ -n "$backend" ] && break
    sleep 0.1
  done
  sleep "$seconds"
  kill -9 "$backend"
  wait "$client" || true
  for _ in $(seq 1 100); do
    "${as_pg[@]}" "$PG_BIN/pg_isready" -q -h "$work" -p "$primary_port" && break
    sleep 0.2
  done
  check "the primary went through crash recovery" 1 "$(grep -c 'database system was not properly shut down; automatic recovery in progress' "$work/primary.log")"
  committed=$(psql_at "$primary_port" "SELECT count(*) FROM committed")
  echo "rows committed before the crash: $committed"
  check "some rows were inserted before the crash" t "$([ "$committed" -gt 0 ] && echo t || echo f)"
}

# Fails on any server crash other than the one we caused, then prints the summary line.
finish() {
  if grep -hE 'PANIC|terminated by signal [^9]|was terminated by exception' "$work/primary.log" "$work/standby.log"; then
    echo "FAILED: a server process crashed (logs in $work)"; failures=$((failures + 1))
  fi
  echo "$((checks - failures)) passed, $failures failed"
  [ "$failures" -eq 0 ]
}
