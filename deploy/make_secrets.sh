#!/usr/bin/env bash
# The files deploy/compose.yaml reads as secrets, in DIR (default deploy/secrets, mode 0700):
#     bash deploy/make_secrets.sh [DIR]      # TUSHARE_TOKEN from the environment, or asked for
# Existing files are kept, so a re-run changes nothing; the store key and the database password are random.
set -euo pipefail
dir=${1:-"$(dirname "$0")/secrets"}
umask 077
mkdir -p "$dir"
python=${PYTHON:-python3}
if [ ! -s "$dir/tushare_token" ]; then
    token=${TUSHARE_TOKEN:-}
    if [ -z "$token" ]; then read -r -s -p "tushare token: " token && echo; fi
    printf '%s' "$token" > "$dir/tushare_token"
fi
if [ ! -s "$dir/tushare_typed_key" ]; then
    "$python" -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode(), end="")' > "$dir/tushare_typed_key"
fi
if [ ! -s "$dir/postgres_password" ]; then
    "$python" -c 'import secrets; print(secrets.token_urlsafe(24), end="")' > "$dir/postgres_password"
fi
printf 'postgresql://tushare:%s@postgres:5432/tushare' "$(cat "$dir/postgres_password")" > "$dir/database_url"
echo "secrets in $dir" >&2
