"""The MCP bundle: `tsgen bundle` packs exactly the files the server runs from (deterministically, without caches),
and the bundle unpacked into an empty folder starts exactly as its manifest says (uv installs the dependencies
from its pyproject.toml) and lists its tools over stdio."""

from __future__ import annotations

import os
import re
import shutil
import sys
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

import anyio
import pytest
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from tsgen.render.bundle import BUNDLE_IGNORE, BundleError, ignore_patterns, ignored, write_bundle

from .conftest import GENERATED, REPO, read_json

LICENSE = REPO / "LICENSE"


def test_ignore_patterns_match_folders_anywhere_and_file_names() -> None:
    patterns = ignore_patterns(BUNDLE_IGNORE)
    assert ignored(PurePosixPath("tushare_typed/__pycache__/cli.cpython-311.pyc"), patterns)
    assert ignored(PurePosixPath("tushare_typed/mcp/x.pyc"), patterns)
    assert ignored(PurePosixPath("build/lib/tushare_typed/cli.py"), patterns)
    assert not ignored(PurePosixPath("tushare_typed/mcp/tools.json"), patterns)
    assert not ignored(PurePosixPath("tushare_typed/builders.py"), patterns)


def test_the_bundle_is_deterministic_and_holds_no_caches(tmp_path: Path) -> None:
    cache = GENERATED / "tushare_typed" / "__pycache__"
    cache.mkdir(exist_ok=True)  # present in any checkout that imported the package; must stay out
    first, second = tmp_path / "a.mcpb", tmp_path / "b.mcpb"
    write_bundle(GENERATED, LICENSE, first)
    write_bundle(GENERATED, LICENSE, second)
    assert first.read_bytes() == second.read_bytes()
    names = zipfile.ZipFile(first).namelist()
    assert names[:4] == ["manifest.json", "pyproject.toml", ".mcpbignore", "LICENSE"]
    assert "tushare_typed/mcp/tools.json" in names and "tushare_typed/catalog.json" in names
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]
    assert first.stat().st_size < 2_000_000


def test_a_bundle_from_an_unbuilt_tree_names_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match=r"manifest\.json.*run `tsgen build` first"):
        write_bundle(tmp_path, LICENSE, tmp_path / "x.mcpb")


def _substitute(value: str, values: dict[str, str]) -> str:
    return re.sub(r"\$\{([^}]+)\}", lambda match: values[match.group(1)], value)


@pytest.mark.timeout(240)  # the first run has uv download the dependencies
async def test_the_unpacked_bundle_starts_as_its_manifest_says(tmp_path: Path) -> None:
    uv = shutil.which("uv") or shutil.which("uv", path=str(Path(sys.executable).parent))
    if uv is None:
        pytest.skip("uv is not installed (it is a pinned dev dependency: pip install -e '.[dev]')")
    bundle = tmp_path / "tushare-typed.mcpb"
    write_bundle(GENERATED, LICENSE, bundle)
    unpacked = tmp_path / "installed"
    unpacked.mkdir()
    zipfile.ZipFile(bundle).extractall(unpacked)
    manifest: dict[str, Any] = read_json(unpacked / "manifest.json")
    values = {"__dirname": str(unpacked), "user_config.tushare_token": "a-token"}
    values |= {f"user_config.{key}": str(entry.get("default", "")) for key, entry in manifest["user_config"].items()}
    config = manifest["server"]["mcp_config"]
    assert config["command"] == "uv"
    parameters = StdioServerParameters(
        command=uv,
        args=[_substitute(arg, values) for arg in config["args"]],
        # A host passes its own environment (proxy and certificate settings included) plus the manifest's.
        env={
            **{name: value for name, value in os.environ.items() if not name.startswith("TUSHARE")},
            "XDG_CONFIG_HOME": str(tmp_path),
            "UV_CACHE_DIR": str(REPO / ".cache" / "uv"),
            **{name: _substitute(value, values) for name, value in config["env"].items()},
        },
        cwd=tmp_path,
    )
    with (tmp_path / "server.log").open("w") as errlog, anyio.fail_after(220):
        async with stdio_client(parameters, errlog=errlog) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            listed = await session.list_tools()
    assert [tool.name for tool in listed.tools] == [tool["name"] for tool in manifest["tools"]]
