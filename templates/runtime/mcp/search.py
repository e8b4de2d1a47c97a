"""Ranked search over the catalog for ``search_interfaces``: Chinese or English terms against each interface's
name, title, category, description and columns.

The catalog is mostly Chinese, so English terms are also looked up in a small finance glossary (``daily`` →
日线, ``dividend`` → 分红); a run of Chinese characters matches whole, or in part by its character pairs (股票日线
finds 日线行情 through 日线). Each term scores the best place it matches, weighted by where (name > title >
category > columns > description); interfaces matching more of the terms rank first. Where each interface's text
comes from is :data:`SOURCES`: a fact the catalog gains is one more entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from ..catalog import InterfaceSpec

__all__ = ["GLOSSARY", "SOURCES", "Hit", "search", "terms"]

#: (label, weight, texts of an interface), most telling first.
SOURCES: Final[tuple[tuple[str, float, Callable[[InterfaceSpec], Iterable[str]]], ...]] = (
    ("name", 10.0, lambda spec: (spec.api_name,)),
    ("title", 8.0, lambda spec: (spec.title,)),
    ("category", 5.0, lambda spec: spec.category),
    ("columns", 3.0, lambda spec: (f.name for f in spec.fields)),
    ("column descriptions", 2.0, lambda spec: (f.description for f in spec.fields)),
    ("description", 2.0, lambda spec: (spec.description,)),
    ("params", 1.0, lambda spec: (p.name for p in spec.params)),
)

#: English finance words → the Chinese the docs use.
GLOSSARY: Final[dict[str, tuple[str, ...]]] = {
    "stock": ("股票", "A股"),
    "stocks": ("股票", "A股"),
    "share": ("股票", "股本"),
    "index": ("指数",),
    "fund": ("基金",),
    "etf": ("ETF",),
    "futures": ("期货",),
    "future": ("期货",),
    "option": ("期权",),
    "options": ("期权",),
    "bond": ("债券", "债"),
    "convertible": ("可转债", "转债"),
    "daily": ("日线", "每日"),
    "weekly": ("周线",),
    "monthly": ("月线",),
    "minute": ("分钟",),
    "bar": ("行情", "K线"),
    "bars": ("行情", "K线"),
    "quote": ("行情",),
    "quotes": ("行情",),
    "price": ("价格", "行情"),
    "dividend": ("分红", "送股"),
    "financial": ("财务",),
    "income": ("利润表",),
    "balance": ("资产负债表",),
    "cashflow": ("现金流量",),
    "forecast": ("业绩预告",),
    "holder": ("股东",),
    "holders": ("股东",),
    "margin": ("融资融券", "两融"),
    "moneyflow": ("资金流向",),
    "flow": ("资金流向", "流向"),
    "macro": ("宏观",),
    "gdp": ("GDP", "国民经济"),
    "cpi": ("CPI", "价格指数"),
    "interest": ("利率",),
    "rate": ("利率",),
    "shibor": ("Shibor",),
    "forex": ("外汇",),
    "hk": ("港股",),
    "hongkong": ("港股",),
    "us": ("美股", "美国"),
    "calendar": ("日历",),
    "trade": ("交易",),
    "basic": ("基础", "基本"),
    "list": ("列表",),
    "company": ("公司",),
    "industry": ("行业",),
    "sector": ("板块", "行业"),
    "concept": ("概念",),
    "limit": ("涨跌停", "涨停"),
    "suspend": ("停复牌",),
    "adjust": ("复权",),
    "adjusted": ("复权",),
    "factor": ("因子",),
    "news": ("新闻", "快讯"),
    "announcement": ("公告",),
    "report": ("报告", "研报"),
    "valuation": ("估值",),
    "nav": ("净值",),
    "manager": ("经理",),
    "repo": ("回购",),
    "block": ("大宗交易",),
    "north": ("北向", "沪深港通"),
    "connect": ("沪深港通",),
}

_TOKEN: Final = re.compile(r"[\u3400-\u9fff]+|[A-Za-z0-9_]+")
_CJK: Final = re.compile(r"^[\u3400-\u9fff]+$")
# A term matching in part (by character pairs, or inside a longer name) counts this much of a whole match.
_PARTIAL: Final = 0.5


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked interface: its score and the sources the terms matched in."""

    spec: InterfaceSpec
    score: float
    matched: tuple[str, ...]


def terms(query: str) -> list[str]:
    """The query's words: runs of Chinese characters and ASCII words, lower-cased, each once."""
    return list(dict.fromkeys(token.casefold() for token in _TOKEN.findall(query)))


def _variants(term: str) -> list[tuple[list[str], float]]:
    """(texts that together make a match, how much a whole match counts): the term, each glossary word, and for a
    Chinese run its character pairs, which count by the share of them a text holds."""
    variants = [([term], 1.0)]
    variants += [([word.casefold()], 0.9) for word in GLOSSARY.get(term, ())]
    if _CJK.match(term) and len(term) > 2:
        variants.append(([term[i : i + 2] for i in range(len(term) - 1)], _PARTIAL))
    return variants


def _texts(spec: InterfaceSpec) -> list[tuple[str, float, list[str]]]:
    return [(label, weight, [text.casefold() for text in texts(spec) if text]) for label, weight, texts in SOURCES]


def _term_score(term: str, texts: Sequence[tuple[str, float, list[str]]]) -> tuple[float, str | None]:
    best, where = 0.0, None
    for pieces, strength in _variants(term):
        for label, weight, values in texts:
            for value in values:
                share = sum(piece in value for piece in pieces) / len(pieces)
                if not share:
                    continue
                # A whole-name match ("daily" is daily) outranks the same word inside a longer name (daily_basic).
                exact = 1.0 if pieces == [value] or label != "name" else 0.7
                score = weight * strength * share * exact
                if score > best:
                    best, where = score, label
    return best, where


def search(specs: Iterable[InterfaceSpec], query: str, limit: int = 10) -> tuple[list[Hit], int]:
    """The best `limit` interfaces for `query`, and how many matched at all."""
    words = terms(query)
    hits = []
    for spec in specs:
        texts = _texts(spec)
        scored = [_term_score(word, texts) for word in words]
        found = [(score, where) for score, where in scored if where is not None]
        if not found:
            continue
        # Covering more of the query matters more than matching one term very well.
        coverage = len(found) / len(words)
        score = sum(score for score, _ in found) * coverage
        hits.append(Hit(spec, round(score, 3), tuple(dict.fromkeys(where for _, where in found if where))))
    hits.sort(key=lambda hit: (-hit.score, hit.spec.api_name))
    return hits[:limit], len(hits)
