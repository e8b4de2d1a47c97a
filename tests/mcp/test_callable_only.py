"""`mcp serve --callable-only`: serve only what `tushare-typed doctor --probe` found the token may call, together
with --max-points; without a probe record the server refuses to start and says how to make one."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tushare_typed._internal.probe import Entry, ProbeRecord
from tushare_typed.catalog import load_catalog
from tushare_typed.mcp import server
from tushare_typed.mcp.selection import Selection


@pytest.fixture
def record_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    path = tmp_path / "probe.json"
    monkeypatch.setenv("TUSHARE_TYPED_PROBE", str(path))
    return path


@pytest.fixture
def selections(monkeypatch: pytest.MonkeyPatch) -> list[Selection]:
    """The selection each start builds, without serving."""
    built: list[Selection] = []

    def service(**options: Any) -> None:
        built.append(options["selection"])

    monkeypatch.setattr(server, "ToolService", service)
    monkeypatch.setattr(server, "_serve", _no_serve)
    return built


async def _no_serve(*args: object) -> None:
    return None


def _write(path: Path, statuses: dict[str, str]) -> None:
    record = ProbeRecord(path)
    record.entries.update({api: Entry(status, "", time.time()) for api, status in statuses.items()})  # type: ignore[arg-type]
    record.save()


@pytest.mark.timeout(30)
def test_callable_only_serves_what_the_probe_found_callable(record_path: Path, selections: list[Selection]) -> None:
    expensive = max((s for s in load_catalog() if s.points is not None), key=lambda s: s.points or 0)
    _write(
        record_path, {"daily": "callable", "weekly": "denied", "moneyflow": "unknown", expensive.api_name: "callable"}
    )
    assert server.main(["--callable-only"]) == 0
    assert [s.api_name for s in selections[0].interfaces(load_catalog())] == sorted(["daily", expensive.api_name])
    assert server.main(["--callable-only", "--max-points", str((expensive.points or 1) - 1)]) == 0
    assert [s.api_name for s in selections[1].interfaces(load_catalog())] == ["daily"]
    assert "--callable-only" in selections[1].describe()
    assert server.main([]) == 0 and selections[2].callable is None


@pytest.mark.timeout(30)
def test_callable_only_without_a_probe_says_how_to_make_one(
    record_path: Path, selections: list[Selection], capsys: pytest.CaptureFixture[str]
) -> None:
    assert server.main(["--callable-only"]) == 2
    assert "doctor --probe" in capsys.readouterr().err
    assert selections == []
