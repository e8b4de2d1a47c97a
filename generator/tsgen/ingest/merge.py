"""Merging the pages that document one api_name (trade_cal's stock and futures pages, index_daily's 南华 page,
stk_mins' ETF page) into one interface, every conflict named.

The first page (in corpus order) stays the primary: its title, description, points and caps are kept. The later
page adds what the first lacks (parameters, columns, enumeration values, notes, examples); where both state a fact
and disagree, the merge keeps the permissive reading (a parameter one page requires and the other does not is
optional) and reports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tsgen.model import EnumValue, Interface, OutputField, Param


@dataclass
class Merge:
    """One merge: the interface as merged, and what met what."""

    interface: Interface
    conflicts: list[str] = field(default_factory=list)

    def summary(self, added_from: str) -> list[str]:
        head = f"{self.interface.api_name}: merged {added_from} into {self.interface.source.path}"
        return [head, *(f"{self.interface.api_name}: conflict: {conflict}" for conflict in self.conflicts)]


def _union_values(first: list[EnumValue], second: list[EnumValue]) -> list[EnumValue]:
    known = {value.value for value in first}
    return [*first, *(value for value in second if value.value not in known)]


def _merge_param(first: Param, second: Param, conflicts: list[str]) -> Param:
    update: dict[str, object] = {"multi": first.multi or second.multi}
    if first.python_type != second.python_type:
        conflicts.append(f"param {first.name}: type {first.type} vs {second.type}; kept {first.type}")
    if first.required != second.required:
        conflicts.append(f"param {first.name}: required on one page only; optional")
        update["required"] = False
    if first.enum and second.enum:
        update["enum"] = _union_values(first.enum, second.enum)
        update["enum_open"] = first.enum_open or second.enum_open
    elif first.enum or second.enum:
        # Values one page lists for a parameter the other leaves free (index_daily's .NH codes) are known
        # values, not the only ones accepted.
        update["enum"] = first.enum or second.enum
        update["enum_open"] = True
    if second.description and second.description not in first.description:
        update["description"] = f"{first.description}；{second.description}".strip("；")
    return first.model_copy(update=update)


def _on_one_page_only(param: Param, conflicts: list[str]) -> Param:
    if param.required:
        conflicts.append(f"param {param.name}: required on one page only; optional")
    return param.model_copy(update={"required": False})


def _merge_params(first: list[Param], second: list[Param], conflicts: list[str]) -> list[Param]:
    theirs = {param.name: param for param in second}
    ours = {param.name for param in first}
    merged = [
        _merge_param(param, theirs[param.name], conflicts)
        if param.name in theirs
        else _on_one_page_only(param, conflicts)
        for param in first
    ]
    return merged + [_on_one_page_only(param, conflicts) for param in second if param.name not in ours]


def _merge_fields(first: list[OutputField], second: list[OutputField], conflicts: list[str]) -> list[OutputField]:
    by_name = {column.name: column for column in first}
    merged = list(first)
    for column in second:
        known = by_name.get(column.name)
        if known is None:
            merged.append(column)
        elif known.python_type != column.python_type:
            conflicts.append(f"column {column.name}: type {known.type} vs {column.type}; kept {known.type}")
    return merged


def merge_pages(first: Interface, second: Interface) -> Merge:
    """`second` (a later page documenting the same api_name) merged into `first`."""
    conflicts: list[str] = []
    for fact in ("points", "row_limit"):
        ours, theirs = getattr(first, fact), getattr(second, fact)
        if theirs is not None and ours != theirs:
            conflicts.append(f"{fact}: {ours} vs {theirs} on {second.source.path}; kept {ours}")
    merged = first.model_copy(
        update={
            "params": _merge_params(first.params, second.params, conflicts),
            "fields": _merge_fields(first.fields, second.fields, conflicts),
            "notes": [*first.notes, *(note for note in second.notes if note not in first.notes)],
            "examples": [*first.examples, *(code for code in second.examples if code not in first.examples)],
            "paging": first.paging or second.paging,
            "merged_from": [*first.merged_from, second.source],
        }
    )
    return Merge(Interface.model_validate(merged.model_dump()), conflicts)
