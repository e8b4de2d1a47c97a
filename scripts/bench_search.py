"""Top-1 and top-3 of the interface search over the questions in tests/search/questions.toml.

    python scripts/bench_search.py [--misses]

The ranking is tushare_typed.search, the one the MCP server and `tushare-typed list --search` use.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the questions live with the tests

from tests.search.questions import run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="List the questions not answered first.")
    parser.add_argument(
        "--ranking",
        default="tushare_typed.search",
        help="The module whose search() ranks (tushare_typed.mcp.search, with PYTHONPATH=<checkout of 2f3ffc4>/"
        "generated_client, is the ranking before this benchmark existed).",
    )
    args = parser.parse_args()
    outcomes = run(ranking=args.ranking)
    top1 = sum(o.within(1) for o in outcomes) / len(outcomes)
    top3 = sum(o.within(3) for o in outcomes) / len(outcomes)
    print(f"{len(outcomes)} questions: top-1 {top1:.3f}, top-3 {top3:.3f}")
    if args.misses:
        for outcome in outcomes:
            if not outcome.within(1):
                print(f"  {outcome.text!r}: wanted {'/'.join(outcome.answers)}, got {', '.join(outcome.ranked)}")


if __name__ == "__main__":
    main()
