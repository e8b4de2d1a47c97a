"""Regenerate the golden snapshots under tests/golden/ (metadata of representative pages, rendered code).

Run after an intended change to ingest or rendering, then review the diff like any other code change:
    python scripts/regen_golden.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.goldens import GOLDEN, regenerate

if __name__ == "__main__":
    regenerate()
    print(f"golden snapshots written under {GOLDEN}")
