"""The docs category → client module map: total over the committed metadata, deterministic, and strict."""

import keyword

import pytest

from tests.goldens import ROOT
from tsgen.model import Interface
from tsgen.render.categories import CATEGORY_MODULES, CategoryError, category_modules, category_path
from tsgen.render.metadata import load_metadata


@pytest.fixture(scope="module")
def interfaces() -> list[Interface]:
    return load_metadata(ROOT / "metadata").http_interfaces


def _with_category(interface: Interface, category: list[str]) -> Interface:
    return interface.model_copy(update={"category": category})


def test_every_interface_of_the_metadata_lands_in_exactly_one_module(interfaces: list[Interface]) -> None:
    modules = category_modules(interfaces)
    placed = [i.api_name for module in modules for i in module.interfaces]
    assert sorted(placed) == sorted(i.api_name for i in interfaces)
    assert len(placed) == len(set(placed))


def test_every_slug_is_used_and_every_module_stays_small(interfaces: list[Interface]) -> None:
    modules = category_modules(interfaces)
    assert {module.slug for module in modules} == set(CATEGORY_MODULES.values()), "a stale entry in the map"
    assert max(len(module.interfaces) for module in modules) <= 40, "split the largest category one level deeper"


def test_slugs_are_unique_ascii_identifiers() -> None:
    slugs = list(CATEGORY_MODULES.values())
    assert len(slugs) == len(set(slugs))
    for slug in slugs:
        assert slug.isascii() and slug.isidentifier() and not keyword.iskeyword(slug), slug
        assert slug == slug.lower() and not slug.startswith("_"), slug


def test_modules_are_sorted_by_slug_and_keep_metadata_order(interfaces: list[Interface]) -> None:
    modules = category_modules(interfaces)
    assert [m.slug for m in modules] == sorted(m.slug for m in modules)
    reordered = {m.slug: m for m in category_modules(list(reversed(interfaces)))}
    assert all(reordered[m.slug].interfaces == m.interfaces[::-1] for m in modules), "members keep the given order"
    quotes = next(m for m in modules if m.slug == "stock_quotes")
    assert quotes.path == ("股票数据", "行情数据")
    assert quotes.classes == "StockQuotes"
    assert "daily" in [i.api_name for i in quotes.interfaces]


def test_the_longest_listed_prefix_wins(interfaces: list[Interface]) -> None:
    daily = next(i for i in interfaces if i.api_name == "daily")
    assert category_path(_with_category(daily, ["宏观经济", "国内宏观", "利率数据"])) == ("宏观经济",)
    assert category_path(_with_category(daily, ["股票数据", "财务数据", "x"])) == ("股票数据", "财务数据")


@pytest.mark.parametrize("category", [["股票数据"], ["股票数据", "新分类"], ["新专题"], []])
def test_an_unmapped_category_names_itself_and_the_fix(interfaces: list[Interface], category: list[str]) -> None:
    daily = _with_category(next(i for i in interfaces if i.api_name == "daily"), category)
    with pytest.raises(CategoryError, match=r"daily: docs category .* CATEGORY_MODULES in generator/tsgen/render"):
        category_modules([daily])
