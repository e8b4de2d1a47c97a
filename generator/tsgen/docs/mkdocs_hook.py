"""MkDocs hook (named in `mkdocs.yml`): splices the generated reference navigation into the hand-written nav.

`mkdocs.yml` lists the guides by hand and stands for the whole reference with one entry whose page is
`reference/index.md`; `tsgen docs` writes the reference's own nav (overview, points tiers, a section per category,
a page per interface) to `docs/reference/.nav.json`, and this hook puts it in that entry's place. Without the file
(the reference not rendered yet) the nav is left as written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig

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
