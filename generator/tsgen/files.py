"""Keeping a folder equal to a generated tree of files: write what changed, delete what is no longer produced,
and list the differences (`tsgen build --check`). Used by ingest (metadata/) and build (generated_client/)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

Owns = Callable[[str], bool]

# Files in generated_client/ that the build does not own: caches and install artefacts.
_IGNORED_PARTS = frozenset({"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "build", "dist"})


def _owned(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    return not any(part in _IGNORED_PARTS or part.endswith(".egg-info") for part in parts)


def everything(relative: str) -> bool:
    """The default ownership: every file under the root (caches and install artefacts aside)."""
    return True


def existing_files(root: Path, owns: Owns = everything) -> set[str]:
    """The files under `root` the generator owns (`owns` narrows it; caches and install artefacts never count)."""
    if not root.exists():
        return set()
    found = (p for p in root.rglob("*") if p.is_file() and _owned(p, root))
    return {relative for relative in (p.relative_to(root).as_posix() for p in found) if owns(relative)}


def differences(tree: dict[str, bytes], root: Path, owns: Owns = everything) -> list[str]:
    """Files that are stale, missing or left over, each with what is wrong."""
    problems = []
    for relative, content in tree.items():
        path = root / relative
        if not path.exists():
            problems.append(f"missing: {relative}")
        elif path.is_symlink() or path.read_bytes() != content:
            # A link would ship whatever it points to, not what the build produced.
            problems.append(f"stale: {relative}")
    problems += [f"not generated: {relative}" for relative in sorted(existing_files(root, owns) - set(tree))]
    return problems


def write_tree(tree: dict[str, bytes], root: Path, owns: Owns = everything) -> int:
    """Write changed files, delete owned files no longer produced; return how many files changed."""
    changed = 0
    for relative in existing_files(root, owns) - set(tree):
        (root / relative).unlink()
        changed += 1
    for relative, content in tree.items():
        path = root / relative
        if path.exists() and not path.is_symlink() and path.read_bytes() == content:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink():
            path.unlink()
        path.write_bytes(content)
        changed += 1
    return changed
