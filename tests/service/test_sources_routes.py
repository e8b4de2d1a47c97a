"""``/v1/sources/bars`` and ``/v1/sources/compare``: the sources' async twin behind the API key, bounded inputs,
errors as ``ErrorPayload``, and both routes in the served document."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tushare_typed.sources import SourceSettings
from tushare_typed.testing import TushareEmulator
from tushare_typed.testing._sources import ALPHAVANTAGE_KEY, SourceLookalikes

from .conftest import AppFactory, key_headers

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def lookalikes() -> Iterator[tuple[TushareEmulator, SourceLookalikes]]:
    with TushareEmulator() as emulator, SourceLookalikes(emulator) as servers:
        yield emulator, servers


def settings_of(emulator: TushareEmulator, servers: SourceLookalikes) -> SourceSettings:
    urls: Any = {"tushare": emulator.url, "akshare": servers.url, "yahoo": servers.url, "alphavantage": servers.url}
    return SourceSettings.resolve(
        urls=urls, alphavantage_key=ALPHAVANTAGE_KEY, tushare_token=emulator.token, retries=0, environ={}
    )


@pytest.fixture
def served(
    make_client: AppFactory, lookalikes: tuple[TushareEmulator, SourceLookalikes]
) -> Iterator[tuple[TestClient, dict[str, str], SourceLookalikes]]:
    servers = lookalikes[1]
    servers.mode.clear()
    servers.shift.clear()
    client = make_client(sources=settings_of(*lookalikes))
    yield client, key_headers(client), servers
    servers.mode.clear()
    servers.shift.clear()


def test_bars_from_each_source_in_standard_units(served: tuple[TestClient, dict[str, str], Any]) -> None:
    client, headers, _ = served
    query = {"symbols": "600000.SH,000001.SZ", "start": "2024-01-01", "end": "20240131"}
    series = {}
    for source in ("tushare", "akshare", "yahoo"):
        reply = client.get("/v1/sources/bars", params={**query, "source": source}, headers=headers)
        assert reply.status_code == 200, reply.text
        body = reply.json()["series"]
        assert [s["symbol"] for s in body] == ["600000.SH", "000001.SZ"]
        assert all(s["source"] == source and s["rows"] == len(s["bars"]) > 0 for s in body)
        series[source] = body[0]["bars"]
    for source in ("akshare", "yahoo"):
        assert [b["date"] for b in series[source]] == [b["date"] for b in series["tushare"]]
        assert series[source][0]["volume"] == pytest.approx(series["tushare"][0]["volume"], abs=100)


def test_the_api_key_comes_first(served: tuple[TestClient, dict[str, str], SourceLookalikes]) -> None:
    client, _, servers = served
    before = sum(servers.calls.values())
    reply = client.get("/v1/sources/bars", params={"symbols": "600000.SH", "source": "akshare"})
    assert reply.status_code == 401 and reply.json()["code"] == "AUTH-001"
    assert sum(servers.calls.values()) == before


@pytest.mark.parametrize(
    ("route", "params", "named"),
    [
        ("bars", {"symbols": ",".join(f"60000{k}.SH" for k in range(10)) + ",000001.SZ"}, "symbols"),
        ("bars", {"symbols": "600000.SH", "start": "20100101", "end": "20240101"}, "spans"),
        ("bars", {"symbols": "600000.SH", "start": "20241301"}, "not a date"),
        ("bars", {"symbols": "600000.SH", "start": "2024/01/01"}, "start"),
        ("bars", {"symbols": "600000.SH,600000.SH"}, "twice"),
        ("bars", {"symbols": "600000.SH", "adjust": "weird"}, "adjust"),
        ("compare", {"symbols": "600000.SH", "sources": "tushare"}, "sources"),
        ("compare", {"symbols": "600000.SH", "sources": "tushare,tushare"}, "twice"),
        ("compare", {"symbols": "600000.SH", "sources": "tushare,akshare", "start": "20220101"}, "spans"),
    ],
)
def test_bad_input_is_a_400_naming_it(
    served: tuple[TestClient, dict[str, str], SourceLookalikes], route: str, params: dict[str, str], named: str
) -> None:
    client, headers, servers = served
    before = sum(servers.calls.values())
    reply = client.get(f"/v1/sources/{route}", params=params, headers=headers)
    assert reply.status_code == 400, reply.text
    body = reply.json()
    assert body["category"] == "PARAMETER" and named in body["message"] and body["remediation"]
    assert sum(servers.calls.values()) == before  # refused before any source is asked


def test_faults_are_error_payloads(served: tuple[TestClient, dict[str, str], SourceLookalikes]) -> None:
    client, headers, servers = served
    servers.mode["yahoo"] = "outage"
    reply = client.get("/v1/sources/bars", params={"symbols": "AAPL", "source": "yahoo"}, headers=headers)
    assert reply.status_code == 503 and reply.json()["code"] == "SERVICE-301" and "Retry-After" in reply.headers
    reply = client.get("/v1/sources/bars", params={"symbols": "00700.HK", "source": "akshare"}, headers=headers)
    assert reply.status_code == 400 and reply.json()["code"] == "PARAM-122"
    reply = client.get("/v1/sources/bars", params={"symbols": "AAPL", "adjust": "hfq"}, headers=headers)
    assert reply.status_code == 400 and "no source could serve AAPL" in reply.json()["message"]


def test_compare_names_an_injected_difference(served: tuple[TestClient, dict[str, str], SourceLookalikes]) -> None:
    client, headers, servers = served
    query = {"symbols": "600000.SH,000001.SZ", "sources": "tushare,akshare,yahoo", "start": "20240101"}
    query["end"] = "20240331"
    agreeing = client.get("/v1/sources/compare", params=query, headers=headers)
    assert agreeing.status_code == 200 and agreeing.json()["agree"] is True, agreeing.text
    servers.shift[("akshare", "600000.SH", "20240315")] = 0.05
    servers.shift[("akshare", "600000.SH", "20240318")] = 0.05
    reply = client.get("/v1/sources/compare", params={**query, "maxFindings": "1"}, headers=headers).json()
    assert reply["agree"] is False and reply["findings_total"] == 4 and reply["truncated"] is True
    assert [(f["kind"], f["date"], f["field"]) for f in reply["findings"]] == [("value", "20240315", "close")]
    assert reply["rows"]["600000.SH"] == {"tushare": 65, "akshare": 65, "yahoo": 65}


def test_the_document_describes_both_routes(served: tuple[TestClient, dict[str, str], Any]) -> None:
    client, _, _ = served
    document = client.get("/openapi.json").json()
    for path in ("/v1/sources/bars", "/v1/sources/compare"):
        operation = document["paths"][path]["get"]
        assert {"200", "400", "401", "429", "503"} <= set(operation["responses"])
        assert operation["security"] == [{"MCPToken": []}]
        start = next(p for p in operation["parameters"] if p["name"] == "start")
        assert "YYYYMMDD or YYYY-MM-DD" in start["description"]
