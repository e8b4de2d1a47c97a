"""The one ranking of interfaces for a query in people's words: the MCP server's ``search_interfaces``,
``tushare-typed list --search`` and the benchmark (``scripts/bench_search.py``) all call :func:`search`.

Chinese or English terms are matched against each interface's name, title, English title, keywords, category,
description and columns. A query naming a market (港股, 香港, HK; 美股, US) steers the ranking to that market's
interfaces (the catalog's keywords say which market an interface belongs to); a query naming none prefers the
A-share ones. A query found whole in a title or keyword ranks that interface first.

The catalog is mostly Chinese, so English terms are also looked up in a small finance glossary (``daily`` →
日线, ``dividend`` → 分红); a run of Chinese characters matches whole, or in part by its character pairs (股票日线
finds 日线行情 through 日线). Each term scores the best place it matches, weighted by where (name > title >
category > columns > description); interfaces matching more of the terms rank first. Where each interface's text
comes from is :data:`SOURCES`: a fact the catalog gains is one more entry.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from .catalog import InterfaceSpec

__all__ = ["GLOSSARY", "MARKETS", "SOURCES", "Hit", "search", "terms"]

#: (label, weight, texts of an interface), most telling first.
SOURCES: Final[tuple[tuple[str, float, Callable[[InterfaceSpec], Iterable[str]]], ...]] = (
    ("name", 10.0, lambda spec: (spec.api_name,)),
    ("keywords", 9.0, lambda spec: spec.keywords),
    ("title", 8.0, lambda spec: (spec.title,)),
    ("english title", 7.0, lambda spec: (spec.title_en,)),
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
    "northbound": ("北向", "沪深港通"),
    "capital": ("资金",),
    "statement": ("表",),
    "shareholders": ("股东",),
    "prices": ("行情", "价格"),
    "listed": ("上市",),
    "pe": ("市盈率",),
    "pb": ("市净率",),
    "turnover": ("换手率",),
    "香港": ("港股",),
    "美国": ("美股",),
    "日k": ("日线",),
    "日k线": ("日线",),
    "k线": ("行情",),
    "派息": ("分红",),
    "北向资金": ("沪深港通",),
    "分钟线": ("分钟",),
    "价格": ("行情",),
    "上市公司": ("股票",),
}

# Chinese words a query is split into (with the glossary's): a run like 美国股票行情 is searched as 美国, 股票, 行情.
_WORDS: Final = frozenset(
    [
        "股票",
        "行情",
        "列表",
        "价格",
        "权重",
        "成分",
        "现货",
        "黄金",
        "日线",
        "周线",
        "月线",
        "分钟",
        "涨停",
        "跌停",
        "涨跌停",
        "停牌",
        "复牌",
        "股东",
        "人数",
        "净值",
        "基金",
        "期货",
        "期权",
        "指数",
        "行业",
        "分类",
        "公司",
        "基本信息",
        "基础信息",
        "利润表",
        "新闻",
        "快讯",
        "交易",
        "日历",
        "外汇",
        "回购",
        "市值",
        "换手率",
        "市盈率",
        "市净率",
        "每日",
        "成交",
        "资金",
        "流向",
        "个股",
        "十大",
        "前十大",
        "财务",
        "指标",
        "债券",
        "可转债",
        "利率",
        "预告",
        "快报",
        "分红",
        "送股",
        "融资融券",
        "龙虎榜",
        "曾用名",
        "大宗交易",
        "新股",
    ]
)

#: Market → the words naming it (in a query, or among an interface's catalog keywords).
MARKETS: Final[dict[str, frozenset[str]]] = {
    "hk": frozenset({"hk", "hong kong", "hongkong", "香港", "港股"}),
    "us": frozenset({"us", "美股", "美国"}),
    "futures": frozenset({"futures", "future", "期货"}),
    "options": frozenset({"options", "option", "期权"}),
    "fund": frozenset({"fund", "funds", "etf", "基金", "公募基金"}),
}
# English words that carry no meaning for the search.
_STOPWORDS: Final = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "for",
        "and",
        "or",
        "in",
        "on",
        "to",
        "with",
        "like",
        "all",
        "my",
        "me",
        "what",
        "which",
        "how",
        "get",
        "data",
        "数据",
        "show",
        "give",
        "find",
        "interface",
        "api",
    ]
)
# Score factors: an interface in the market the query names, in another market, any market when none is named.
_MARKET_MATCH, _MARKET_OTHER, _MARKET_UNASKED = 1.6, 0.5, 0.85
# A query found whole in a title or keyword adds this much.
_PHRASE_BONUS: Final = 10.0

_TOKEN: Final = re.compile(r"(?:[Aa](?=[\u3400-\u9fff]))?[\u3400-\u9fff]+(?:[Kk][\u3400-\u9fff]*)?|[A-Za-z0-9_]+")
_CJK: Final = re.compile(r"^[\u3400-\u9fff]+$")
# A term matching in part (by character pairs, or inside a longer name) counts this much of a whole match.
_PARTIAL: Final = 0.5


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked interface: its score and the sources the terms matched in."""

    spec: InterfaceSpec
    score: float
    matched: tuple[str, ...]


@functools.cache
def _vocabulary() -> frozenset[str]:
    known = {*GLOSSARY, *(word for words in GLOSSARY.values() for word in words), *_WORDS}
    known |= {word for words in MARKETS.values() for word in words}
    return frozenset(word.casefold() for word in known if not word.isascii())


def _segments(run: str, vocabulary: frozenset[str]) -> list[str]:
    """A Chinese run split into known words (longest first), the text between them kept as words of its own;
    a lone character between known words is dropped."""
    pieces: list[str] = []
    unknown = ""
    start = 0
    while start < len(run):
        end = next((e for e in range(len(run), start, -1) if run[start:e] in vocabulary), None)
        if end is None:
            unknown += run[start]
            start += 1
            continue
        pieces.append(unknown)
        pieces.append(run[start:end])
        unknown, start = "", end
    pieces.append(unknown)
    kept = [piece for piece in pieces if len(piece) > 1 or (piece and len(run) == 1)]
    return kept or [run]


def terms(query: str) -> list[str]:
    """The query's words: ASCII words and the known words of each run of Chinese characters, lower-cased, each
    once, without stopwords ("P/E" is read as pe)."""
    vocabulary = _vocabulary()
    words: list[str] = []
    for token in _TOKEN.findall(query.replace("/", "")):
        token = token.casefold()
        words += [token] if token.isascii() else _segments(token, vocabulary)
    return list(dict.fromkeys(word for word in words if word not in _STOPWORDS))


def _variants(term: str) -> list[tuple[list[str], float]]:
    """(texts that together make a match, how much a whole match counts): the term, each glossary word, and for a
    Chinese run its character pairs, which count by the share of them a text holds."""
    variants = [([term], 1.0)]
    variants += [([word.casefold()], 0.9) for word in GLOSSARY.get(term, ())]
    if _CJK.match(term) and len(term) > 2:
        variants.append(([term[i : i + 2] for i in range(len(term) - 1)], _PARTIAL))
    return variants


def _contains(text: str, piece: str) -> bool:
    """Chinese anywhere; an ASCII word at the start of a word of the text (us is not in bonus), and a short one
    (three letters or fewer: hk, pe, no) only as a whole word."""
    if not piece.isascii():
        return piece in text
    start = text.find(piece)
    while start >= 0:
        end = start + len(piece)
        whole = len(piece) > 3 or end == len(text) or not text[end].isalnum()
        if whole and (start == 0 or not text[start - 1].isalnum()):
            return True
        start = text.find(piece, start + 1)
    return False


def _market(spec: InterfaceSpec) -> str | None:
    keywords = {keyword.casefold() for keyword in spec.keywords}
    return next((market for market, words in MARKETS.items() if keywords & words), None)


def _steer(spec: InterfaceSpec, asked: str | None) -> float:
    market = _market(spec)
    if asked is None:
        return 1.0 if market is None else _MARKET_UNASKED
    return _MARKET_MATCH if market == asked else _MARKET_OTHER


def _asked_market(words: list[str], query: str) -> str | None:
    """The market a query names: one of its words, or a Chinese market word anywhere in it."""
    for market, names in MARKETS.items():
        if names & {*words, query} or any(name in query for name in names if not name.isascii()):
            return market
    return None


def _phrase(spec: InterfaceSpec, query: str) -> float:
    if query == spec.api_name.casefold():  # the interface's own name is the surest answer (fut_holding's "daily" title)
        return 2 * _PHRASE_BONUS
    texts = (spec.title, spec.title_en, *spec.keywords)
    return _PHRASE_BONUS if query and any(query == text.casefold() for text in texts if text) else 0.0


def _texts(spec: InterfaceSpec) -> list[tuple[str, float, list[str]]]:
    return [(label, weight, [text.casefold() for text in texts(spec) if text]) for label, weight, texts in SOURCES]


def _term_score(term: str, texts: Sequence[tuple[str, float, list[str]]]) -> tuple[float, str | None]:
    best, where = 0.0, None
    for pieces, strength in _variants(term):
        for label, weight, values in texts:
            for value in values:
                share = sum(_contains(value, piece) for piece in pieces) / len(pieces)
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
    whole = " ".join(query.casefold().split())
    asked = _asked_market(words, whole)
    hits = []
    for spec in specs:
        texts = _texts(spec)
        scored = [_term_score(word, texts) for word in words]
        found = [(score, where) for score, where in scored if where is not None]
        if not found:
            continue
        # Covering more of the query matters more than matching one term very well.
        coverage = len(found) / len(words)
        score = (sum(score for score, _ in found) * coverage + _phrase(spec, whole)) * _steer(spec, asked)
        hits.append(Hit(spec, round(score, 3), tuple(dict.fromkeys(where for _, where in found if where))))
    hits.sort(key=lambda hit: (-hit.score, hit.spec.api_name))
    return hits[:limit], len(hits)
