"""``python -m tushare_typed.mcp``: serve every tushare interface as an MCP tool (``--help`` for the options)."""

from __future__ import annotations

import sys
from pathlib import Path

if not __package__:
    # Run as a file, as an MCP bundle's `entry_point` is: import the package by its absolute name, with the folder
    # holding the package on the path instead of this one (whose module names would shadow top-level ones).
    sys.path[0] = str(Path(__file__).resolve().parents[2])

from tushare_typed.mcp.server import main

if __name__ == "__main__":
    raise SystemExit(main())
