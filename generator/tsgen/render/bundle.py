"""The MCP bundle (`.mcpb`): the rendered package, its manifest and a `pyproject.toml` from which the host's `uv`
installs the dependencies (manifest `server.type: uv`), zipped deterministically.

`tsgen build` renders `generated_client/bundle/pyproject.toml` and `generated_client/bundle/.mcpbignore`;
`tsgen bundle` packs them with `generated_client/manifest.json` and the `tushare_typed` package, leaving out what
`.mcpbignore` names (caches, build output), so the bundle holds exactly the files the server runs from.
"""

from __future__ import annotations

import fnmatch
import json
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

BUNDLE_IGNORE = """\
# What `tsgen bundle` (and `mcpb pack`) leave out of the bundle: caches and build output, never source.
__pycache__/
*.pyc
*.pyo
*.egg-info/
.venv/
build/
dist/
.pytest_cache/
.mypy_cache/
.ruff_cache/
*.mcpb
"""
PACKAGE = "tushare_typed"
# Zip entries carry this time, so the same tree always packs to the same bytes.
_EPOCH = (1980, 1, 1, 0, 0, 0)


class BundleError(Exception):
    """The bundle cannot be built; the message names the missing or wrong input."""


def bundle_pyproject(version: str, requirements: Iterable[str]) -> str:
    """A project that only declares the server's requirements: `uv run` installs them, not the folder itself."""
    lines = [
        "# The MCP bundle's project: the host runs the server with `uv run`, which installs these requirements.",
        "[project]",
        'name = "tushare-typed-mcp-bundle"',
        f"version = {json.dumps(version)}",
        'requires-python = ">=3.11"',
        "dependencies = [",
        *(f"    {json.dumps(requirement)}," for requirement in requirements),
        "]",
        "",
        "[tool.uv]",
        "package = false",
        "",
    ]
    return "\n".join(lines)


def ignore_patterns(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def ignored(path: PurePosixPath, patterns: Iterable[str]) -> bool:
    """Whether `path` (relative, posix) or a folder above it matches an ignore pattern (gitignore-like subset:
    `name/` matches a folder of that name anywhere, other patterns match a file name or the whole path)."""
    for pattern in patterns:
        if pattern.endswith("/"):
            if any(fnmatch.fnmatchcase(part, pattern[:-1]) for part in path.parts[:-1]):
                return True
        elif fnmatch.fnmatchcase(path.name, pattern) or fnmatch.fnmatchcase(path.as_posix(), pattern):
            return True
    return False


def bundle_files(client: Path, license_file: Path) -> Iterator[tuple[str, Path]]:
    """(path in the bundle, source file), in bundle order."""
    required = {
        "manifest.json": client / "manifest.json",
        "pyproject.toml": client / "bundle" / "pyproject.toml",
        ".mcpbignore": client / "bundle" / ".mcpbignore",
        "LICENSE": license_file,
    }
    missing = [str(path) for path in required.values() if not path.is_file()]
    if missing or not (client / PACKAGE).is_dir():
        missing += [] if (client / PACKAGE).is_dir() else [str(client / PACKAGE)]
        raise BundleError(f"missing {', '.join(missing)}: run `tsgen build` first")
    patterns = ignore_patterns(required[".mcpbignore"].read_text(encoding="utf-8"))
    yield from required.items()
    for source in sorted((client / PACKAGE).rglob("*")):
        relative = PurePosixPath(source.relative_to(client).as_posix())
        if source.is_file() and not ignored(relative, patterns):
            yield relative.as_posix(), source


def write_bundle(client: Path, license_file: Path, out: Path) -> int:
    """Pack the bundle into `out`; returns the number of files."""
    count = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, source in bundle_files(client, license_file):
            entry = zipfile.ZipInfo(name, date_time=_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, source.read_bytes())
            count += 1
    return count
