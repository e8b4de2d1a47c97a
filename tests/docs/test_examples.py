"""Every example on the site runs: each tab of each reference page (typed client sync and async, CLI, MCP tool
call) and every Python block of the hand-written pages, against one tushare emulator on 127.0.0.1.

The examples are read from the committed Markdown (which `test_site.py` checks is what `tsgen docs` renders), so
what a reader copies is what ran. Python and CLI examples run in this process; MCP calls go to one real
`python -m tushare_typed.mcp` server over stdio, concurrently.
"""

from __future__ import annotations

import asyncio
import json
import re
import shlex
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from tushare_typed.catalog import load_catalog
from tushare_typed.testing import TushareEmulator

DOCS = Path(__file__).resolve().parents[2] / "docs"
REFERENCE = DOCS / "reference"
MCP_CONCURRENCY = 8
MCP_SESSION_TIMEOUT = 60.0

_TAB = re.compile(
    r'^=== "(?P<label>[^"]+)"\n\n    ```(?P<language>\w+)\n(?P<code>(?:(?:    .*)?\n)*?)    ```$', re.MULTILINE
)
_PYTHON_BLOCK = re.compile(r"^```python\n(?P<code>.*?)^```$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Example:
    page: str
    label: str
    code: str

    @property
    def name(self) -> str:
        return f"{self.page} [{self.label}]"


def reference_examples(page: Path) -> list[Example]:
    text = page.read_text(encoding="utf-8")
    return [
        Example(page.stem, match["label"], textwrap.dedent(match["code"]).rstrip("\n")) for match in _TAB.finditer(text)
    ]


def guide_examples() -> list[Example]:
    pages = sorted(path for path in DOCS.rglob("*.md") if REFERENCE not in path.parents)
    return [
        Example(str(page.relative_to(DOCS)), "python", match["code"])
        for page in pages
        for match in _PYTHON_BLOCK.finditer(page.read_text(encoding="utf-8"))
    ]


def interface_pages() -> list[Path]:
    return sorted(path for path in REFERENCE.glob("*.md") if path.stem not in {"index", "points", "changes"})


# --- executors ---------------------------------------------------------------------------------------------------


def run_python(example: Example) -> str:
    """Run the code as a script; returns what it printed (print is captured per example, so runs never mix)."""
    printed: list[str] = []

    def capture(*values: object, sep: str = " ", end: str = "\n", **_: object) -> None:
        printed.append(sep.join(str(value) for value in values) + end)

    exec(compile(example.code, example.name, "exec"), {"__name__": "__main__", "print": capture})  # noqa: S102
    return "".join(printed)


def _cli_main() -> Callable[[list[str]], None]:
    (script,) = entry_points(group="console_scripts", name="tushare-typed")
    main: Callable[[list[str]], None] = script.load()
    return main


def run_cli(example: Example) -> str:
    argv = shlex.split(example.code)
    assert argv[0] == "tushare-typed", f"a CLI example must start with tushare-typed: {example.code}"
    with CliRunner().isolation() as (stdout, stderr, _):
        try:
            _cli_main()(argv[1:])
            status = 0
        except SystemExit as exit_:
            status = exit_.code if isinstance(exit_.code, int) else 1
        out, err = stdout.getvalue().decode(), stderr.getvalue().decode()
    assert status == 0, f"exit {status}: {err}"
    return out


LOCAL_EXECUTORS: dict[str, Callable[[Example], str]] = {
    "Python": run_python,
    "Python (async)": run_python,
    "pro_api (SDK habit)": run_python,
    "CLI": run_cli,
}
MCP_LABEL = "MCP tool call"


def run_locally(examples: list[Example], *, rows_expected: bool) -> list[str]:
    """Run each example, reporting every failure (not just the first); reference examples must print rows."""
    failures = []
    for example in examples:
        try:
            output = LOCAL_EXECUTORS.get(example.label, run_python)(example)
            assert not rows_expected or output.strip() not in {"", "[]"}, "printed no rows"
        except Exception as error:
            failures.append(f"{example.name}: {type(error).__name__}: {error}")
    return failures


async def run_mcp(examples: list[Example], env: dict[str, str], errlog: Any) -> list[str]:
    parameters = StdioServerParameters(command=sys.executable, args=["-m", "tushare_typed.mcp"], env=env)
    failures: list[str] = []
    limit = asyncio.Semaphore(MCP_CONCURRENCY)
    async with stdio_client(parameters, errlog=errlog) as (read, write), ClientSession(read, write) as session:
        await session.initialize()

        async def call(example: Example) -> None:
            request = json.loads(example.code)
            try:
                assert request["method"] == "tools/call", f"not a tools/call request: {request['method']}"
                async with limit:
                    result = await session.call_tool(request["params"]["name"], request["params"]["arguments"])
                assert not result.is_error, result.content
                assert isinstance(result.structured_content, dict)
                assert result.structured_content["rows"], "no rows"
            except Exception as error:
                failures.append(f"{example.name}: {type(error).__name__}: {error}")

        await asyncio.wait_for(asyncio.gather(*(call(example) for example in examples)), MCP_SESSION_TIMEOUT)
    return failures


# --- fixtures and tests ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def emulator_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A running emulator; the environment (set for this process too) that points every client at it."""
    with TushareEmulator() as emulator, pytest.MonkeyPatch.context() as patch:
        env = {
            "TUSHARE_API_URL": emulator.url,
            "TUSHARE_TOKEN": emulator.token,
            "XDG_CONFIG_HOME": str(tmp_path_factory.mktemp("config")),  # never a developer's own token store
            # Every call is plain HTTP to 127.0.0.1, yet each client builds a TLS context (httpx does), and loading
            # a whole CA bundle costs ~0.1 s per example; an empty CA folder is loaded lazily, i.e. never.
            "SSL_CERT_DIR": str(tmp_path_factory.mktemp("no-ca")),
        }
        for name, value in env.items():
            patch.setenv(name, value)
        for name in ("TUSHARE_POINTS", "SSL_CERT_FILE"):
            patch.delenv(name, raising=False)
        yield env


def test_every_interface_page_has_every_kind_of_example() -> None:
    pages = interface_pages()
    assert [page.stem for page in pages] == sorted(load_catalog().names())
    for page in pages:
        labels = [example.label for example in reference_examples(page)]
        assert sorted(labels) == sorted([*LOCAL_EXECUTORS, MCP_LABEL]), page.name


def test_the_extractor_reads_a_tab_whole() -> None:
    text = '=== "CLI"\n\n    ```sh\n    one\n\n    two\n    ```\n\n=== "Python"\n\n    ```python\n    x = 1\n    ```\n'
    matches = [(m["label"], textwrap.dedent(m["code"])) for m in _TAB.finditer(text)]
    assert matches == [("CLI", "one\n\ntwo\n"), ("Python", "x = 1\n")]


@pytest.mark.timeout(90)
def test_python_and_cli_examples_run_against_the_emulator(emulator_env: dict[str, str]) -> None:
    examples = [e for page in interface_pages() for e in reference_examples(page) if e.label in LOCAL_EXECUTORS]
    assert len(examples) == len(LOCAL_EXECUTORS) * len(interface_pages())
    failures = run_locally(examples, rows_expected=True)
    assert not failures, "\n".join(failures)


@pytest.mark.timeout(90)
def test_guides_have_runnable_python(emulator_env: dict[str, str]) -> None:
    examples = guide_examples()
    assert {e.page for e in examples} >= {"guides/quickstart.md"}
    failures = run_locally(examples, rows_expected=False)
    assert not failures, "\n".join(failures)


@pytest.mark.timeout(90)
def test_mcp_examples_run_against_the_emulator(emulator_env: dict[str, str], tmp_path: Path) -> None:
    examples = [e for page in interface_pages() for e in reference_examples(page) if e.label == MCP_LABEL]
    assert len(examples) == len(interface_pages())
    with (tmp_path / "server.log").open("w") as errlog:
        failures = asyncio.run(run_mcp(examples, emulator_env, errlog))
    assert not failures, "\n".join(failures)


def test_a_broken_example_is_reported(emulator_env: dict[str, str]) -> None:
    broken = [
        Example("demo", "Python", "from tushare_typed import TushareClient\nTushareClient().daily(nope=1)"),
        Example("demo", "CLI", "tushare-typed exec daily -p nope=1"),
        Example("demo", "Python (async)", "print([])"),
    ]
    failures = run_locally(broken, rows_expected=True)
    assert [failure.split(":", 1)[0] for failure in failures] == [
        "demo [Python]",
        "demo [CLI]",
        "demo [Python (async)]",
    ]
