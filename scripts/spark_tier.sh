#!/usr/bin/env bash
# The Spark tier: the lake read back by Apache Spark (pyspark in local mode on Debian's Java 17), the tests marked
# `spark` (skipped in a plain pytest run). Installs Java and pyspark when missing. Called by scripts/test.sh and nox;
# alone: `bash scripts/spark_tier.sh` (TSGEN_PYTHON: the Python to use, default .venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/.."
py="${TSGEN_PYTHON:-.venv/bin/python}"
if ! command -v java >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get install -y --no-install-recommends openjdk-17-jre-headless
fi
"$py" -c "import pyspark" 2>/dev/null || "$py" -m pip install --quiet "pyspark==4.3.0"
TSGEN_SPARK_TIER=1 "$py" -m pytest -q -p no:cacheprovider -m spark tests/store "$@"
