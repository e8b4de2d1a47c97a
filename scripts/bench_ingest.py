"""Wall time of a full `tsgen ingest` of the pinned corpus (parse + SDK + overrides + serialization).

    python scripts/bench_ingest.py [--runs N]

Prints the best and median of N in-process runs, plus one cold run of the CLI as a subprocess.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tsgen.ingest.run import ingest
from tsgen.ingest.sources import docs_corpus, sdk_package
from tsgen.ingest.writer import metadata_files

ROOT = Path(__file__).resolve().parents[1]


def one_run() -> float:
    start = time.perf_counter()
    result = ingest(docs_corpus(), sdk_package(), ROOT / "metadata" / "overrides.toml")
    metadata_files(result)
    return time.perf_counter() - start


def cli_run() -> float:
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "tsgen.cli", "ingest", "--out", out], check=True, capture_output=True)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = [one_run() for _ in range(parser.parse_args().runs)]
    print(f"ingest in-process: best {min(runs):.2f} s, median {statistics.median(runs):.2f} s over {len(runs)} runs")
    print(f"ingest CLI cold (subprocess, writes to a temp dir): {cli_run():.2f} s")


if __name__ == "__main__":
    main()
