#!/usr/bin/env bash
# `tsgen build --out` into an empty folder must give a complete distribution: this builds one, makes a wheel of it,
# installs the wheel into a folder of its own and runs the runtime tests against that copy (PYTHONPATH puts it ahead
# of the editable install; the first test asserts which copy was imported).
set -euo pipefail
cd "$(dirname "$0")/.."
py="${TSGEN_PYTHON:-.venv/bin/python}"  # nox passes its session's interpreter
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
"$py" -m tsgen.cli build --out "$scratch/client"
"$py" -m pip wheel --quiet --no-deps -w "$scratch/dist" "$scratch/client"
"$py" -m pip install --quiet --no-deps --target "$scratch/site" "$scratch"/dist/*.whl
PYTHONPATH="$scratch/site" TSGEN_EXPECT_PACKAGE_UNDER="$scratch/site" \
    "$py" -m pytest -q -p no:cacheprovider tests/render/test_installed_copy.py tests/runtime "$@"
