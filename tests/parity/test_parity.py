"""SDK parity as a standing test: the official SDK and ours on one emulator give identical frames, or a difference
the reviewed table (docs/guides/sdk_differences.toml) lists; the migration guide shows that table as it is."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tushare_typed.testing import TushareEmulator

from .parity import GUIDE, Outcome, guide_section, load_table, render_table
from .runner import interface_outcomes, pro_bar_outcomes

pytest.importorskip("tushare")


@pytest.fixture(scope="module")
def emulator() -> Iterator[TushareEmulator]:
    with TushareEmulator() as emulator:
        yield emulator


def _failing(outcomes: list[Outcome]) -> list[str]:
    return [f"{o.name}: {o.kinds} {o.detail}" for o in outcomes if o.status == "failing"]


@pytest.mark.timeout(120)
def test_every_interface_example_matches_the_sdk_or_a_listed_difference(emulator: TushareEmulator) -> None:
    outcomes = list(interface_outcomes(emulator))
    assert len(outcomes) > 200
    assert not _failing(outcomes)
    assert sum(o.status == "identical" for o in outcomes) > len(outcomes) * 3 // 4


@pytest.mark.timeout(120)
def test_pro_bar_matches_the_sdk_or_a_listed_difference(emulator: TushareEmulator) -> None:
    outcomes = list(pro_bar_outcomes(emulator))
    assert not _failing(outcomes)
    identical = {o.name for o in outcomes if o.status == "identical"}
    # The adjusted, averaged, several-code and case-normalised calls agree with the SDK value for value.
    for name in (
        "hfq adjfactor factors",
        "daily lower-case code",
        "weekly",
        "two codes hfq weekly",
        "two codes qfq ma factors",
    ):
        assert f"pro_bar {name}" in identical


def test_an_unlisted_difference_fails() -> None:
    import pandas as pd

    from .parity import classify, compare

    kinds, detail = compare(pd.DataFrame({"a": [1.0]}), pd.DataFrame({"a": [2.0]}))
    assert classify("x", "daily", kinds, detail, load_table()).status == "failing"
    kinds, _ = compare(pd.DataFrame({"a": [1.0]}), pd.DataFrame({"a": [1.0, 2.0]}))
    assert classify("x", "daily", kinds, "", load_table()).status == "documented"


def test_the_migration_guide_shows_the_table() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    assert guide_section(text) == render_table(load_table()), "run scripts/parity_report.py --write-guide"
