"""Which generated client module holds an interface: one module per docs category, named by an ASCII slug.

The docs file every interface under a category path (`["股票数据", "行情数据"]`). The client is split along it so that
no generated module is huge: a category maps to a module by the longest path prefix listed below. 股票数据 (stock
data, ~110 interfaces) is split one level deeper; every other top-level category is one module. The slugs are kept
here, by hand, because a transliteration of the Chinese names would be unreadable and would shift with the docs'
wording; a category the map does not know stops the build with a message saying where to add it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tsgen.model import Interface
from tsgen.render.naming import pascal

# Category path prefix → module slug (a Python identifier; the mixin classes are named after it).
CATEGORY_MODULES: dict[tuple[str, ...], str] = {
    ("ETF专题",): "etf",
    ("债券专题",): "bond",
    ("公募基金",): "fund",
    ("外汇数据",): "forex",
    ("大模型语料专题数据",): "llm_corpus",
    ("宏观经济",): "macro",
    ("指数专题",): "index",
    ("期权数据",): "option",
    ("期货数据",): "futures",
    ("港股数据",): "hk_stock",
    ("现货数据",): "spot",
    ("美股数据",): "us_stock",
    ("股票数据", "两融及转融通"): "stock_margin",
    ("股票数据", "参考数据"): "stock_reference",
    ("股票数据", "基础数据"): "stock_basics",
    ("股票数据", "打板专题数据"): "stock_limit_board",
    ("股票数据", "特色数据"): "stock_featured",
    ("股票数据", "行情数据"): "stock_quotes",
    ("股票数据", "财务数据"): "stock_financials",
    ("股票数据", "资金流向数据"): "stock_money_flow",
    ("行业经济",): "industry",
    ("财富管理",): "wealth",
}


class CategoryError(Exception):
    """An interface's docs category has no module slug; the message names it and the fix."""


@dataclass(frozen=True)
class CategoryModule:
    """One generated client module: its slug, the category path it covers, and its interfaces in metadata order."""

    slug: str
    path: tuple[str, ...]
    interfaces: tuple[Interface, ...]

    @property
    def classes(self) -> str:
        """The stem of the module's mixin class names: `stock_quotes` → `StockQuotes`."""
        return pascal(self.slug)


def category_path(interface: Interface) -> tuple[str, ...]:
    """The mapped prefix of the interface's category path (the longest one listed in CATEGORY_MODULES)."""
    path = tuple(interface.category)
    for length in range(len(path), 0, -1):
        if path[:length] in CATEGORY_MODULES:
            return path[:length]
    shown = " › ".join(path) or "(no category)"
    raise CategoryError(
        f"{interface.api_name}: docs category {shown!r} has no client module; add its path (or a prefix of it) "
        "with an ASCII module name to CATEGORY_MODULES in generator/tsgen/render/categories.py"
    )


def category_modules(interfaces: Iterable[Interface]) -> list[CategoryModule]:
    """The interfaces grouped into their modules, sorted by slug (so the rendered tree is deterministic)."""
    groups: dict[tuple[str, ...], list[Interface]] = {}
    for interface in interfaces:
        groups.setdefault(category_path(interface), []).append(interface)
    modules = [CategoryModule(CATEGORY_MODULES[path], path, tuple(members)) for path, members in groups.items()]
    return sorted(modules, key=lambda module: module.slug)
