"""The pinned Node.js MCP clients (installed by scripts/setup_node_clients.sh into .cache/node): where they are,
and a skip with the reason when Node.js or the install is missing."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .conftest import REPO

NODE_MODULES = REPO / ".cache" / "node" / "node_modules"
CLIENT_SCRIPT = REPO / "tests" / "node" / "mcp_client.cjs"
SETUP = "bash scripts/setup_node_clients.sh"


def node() -> str:
    """The node executable; skips the test when Node.js or the pinned clients are not installed."""
    executable = shutil.which("node")
    if executable is None:
        pytest.skip("Node.js is not installed: the TypeScript SDK client and mcpb tests need it")
    if not (NODE_MODULES / "@modelcontextprotocol" / "sdk").is_dir():
        subprocess.run(["bash", str(REPO / "scripts" / "setup_node_clients.sh")], check=True, timeout=300)  # noqa: S603, S607
    return executable


def run_typescript_client(command: str, args: list[str], env: dict[str, str], calls: list[dict[str, Any]]) -> Any:
    """What the official TypeScript SDK client sees listing the tools and making `calls`."""
    request = {"modules": str(NODE_MODULES), "command": command, "args": args, "env": env, "calls": calls}
    done = subprocess.run(  # noqa: S603
        [node(), str(CLIENT_SCRIPT), json.dumps(request)], capture_output=True, text=True, timeout=90
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def mcpb(*args: str | Path) -> subprocess.CompletedProcess[str]:
    cli = NODE_MODULES / ".bin" / "mcpb"
    return subprocess.run(  # noqa: S603
        [node(), str(cli.resolve()), *map(str, args)], capture_output=True, text=True, timeout=90
    )
