"""The search benchmark's questions (questions.toml) and how the ranking answers them; used by test_bench.py and
scripts/bench_search.py."""

from __future__ import annotations

import importlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from tushare_typed.catalog import load_catalog

QUESTIONS = Path(__file__).with_name("questions.toml")


@dataclass(frozen=True)
class Outcome:
    text: str
    answers: tuple[str, ...]
    ranked: tuple[str, ...]

    def within(self, n: int) -> bool:
        return any(name in self.answers for name in self.ranked[:n])


def run(questions: Path = QUESTIONS, ranking: str = "tushare_typed.search") -> list[Outcome]:
    """Each question ranked by ``ranking``'s ``search`` (another module compares an earlier ranking)."""
    search = importlib.import_module(ranking).search
    catalog = load_catalog()
    outcomes = []
    for entry in tomllib.loads(questions.read_text(encoding="utf-8"))["q"]:
        hits, _ = search(catalog, entry["text"], limit=3)
        outcomes.append(Outcome(entry["text"], tuple(entry["answers"]), tuple(hit.spec.api_name for hit in hits)))
    return outcomes
