"""An English title and keywords for each interface, for search in people's words (catalog, site, MCP).

The English title is the reviewed one (`metadata/search.toml`) or the Chinese title put word by word through
:data:`PHRASES` (longest phrase first; text no phrase covers is left out). Keywords are the reviewed ones plus the
market the interface belongs to (港股 → HK, Hong Kong), read from its name and category.
"""

from __future__ import annotations

import re

from tsgen.model import Interface
from tsgen.reviewed import SearchWords

#: Chinese phrase → English, for the titles the docs use.
PHRASES: dict[str, str] = {
    "A股": "A-share",
    "港股通": "Southbound Connect",
    "沪深港通": "Stock Connect",
    "沪深股通": "Northbound Connect",
    "港股": "Hong Kong stock",
    "美股": "US stock",
    "日线行情": "daily bars",
    "日线": "daily bars",
    "周线": "weekly bars",
    "月线": "monthly bars",
    "分钟行情": "minute bars",
    "分钟": "minute",
    "实时": "realtime",
    "行情": "quotes",
    "复权因子": "adjustment factor",
    "复权": "adjusted",
    "每日指标": "daily indicators (P/E, P/B, turnover, market value)",
    "指标": "indicators",
    "基础信息": "basic information",
    "基本信息": "basic information",
    "列表": "list",
    "交易日历": "trading calendar",
    "资产负债表": "balance sheet",
    "利润表": "income statement",
    "现金流量表": "cash flow statement",
    "财务指标数据": "financial indicators",
    "财务": "financial",
    "业绩预告": "earnings forecast",
    "业绩快报": "earnings express report",
    "分红送股": "dividends and bonus shares",
    "分红": "dividends",
    "指数": "index",
    "成分": "constituents",
    "权重": "weights",
    "期货": "futures",
    "期权": "options",
    "可转债": "convertible bond",
    "债券": "bond",
    "国债": "treasury",
    "收益率曲线": "yield curve",
    "利率": "interest rate",
    "基金": "fund",
    "公募基金": "mutual fund",
    "净值": "net asset value (NAV)",
    "基金经理": "fund manager",
    "融资融券": "margin trading",
    "资金流向": "money flow",
    "个股": "individual stock",
    "大盘": "market",
    "龙虎榜": "dragon-tiger list (top traders)",
    "涨跌停": "limit up/down",
    "停复牌": "suspensions and resumptions",
    "股东": "shareholders",
    "前十大": "top 10",
    "流通": "float",
    "人数": "count",
    "增减持": "holding changes",
    "回购": "buyback",
    "大宗交易": "block trades",
    "新股": "new shares",
    "曾用名": "former names",
    "上市公司": "listed company",
    "管理层": "management",
    "新闻": "news",
    "快讯": "flash",
    "公告": "announcements",
    "外汇": "forex",
    "黄金": "gold",
    "现货": "spot",
    "宏观": "macro",
    "居民消费价格指数": "consumer price index (CPI)",
    "工业生产者出厂价格指数": "producer price index (PPI)",
    "货币供应量": "money supply",
    "采购经理人指数": "purchasing managers' index (PMI)",
    "行业": "industry",
    "板块": "sector",
    "概念": "concept",
    "技术因子": "technical factors",
    "股票": "stock",
    "交易": "trading",
    "统计": "statistics",
    "明细": "details",
    "汇总": "summary",
    "每日": "daily",
    "解禁": "lock-up expiry",
    "质押": "pledge",
    "筹码": "chip distribution",
    "集合竞价": "call auction",
    "票房": "box office",
}
_PHRASE = re.compile("|".join(sorted(map(re.escape, PHRASES), key=len, reverse=True)))
_MARKETS = (
    (("hk_", "ggt_"), "港股", ("HK", "Hong Kong", "香港")),
    (("us_",), "美股", ("US", "美国")),
    (("fut_", "ft_"), "期货", ("futures",)),
    (("opt_",), "期权", ("options",)),
    (("fund_", "etf_"), "基金", ("fund",)),
    (("cb_",), "可转债", ("convertible",)),
    (("index_", "idx_"), "指数", ("index",)),
)


def english_title(title: str) -> str:
    words = [PHRASES[match] for match in _PHRASE.findall(title)]
    return " ".join(dict.fromkeys(words))


def market_words(interface: Interface) -> tuple[str, ...]:
    category = "/".join(interface.category)
    for prefixes, word, words in _MARKETS:
        if interface.api_name.startswith(prefixes) or word in category:
            return words
    return ()


def search_words(interface: Interface, reviewed: SearchWords | None) -> tuple[str, list[str]]:
    """(English title, keywords) of ``interface``."""
    reviewed = reviewed or SearchWords()
    title = reviewed.title or english_title(interface.title)
    return title, list(dict.fromkeys([*reviewed.keywords, *market_words(interface)]))
