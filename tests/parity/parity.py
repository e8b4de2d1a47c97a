"""SDK parity: the official SDK (`tushare==1.4.29`) and this package side by side on one emulator.

Each HTTP interface's first documented example call (read from its metadata) and a set of `pro_bar` calls run
through both; a pair of frames is *identical* (same columns, rows and values), a *documented* difference (what
differs is one of the kinds `docs/guides/sdk_differences.toml` lists for that interface or for all), or
*failing*. The table is the reviewed record of every difference; the migration guide includes it.
"""

from __future__ import annotations

import ast
import json
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "docs" / "guides" / "sdk_differences.toml"
GUIDE = ROOT / "docs" / "guides" / "migration.md"
START, END = "<!-- sdk-differences:start -->", "<!-- sdk-differences:end -->"


@dataclass(frozen=True)
class Difference:
    kind: str
    interface: str
    what: str
    why: str


@dataclass(frozen=True)
class Outcome:
    name: str
    kinds: tuple[str, ...]  # observed differences; empty when identical
    status: str  # "identical", "documented" or "failing"
    detail: str = ""


def load_table(path: Path = TABLE) -> list[Difference]:
    entries = tomllib.loads(path.read_text(encoding="utf-8"))["difference"]
    return [Difference(e["kind"], e["interface"], e["what"], e["why"]) for e in entries]


def render_table(entries: list[Difference]) -> str:
    """The table as the migration guide shows it."""
    lines = ["| interface | what differs | why |", "| --- | --- | --- |"]
    for entry in entries:
        interface = "every interface" if entry.interface == "*" else f"`{entry.interface}`"
        lines.append(f"| {interface} | {entry.what} | {entry.why} |")
    return "\n".join(lines)


def guide_section(text: str) -> str:
    return text.split(START, 1)[1].split(END, 1)[0].strip()


def example_calls() -> Iterator[tuple[str, dict[str, Any]]]:
    """(api_name, params) of each HTTP interface's first documented call of itself (no params when none parses)."""
    for path in sorted((ROOT / "metadata" / "interfaces").glob("*.json")):
        spec = json.loads(path.read_text(encoding="utf-8"))
        if spec["kind"] != "http":
            continue
        yield spec["api_name"], _first_call(spec["api_name"], spec["examples"]) or {}


def _first_call(api_name: str, examples: list[str]) -> dict[str, Any] | None:
    for example in examples:
        try:
            tree = ast.parse(example)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            name = node.func.attr
            args = list(node.args)
            if name == "query" and args and isinstance(args[0], ast.Constant):
                name, args = str(args[0].value), args[1:]
            if name != api_name or args:
                continue
            try:
                return {kw.arg: ast.literal_eval(kw.value) for kw in node.keywords if kw.arg}
            except ValueError:
                continue
    return None


def compare(sdk: pandas.DataFrame | None, ours: pandas.DataFrame) -> tuple[tuple[str, ...], str]:
    """The kinds of difference between two frames (empty: identical) and a line saying where."""
    import pandas as pd

    if sdk is None:
        return ("sdk-none",), f"the SDK returned None; ours has {len(ours)} rows"
    if list(sdk.columns) != list(ours.columns):
        return ("columns",), f"SDK {list(sdk.columns)} vs ours {list(ours.columns)}"
    kinds: list[str] = []
    detail = ""
    if len(ours) > len(sdk):
        kinds.append("paging")
        ours = ours.head(len(sdk))
    elif len(ours) != len(sdk):
        return ("rows",), f"SDK {len(sdk)} rows vs ours {len(ours)}"
    for column in sdk.columns:
        left, right = sdk[column].reset_index(drop=True), ours[column].reset_index(drop=True)
        if not len(left):
            if str(left.dtype) != str(right.dtype):
                kinds.append("dtype")
            continue
        same = (
            left.astype(object).where(left.notna(), None).tolist()
            == right.astype(object).where(right.notna(), None).tolist()
        )
        if not same:
            kinds.append(
                "values:ma" if column.startswith("ma") and column[2:3] in "_0123456789" else f"values:{column}"
            )
            bad = [i for i, (a, b) in enumerate(zip(left, right, strict=True)) if not _equal(a, b)]
            detail += f"{column}: {len(bad)} rows, e.g. SDK {left[bad[0]]!r} vs ours {right[bad[0]]!r}; "
        elif str(left.dtype) != str(right.dtype) and not (pd.api.types.is_integer_dtype(right) and right.isna().any()):
            kinds.append("dtype")
    return tuple(dict.fromkeys(kinds)), detail


def _equal(a: Any, b: Any) -> bool:
    import pandas as pd

    return bool(pd.isna(a) and pd.isna(b)) if not isinstance(a, list | dict) and pd.isna(a) else bool(a == b)


def classify(name: str, interface: str, kinds: tuple[str, ...], detail: str, table: list[Difference]) -> Outcome:
    if not kinds:
        return Outcome(name, kinds, "identical")
    listed = {entry.kind for entry in table if entry.interface in ("*", interface)}
    unlisted = [kind for kind in kinds if kind not in listed]
    return Outcome(name, kinds, "failing" if unlisted else "documented", detail if unlisted else "")


def run_side_by_side(
    name: str, interface: str, sdk_call: Callable[[], Any], our_call: Callable[[], Any], table: list[Difference]
) -> Outcome:
    """Both calls; an exception on one side only is the kind `error-sdk` / `error-ours`."""
    sdk_error = our_error = None
    sdk = ours = None
    try:
        sdk = sdk_call()
    except Exception as error:
        sdk_error = error
    try:
        ours = our_call()
    except Exception as error:
        our_error = error
    if sdk_error is not None and our_error is not None:
        return classify(name, interface, (), "", table)
    if sdk_error is not None:
        return classify(name, interface, ("error-sdk",), f"the SDK raised {sdk_error!r}", table)
    if our_error is not None:
        return classify(name, interface, ("error-ours",), f"ours raised {our_error!r}", table)
    kinds, detail = compare(sdk, ours)
    return classify(name, interface, kinds, detail, table)
