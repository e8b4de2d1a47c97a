"""The session guard (tests/conftest.py) catches generated files that no longer match their inputs, and never
mistakes an edit of the hand-written runtime for one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tsgen.render.tree import DISTRIBUTION

from ..freshness import stale_files, tree_digest

HANDWRITTEN = "tushare_typed/_internal/transport/retry.py"
GENERATED = "tushare_typed/models/daily.py"


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("client")
    shutil.copytree(DISTRIBUTION, out, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    return out


@pytest.mark.timeout(90)
def test_a_hand_edited_generated_file_is_stale_and_a_runtime_edit_is_not(copy: Path) -> None:
    (copy / HANDWRITTEN).write_text((copy / HANDWRITTEN).read_text(encoding="utf-8") + "\n", encoding="utf-8")
    (copy / GENERATED).write_text("# edited by hand\n", encoding="utf-8")
    (copy / "tushare_typed" / "models" / "stray.py").write_text("", encoding="utf-8")
    assert stale_files(out=copy) == [f"stale: {GENERATED}", "not generated: tushare_typed/models/stray.py"]


def test_the_guard_renders_again_after_any_edit(tmp_path: Path) -> None:
    root = tmp_path / "templates"
    shutil.copytree(DISTRIBUTION / "tushare_typed" / "_internal", root)
    edited = root / "lazy.py"
    before = tree_digest((root,))
    assert tree_digest((root,)) == before
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert tree_digest((root,)) != before
