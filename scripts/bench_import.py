"""Cold import + client construction of tushare_typed, side by side with `import tushare` (the SDK).

    python scripts/bench_import.py [--runs N]

Two figures, each the median over N fresh interpreters (`python -X importtime` is not used: we time the whole
command, as a user would feel it), runs alternating between the commands so machine noise hits all alike:

- all extras: the venv as it is (every extra installed: pandas, polars, pyarrow, mcp, keyring, rich...). What else
  is installed must not change the cost, since nothing optional is imported before the first call;
- bare: the same command with the optional extras hidden (an import hook makes them unimportable, as if they
  were not installed), i.e. a plain `pip install tushare-typed`.

The goal is <= 0.15 x `import tushare` for both.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import statistics
import subprocess
import sys
import time

CONSTRUCT = "import tushare_typed; tushare_typed.TushareClient(token='x')"
# Top-level modules of the optional extras (and what they pull in); the hook hides them for the bare figure.
EXTRAS = ("pandas", "polars", "pyarrow", "mcp", "jsonschema", "keyring", "rich", "numpy")
HIDE_EXTRAS = f"""
import sys
class _Hidden:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {set(EXTRAS)!r}:
            raise ImportError(name)
        return None
sys.meta_path.insert(0, _Hidden())
"""
COMMANDS = {
    "tushare_typed, all extras": CONSTRUCT,
    "tushare_typed, bare": HIDE_EXTRAS + CONSTRUCT,
    "import tushare": "import tushare",
}
GOAL = 0.15


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
    for code in COMMANDS.values():
        _time(code)  # warm the OS file cache and byte-code caches
    samples: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(runs):
        for name, code in COMMANDS.items():
            samples[name].append(_time(code))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    sdk = medians["import tushare"]
    for name, median in medians.items():
        ratio = "" if name == "import tushare" else f"  ratio {median / sdk:.2f} (goal <= {GOAL})"
        print(f"{name:<28} median {median * 1000:4.0f} ms over {runs} runs{ratio}")


if __name__ == "__main__":
    main()
