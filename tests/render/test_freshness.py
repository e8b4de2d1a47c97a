"""The suite tests the runtime you edit: an edit under templates/ that `tsgen build` has not carried into
generated_client/ is caught by the session guard (tests/conftest.py) before any test runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tsgen.render.tree import RUNTIME

from ..freshness import stale_files, tree_digest

EDITED = "_internal/transport/retry.py"


@pytest.mark.timeout(90)
def test_an_unbuilt_runtime_edit_makes_generated_client_stale(tmp_path: Path) -> None:
    runtime = tmp_path / "runtime"
    shutil.copytree(RUNTIME, runtime)
    module = runtime / EDITED
    text = module.read_text(encoding="utf-8")
    assert "BACKOFF_INITIAL = 0.5\n" in text
    module.write_text(text.replace("BACKOFF_INITIAL = 0.5\n", "BACKOFF_INITIAL = 5.0\n"), encoding="utf-8")

    assert stale_files(runtime) == [f"stale: tushare_typed/{EDITED}"]


def test_the_guard_renders_again_after_any_edit(tmp_path: Path) -> None:
    root = tmp_path / "templates"
    shutil.copytree(RUNTIME, root)
    before = tree_digest((root,))
    assert tree_digest((root,)) == before
    (root / EDITED).write_text((root / EDITED).read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert tree_digest((root,)) != before
