"""`mkdocs build --strict` turns docs/ into a site: no warnings, every interface page in the nav, and a search
index where Chinese and English terms find the interfaces."""

from __future__ import annotations

import json
import re

import pytest

from tsgen.docs.mkdocs_hook import SEGMENT_LOOP_FIXED
from tushare_typed.catalog import load_catalog

from .conftest import BuiltSite

pytestmark = pytest.mark.timeout(300)

SEGMENT = "\u200b"  # what jieba puts between Chinese words in the index


def search_tokens(text: str) -> set[str]:
    """The index's own tokenizer, roughly: the separator mkdocs.yml configures (whitespace, U+200B, punctuation)."""
    return {token for token in re.split(r"[\s\u200b\-,:!=\[\]()\"`/<>.，。（）：；、·]+", text) if token}


def pages_matching(site: BuiltSite, term: str) -> dict[str, bool]:
    """location → whether the term is a whole token of the page's title (else of its text)."""
    index = json.loads((site.path / "search" / "search_index.json").read_text(encoding="utf-8"))
    found: dict[str, bool] = {}
    for entry in index["docs"]:
        page = entry["location"].split("#", 1)[0]
        in_title = term.lower() in {t.lower() for t in search_tokens(entry["title"])}
        if in_title or term.lower() in {t.lower() for t in search_tokens(entry["text"])}:
            found[page] = found.get(page, False) or in_title
    return found


def test_the_strict_build_warns_about_nothing(built_site: BuiltSite) -> None:
    assert "WARNING" not in built_site.log, built_site.log


def test_every_interface_has_a_page_and_a_nav_entry(built_site: BuiltSite) -> None:
    names = load_catalog().names()
    # The nav is rendered into every page; the architecture page links no interface in its own text.
    page = (built_site.path / "architecture" / "index.html").read_text(encoding="utf-8")
    for name in names:
        assert (built_site.path / "reference" / name / "index.html").is_file(), name
        assert f'href="../reference/{name}/"' in page, name


def test_the_built_search_worker_has_the_query_segmentation_fix(built_site: BuiltSite) -> None:
    (worker,) = (built_site.path / "assets" / "javascripts" / "workers").glob("search.*.min.js")
    assert SEGMENT_LOOP_FIXED in worker.read_text(encoding="utf-8")


def test_the_search_index_splits_chinese_into_words(built_site: BuiltSite) -> None:
    index = json.loads((built_site.path / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert "\\u200b" in index["config"]["separator"]  # the regex source, as mkdocs.yml writes it
    (title,) = {e["title"] for e in index["docs"] if e["location"] == "reference/daily/"}
    assert "日线" in title.split(SEGMENT), title  # the user dictionary keeps 股 and 日线 apart


@pytest.mark.parametrize(
    ("term", "page"),
    [
        ("日线", "reference/daily/"),
        ("daily", "reference/daily/"),
        ("复权", "reference/adj_factor/"),
        ("income", "reference/income/"),
        ("利润表", "reference/income/"),
    ],
)
def test_search_terms_find_their_interface_by_title(built_site: BuiltSite, term: str, page: str) -> None:
    found = pages_matching(built_site, term)
    assert found.get(page), f"{term!r} is not a title word of {page}; pages with it: {sorted(found)[:10]}"
