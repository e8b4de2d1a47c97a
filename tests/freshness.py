"""Is `generated_client/` (the package the tests import) what `tsgen build` makes of the sources right now?

The runtime tests import the installed `tushare_typed`, i.e. `generated_client/`; an edit to `templates/` (runtime
modules included) or to the generator reaches it only through `tsgen build`. The session guard in `conftest.py`
stops the run at once when it has not, instead of testing yesterday's copy. A full render takes seconds, so the
guard remembers (in pytest's cache) the digest of every input and output it last found fresh, and renders again
only when one of them changed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from tsgen.files import differences, existing_files
from tsgen.render.metadata import load_metadata
from tsgen.render.tree import RUNTIME, render_tree

REPO = Path(__file__).resolve().parents[1]
GENERATED = REPO / "generated_client"
METADATA = REPO / "metadata"
# Everything a build reads, and what it writes.
_INPUTS = (REPO / "templates", METADATA, REPO / "generator" / "tsgen", GENERATED)

STALE_MESSAGE = "generated_client is stale: run `tsgen build`"


def tree_digest(roots: tuple[Path, ...] = _INPUTS) -> str:
    """One hash over the path and bytes of every build input and output (caches ignored)."""
    digest = hashlib.sha256()
    for root in roots:
        for relative in sorted(existing_files(root)):
            digest.update(f"{root.name}/{relative}\0".encode())
            digest.update(hashlib.sha256((root / relative).read_bytes()).digest())
    return digest.hexdigest()


def stale_files(runtime: Path = RUNTIME, out: Path = GENERATED) -> list[str]:
    """What differs between a fresh render (with the runtime modules in ``runtime``) and ``out``."""
    return differences(render_tree(load_metadata(METADATA), runtime), out)
