"""Facts the reference states in words, derived from the metadata: a column's unit as its description gives it,
a quota as a sentence, the points tiers and the category tree in the docs' own order."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tsgen.model import Interface, OutputField, Permission, RateLimitRule

# The units tushare's column descriptions state, in parentheses ("成交额 （千元）") or after 单位 ("单位：万元").
_UNITS = frozenset(
    {
        "%",
        "元",
        "千元",
        "万元",
        "百万元",
        "亿元",
        "亿",
        "万",
        "港元",
        "美元",
        "元/股",
        "元/张",
        "元/克",
        "元/吨",
        "手",
        "万手",
        "股",
        "万股",
        "亿股",
        "份",
        "万份",
        "亿份",
        "张",
        "万张",
        "笔",
        "万笔",
        "次",
        "次/年",
        "倍",
        "点",
        "个",
        "户",
        "万户",
        "年",
        "天",
        "日",
        "bp",
        "BP",
    }
)
_PARENTHESIZED = re.compile(r"[（(]([^（()）]{1,20})[)）]")
_UNIT_PHRASE = re.compile(r"单位[：:]\s*([^，,;；)）\s]+)")
_PART_SEPARATORS = re.compile(r"[，,、；;\s]+")


def unit(column: OutputField) -> str | None:
    """The unit a column's description states, e.g. 千元 for "成交额 （千元）"; None when it states none."""
    stated = _UNIT_PHRASE.search(column.description)
    if stated and stated.group(1) in _UNITS:
        return stated.group(1)
    for group in _PARENTHESIZED.findall(column.description):
        parts = [part for part in _PART_SEPARATORS.split(group) if part]
        units = [part for part in parts if part in _UNITS]
        # "（股,份,手）" lists several units; "（上海，万户）" adds a qualifier: keep the units alone.
        if units and len(units) >= len(parts) - 1:
            return "/".join(units) if len(units) > 1 else units[0]
    return None


_PERIOD_WORDS = {"minute": "minute", "hour": "hour", "day": "day"}


def access(permission: Permission | None) -> str:
    """The access a page states apart from points, in words (empty when it states none)."""
    if permission is None:
        return ""
    parts = []
    if permission.separate:
        parts.append("a separate permission (权限说明) grants access")
    if permission.base_tier:
        parts.append("every account (base tier)")
    if permission.trial_points is not None:
        parts.append(f"{permission.trial_points} points allow a trial look only")
    return "; ".join(parts) or permission.text


def quota(rule: RateLimitRule) -> str:
    """`500 calls per minute`, `unlimited per day from 15000 points`."""
    calls = "unlimited" if rule.calls is None else f"{rule.calls} calls"
    tier = f" from {rule.min_points} points" if rule.min_points is not None else ""
    return f"{calls} per {_PERIOD_WORDS[rule.period]}{tier}"


def tiers(interfaces: list[Interface]) -> list[int]:
    """Every points figure an interface requires, ascending."""
    return sorted({interface.points for interface in interfaces if interface.points is not None})


@dataclass
class Category:
    """A top-level docs category (a numbered folder of the corpus) and its interfaces in the docs' order, grouped by
    subcategory (the rest of the category path; empty for interfaces directly in the category)."""

    slug: str
    name: str
    sections: dict[str, list[Interface]] = field(default_factory=dict)

    @property
    def interfaces(self) -> list[Interface]:
        return [interface for members in self.sections.values() for interface in members]


def _folder(interface: Interface) -> str:
    return interface.source.path.split("/", 1)[0]


def categories(interfaces: list[Interface]) -> list[Category]:
    """The category tree in the docs' own order (the corpus's numbered folders and pages)."""
    found: dict[str, Category] = {}
    for interface in sorted(interfaces, key=lambda i: (i.source.path, i.source.line, i.api_name)):
        folder = _folder(interface)
        slug = folder.split("_", 1)[0] if "_" in folder else folder
        name = interface.category[0] if interface.category else folder
        category = found.setdefault(folder, Category(slug=slug, name=name))
        section = " / ".join(interface.category[1:])
        category.sections.setdefault(section, []).append(interface)
    return list(found.values())
