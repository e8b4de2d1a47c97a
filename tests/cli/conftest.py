"""CLI test setup: an isolated environment per test (a temporary config dir, a Fernet store key made here, no
token, never the OS keyring) and a helper that runs `tushare-typed` in process."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from cryptography.fernet import Fernet

from tushare_typed.cli import cli

#: A made-up token for the store tests; not shaped like a real one.
FAKE_TOKEN = "fake-token-for-tests-0001"


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Runs before the emulator fixture (autouse fixtures come first), which then sets its own URL and token."""
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    monkeypatch.setenv("TUSHARE_TYPED_KEY", Fernet.generate_key().decode())
    for name in ("TUSHARE_TOKEN", "TUSHARE_API_URL", "TUSHARE_TYPED_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("tushare_typed.token.import_keyring", lambda: None)
    return config


def run(*args: str, input: str | None = None) -> Result:
    """`tushare-typed ARGS`, with stdout and stderr kept apart."""
    return CliRunner().invoke(cli, list(args), input=input)


def assert_clean_failure(result: Result, exit_code: int) -> None:
    """A failure reported as a message on stderr, with the expected status and no traceback."""
    assert result.exit_code == exit_code, result.output
    assert isinstance(result.exception, SystemExit)
    assert any(line.startswith("error: ") for line in result.stderr.splitlines())
    assert "Traceback" not in result.output
