"""Shared by the runtime benchmarks: a tushare emulator in its own process, and a plain httpx page fetcher.

The emulator runs in a separate process so that it does not share the GIL with the code being measured, and its
allocations stay out of the benchmark's tracemalloc figures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tushare_typed._internal.paginator import SimplePage
from tushare_typed.testing import DEFAULT_TOKEN

ROW_LIMIT = 6000


def _field(name: str, python_type: str) -> dict[str, Any]:
    return {"name": name, "attr": name, "type": python_type, "python_type": python_type, "default": True}


CATALOG: dict[str, Any] = {
    "version": 1,
    "interfaces": {
        "daily": {
            "api_name": "daily",
            "row_limit": ROW_LIMIT,
            "paging": True,
            "fields": [
                _field("ts_code", "str"),
                _field("trade_date", "date"),
                _field("open", "float"),
                _field("high", "float"),
                _field("low", "float"),
                _field("close", "float"),
                _field("vol", "float"),
                _field("amount", "float"),
            ],
        }
    },
}


@contextmanager
def emulator_process(
    *,
    quota: int | None = None,
    window: float = 60.0,
    total_rows: int = 100,
    package_catalog: bool = False,
    cpus: frozenset[int] | None = None,
) -> Iterator[str]:
    """Start ``python -m tushare_typed.testing`` and yield its URL; stop it on exit. It serves the bench catalog
    (a lean ``daily``), or with ``package_catalog`` every interface as the package knows it; ``cpus`` confines it
    (and every thread it starts) to those CPUs (Linux)."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "tushare_typed.testing"]
        if not package_catalog:
            catalog = Path(tmp) / "catalog.json"
            catalog.write_text(json.dumps(CATALOG), encoding="utf-8")
            command += ["--catalog", str(catalog)]
        command += ["--window", str(window), "--total-rows", str(total_rows)]
        if quota is not None:
            command += ["--quota", str(quota)]
        pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus is not None else None
        process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, preexec_fn=pin)
        assert process.stdout is not None
        try:
            yield process.stdout.readline().strip()
        finally:
            process.terminate()  # the emulator runs until SIGTERM
            process.wait(timeout=10)


def emulator_stats(url: str) -> dict[str, Any]:
    stats: dict[str, Any] = httpx.get(url + "/_emulator/stats").json()
    return stats


def request_body(api_name: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"api_name": api_name, "token": DEFAULT_TOKEN, "params": params or {}, "fields": ""}


class Fetch:
    """``fetch(offset, limit)`` over a plain httpx client (the real transport is measured elsewhere)."""

    def __init__(self, client: httpx.Client, url: str, api_name: str) -> None:
        self.client = client
        self.url = f"{url}/dataapi/{api_name}"
        self.api_name = api_name

    def __call__(self, offset: int, limit: int) -> SimplePage:
        reply = self.client.post(self.url, json=request_body(self.api_name, {"offset": offset, "limit": limit}))
        data = reply.json()["data"]
        return SimplePage(fields=data["fields"], items=data["items"], has_more=data["has_more"])
