"""The README's promises to a new user: exactly two set-up commands for a fresh machine (the first installs the
generator and the client and builds), and its first code block runs as written against the emulator, in a fresh
interpreter configured only by the two variables the README names."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tushare_typed.testing import DEFAULT_TOKEN, TushareEmulator

README = Path(__file__).resolve().parents[2] / "README.md"
_BLOCK = re.compile(r"^```(?P<language>\w*)\n(?P<code>.*?)^```$", re.MULTILINE | re.DOTALL)


def _section(text: str, heading: str) -> str:
    start = text.index(f"## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def test_two_set_up_commands_the_first_installing_generator_and_client_and_building() -> None:
    blocks = [m["code"].strip() for m in _BLOCK.finditer(_section(README.read_text(encoding="utf-8"), "Fresh machine"))]
    assert len(blocks) == 2, blocks
    install, suite = blocks
    assert "-e ." in install and "./generated_client" in install and install.endswith("tsgen build")
    assert suite == "bash scripts/test.sh"


@pytest.mark.timeout(120)
def test_the_first_code_block_runs_against_the_emulator(tmp_path: Path) -> None:
    first = next(_BLOCK.finditer(README.read_text(encoding="utf-8")))
    assert first["language"] == "python"
    text = README.read_text(encoding="utf-8")
    assert "TUSHARE_API_URL=" in text and f"TUSHARE_TOKEN={DEFAULT_TOKEN}" in text, "the README names the variables"
    with TushareEmulator() as emulator:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("TUSHARE", "XDG_"))} | {
            "TUSHARE_API_URL": emulator.url,
            "TUSHARE_TOKEN": DEFAULT_TOKEN,
            "HOME": str(tmp_path),
        }
        done = subprocess.run(  # noqa: S603 - our interpreter running the README's own code
            [sys.executable, "-c", first["code"]], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=100
        )
    assert done.returncode == 0, done.stderr[-3000:]
