"""Facts stated in free-text lines of a page: row caps, required points, call quotas.

The pages state them in prose ("单次最大6000条", "用户需要至少2000积分才可以调取",
"5000积分每分钟可以请求30次，8000积分以上每分钟500次"); these functions read that prose and nothing else.
"""

from __future__ import annotations

import re

from tsgen.model import PERIOD_SECONDS, Period, RateLimitRule

_ROW_CAP = re.compile(r"(?:单次|每次)[^0-9，。,;；]{0,14}?(\d[\d,]*)\s*(万)?\s*(?:条|行|$|\(|（|，|,|。)")
_POINTS = re.compile(r"(\d+)\s*积分|积分\s*(?:达到)?\s*(\d+)")
BASE_TIER_POINTS = 120  # 基础积分: the tier every registered account starts with
_TRIAL = re.compile(r"试用|查看数据")
_FORMAL = re.compile(r"正式|正常|可调取|可以调取|有权限")
_SEPARATE_PERMISSION = re.compile(r"单独(?:开)?权限|单独的权限")
_CLAUSE_SPLIT = re.compile(r"[，。；;,]")
_PERIODS: list[tuple[str, Period]] = [
    ("每分钟", "minute"),
    ("分钟内", "minute"),
    ("每小时", "hour"),
    ("每天", "day"),
    ("每日", "day"),
    ("总量", "day"),  # 无总量限制 is a daily total
]
_CALLS = re.compile(r"(\d+(?:\.\d+)?)\s*(万)?\s*次")
_UNLIMITED = re.compile(r"不限|无总量限制|不受限制")
_BASE_TIER = re.compile(r"基础积分")


def _to_int(digits: str, wan: str | None) -> int:
    value = float(digits.replace(",", ""))
    return int(value * 10000) if wan else int(value)


def row_limit(line: str) -> int | None:
    """The rows-per-call cap a line states, e.g. 限量：单次最大6000条 → 6000."""
    match = _ROW_CAP.search(line)
    if match is None:
        return None
    return _to_int(match.group(1), match.group(2))


def required_points(line: str) -> int | None:
    """The points a points/permission line requires for real use.

    "120积分可以试用，5000积分有正式权限" requires 5000: the trial tier only shows sample data.
    """
    clauses = [clause for clause in _CLAUSE_SPLIT.split(line) if clause.strip()]
    first: int | None = None
    first_is_trial = False
    for clause in clauses:
        numbers = [int(a or b) for a, b in _POINTS.findall(clause)]
        if not numbers:
            continue
        if first is None:
            first = numbers[0]
            first_is_trial = bool(_TRIAL.search(clause))
        elif first_is_trial and _FORMAL.search(clause):
            return numbers[0]
    if first is None and _BASE_TIER.search(line):
        return BASE_TIER_POINTS
    return first


def separate_permission(line: str) -> bool:
    return bool(_SEPARATE_PERMISSION.search(line))


def _period_of(clause: str) -> Period | None:
    for marker, period in _PERIODS:
        if marker in clause:
            return period
    return None


def rate_limits(line: str) -> list[RateLimitRule]:
    """Quotas stated in one sentence; a clause inherits the points tier and period of the one before.

    "2000积分每分钟请求200次，5000积分500次请求" → 200/min from 2000 points, 500/min from 5000 points.
    """
    rules: list[RateLimitRule] = []
    points: int | None = None
    period: Period | None = None
    for clause in _CLAUSE_SPLIT.split(line):
        stated_points = _POINTS.search(clause)
        if stated_points:
            points = int(stated_points.group(1) or stated_points.group(2))
        elif _BASE_TIER.search(clause):
            points = None
        for part in re.split(r"(?=每分钟|每小时|每天|每日)", clause):
            period = _period_of(part) or period
            if period is None:
                continue
            calls = _CALLS.search(part)
            if calls and not _POINTS.search(part[calls.end() : calls.end() + 2]):
                count: int | None = _to_int(calls.group(1), calls.group(2))
            elif stated_points and _UNLIMITED.search(part) and _period_of(part):
                # "单次最大2000，总量不限制" speaks of rows; only a tier's "无总量限制" lifts a quota
                count = None
            else:
                continue
            rules.append(
                RateLimitRule(
                    calls=count,
                    period=period,
                    period_seconds=PERIOD_SECONDS[period],
                    min_points=points,
                    text=line,
                )
            )
    return rules
