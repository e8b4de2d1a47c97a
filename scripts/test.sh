#!/usr/bin/env bash
# The whole test suite on a fresh machine: a private venv, the pinned toolchain, then the steps `nox` runs (keep the
# two in step): lint (ruff check, ruff format --check), types (mypy; mypy --strict on the generated client, also for
# win32 and darwin), tests (tsgen build --check, tsgen docs --check, the services the integration tests use, the --out
# build, the deployment and Spark tiers, then pytest: its summary is the run's last line).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
py=.venv/bin/python
"$py" -m pip install --quiet --upgrade pip
"$py" -m pip install --quiet -e ".[ingest,dev,bench]" -e "./generated_client[all]"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy generator tests scripts
(cd generated_client && ../.venv/bin/mypy --strict --config-file pyproject.toml tushare_typed)
# The client, token store, store and CLI must type-check for Windows and macOS too (POSIX-only calls guarded). Only
# the service's SO_REUSEPORT worker supervisor is left out for Windows: it is Linux-only and never started elsewhere
# (reuse_port_supported() is False there); silent import-following keeps it out when server.py imports it.
(cd generated_client && ../.venv/bin/mypy --strict --config-file pyproject.toml --platform win32 \
    --exclude 'tushare_typed/service/_workers\.py$' --follow-imports=silent tushare_typed)
(cd generated_client && ../.venv/bin/mypy --strict --config-file pyproject.toml --platform darwin tushare_typed)
.venv/bin/tsgen build --check
.venv/bin/tsgen docs --check
# PostgreSQL, Redis, Chromium and the Node.js MCP clients (installed when missing), started on 127.0.0.1.
eval "$(bash scripts/test_services.sh)"
# `tsgen build --out` into an empty folder: a wheel of it installs and passes the runtime tests.
bash scripts/check_out_build.sh
# The deployment tier: the image, the compose stack and the manifests run under podman (tests/deploy).
bash scripts/deploy_tier.sh
# The lake read back by Apache Spark (tests marked `spark`; installs Java 17 and pyspark when missing).
TSGEN_PYTHON="$py" bash scripts/spark_tier.sh
"$py" -m pytest -q "$@"
