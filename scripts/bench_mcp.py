"""MCP server figures: start → tools/list reply over stdio in discovery mode, tools/list bytes in each mode, and
the bytes of a default `daily` result (call_interface with no max_rows, against the local emulator).

    python scripts/bench_mcp.py [--runs N]

The start time is the wall time from spawning `python -m tushare_typed.mcp` to reading its tools/list reply,
speaking JSON-RPC over the pipes directly so no client library's own start-up is counted. Each run also times a bare
`python -c "import mcp.server, mcp.server.stdio"` right after it, so the ratio between the two holds on a loaded
machine where the absolute times do not; the CPU seconds (user + system) of each process and the load average are
printed beside them.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from typing import IO, Any

from tushare_typed import AsyncTushareClient
from tushare_typed.mcp.service import ToolService
from tushare_typed.testing import TushareEmulator

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}},
}


def _send(pipe: IO[bytes], message: dict[str, Any]) -> None:
    pipe.write(json.dumps(message).encode() + b"\n")
    pipe.flush()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def start_to_tools_list(*options: str) -> tuple[float, int, float]:
    """Seconds from spawn to the tools/list reply, that reply's bytes, and the CPU seconds the server process used
    (its whole life: start, the two requests, shutdown)."""
    env = {**os.environ, "TUSHARE_TOKEN": "bench-token"}
    cpu = _children_cpu()
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "tushare_typed.mcp", *options],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        _send(process.stdin, INITIALIZE)
        process.stdout.readline()
        _send(process.stdin, {"jsonrpc": "2.0", "method": "notifications/initialized"})
        _send(process.stdin, {"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
        reply = process.stdout.readline()
        elapsed = time.perf_counter() - start
    finally:
        process.stdin.close()
        process.wait(timeout=30)
    return elapsed, len(json.dumps(json.loads(reply)["result"], ensure_ascii=False).encode()), _children_cpu() - cpu


def sdk_import() -> tuple[float, float]:
    """Wall seconds to a bare `import mcp.server, mcp.server.stdio` (the floor under the server's start), timed to
    a line printed after the import as the server is timed to its reply, and the CPU seconds of that process."""
    cpu = _children_cpu()
    start = time.perf_counter()
    code = "import mcp.server, mcp.server.stdio; print(flush=True)"
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    assert process.stdout is not None
    process.stdout.readline()
    elapsed = time.perf_counter() - start
    process.wait(timeout=30)
    return elapsed, _children_cpu() - cpu


def _ms(samples: list[float]) -> str:
    return f"median {statistics.median(samples) * 1000:.0f} ms, best {min(samples) * 1000:.0f} ms"


def _load() -> str:
    return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg())


async def default_daily_result_bytes() -> int:
    with TushareEmulator(total_rows=6000) as emulator:

        def client() -> AsyncTushareClient:
            return AsyncTushareClient(emulator.token, base_url=emulator.url)

        async with ToolService(client_factory=client) as service:
            result = await service.call("call_interface", {"api_name": "daily", "params": {"ts_code": "000001.SZ"}})
    assert result.structured is not None
    return len(result.text.encode()) + len(json.dumps(result.structured, ensure_ascii=False).encode())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    spec = importlib.util.find_spec("tushare_typed")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("tushare_typed is not installed: pip install -e 'generated_client[mcp]'")
    # An installed wheel has byte code; compile once as pip would, then warm the OS file cache.
    compileall.compile_dir(next(iter(spec.submodule_search_locations)), quiet=1)
    start_to_tools_list()
    sdk_import()
    print(f"before: {_load()}")
    server: list[tuple[float, int, float]] = []
    bare: list[tuple[float, float]] = []
    for _ in range(runs):
        server.append(start_to_tools_list())
        bare.append(sdk_import())
    print(f"after: {_load()}")
    wall, cpu = [sample[0] for sample in server], [sample[2] for sample in server]
    print(f"start -> tools/list, discovery, stdio: {_ms(wall)}; CPU {_ms(cpu)} over {runs} runs")
    sdk_wall, sdk_cpu = [sample[0] for sample in bare], [sample[1] for sample in bare]
    print(f"bare `import mcp.server, mcp.server.stdio`: {_ms(sdk_wall)}; CPU {_ms(sdk_cpu)}")
    wall_ratio = statistics.median(wall) / statistics.median(sdk_wall)
    cpu_ratio = statistics.median(cpu) / statistics.median(sdk_cpu)
    print(f"server start / bare SDK import (medians): wall {wall_ratio:.2f}, CPU {cpu_ratio:.2f}")
    for mode in ("discovery", "full"):
        print(f"tools/list bytes, {mode} mode: {start_to_tools_list('--mode', mode)[1]}")
    print(f"default daily result (200 rows, text + structured): {asyncio.run(default_daily_result_bytes())} bytes")


if __name__ == "__main__":
    main()
