"""Cold import + client construction of tushare_typed, side by side with `import tushare` (the SDK), in one run.

    python scripts/bench_import.py [--runs N]

Each sample is a fresh interpreter (`python -X importtime` is not used: we time the whole command, as a user
would feel it). Runs alternate between the two commands so machine noise hits both alike.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import statistics
import subprocess
import sys
import time

OURS = "import tushare_typed; tushare_typed.TushareClient(token='x')"
SDK = "import tushare"


def _time(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    # pip compiles byte code when it installs a wheel; an editable or freshly generated tree has none, and
    # PYTHONDONTWRITEBYTECODE (set on some machines) keeps it that way. Compile once, as an install would.
    spec = importlib.util.find_spec("tushare_typed")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("tushare_typed is not installed: pip install -e generated_client")
    compileall.compile_dir(next(iter(spec.submodule_search_locations)), quiet=1)
    _time(OURS), _time(SDK)  # warm the OS file cache and byte-code caches for both
    ours, sdk = [], []
    for _ in range(runs):
        ours.append(_time(OURS))
        sdk.append(_time(SDK))
    ours_median, sdk_median = statistics.median(ours), statistics.median(sdk)
    print(f"tushare_typed import + TushareClient(): median {ours_median * 1000:.0f} ms over {runs} runs")
    print(f"import tushare (1.4.29):                median {sdk_median * 1000:.0f} ms over {runs} runs")
    print(f"ratio: {ours_median / sdk_median:.2f} (target <= 0.40)")


if __name__ == "__main__":
    main()
