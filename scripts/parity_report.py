"""SDK parity counts: every HTTP interface's documented example and the pro_bar cases, through the official SDK
(tushare 1.4.29) and tushare_typed on one local emulator; prints identical / documented difference / failing.

    PYTHONPATH=generated_client:. python scripts/parity_report.py [--verbose] [--write-guide]

--write-guide rewrites the migration guide's differences table from docs/guides/sdk_differences.toml.
"""

from __future__ import annotations

import argparse
import collections
import time

from tests.parity.parity import END, GUIDE, START, load_table, render_table
from tests.parity.runner import interface_outcomes, pro_bar_outcomes
from tushare_typed.testing import TushareEmulator


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every difference")
    parser.add_argument("--write-guide", action="store_true", help="rewrite the guide's differences table")
    args = parser.parse_args()
    if args.write_guide:
        text = GUIDE.read_text(encoding="utf-8")
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        GUIDE.write_text(f"{before}{START}\n{render_table(load_table())}\n{END}{after}", encoding="utf-8")
        print(f"wrote the table between {START} and {END} in {GUIDE}")
    started = time.perf_counter()
    with TushareEmulator() as emulator:
        groups = {"interfaces": list(interface_outcomes(emulator)), "pro_bar": list(pro_bar_outcomes(emulator))}
    for group, outcomes in groups.items():
        counts = collections.Counter(outcome.status for outcome in outcomes)
        print(
            f"{group}: {len(outcomes)} calls, {counts['identical']} identical, "
            f"{counts['documented']} documented difference, {counts['failing']} failing"
        )
        for outcome in outcomes:
            if outcome.status == "failing" or (args.verbose and outcome.kinds):
                print(f"  {outcome.status}: {outcome.name} {', '.join(outcome.kinds)} {outcome.detail}")
    print(f"{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
