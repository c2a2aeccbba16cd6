# Shared by tests/run-all.sh and docs/demo/run.sh: install what is missing from Debian's
# packages, build, install the extension, and run a throwaway PostgreSQL as an unprivileged user.
# Works as root or as a user with sudo; every step is idempotent and cheap on a second run.

PGC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PGC_BUILD=${PGC_BUILD:-$PGC_ROOT/build}
PG_MAJOR=15
PG_BIN=/usr/lib/postgresql/$PG_MAJOR/bin
# The server and pg_regress never run as root; they run as the postgres user that the Debian
# server package creates.
PGC_OS_USER=postgres

if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi

log() { printf '\n==> %s\n' "$*"; }

# Packages the build, the tests and the benchmarks need. Checked with dpkg-query first so that a
# second run does not touch the network.
PGC_PACKAGES=(
  build-essential cmake pkg-config git ca-certificates
  postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR postgresql-client-$PG_MAJOR libpq-dev
  libeigen3-dev libicu-dev libgtest-dev libgmock-dev libbenchmark-dev libstemmer-dev
)

ensure_packages() {
  local missing=()
  for p in "${PGC_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then return 0; fi
  log "Installing from Debian: ${missing[*]}"
  # The Debian package would create and start a default cluster; we run our own throwaway
  # servers, so tell postgresql-common not to create one.
  "${SUDO[@]}" mkdir -p /etc/postgresql-common/createcluster.d
  echo 'create_main_cluster = false' |
    "${SUDO[@]}" tee /etc/postgresql-common/createcluster.d/pg_commerce.conf >/dev/null
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

build() {
  log "Building pg_commerce in $PGC_BUILD"
  cmake -S "$PGC_ROOT" -B "$PGC_BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$PGC_BUILD" -j"$(nproc)" 2>&1 | grep -Ev '^\[|^(make|gmake)\[|Built target|Consolidate|^-- ' || true
  test -f "$PGC_BUILD/pg_commerce.so" || { echo "build failed" >&2; return 1; }
}

# Installs into the directories pg_config names (for the demo and for users). The lock keeps two
# checkouts on one machine from overwriting each other's files mid-install.
install_system() {
  log "Installing pg_commerce into $(pg_config --pkglibdir) and $(pg_config --sharedir)/extension"
  (
    flock 9
    "${SUDO[@]}" cmake --install "$PGC_BUILD" >/dev/null
  ) 9>/tmp/pg_commerce-install.lock
}

# A directory the postgres user owns, for clusters, sockets and pg_regress output.
pgc_workdir() {
  local dir=$1
  "${SUDO[@]}" rm -rf "$dir"
  "${SUDO[@]}" install -d -o "$PGC_OS_USER" -m 0755 "$dir"
}

# Runs a command as the postgres user from /, since the checkout (e.g. under /root) may not be
# readable by it: every path handed to such a command is absolute.
as_postgres() { (cd / && "${SUDO[@]}" runuser -u "$PGC_OS_USER" -- "$@"); }

# start_server DIR PORT [OPTIONS]: a fresh cluster in DIR/data listening only on a unix socket in
# DIR. OPTIONS are extra server options, e.g. "-c max_connections=100".
# PG_BIN may point at a private installation (make_test_install).
start_server() {
  local dir=$1 port=$2 options=${3:-}
  pgc_workdir "$dir"
  as_postgres "$PG_BIN/initdb" -D "$dir/data" -U postgres --no-locale -E UTF8 -A trust >/dev/null
  as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
    "-c listen_addresses='' -c unix_socket_directories='$dir' -p $port $options" start >/dev/null
}

stop_server() {
  local dir=$1
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  fi
}

# make_test_install DIR: a private PostgreSQL installation under DIR holding this build of
# pg_commerce, as PostgreSQL's own `make check` does. Tests and benchmarks run against it, so they
# never touch the system's extension directory and several checkouts can test at once.
# PostgreSQL finds its share and lib directories relative to its own executable, so postgres,
# initdb and pg_ctl are copies; everything else is a symlink to the system installation.
make_test_install() {
  local root=$1 bindir sharedir pkglibdir
  bindir=$(pg_config --bindir)
  sharedir=$(pg_config --sharedir)
  pkglibdir=$(pg_config --pkglibdir)
  rm -rf "$root"
  mkdir -p "$root$bindir" "$root$sharedir" "$root$pkglibdir"
  chmod 0755 "$root"
  for f in "$bindir"/*; do
    case $(basename "$f") in
      postgres | initdb | pg_ctl) cp "$f" "$root$bindir/" ;;
      *) ln -s "$f" "$root$bindir/" ;;
    esac
  done
  cp -rs "$sharedir/." "$root$sharedir/"
  cp -rs "$pkglibdir/." "$root$pkglibdir/"
  # Never write through a symlink into the system installation.
  rm -f "$root$pkglibdir/pg_commerce.so" "$root$sharedir/extension/pg_commerce"*
  DESTDIR=$root cmake --install "$PGC_BUILD" >/dev/null
  chmod -R a+rX "$root"
  echo "$root$bindir"
}
