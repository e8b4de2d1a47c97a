"""Render the interface reference (`docs/reference/`) in memory: one Markdown page per HTTP interface, a page per
top-level category in the docs' own order, the points-tier page, an overview, and `.nav.json`, the reference's
part of the MkDocs navigation (spliced into `mkdocs.yml`'s nav by `tsgen/docs/mkdocs_hook.py`).

Templates (`templates/docs/`) see only the IR and values derived from it here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jinja2

from tsgen.docs import facts
from tsgen.docs.examples import examples
from tsgen.model import Interface
from tsgen.render import naming
from tsgen.render.metadata import Metadata
from tsgen.render.schemas import group_text
from tsgen.render.search_words import search_words
from tsgen.render.tree import RenderError

TEMPLATES = Path(__file__).resolve().parents[3] / "templates" / "docs"
REFERENCE = "reference"  # the folder under docs/ the pages go to (nav paths start with it)
NAV_FILE = ".nav.json"  # a dot file: MkDocs does not publish it
_RESERVED_PAGES = frozenset({"index", "points", "categories", "changes"})
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]|>#])")


def markdown_text(text: object) -> str:
    """Text shown as it is: Markdown specials backslash-escaped, `<` as an entity (it has no Markdown escape)."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text)).replace("<", "&lt;")


def table_cell(text: object) -> str:
    """Text in a Markdown table cell: escaped, on one line."""
    return "<br>".join(markdown_text(line.strip()) for line in str(text).strip().splitlines() if line.strip())


def code_text(text: object) -> str:
    """Text inside backticks in a table cell (only the cell separator needs escaping there)."""
    return str(text).replace("|", "\\|").replace("`", "'")


def anchor(name: object) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(name).lower()).strip("-")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # noqa: S701 - the output is Markdown; text is escaped by the md/cell filters
    )
    env.filters.update(
        md=markdown_text,
        cell=table_cell,
        code=code_text,
        anchor=anchor,
        unit=facts.unit,
        quota=facts.quota,
        access=facts.access,
        group_text=group_text,
        row_attr=naming.row_attr,
    )
    return env


def _nav_title(interface: Interface) -> str:
    return f"{interface.api_name} · {interface.title}"


def _nav(categories: list[facts.Category]) -> list[Any]:
    """The reference's nav in MkDocs' format: overview, points tiers, a section per category."""
    nav: list[Any] = [
        {"Overview": f"{REFERENCE}/index.md"},
        {"Points tiers": f"{REFERENCE}/points.md"},
        {"What changed": f"{REFERENCE}/changes.md"},
    ]
    for category in categories:
        items: list[Any] = [f"{REFERENCE}/categories/{category.slug}.md"]
        for section, members in category.sections.items():
            pages = [{_nav_title(i): f"{REFERENCE}/{i.api_name}.md"} for i in members]
            items += [{section: pages}] if section else pages
        nav.append({category.name: items})
    return nav


def _check_names(interfaces: list[Interface], categories: list[facts.Category]) -> None:
    clashing = sorted(i.api_name for i in interfaces if i.api_name in _RESERVED_PAGES)
    if clashing:
        raise RenderError(f"interfaces named like a reference page: {', '.join(clashing)}; rename the pages in site.py")
    slugs = [category.slug for category in categories]
    if len(set(slugs)) != len(slugs):
        raise RenderError(f"two docs folders share a number prefix ({', '.join(slugs)}); category pages would clash")


def _tier_context(interfaces: list[Interface]) -> dict[str, Any]:
    tiers = facts.tiers(interfaces)
    ordered = sorted(interfaces, key=lambda i: i.api_name)
    new = {tier: [i for i in ordered if i.points == tier] for tier in tiers}
    callable_ = {tier: sum(1 for i in interfaces if i.points is not None and i.points <= tier) for tier in tiers}
    unstated = [i for i in ordered if i.points is None]
    return {"tiers": tiers, "new": new, "callable": callable_, "unstated": unstated}


def render_docs(metadata: Metadata) -> dict[str, bytes]:
    """Relative path under docs/reference/ → exact file bytes."""
    env = _environment()
    interfaces = metadata.http_interfaces
    categories = facts.categories(interfaces)
    _check_names(interfaces, categories)
    category_of = {i.api_name: category for category in categories for i in category.interfaces}

    def render(template: str, **context: object) -> str:
        try:
            return env.get_template(template).render(**context)
        except jinja2.TemplateError as error:
            raise RenderError(f"templates/docs/{template}: {error}") from error

    files = {
        "index.md": render(
            "index.md.jinja",
            interfaces=interfaces,
            categories=categories,
            corpus=metadata.index.corpus,
            sdk=metadata.index.sdk,
        ),
        "points.md": render("points.md.jinja", **_tier_context(interfaces)),
        "changes.md": render(
            "changes.md.jinja",
            client_version=metadata.client_version,
            releases=metadata.changelog.releases if metadata.changelog else [],
            corpus=metadata.index.corpus,
        ),
        NAV_FILE: json.dumps(_nav(categories), ensure_ascii=False, indent=1) + "\n",
    }
    for category in categories:
        files[f"categories/{category.slug}.md"] = render("category.md.jinja", category=category)
    for interface in interfaces:
        files[f"{interface.api_name}.md"] = render(
            "interface.md.jinja",
            i=interface,
            category=category_of[interface.api_name],
            examples=examples(interface),
            words=search_words(interface, metadata.reviewed.search.get(interface.api_name)),
        )
    return {relative: content.encode("utf-8") for relative, content in sorted(files.items())}
