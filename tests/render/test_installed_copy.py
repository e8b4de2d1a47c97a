"""Run by scripts/check_out_build.sh: the runtime tests then import a wheel built from `tsgen build --out`."""

import os
from pathlib import Path

import pytest

import tushare_typed


@pytest.mark.timeout(10)
def test_the_tests_import_the_expected_copy() -> None:
    expected = os.environ.get("TSGEN_EXPECT_PACKAGE_UNDER")
    if expected is None:
        pytest.skip("only meaningful under scripts/check_out_build.sh")
    assert Path(tushare_typed.__file__).resolve().is_relative_to(Path(expected).resolve())
    assert (Path(tushare_typed.__file__).parent / "catalog.json").is_file()
