"""The platform helper and the token store's Windows branch, simulated on this machine: ``sys.platform`` says
win32 and the POSIX-only functions Python lacks on Windows (``os.getuid``, ``os.set_blocking``) are removed, so a
call that would fail there with AttributeError fails here too."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from tushare_typed._internal import platforms
from tushare_typed._internal.safe_files import ensure_private_dir, read_regular
from tushare_typed.token import TokenStore

TOKEN = "platform-test-token-0042"


@pytest.fixture
def simulated_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.delattr(os, "getuid")
    monkeypatch.delattr(os, "set_blocking")


@pytest.mark.timeout(5)
def test_posix_answers_with_the_process_user_and_clears_non_blocking(tmp_path: Path) -> None:
    assert not platforms.windows()
    assert platforms.user_id() == os.getuid()
    descriptor = os.open(tmp_path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        platforms.make_blocking(descriptor)
        assert os.get_blocking(descriptor)
    finally:
        os.close(descriptor)


@pytest.mark.timeout(5)
@pytest.mark.usefixtures("simulated_windows")
def test_windows_has_no_user_id_and_nothing_to_make_blocking(tmp_path: Path) -> None:
    assert platforms.windows()
    assert platforms.user_id() is None
    descriptor = os.open(tmp_path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        platforms.make_blocking(descriptor)  # would be AttributeError if it reached os.set_blocking
        assert not os.get_blocking(descriptor)
    finally:
        os.close(descriptor)


@pytest.mark.timeout(5)
@pytest.mark.usefixtures("simulated_windows")
def test_on_windows_a_directory_is_created_and_its_acls_left_alone(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)  # POSIX would tighten it to 0700; Windows guards it with the profile's ACLs
    ensure_private_dir(shared)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o777
    ensure_private_dir(tmp_path / "new" / "deeper")
    assert (tmp_path / "new" / "deeper").is_dir()
    (shared / "file").write_bytes(b"abc\r\n")
    assert read_regular(shared / "file", 10) == b"abc\r\n"


@pytest.mark.timeout(20)
@pytest.mark.usefixtures("simulated_windows")
def test_the_token_store_saves_loads_rotates_and_audits_on_windows(tmp_path: Path) -> None:
    directory = tmp_path / "profile" / "tushare-typed"
    directory.mkdir(parents=True)
    directory.chmod(0o777)
    store = TokenStore(directory / "token.enc", key=TokenStore.generate_key(), use_keyring=False)
    store.save(TOKEN)
    assert store.load() == TOKEN
    store.rotate(new_key=TokenStore.generate_key())
    assert store.load() == TOKEN
    assert store.delete()
    audit = store.audit_path.read_text(encoding="utf-8").splitlines()
    assert [line.count('"outcome": "ok"') for line in audit] == [1, 1, 1, 1, 1]


@pytest.mark.timeout(5)
def test_on_posix_the_same_directory_is_made_private(tmp_path: Path) -> None:
    # The counterpart of the Windows case: here a world-writable directory of ours is tightened.
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    ensure_private_dir(shared)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o700
