"""A short Chinese label per column, for tables people read (``to_pandas(labels="zh")``, ``--labels zh``).

From the column's description: notes after ``--``, ``【…】`` and English glosses dropped, units in brackets
(``（%）``, ``(元)``) and parameter lists (``-CLOSE, N=12``) removed, the first clause kept. A reviewed label in
``metadata/labels.toml`` wins. Labels are unique within an interface: where two columns clean to one label, each
keeps its fuller description instead, and failing that gets its wire name appended.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping

from tsgen.model import Interface

_UNITS = frozenset(
    [
        "%",
        "％",
        "元",
        "万元",
        "亿元",
        "千元",
        "百万元",
        "股",
        "万股",
        "亿股",
        "张",
        "手",
        "份",
        "万份",
        "亿份",
        "倍",
        "次",
        "家",
        "只",
        "个",
        "天",
        "日",
        "年",
        "月",
        "人",
        "户",
        "万户",
        "美元",
        "港元",
        "元/股",
        "元/吨",
        "万手",
        "bp",
        "百分比",
        "单位",
        "亿",
        "万",
    ]
)
_BRACKETS = re.compile(r"[（(]([^（）()]*)[）)]")
_NOTES = re.compile(r"【[^】]*】|--.*$|—.*$")
_ENGLISH_TAIL = re.compile(r"\s*%?\s*[A-Za-z][A-Za-z ,'/-]{12,}$")
_PARAMETER_LIST = re.compile(r"\s*-\s*[A-Z][A-Z0-9_]*(?:\s*[,=].*)?$|\s*-\s*N\d?=.*$")
_CLAUSE = re.compile(r"[，,；;。]|：(?=.{4,})")
_SPACES = re.compile(r"\s+")


def _unit_or_note(match: re.Match[str]) -> str:
    inner = match.group(1).strip()
    is_unit = inner in _UNITS or inner.startswith("单位") or (inner and inner.replace("%", "") in _UNITS)
    return "" if is_unit or len(inner) > 8 else match.group(0)


def _units_removed(description: str) -> str:
    text = _NOTES.sub("", description.strip())
    text = _ENGLISH_TAIL.sub("", text)
    text = _BRACKETS.sub(_unit_or_note, text)
    return _SPACES.sub("", text).strip("%％:：-— ")


def clean_label(description: str) -> str:
    """The short label of a column description (empty when the description is)."""
    text = _PARAMETER_LIST.sub("", _units_removed(description))
    head = _CLAUSE.split(text, maxsplit=1)[0].strip()
    return head if len(head) >= 2 else text


def labels_for(interface: Interface, reviewed: Mapping[str, str]) -> dict[str, str]:
    """Column name → label, unique within the interface (see the module docstring)."""
    labels = {f.name: reviewed.get(f.name) or clean_label(f.description) or f.name for f in interface.fields}
    descriptions = {f.name: f.description for f in interface.fields}
    attempts: tuple[Callable[[str], str], ...] = (
        lambda name: _units_removed(descriptions[name]) or name,
        lambda name: f"{clean_label(descriptions[name])}({name})",
    )
    for attempt in attempts:
        counts = Counter(labels.values())
        clashing = [name for name, label in labels.items() if counts[label] > 1 and name not in reviewed]
        for name in clashing:
            labels[name] = attempt(name)
    return labels
