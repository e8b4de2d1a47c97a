"""Suite-wide settings. On CI (`CI` set) hypothesis is derandomized and has no deadline: a red run must mean a
real failure, not a new random example or a slow shared machine. Locally it explores new examples each run.

Before any test runs, the session guard checks that `generated_client/` (what the tests import) is what
`tsgen build` makes of the current templates, runtime and metadata: see `tests/freshness.py`."""

import os
from collections.abc import Iterator

import pytest
import structlog
from hypothesis import settings

from .freshness import STALE_MESSAGE, stale_files, tree_digest

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

_FRESH_KEY = "tushare_typed/fresh-digest"


def pytest_sessionstart(session: pytest.Session) -> None:
    cache = getattr(session.config, "cache", None)  # None under -p no:cacheprovider
    digest = tree_digest()
    if cache is not None and cache.get(_FRESH_KEY, None) == digest:
        return
    problems = stale_files()
    if problems:
        listed = "\n".join(f"  {problem}" for problem in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        pytest.exit(f"{STALE_MESSAGE}\n{listed}{more}", returncode=pytest.ExitCode.USAGE_ERROR)
    if cache is not None:
        cache.set(_FRESH_KEY, digest)


@pytest.fixture(autouse=True)
def _no_user_probe_record(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test reads the developer's own `doctor --probe` record (sync --all-i-can and --callable-only do)."""
    monkeypatch.setenv("TUSHARE_TYPED_PROBE", str(tmp_path_factory.mktemp("probe") / "probe.json"))


@pytest.fixture(autouse=True)
def _structlog_unconfigured() -> Iterator[None]:
    """Every test starts and ends with structlog unconfigured, as a library user's process does: a test that
    configures it (or captures its events) must not make the library's events print into later tests' stdout."""
    yield
    structlog.reset_defaults()
