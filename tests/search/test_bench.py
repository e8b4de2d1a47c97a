"""The search benchmark holds its floor: realistic questions find the interface that answers them."""

import pytest

from tests.search.questions import run

pytestmark = pytest.mark.timeout(60)


def test_the_questions_are_many_and_in_both_languages() -> None:
    outcomes = run()
    assert len(outcomes) >= 60
    assert sum(o.text.isascii() for o in outcomes) >= 20
    assert sum(not o.text.isascii() for o in outcomes) >= 20


def test_top1_and_top3_hold_their_floor() -> None:
    outcomes = run()
    top1 = sum(o.within(1) for o in outcomes) / len(outcomes)
    top3 = sum(o.within(3) for o in outcomes) / len(outcomes)
    assert top1 >= 0.9, [o.text for o in outcomes if not o.within(1)]
    assert top3 >= 0.97, [o.text for o in outcomes if not o.within(3)]


@pytest.mark.parametrize(
    ("query", "first"),
    [("港股日线", "hk_daily"), ("美股日线", "us_daily"), ("日线", "daily"), ("HK stock daily prices", "hk_daily")],
)
def test_market_words_steer_the_ranking(query: str, first: str) -> None:
    from tushare_typed.catalog import load_catalog
    from tushare_typed.search import search

    hits, _ = search(load_catalog(), query, limit=1)
    assert hits[0].spec.api_name == first
