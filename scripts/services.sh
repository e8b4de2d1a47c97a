#!/usr/bin/env bash
# Start the servers the integration tests use, and print the variables that point the tests at them.
#
#   eval "$(bash scripts/services.sh)"
#
# openapi-python-client (for tests/service/test_openapi_client.py): its own venv under .cache/, as it pins a ruff
# and a typer that conflict with the project's.
#
# PostgreSQL (Debian's `postgresql` package, installed when missing): a private cluster listening on 127.0.0.1
# only, with the role and database `tsgen`. Idempotent: a cluster already running is reused. Progress goes to
# stderr; stdout carries only `export NAME=value` lines. When no server can run, nothing is exported and the
# PostgreSQL tests skip, saying why.
set -euo pipefail
cd "$(dirname "$0")/.."
opc=".cache/openapi-python-client-0.29.1"
if [ ! -x "$opc/bin/openapi-python-client" ]; then
    echo "services.sh: installing openapi-python-client into $opc" >&2
    python3 -m venv --clear "$opc" && "$opc/bin/python" -m pip install --quiet openapi-python-client==0.29.1 >&2
fi
port="${TSGEN_PG_PORT:-55432}"
data="${TSGEN_PG_DATA:-/tmp/tsgen-postgres}"

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

bin="$(find_bin)"
if [ -z "$bin" ]; then
    echo "services.sh: installing postgresql" >&2
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >&2; then
        echo "services.sh: cannot install postgresql; PostgreSQL tests will skip" >&2
        exit 0
    fi
    bin="$(find_bin)"
fi
as_postgres() { runuser -u postgres -- "$@"; }

if ! "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
    if [ ! -f "$data/PG_VERSION" ]; then
        mkdir -p "$data"
        chown postgres: "$data"
        chmod 700 "$data"
        as_postgres "$bin/initdb" -D "$data" -U postgres -A trust >/dev/null
    fi
    as_postgres "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c fsync=off" start >&2
fi
psql=("$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 -qtA)
if [ -z "$("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = 'tsgen'")" ]; then
    "${psql[@]}" -c "CREATE ROLE tsgen LOGIN PASSWORD 'tsgen'"
fi
if [ -z "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'tsgen'")" ]; then
    "${psql[@]}" -c "CREATE DATABASE tsgen OWNER tsgen"
fi
echo "export TSGEN_TEST_POSTGRES_URL=postgresql://tsgen:tsgen@127.0.0.1:$port/tsgen"
