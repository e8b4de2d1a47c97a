"""The rendered client is composed from one module per docs category: every interface method exactly once on both
clients and on their `pages`, the same signature everywhere, and nothing of it loaded before it is needed."""

from __future__ import annotations

import importlib
import inspect
import json
import subprocess
import sys
from pathlib import Path
from types import FunctionType, ModuleType

import pytest

from tests.goldens import FIXTURE_CATEGORY_MODULES, FIXTURE_INTERFACES, GOLDEN_CODE
from tsgen.render.tree import PACKAGE

VARIANTS = [("TushareClient", "Pages"), ("AsyncTushareClient", "AsyncPages")]


def _category_members(cls: type, package: str, kind: type) -> list[tuple[str, object, str]]:
    """(name, value, defining module) of every `kind` member the category mixins among `cls`'s bases define."""
    return [
        (name, value, klass.__module__)
        for klass in cls.__mro__
        if klass.__module__.startswith(f"{package}._api.")
        for name, value in vars(klass).items()
        if isinstance(value, kind)
    ]


def _interface_methods(cls: type, package: str) -> list[tuple[str, str]]:
    return [(name, module) for name, _, module in _category_members(cls, package, FunctionType)]


@pytest.mark.parametrize(("client_name", "pages_name"), VARIANTS)
def test_every_interface_is_defined_once_on_the_client_and_on_its_pages(
    tt: ModuleType, client_name: str, pages_name: str
) -> None:
    client = getattr(tt, client_name)
    pages = getattr(importlib.import_module(f"{tt.__name__}._client"), pages_name)
    methods = _interface_methods(client, tt.__name__)
    assert sorted(name for name, _ in methods) == sorted(FIXTURE_INTERFACES)
    modules = dict(methods)
    assert modules["daily"] == f"{tt.__name__}._api.stock_quotes"
    assert modules["ft_mins"] == f"{tt.__name__}._api.futures"
    descriptor = importlib.import_module(f"{tt.__name__}._internal.streams").AsyncStreamed
    if client_name == "TushareClient":
        descriptor = importlib.import_module(f"{tt.__name__}._internal.streams").Streamed
    streams = _category_members(pages, tt.__name__, descriptor)
    assert sorted(name for name, _, _ in streams) == sorted(FIXTURE_INTERFACES)
    for name, stream, module in streams:
        assert module == modules[name], "a stream lives beside the method it streams"
        assert stream.api_name == name  # type: ignore[attr-defined]
        assert getattr(pages, name) is stream, "class access gives the descriptor itself"


@pytest.mark.parametrize("client_name", ["TushareClient", "AsyncTushareClient"])
def test_methods_take_keyword_parameters_fields_and_options(tt: ModuleType, client_name: str) -> None:
    client = getattr(tt, client_name)
    for name in FIXTURE_INTERFACES:
        method = getattr(client, name)
        *named, options = list(inspect.signature(method).parameters.values())[1:]
        assert all(p.kind is p.KEYWORD_ONLY for p in named) and named[-1].name == "fields"
        assert (options.kind, options.name) == (inspect.Parameter.VAR_KEYWORD, "options")
        assert inspect.iscoroutinefunction(method) is client_name.startswith("Async")


def test_a_bound_stream_is_named_after_its_interface(tt: ModuleType) -> None:
    client = tt.TushareClient(token="t" * 40)
    stream = client.pages.ft_mins
    assert (stream.__name__, inspect.iscoroutinefunction(stream)) == ("ft_mins", False)
    assert "client's `ft_mins` method" in (stream.__doc__ or "")
    with pytest.raises(TypeError, match=r"ft_mins\(\) takes 0 positional arguments"):
        stream("CU2310.SHF")


def test_the_methods_sync_and_async_see_the_same_interfaces(tt: ModuleType) -> None:
    sync = {name for name, _ in _interface_methods(tt.TushareClient, tt.__name__)}
    assert sync == {name for name, _ in _interface_methods(tt.AsyncTushareClient, tt.__name__)}
    assert not {"pages", "pro_bar", "query"} & sync


def test_every_rendered_category_module_is_pinned_by_a_golden(fixture_tree: dict[str, bytes]) -> None:
    rendered = {path for path in fixture_tree if path.startswith(f"{PACKAGE}/_api/")}
    assert rendered == {path for path in GOLDEN_CODE if path.startswith(f"{PACKAGE}/_api/")}
    assert len(rendered) == len(FIXTURE_CATEGORY_MODULES) + 1


PROBE = """
import json, sys
def loaded(prefix):
    return sorted(name for name in sys.modules if name.startswith(prefix))
steps = {}
import tt_fixture
steps["import"] = loaded("tt_fixture._client") + loaded("tt_fixture._api")
steps["import models"] = loaded("tt_fixture.models.")
client = tt_fixture.TushareClient(token="t" * 40)
aclient = tt_fixture.AsyncTushareClient(token="t" * 40)
client.pages, aclient.pages
steps["construct"] = loaded("tt_fixture._api.")
steps["construct models"] = loaded("tt_fixture.models.")
try:
    client.daily(trade_date="not a date")
except tt_fixture.errors.ParameterError:
    pass
steps["first call models"] = loaded("tt_fixture.models.")
print(json.dumps(steps))
"""


@pytest.mark.timeout(60)
def test_category_modules_load_with_the_client_and_models_on_first_call(tt: ModuleType) -> None:
    assert tt.__file__ is not None
    site = Path(tt.__file__).parents[1]
    done = subprocess.run(  # noqa: S603 - our interpreter on our probe
        [sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=site, check=True, timeout=50
    )
    steps = json.loads(done.stdout)
    assert steps["import"] == [], "import tt_fixture loads no client, category or model module"
    assert steps["import models"] == []
    assert steps["construct"] == [f"tt_fixture._api.{slug}" for slug in sorted(FIXTURE_CATEGORY_MODULES)]
    assert steps["construct models"] == [], "building clients and their pages imports no interface model"
    assert steps["first call models"] == ["tt_fixture.models.daily"], "a call imports its own models only"
