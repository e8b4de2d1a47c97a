"""Facts stated in free-text lines of a page: row caps, required points, call quotas.

The pages state them in prose ("单次最大6000条", "用户需要至少2000积分才可以调取",
"5000积分每分钟可以请求30次，8000积分以上每分钟500次"); these functions read that prose and nothing else.
"""

from __future__ import annotations

import re

from tsgen.model import PERIOD_SECONDS, Period, RateLimitRule

_ROW_CAP = re.compile(r"(?:单次|每次)[^0-9，。,;；]{0,14}?(\d[\d,]*)\s*(万)?\s*(?:条|行|$|\(|（|，|,|。)")
# "2000积分", "积分达到2000", and share_float's "120分可调取" (积分 without 积)
_POINTS = re.compile(r"(\d+)\s*积分|积分\s*(?:达到)?\s*(\d+)|(\d+)\s*分(?=可|才|以上)")
_TRIAL = re.compile(r"试用|查看数据|看数据")
_SEPARATE_PERMISSION = re.compile(r"单独(?:开)?权限|单独的权限")
_OPENED_PERMISSION = re.compile(r"正式权限|开通.{0,8}权限")
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


def _clauses(line: str) -> list[str]:
    return [clause for clause in _CLAUSE_SPLIT.split(line) if clause.strip()]


def _points_in(clause: str) -> list[int]:
    return [int(a or b or c) for a, b, c in _POINTS.findall(clause)]


def required_points(line: str) -> int | None:
    """The points a points/permission line requires for real use; a trial tier is not a requirement.

    "120积分可以试用，5000积分有正式权限" requires 5000; "120积分可以调取2次接口查看数据，正式权限请参阅权限说明"
    states no requirement at all (the real one is a separate permission); 基础积分 is no figure either.
    """
    for clause in _clauses(line):
        numbers = _points_in(clause)
        if numbers and not _TRIAL.search(clause):
            return numbers[0]
    return None


def trial_points(line: str) -> int | None:
    """The points that allow a trial look at the data ("120积分可以试用查看数据")."""
    for clause in _clauses(line):
        numbers = _points_in(clause)
        if numbers and _TRIAL.search(clause):
            return numbers[0]
    return None


def separate_permission(line: str) -> bool:
    """A permission opened apart from points grants access: 单独开权限, or 正式权限 / 开通…权限 without points."""
    if _SEPARATE_PERMISSION.search(line):
        return True
    return any(_OPENED_PERMISSION.search(clause) and not _points_in(clause) for clause in _clauses(line))


def base_tier(line: str) -> bool:
    return bool(_BASE_TIER.search(line))


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
            points = int(stated_points.group(1) or stated_points.group(2) or stated_points.group(3))
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
