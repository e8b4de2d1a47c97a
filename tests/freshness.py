"""Are the generated files in `generated_client/` what `tsgen build` makes of the metadata and templates right now?

The hand-written runtime is ordinary source there, edited where it runs; only the rendered files (`is_generated`:
`_api/`, `models/`, `_client.py`, `_version.py`, the JSON documents, the bundle's files) can fall behind their inputs.
The session guard in `conftest.py` stops the run at once when they have, instead of testing yesterday's render. A
full render takes seconds, so the guard remembers (in pytest's cache) the digest of every input and output it last
found fresh, and renders again only when one of them changed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from tsgen.files import differences, existing_files
from tsgen.render.metadata import load_metadata
from tsgen.render.tree import DISTRIBUTION, is_generated, render_tree

REPO = Path(__file__).resolve().parents[1]
METADATA = REPO / "metadata"
# Everything a build reads, and what it writes (the distribution's pyproject.toml is read for ruff and the bundle).
_INPUTS = (REPO / "templates", METADATA, REPO / "generator" / "tsgen", DISTRIBUTION)

STALE_MESSAGE = "generated_client is stale: run `tsgen build`"


def tree_digest(roots: tuple[Path, ...] = _INPUTS) -> str:
    """One hash over the path and bytes of every build input and output (caches ignored)."""
    digest = hashlib.sha256()
    for root in roots:
        for relative in sorted(existing_files(root)):
            digest.update(f"{root.name}/{relative}\0".encode())
            digest.update(hashlib.sha256((root / relative).read_bytes()).digest())
    return digest.hexdigest()


def stale_files(metadata: Path = METADATA, out: Path = DISTRIBUTION) -> list[str]:
    """What differs between a fresh render of ``metadata`` and the generated files in ``out``."""
    return differences(render_tree(load_metadata(metadata)), out, is_generated)
