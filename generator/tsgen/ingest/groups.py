"""Parameter groups: "give at least one of these" read from the docs' many phrasings and from their examples.

The pages say it in a parameter's description ("股票代码（二选一）", "ts_code,trade_date两个参数任选一",
"trade_date/symbol至少输入一个参数", "股票和时间参数至少输入一个"), in a note under the table
("以上参数至少有一个不能为空", "trade_date，ts_code 至少要输入一个参数"), or only by example: a parameter
marked required that an example call omits (or passes as '') while it passes another required one. A group's
members are optional one by one; the group is what the call must satisfy.
"""

from __future__ import annotations

import re

from tsgen.model import Param, ParamGroup

_MARK = re.compile(r"[二三两]选一|任选一|至少.{0,8}一个|至少有一个")
_PAIR_MARK = re.compile(r"[二三两]选一")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ALL_PARAMS = re.compile(r"以上参数|^.{0,4}至少输入一个参数")
_CODE_WORDS = re.compile(r"股票|代码")
_DATE_WORDS = re.compile(r"时间|日期")


def _named(text: str, params: list[Param]) -> list[str]:
    names = {param.name for param in params}
    found: list[str] = []
    for token in _NAME.findall(text):
        if token in names and token not in found:
            found.append(token)
    return found


def _by_kind(text: str, params: list[Param]) -> list[str]:
    """ "股票和时间参数至少输入一个": the code parameters and the date parameters."""
    if not (_CODE_WORDS.search(text) and _DATE_WORDS.search(text)):
        return []
    return [p.name for p in params if p.name.endswith("code") or p.python_type in ("date", "datetime")]


def _from_descriptions(params: list[Param]) -> list[ParamGroup]:
    marked = [param for param in params if _MARK.search(param.description)]
    groups: list[ParamGroup] = []
    pairs = [param.name for param in marked if _PAIR_MARK.search(param.description)]
    if len(pairs) >= 2:
        groups.append(ParamGroup(params=pairs, text=" / ".join(p.description for p in marked)))
    for param in marked:
        if param.name in pairs and len(pairs) >= 2:
            continue
        text = param.description
        members = _named(text, params) or _by_kind(text, params)
        if not members and _ALL_PARAMS.search(text.split("（", 1)[-1]):
            members = [p.name for p in params]
        if len(members) >= 2:
            groups.append(ParamGroup(params=members, text=text))
    return groups


def _from_notes(params: list[Param], notes: list[str]) -> list[ParamGroup]:
    groups: list[ParamGroup] = []
    for note in notes:
        if not _MARK.search(note):
            continue
        members = _named(note, params)
        if len(members) < 2 and _ALL_PARAMS.search(note):
            members = [param.name for param in params]
        if len(members) >= 2:
            groups.append(ParamGroup(params=members, text=note))
    return groups


def _given(call: str, name: str) -> bool:
    match = re.search(rf"\b{name}\s*=\s*(['\"]?)(.*?)\1\s*(?:,|\)|$)", call)
    return match is not None and match.group(2) != ""


def example_calls(api_name: str, examples: list[str]) -> list[str]:
    """The argument lists of `pro.<api>(...)` / `pro.query('<api>', ...)` calls in the examples."""
    pattern = re.compile(rf"(?:\.{api_name}\(|query\(\s*['\"]{api_name}['\"]\s*,?)([^)]*)\)")
    return [match.group(1) for code in examples for match in pattern.finditer(code)]


def _from_examples(api_name: str, params: list[Param], examples: list[str]) -> list[ParamGroup]:
    """Required parameters an example omits while it gives another required one: the docs' call shows that
    any one of them is enough."""
    required = [param.name for param in params if param.required]
    if len(required) < 2:
        return []
    for call in example_calls(api_name, examples):
        given = [name for name in required if _given(call, name)]
        if given and len(given) < len(required):
            return [ParamGroup(params=required, text=f"example {api_name}({call.strip()})")]
    return []


def read_groups(
    api_name: str, params: list[Param], notes: list[str], examples: list[str]
) -> tuple[list[Param], list[ParamGroup]]:
    """The parameters (group members made optional) and the groups the page states."""
    groups: list[ParamGroup] = []
    for group in (
        *_from_descriptions(params),
        *_from_notes(params, notes),
        *_from_examples(api_name, params, examples),
    ):
        if all(set(group.params) != set(known.params) for known in groups):
            groups.append(group)
    members = {name for group in groups for name in group.params}
    relaxed = [param.model_copy(update={"required": False}) if param.name in members else param for param in params]
    return relaxed, groups
