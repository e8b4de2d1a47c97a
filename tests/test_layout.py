"""The layout rules of docs/architecture.md, checked: every runtime file exists once, hand-written modules stay
small, `templates/` holds only templates, and the module table of generated_client/README.md names exactly the
hand-written modules there are (so it cannot go stale)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tsgen.files import existing_files
from tsgen.render.tree import DISTRIBUTION, PACKAGE, is_generated

REPO = Path(__file__).resolve().parents[1]
MAX_LINES = 450
_ROW = re.compile(r"^\| (?P<cell>[^|]+) \|(?P<text>.*)\|$")


def _handwritten_modules() -> list[str]:
    """Hand-written .py files of the package, relative to the package folder."""
    relatives = existing_files(DISTRIBUTION / PACKAGE)
    return sorted(r for r in relatives if r.endswith(".py") and not is_generated(f"{PACKAGE}/{r}"))


def _table_rows() -> list[tuple[str, list[str], str]]:
    """(section base, paths named in the first cell, row text) for each row of the README's module tables."""
    rows: list[tuple[str, list[str], str]] = []
    base: str | None = None
    for line in (DISTRIBUTION / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("### "):
            found = re.search(r"\(`([^`]+)`\)", line)
            base = found.group(1) if found else ""
        elif line.startswith("## "):
            base = None
        elif base is not None and (match := _ROW.match(line)) and "`" in match["cell"]:
            rows.append((base, [base + name for name in re.findall(r"`([^`]+)`", match["cell"])], match["text"]))
    return rows


@pytest.mark.timeout(30)
def test_no_hand_written_module_is_over_the_limit() -> None:
    sources = [DISTRIBUTION / PACKAGE / r for r in _handwritten_modules()]
    sources += sorted((REPO / "generator" / "tsgen").rglob("*.py"))
    sizes = {str(path.relative_to(REPO)): len(path.read_text(encoding="utf-8").splitlines()) for path in sources}
    long = {name: lines for name, lines in sizes.items() if lines > MAX_LINES}
    assert not long, f"split these modules (at most {MAX_LINES} lines each): {long}"


@pytest.mark.timeout(30)
def test_templates_hold_only_templates() -> None:
    others = [p for p in (REPO / "templates").rglob("*") if p.is_file() and p.suffix != ".jinja"]
    assert not others, f"templates/ is for jinja templates only; runtime code lives in generated_client/: {others}"


@pytest.mark.timeout(30)
def test_the_module_table_names_every_hand_written_module_and_nothing_else() -> None:
    rows = _table_rows()
    named = {path for _, paths, _ in rows for path in paths}
    missing_paths = sorted(p for p in named if not (DISTRIBUTION / PACKAGE / p.rstrip("/")).exists())
    assert not missing_paths, f"generated_client/README.md names modules that do not exist: {missing_paths}"
    unlisted = []
    for module in _handwritten_modules():
        if module.endswith("__init__.py") and module != "__init__.py":
            continue
        listed = module in named or any(
            path.endswith("/") and module.startswith(path) and f"`{module.removeprefix(path)}`" in text
            for _, paths, text in rows
            for path in paths
        )
        if not listed:
            unlisted.append(module)
    assert not unlisted, f"add these modules to generated_client/README.md's tables: {unlisted}"
