"""Token store edges: a FIFO at the store path, a symlink planted at the audit log, a world-writable directory."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tushare_typed.errors import TokenStoreError
from tushare_typed.token import TokenStore

KEY = TokenStore.generate_key()


@pytest.mark.timeout(5)
def test_a_fifo_at_the_store_path_is_refused_not_waited_on(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "token.enc")
    with pytest.raises(TokenStoreError, match="not a regular file"):
        TokenStore(tmp_path / "token.enc", key=KEY, use_keyring=False).load()


@pytest.mark.timeout(5)
def test_a_directory_at_the_store_path_is_refused(tmp_path: Path) -> None:
    (tmp_path / "token.enc").mkdir()
    with pytest.raises(TokenStoreError):
        TokenStore(tmp_path / "token.enc", key=KEY, use_keyring=False).load()


@pytest.mark.timeout(5)
def test_the_audit_log_does_not_follow_a_planted_symlink(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = TokenStore(tmp_path / "store" / "token.enc", key=KEY, use_keyring=False)
    store.path.parent.mkdir(mode=0o700)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    store.audit_path.symlink_to(victim)
    store.save("store-edge-token-1234")
    assert store.load() == "store-edge-token-1234"
    assert victim.read_text() == "precious\n"
    assert "audit log" in caplog.text


@pytest.mark.timeout(5)
def test_a_fifo_at_the_audit_log_path_does_not_block(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "token.enc", key=KEY, use_keyring=False)
    os.mkfifo(store.audit_path)
    store.save("store-edge-token-1234")
    assert store.load() == "store-edge-token-1234"


@pytest.mark.timeout(5)
def test_a_world_writable_config_directory_of_ours_is_tightened(tmp_path: Path) -> None:
    directory = tmp_path / "config"
    directory.mkdir()
    directory.chmod(0o777)
    TokenStore(directory / "token.enc", key=KEY, use_keyring=False).save("store-edge-token-1234")
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
