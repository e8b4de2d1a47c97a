#!/usr/bin/env bash
# A redis-server on 127.0.0.1 for the tests of the Redis limiter backend. Idempotent: installs the Debian package
# when redis-server is missing, reuses a server this script started before, else starts one on the default port
# (or a free one when that is taken). Prints the URL on stdout; the tests read it from TSGEN_TEST_REDIS_URL:
#     export TSGEN_TEST_REDIS_URL="$(bash scripts/services_redis.sh)"
set -euo pipefail
state="${TMPDIR:-/tmp}/tsgen-redis"
mkdir -p "$state"

if ! command -v redis-server >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        (apt-get install -y -q redis-server || (apt-get update -q && apt-get install -y -q redis-server)) >&2
    else
        echo "redis-server is not installed and cannot be installed here (needs root and apt-get)" >&2
        exit 1
    fi
fi

ping() { redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null | grep -q PONG; }

if [ -f "$state/port" ] && ping "$(cat "$state/port")"; then
    echo "redis://127.0.0.1:$(cat "$state/port")/0"
    exit 0
fi

port=6379
if ping "$port" || (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi
redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --daemonize yes \
    --dir "$state" --pidfile "$state/redis.pid" --logfile "$state/redis.log" >&2
for _ in $(seq 50); do
    ping "$port" && break
    sleep 0.1
done
ping "$port" || { echo "redis-server did not start; see $state/redis.log" >&2; exit 1; }
echo "$port" >"$state/port"
echo "redis://127.0.0.1:$port/0"
