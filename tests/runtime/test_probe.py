"""``_internal/probe``: one smallest call per interface, the outcome recorded (callable, denied, unknown to the API,
failed), resumed after an interruption or a rate limit without repeating a call; the same on both halves."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tushare_typed import AsyncTushareClient, TushareClient
from tushare_typed._internal.probe import Entry, ProbeRecord, ProbeStopped, aprobe, example_arguments, probe
from tushare_typed.catalog import Catalog, InterfaceSpec, load_catalog
from tushare_typed.testing import TushareEmulator

from .halves import HALVES, Half

NAMES = ("daily", "weekly", "stock_basic", "trade_cal")


def _specs(*names: str) -> list[InterfaceSpec]:
    catalog = load_catalog()
    return [catalog.get(name) for name in names]


def _without(name: str) -> Catalog:
    """The package's catalog less ``name``: the emulator then answers 请指定正确的接口名 for it."""
    catalog = load_catalog()
    return Catalog({api: spec for api, spec in catalog.interfaces.items() if api != name})


@pytest.fixture
def emulator() -> Iterator[TushareEmulator]:
    with TushareEmulator(_without("weekly"), denied=["daily"]) as running:
        yield running


def run_probe(half: Half, emulator: TushareEmulator, record: ProbeRecord, names: tuple[str, ...], **kw: Any) -> None:
    """Probe ``names`` on the sync or the async client (rate-limit waits off, so a rate limit stops at once)."""
    options: dict[str, Any] = {"base_url": emulator.url, "max_rate_limit_wait": 0, "max_retries": 0}
    if half == "sync":
        with TushareClient(emulator.token, **options) as client:
            probe(client, _specs(*names), record, **kw)
        return

    async def run() -> None:
        async with AsyncTushareClient(emulator.token, **options) as client:
            await aprobe(client, _specs(*names), record, **kw)

    asyncio.run(run())


@pytest.mark.timeout(60)
@pytest.mark.parametrize("half", HALVES)
def test_the_probe_records_callable_denied_and_unknown(half: Half, emulator: TushareEmulator, tmp_path: Path) -> None:
    record = ProbeRecord(tmp_path / "probe.json")
    run_probe(half, emulator, record, NAMES)
    statuses = {api: entry.status for api, entry in record.entries.items()}
    assert statuses == {"daily": "denied", "weekly": "unknown", "stock_basic": "callable", "trade_cal": "callable"}
    assert "请指定正确的接口名" in record.entries["weekly"].detail
    assert emulator.calls() == len(NAMES)
    assert ProbeRecord.load(record.path).entries == record.entries  # what was saved reads back the same
    document = json.loads(record.path.read_text(encoding="utf-8"))
    assert emulator.token not in record.path.read_text(encoding="utf-8")
    assert all(item["at"] > 0 for item in document["interfaces"].values())


@pytest.mark.timeout(60)
@pytest.mark.parametrize("half", HALVES)
def test_an_interrupted_probe_resumes_without_calling_again(
    half: Half, emulator: TushareEmulator, tmp_path: Path
) -> None:
    seen: list[str] = []

    def interrupt_after_two(api: str, entry: Entry) -> None:
        seen.append(api)
        if len(seen) == 2:
            raise KeyboardInterrupt

    record = ProbeRecord(tmp_path / "probe.json")
    with pytest.raises(KeyboardInterrupt):
        run_probe(half, emulator, record, NAMES, report=interrupt_after_two)
    assert sorted(ProbeRecord.load(record.path).entries) == sorted(seen)
    resumed = ProbeRecord.load(record.path)
    run_probe(half, emulator, resumed, NAMES)
    assert sorted(resumed.entries) == sorted(NAMES)
    assert [emulator.calls(name) for name in NAMES] == [1, 1, 1, 1]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("half", HALVES)
def test_a_rate_limited_probe_stops_and_later_resumes(half: Half, emulator: TushareEmulator, tmp_path: Path) -> None:
    emulator.quotas = {"stock_basic": 0}  # every call of it is over the quota
    record = ProbeRecord(tmp_path / "probe.json")
    with pytest.raises(ProbeStopped, match="rate-limited"):
        run_probe(half, emulator, record, NAMES)
    assert sorted(record.entries) == ["daily", "weekly"]  # the stop comes at stock_basic; trade_cal not tried
    assert emulator.calls("stock_basic") == 1 and emulator.calls("trade_cal") == 0
    emulator.quotas = {}
    run_probe(half, emulator, ProbeRecord.load(record.path), NAMES)
    assert [emulator.calls(name) for name in NAMES] == [1, 1, 2, 1]


@pytest.mark.timeout(60)
def test_a_failed_call_is_recorded_and_tried_again(emulator: TushareEmulator, tmp_path: Path) -> None:
    emulator.denied = frozenset()
    record = ProbeRecord(tmp_path / "probe.json")
    with TushareClient(emulator.token, base_url=emulator.url, max_retries=0) as client:
        probe(client, [_broken(load_catalog().get("daily"))], record)
    assert record.entries["daily"].status == "failed"
    assert record.pending(["daily", "weekly"]) == ["daily", "weekly"]


def _broken(spec: InterfaceSpec) -> InterfaceSpec:
    """``daily`` with a required trade_date whose example value (a month) a day parameter refuses."""
    import dataclasses

    params = tuple(
        dataclasses.replace(p, required=True, format="YYYYMM") if p.name == "trade_date" else p for p in spec.params
    )
    return dataclasses.replace(spec, params=params)


@pytest.mark.timeout(10)
def test_a_damaged_record_names_the_file_and_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "probe.json"
    path.write_text('{"interfaces": {"daily": {"status": "callable"}}}', encoding="utf-8")
    with pytest.raises(ValueError, match="damaged") as caught:
        ProbeRecord.load(path)
    assert str(path) in str(caught.value) and "doctor --probe" in str(caught.value)
    assert ProbeRecord.load(tmp_path / "absent.json").entries == {}


@pytest.mark.timeout(10)
def test_the_smallest_request_fills_required_parameters_and_a_group() -> None:
    catalog = load_catalog()
    assert example_arguments(catalog.get("daily_basic")) == {"trade_date": "20240102"}
    for spec in catalog:
        arguments = example_arguments(spec)
        assert all(p.name in arguments for p in spec.params if p.required)
        assert all(group.satisfied_by(list(arguments)) for group in spec.param_groups if group.kind == "any")
