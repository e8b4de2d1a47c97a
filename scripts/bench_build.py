"""Wall time of `tsgen build` (all interfaces, into a temp dir) and `tsgen build --check` (against the committed
generated_client/), each as a fresh process.

    python scripts/bench_build.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time


def _time(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tsgen.cli", *args], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as out:
        build = [_time("build", "--out", out) for _ in range(runs)]
    check = [_time("build", "--check") for _ in range(runs)]
    print(f"tsgen build (all interfaces):  median {statistics.median(build):.2f} s over {runs} runs (target < 10 s)")
    print(f"tsgen build --check:           median {statistics.median(check):.2f} s over {runs} runs (target < 10 s)")


if __name__ == "__main__":
    main()
