#!/usr/bin/env bash
# Installs the pinned Node.js MCP clients the test suite drives (the official TypeScript SDK and the MCPB CLI)
# from tests/node/package-lock.json into .cache/node (gitignored). Skips quietly when Node.js is absent: the tests
# that need it then skip with a message saying so. Fast when the lock file has not changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "setup_node_clients: Node.js/npm not found; the Node.js client tests will be skipped" >&2
    exit 0
fi
target=.cache/node
mkdir -p "$target"
if cmp -s tests/node/package-lock.json "$target/package-lock.json" && [ -d "$target/node_modules" ]; then
    exit 0
fi
cp tests/node/package.json tests/node/package-lock.json "$target/"
(cd "$target" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
