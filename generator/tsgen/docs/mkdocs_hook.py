"""MkDocs hooks (named in `mkdocs.yml`): the generated reference navigation, and Chinese queries that match.

Navigation: `mkdocs.yml` lists the guides by hand and stands for the whole reference with one entry whose page is
`reference/index.md`; `tsgen docs` writes the reference's own nav (overview, points tiers, a section per category,
a page per interface) to `docs/reference/.nav.json`, and `on_config` puts it in that entry's place. Without the
file (the reference not rendered yet) the nav is left as written.

Chinese queries: material's search worker splits a Chinese query into words the index knows, but its loop never
tries a word that ends the query (`j < query.length`), so "日线" is searched as "日*" and `daily` sinks among every
page with a word starting with 日. `on_post_build` makes the bound inclusive in the built worker. The patch matches
the pinned mkdocs-material's minified code exactly and fails the build if that code changes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

PLACEHOLDER = "reference/index.md"
NAV_FILE = Path("reference") / ".nav.json"


def splice(nav: list[Any], reference: list[Any]) -> list[Any]:
    """`nav` with every `{title: "reference/index.md"}` entry (at any depth) holding `reference` instead."""

    def entry(value: Any) -> Any:
        if value == PLACEHOLDER:
            return reference
        return splice(value, reference) if isinstance(value, list) else value

    return [{title: entry(value) for title, value in item.items()} if isinstance(item, dict) else item for item in nav]


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    nav_file = Path(config.docs_dir) / NAV_FILE
    if config.nav is not None and nav_file.is_file():
        config.nav = splice(config.nav, json.loads(nav_file.read_text(encoding="utf-8")))
    return config


WORKERS = Path("assets") / "javascripts" / "workers"
# The query segmentation's inner loop in mkdocs-material 9.8.1's search worker, and the same loop with `<=`.
SEGMENT_LOOP = "for(let o=s+1;o<t.length;o++)t.slice(s,o)in e&&(n[s]=o-s)"
SEGMENT_LOOP_FIXED = "for(let o=s+1;o<=t.length;o++)t.slice(s,o)in e&&(n[s]=o-s)"


def patch_search_worker(source: str) -> str:
    if source.count(SEGMENT_LOOP) != 1:
        raise PluginError(
            "mkdocs-material's search worker no longer has the query segmentation loop this hook fixes; check whether "
            "a query like 日线 now finds `daily` first, then update or drop patch_search_worker in mkdocs_hook.py"
        )
    return source.replace(SEGMENT_LOOP, SEGMENT_LOOP_FIXED)


def on_post_build(config: MkDocsConfig) -> None:
    workers = sorted((Path(config.site_dir) / WORKERS).glob("search.*.min.js"))
    if len(workers) != 1:
        raise PluginError(f"expected one material search worker under {WORKERS}, found {len(workers)}")
    worker = workers[0]
    worker.write_text(patch_search_worker(worker.read_text(encoding="utf-8")), encoding="utf-8")
