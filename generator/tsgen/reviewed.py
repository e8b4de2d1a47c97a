"""Reviewed words kept beside the metadata: Chinese column labels (`metadata/labels.toml`) and the words people
search with (`metadata/search.toml`).

labels.toml: a table per interface, column = label, for columns whose description is too long to clean into a
label (`[daily_basic]` / `turnover_rate_f = "自由流通换手率"`). search.toml: a table per interface with an English
`title` and extra `keywords`, where the derived ones fall short. Ingest checks both against what it read (a name
that matches no interface or column is an error); build reads them to render the catalog.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tsgen.model import Interface

LABELS_FILE = "labels.toml"
SEARCH_FILE = "search.toml"


class ReviewedError(Exception):
    """A reviewed file is unreadable or names something that does not exist; the message names the entry."""


@dataclass(frozen=True)
class SearchWords:
    title: str | None = None
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reviewed:
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    search: Mapping[str, SearchWords] = field(default_factory=dict)


def _table(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ReviewedError(f"{path}: not valid TOML ({error}); fix the syntax.") from error


def _labels(path: Path) -> dict[str, dict[str, str]]:
    labels: dict[str, dict[str, str]] = {}
    for api, columns in _table(path).items():
        if not isinstance(columns, dict) or not all(isinstance(v, str) and v.strip() for v in columns.values()):
            raise ReviewedError(f"{path}: [{api}] must map column names to non-empty label strings.")
        labels[api] = {name: value.strip() for name, value in columns.items()}
    return labels


def _search(path: Path) -> dict[str, SearchWords]:
    words: dict[str, SearchWords] = {}
    for api, entry in _table(path).items():
        title, keywords = entry.get("title") if isinstance(entry, dict) else None, entry.get("keywords", [])
        unknown = set(entry) - {"title", "keywords"} if isinstance(entry, dict) else {"?"}
        if unknown or not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
            raise ReviewedError(f"{path}: [{api}] takes `title` (a string) and `keywords` (a list of strings) only.")
        if title is not None and not isinstance(title, str):
            raise ReviewedError(f"{path}: [{api}] title must be a string.")
        words[api] = SearchWords(title=title, keywords=tuple(keywords))
    return words


def load_reviewed(root: Path) -> Reviewed:
    return Reviewed(labels=_labels(root / LABELS_FILE), search=_search(root / SEARCH_FILE))


def problems(reviewed: Reviewed, interfaces: Iterable[Interface]) -> list[str]:
    """One message per reviewed entry naming an interface or column that does not exist."""
    by_name = {interface.api_name: interface for interface in interfaces}
    found = []
    for api, columns in reviewed.labels.items():
        interface = by_name.get(api)
        if interface is None:
            found.append(f"{LABELS_FILE}: [{api}] names no interface; remove or rename the table")
            continue
        known = {f.name for f in interface.fields}
        found += [
            f"{LABELS_FILE}: [{api}] {name} is not a column of {api}; remove it or use one of its columns"
            for name in columns
            if name not in known
        ]
    found += [f"{SEARCH_FILE}: [{api}] names no interface" for api in reviewed.search if api not in by_name]
    return found


def check(reviewed: Reviewed, interfaces: Iterable[Interface]) -> None:
    found = problems(reviewed, interfaces)
    if found:
        raise ReviewedError("reviewed words name unknown things:\n  " + "\n  ".join(found))
