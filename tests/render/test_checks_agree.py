"""`scripts/test.sh` (the README's test command) and `noxfile.py` run the same checks."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

CHECKS = (
    ("ruff", "check"),
    ("ruff", "format", "--check"),
    ("mypy", "generator", "tests", "scripts"),
    ("mypy", "--strict", "--config-file", "pyproject.toml", "tushare_typed"),
    ("tsgen", "build", "--check"),
    ("tsgen", "docs", "--check"),
    ("test_services.sh",),
    ("check_out_build.sh",),
    ("deploy_tier.sh",),
    ("spark_tier.sh",),
    ("pytest", "-q"),
)


def _words(text: str) -> str:
    """The words of the code, comments left out."""
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return " ".join(re.findall(r"[\w.-]+", code))


def test_test_sh_and_nox_run_the_same_checks_in_the_same_order() -> None:
    script = _words((REPO / "scripts" / "test.sh").read_text(encoding="utf-8"))
    nox = _words((REPO / "noxfile.py").read_text(encoding="utf-8"))
    for source in (script, nox):
        positions = [source.find(" ".join(check)) for check in CHECKS]
        assert -1 not in positions, dict(zip(CHECKS, positions, strict=True))
        assert positions == sorted(positions)
