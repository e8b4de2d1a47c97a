#!/usr/bin/env bash
# Stop the servers `scripts/test.sh` started (scripts/services.sh and scripts/services_redis.sh) and leaves running
# for the next run. Their data is scratch: PostgreSQL's cluster and Redis's state stay on disk for a quick restart.
set -uo pipefail
data="${TSGEN_PG_DATA:-/tmp/tsgen-postgres}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
if [ -n "$bin" ] && [ -f "$data/postmaster.pid" ]; then
    runuser -u postgres -- "$bin/pg_ctl" -D "$data" -m fast stop && echo "PostgreSQL stopped"
fi
state="${TMPDIR:-/tmp}/tsgen-redis"
if [ -f "$state/redis.pid" ] && kill "$(cat "$state/redis.pid")" 2>/dev/null; then
    rm -f "$state/port"
    echo "Redis stopped"
fi
