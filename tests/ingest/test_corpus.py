"""The pinned corpus, ingested whole: golden pages, coverage, and what must never become a param or field."""

import re
from pathlib import Path

import pytest

from tests.goldens import GOLDEN_INTERFACES
from tsgen.ingest.run import IngestResult
from tsgen.ingest.writer import metadata_files

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "metadata"


@pytest.mark.parametrize("api_name", GOLDEN_INTERFACES)
def test_golden_interface(corpus: IngestResult, api_name: str) -> None:
    rendered = metadata_files(corpus)[f"interfaces/{api_name}.json"]
    golden = (GOLDEN / f"{api_name}.json").read_text(encoding="utf-8")
    assert rendered == golden, f"{api_name} changed: review, then run `python scripts/regen_golden.py`"


def test_golden_sdk_facts(corpus: IngestResult) -> None:
    assert metadata_files(corpus)["sdk.json"] == (GOLDEN / "sdk.json").read_text(encoding="utf-8")


def test_golden_push_facts(corpus: IngestResult) -> None:
    assert metadata_files(corpus)["push.json"] == (GOLDEN / "push.json").read_text(encoding="utf-8")
    push = corpus.push
    assert push.url == "wss://ws.tushare.pro/listening" and (push.subscribe_action, push.ping_action) == (
        "listening",
        "ping",
    )
    tick = next(record for record in push.records if record.name == "TsTick")
    assert len(tick.fields) == 52 and tick.fields[0].required and not tick.fields[1].required
    named = {topic.name for topic in push.topics if topic.in_sdk_source}
    assert named == {"HQ_STK_TICK", "HQ_STK_MIN"}  # the rest are reviewed facts, and say so


def test_committed_metadata_matches_a_fresh_ingest(corpus: IngestResult) -> None:
    files = metadata_files(corpus)
    stale = [name for name, content in files.items() if (ROOT / "metadata" / name).read_text("utf-8") != content]
    committed = {p.relative_to(ROOT / "metadata").as_posix() for p in (ROOT / "metadata" / "interfaces").glob("*")}
    extra = committed - set(files)
    assert not stale and not extra, f"run `tsgen ingest`: stale {stale}, extra {sorted(extra)}"


def test_at_least_215_http_interfaces_with_params_and_fields(corpus: IngestResult) -> None:
    http = [i for i in corpus.interfaces.values() if i.kind == "http"]
    assert len(http) >= 215
    assert sum(1 for i in http if i.fields) >= 215
    assert sum(1 for i in http if i.params) >= 210


def test_no_enumeration_row_example_or_sample_becomes_a_param_or_field(corpus: IngestResult) -> None:
    for interface in corpus.interfaces.values():
        enum_values = {e.value for p in interface.params for e in p.enum or []}
        names = [p.name for p in interface.params] + [f.name for f in interface.fields]
        assert not enum_values & set(names), interface.api_name
        for param in interface.params:
            assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", param.name), (interface.api_name, param.name)
        for field in interface.fields:
            assert re.fullmatch(r"[A-Za-z0-9_]+", field.name), (interface.api_name, field.name)
            assert field.attr.isidentifier()
        assert not {"df", "pro", "ts"} & set(names), interface.api_name


def test_enumerations_are_attached(corpus: IngestResult) -> None:
    def values(api: str, param: str) -> list[str]:
        found = next(p for p in corpus.interfaces[api].params if p.name == param)
        return [e.value for e in found.enum or []]

    assert values("ft_mins", "freq") == ["1min", "5min", "15min", "30min", "60min"]
    assert values("index_basic", "market") == ["MSCI", "CSI", "SSE", "SZSE", "CICC", "SW", "OTH"]
    assert values("income", "report_type")[:2] == ["1", "2"]


def test_scrapers_are_marked_not_http(corpus: IngestResult) -> None:
    kinds = {name: corpus.interfaces[name].kind for name in ("realtime_quote", "realtime_tick", "realtime_list")}
    assert set(kinds.values()) == {"sdk_scraper"}


def test_overrides_all_apply(corpus: IngestResult) -> None:
    assert corpus.stale_overrides == []
