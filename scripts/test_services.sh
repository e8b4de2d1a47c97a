#!/usr/bin/env bash
# Everything the integration tests need besides the Python packages, set up idempotently on this machine:
#   - Debian's postgresql, redis-server and chromium (+ a CJK font), with one `apt-get update` when any is missing;
#   - the pinned Node.js MCP clients (scripts/setup_node_clients.sh);
#   - a PostgreSQL cluster and a redis-server on 127.0.0.1 (scripts/services.sh, scripts/services_redis.sh).
# Progress goes to stderr; stdout carries only `export NAME=value` lines for the tests:
#     eval "$(bash scripts/test_services.sh)"
# Nothing here is fatal: a piece that cannot be had makes its tests skip with a message saying why.
set -uo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -d /usr/share/fonts/truetype/wqy ] || missing+=(fonts-wqy-microhei)
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test_services: installing ${missing[*]}" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >&2 \
        || echo "test_services: apt-get failed; the tests needing ${missing[*]} will skip" >&2
fi

bash scripts/setup_node_clients.sh >&2 || echo "test_services: Node.js clients not installed" >&2
bash scripts/setup_browser.sh >&2
bash scripts/services.sh || echo "test_services: PostgreSQL not started" >&2
if redis_url="$(bash scripts/services_redis.sh)"; then
    echo "export TSGEN_TEST_REDIS_URL=$redis_url"
else
    echo "test_services: redis-server not started" >&2
fi
