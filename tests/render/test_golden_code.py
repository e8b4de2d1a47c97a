"""Golden snapshots of the rendered code; after an intended change run `python scripts/regen_golden.py`."""

import pytest

from tests.goldens import GOLDEN, GOLDEN_CODE


@pytest.mark.parametrize("relative", GOLDEN_CODE)
def test_rendered_code_matches_golden(fixture_tree: dict[str, bytes], relative: str) -> None:
    golden = (GOLDEN / "code" / relative).read_bytes()
    assert fixture_tree[relative] == golden, f"{relative} changed: review, then run `python scripts/regen_golden.py`"
