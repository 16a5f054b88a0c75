# Sourced by .ci/run: a PostgreSQL server for the tests that run on both databases.
#
# start_test_postgres uses, in order: BACKSTRETCH_TEST_POSTGRES_URL if set; a server already listening on
# 127.0.0.1:5432; or a throwaway server of its own (installing Debian's postgresql package first when it is missing
# and this is root), stopped again when the calling script exits. It sets BACKSTRETCH_REQUIRE_POSTGRES=1, so the
# PostgreSQL tests fail rather than skip when no server could be had.

start_test_postgres() {
  export BACKSTRETCH_REQUIRE_POSTGRES=1
  if [ -n "${BACKSTRETCH_TEST_POSTGRES_URL:-}" ]; then
    return 0
  fi
  if (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
    export BACKSTRETCH_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    echo "== PostgreSQL: using the server on 127.0.0.1:5432"
    return 0
  fi
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$bin" ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "== installing PostgreSQL for the database tests (apt-get)"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
      bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    fi
  fi
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "PostgreSQL is not installed and could not be installed here (needs root and apt-get)." >&2
    return 1
  fi
  local dir port=54329
  dir="$(mktemp -d /tmp/backstretch-postgres.XXXXXX)"
  local as=()
  if [ "$(id -u)" -eq 0 ]; then  # PostgreSQL refuses to run as root: run it as the package's own user
    chown postgres "$dir"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log"
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "-h 127.0.0.1 -p $port -k $dir" -w start >/dev/null
  # shellcheck disable=SC2064  # expand now: the stop command must name this very server
  trap "${as[*]} $bin/pg_ctl -D $dir/data -m fast stop >/dev/null 2>&1 || true; rm -rf $dir" EXIT
  export BACKSTRETCH_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
  echo "== PostgreSQL: started a throwaway server on 127.0.0.1:$port ($dir)"
}
