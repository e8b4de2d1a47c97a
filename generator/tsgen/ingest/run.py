"""One ingest run: walk the corpus, parse every page, merge, apply overrides, read the SDK."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from tsgen.ingest.keys import derive_keys, keys_absent_reason
from tsgen.ingest.merge import merge_pages
from tsgen.ingest.overrides import apply_overrides, load_overrides
from tsgen.ingest.page import Issue, parse_page
from tsgen.ingest.push import read_push
from tsgen.ingest.sdk import SCRAPERS, read_sdk
from tsgen.ingest.sources import Installed
from tsgen.ingest.sync import derive_sync, sync_absent_reason
from tsgen.model import Interface, PushFacts, SdkFacts

_ORDER_PREFIX = re.compile(r"^\d+_")


@dataclass
class IngestResult:
    corpus: str
    interfaces: dict[str, Interface]
    sdk: SdkFacts
    push: PushFacts
    pages: int = 0
    enums_attached: int = 0
    issues: list[Issue] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)
    stale_overrides: list[str] = field(default_factory=list)

    @property
    def skipped_pages(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.severity == "skipped"]

    @property
    def partial_issues(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.severity == "partial"]


def category_of(relative: Path) -> list[str]:
    return [_ORDER_PREFIX.sub("", part) for part in relative.parent.parts]


def read_page_text(path: Path, relative: str) -> tuple[str, Issue | None]:
    """Page text; a page that is not UTF-8 is still read, and the fact reported."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030"), Issue(relative, 1, "partial", "not UTF-8; read as GB18030")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", errors="replace")
        return text, Issue(relative, 1, "partial", "undecodable bytes replaced with U+FFFD")


def doc_pages(root: Path) -> list[Path]:
    """Interface pages in a stable order; README.md files are category indexes, not pages."""
    return sorted(
        (p for p in root.rglob("*.md") if p.name != "README.md"),
        key=lambda p: p.relative_to(root).as_posix(),
    )


def _with_derived_facts(interface: Interface) -> Interface:
    sync = derive_sync(interface)
    return interface.model_copy(
        update={
            "keys": derive_keys(interface),
            "keys_absent_reason": keys_absent_reason(interface),
            "sync": sync,
            "sync_absent_reason": sync_absent_reason(interface) if sync is None else None,
        }
    )


def ingest(docs: Installed, sdk_source: Installed, overrides_path: Path) -> IngestResult:
    sdk = read_sdk(sdk_source.path, sdk_source.label)
    scrapers = frozenset(SCRAPERS)
    result = IngestResult(corpus=docs.label, interfaces={}, sdk=sdk, push=read_push(sdk_source.path, sdk_source.label))
    for path in doc_pages(docs.path):
        relative = path.relative_to(docs.path)
        name = relative.as_posix()
        text, decode_issue = read_page_text(path, name)
        if decode_issue:
            result.issues.append(decode_issue)
        page = parse_page(text, name, category_of(relative), scrapers)
        result.pages += 1
        result.enums_attached += page.enums_attached
        result.issues.extend(page.issues)
        for interface in page.interfaces:
            known = result.interfaces.get(interface.api_name)
            if known is None:
                result.interfaces[interface.api_name] = interface
                continue
            merge = merge_pages(known, interface)
            result.interfaces[interface.api_name] = merge.interface
            result.merges += merge.summary(name)
    result.interfaces = {name: _with_derived_facts(i) for name, i in result.interfaces.items()}
    overrides = load_overrides(overrides_path)
    result.interfaces, result.stale_overrides = apply_overrides(result.interfaces, overrides)
    result.interfaces = dict(sorted(result.interfaces.items()))
    return result
