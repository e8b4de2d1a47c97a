"""mypy over usage files against the rendered fixture package: right usage passes, misuse is an error."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def _mypy(fixture_out: Path, usage: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    shutil.copy(HERE / usage, tmp_path / usage)
    command = [
        sys.executable,
        "-m",
        "mypy",
        "--strict",
        "--no-incremental",
        "--config-file",
        str(fixture_out / "pyproject.toml"),
        str(tmp_path / usage),
    ]
    return subprocess.run(  # noqa: S603 - our interpreter running mypy
        command, capture_output=True, text=True, env={"MYPYPATH": str(fixture_out), "PATH": ""}
    )


def test_typed_usage_passes_mypy_strict(fixture_out: Path, tmp_path: Path) -> None:
    result = _mypy(fixture_out, "typing_usage.py", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_misuse_is_a_type_error_on_every_marked_line(fixture_out: Path, tmp_path: Path) -> None:
    result = _mypy(fixture_out, "typing_errors.py", tmp_path)
    lines = (HERE / "typing_errors.py").read_text().splitlines()
    expected = {number for number, line in enumerate(lines, start=1) if "# error:" in line}
    reported = {int(match) for match in re.findall(r"typing_errors\.py:(\d+): error", result.stdout)}
    assert reported == expected, result.stdout
