"""Token resolution and the encrypted token store (the OS keyring is always a fake here)."""

from __future__ import annotations

import copy
import io
import json
import os
import pickle
import stat
import sys
import traceback
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
import structlog

from tushare_typed._internal.log_events import configure_logging
from tushare_typed._internal.transport import SyncTransport
from tushare_typed.errors import (
    MissingTokenError,
    ParameterError,
    TokenKeyInvalidError,
    TokenKeyMismatchError,
    TokenKeyMissingError,
    TokenNotStoredError,
    TokenStoreCorruptError,
    TokenStoreError,
    TushareError,
)
from tushare_typed.token import KEYRING_SERVICE, Secret, TokenStore, resolve_token

from .fakes import Sleeper, reply_bytes, synthetic_token

FAST_SCRYPT = 2**10  # production uses 2**15; the format and code path are the same


class FakeKeyring(types.ModuleType):
    """A dict-backed stand-in for the ``keyring`` module."""

    def __init__(self) -> None:
        super().__init__("keyring")
        self.entries: dict[tuple[str, str], str] = {}
        self.broken = False

    def get_password(self, service_name: str, username: str) -> str | None:
        self._check()
        return self.entries.get((service_name, username))

    def set_password(self, service_name: str, username: str, password: str) -> None:
        self._check()
        self.entries[(service_name, username)] = password

    def delete_password(self, service_name: str, username: str) -> None:
        self._check()
        del self.entries[(service_name, username)]

    def _check(self) -> None:
        if self.broken:
            raise RuntimeError("keychain locked")


@pytest.fixture(autouse=True)
def fake_keyring(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeKeyring:
    """No test may reach the real OS keyring, the real config dir or a real token."""
    keyring = FakeKeyring()
    monkeypatch.setitem(sys.modules, "keyring", keyring)
    for name in ("TUSHARE_TOKEN", "TUSHARE_TYPED_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    return keyring


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes `import keyring` raise ImportError.
    monkeypatch.setitem(sys.modules, "keyring", None)


@pytest.fixture
def token() -> str:
    return synthetic_token()


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "cfg" / "tushare-typed" / "token.enc"


def _key_store(path: Path, key: str | None = None) -> TokenStore:
    return TokenStore(path, key=key or TokenStore.generate_key(), use_keyring=False)


def _document(path: Path) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(path.read_text())
    return parsed


def _audit(store: TokenStore) -> list[dict[str, Any]]:
    return [json.loads(line) for line in store.audit_path.read_text().splitlines()]


# --- Secret -----------------------------------------------------------------------------------


def test_secret_never_shows_its_value(token: str) -> None:
    secret = Secret(token)
    for text in (repr(secret), str(secret), f"{secret}", f"{secret!r}", format(secret)):
        assert token not in text
    assert secret.reveal() == token
    assert repr([secret]) == "[Secret('***')]"


def test_secret_equality_copy_and_truthiness(token: str) -> None:
    secret = Secret(token)
    assert secret == Secret(token)
    assert secret != Secret(token + "0")
    assert secret != token
    assert hash(secret) == hash(Secret(secret))
    assert copy.copy(secret) is secret
    assert copy.deepcopy({"s": secret})["s"] is secret
    assert not Secret("")


def test_secret_refuses_to_be_pickled(token: str) -> None:
    with pytest.raises(TypeError, match="pickled"):
        pickle.dumps(Secret(token))


# --- resolution -------------------------------------------------------------------------------


def test_an_explicit_token_wins(token: str, store_path: Path) -> None:
    _key_store(store_path).save(synthetic_token())
    resolved = resolve_token(f"  {token}\n", environ={"TUSHARE_TOKEN": "other"})
    assert resolved.reveal() == token


def test_the_environment_comes_second(token: str) -> None:
    assert resolve_token(None, environ={"TUSHARE_TOKEN": token}).reveal() == token
    assert resolve_token("  ", environ={"TUSHARE_TOKEN": token}).reveal() == token
    assert resolve_token(Secret(token)).reveal() == token


def test_the_store_comes_third(token: str, store_path: Path) -> None:
    key = TokenStore.generate_key()
    _key_store(store_path, key).save(token)
    store = TokenStore(store_path, key=key)
    assert resolve_token(environ={"TUSHARE_TOKEN": " "}, store=store).reveal() == token


def test_the_default_store_is_found_through_the_environment(token: str, monkeypatch: pytest.MonkeyPatch) -> None:
    key = TokenStore.generate_key()
    monkeypatch.setenv("TUSHARE_TYPED_KEY", key)
    TokenStore().save(token)
    assert resolve_token().reveal() == token


def test_no_token_anywhere_names_all_three_sources(store_path: Path) -> None:
    with pytest.raises(MissingTokenError) as caught:
        resolve_token(environ={}, store=TokenStore(store_path))
    error = caught.value
    assert error.code == "AUTH-002"
    for source in ("token=", "TUSHARE_TOKEN", "TokenStore"):
        assert source in error.remediation
    assert str(store_path) in error.message


def test_a_store_that_cannot_be_opened_is_reported_not_skipped(token: str, store_path: Path) -> None:
    _key_store(store_path).save(token)
    with pytest.raises(TokenKeyMismatchError):
        resolve_token(environ={}, store=_key_store(store_path))


def test_default_path_honours_xdg_config_home(tmp_path: Path) -> None:
    assert TokenStore(environ={"XDG_CONFIG_HOME": str(tmp_path)}).path == (tmp_path / "tushare-typed" / "token.enc")


def test_default_path_falls_back_to_dot_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    expected = tmp_path / ".config" / "tushare-typed" / "token.enc"
    assert TokenStore(environ={}).path == expected
    assert TokenStore(environ={"XDG_CONFIG_HOME": "relative/dir"}).path == expected


# --- round trips ------------------------------------------------------------------------------


def test_round_trip_with_an_explicit_key(token: str, store_path: Path) -> None:
    key = TokenStore.generate_key()
    _key_store(store_path, key).save(token)
    assert TokenStore(store_path, key=key.encode()).load() == token
    assert TokenStore(store_path, key=Secret(key)).load() == token
    assert _document(store_path)["kdf"] == {"kind": "key"}


def test_round_trip_with_the_environment_key(token: str, store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUSHARE_TYPED_KEY", TokenStore.generate_key())
    TokenStore(store_path).save(token)
    assert TokenStore(store_path).load() == token


def test_round_trip_with_a_passphrase(token: str, store_path: Path) -> None:
    TokenStore(store_path, passphrase="correct horse", scrypt_n=FAST_SCRYPT).save(token)
    kdf = _document(store_path)["kdf"]
    assert kdf["kind"] == "scrypt"
    assert kdf["n"] == FAST_SCRYPT
    assert len(kdf["salt"]) >= 20
    assert TokenStore(store_path, passphrase=Secret("correct horse")).load() == token


def test_each_save_uses_a_fresh_salt(token: str, store_path: Path) -> None:
    store = TokenStore(store_path, passphrase="pw", scrypt_n=FAST_SCRYPT)
    store.save(token)
    first = _document(store_path)["kdf"]["salt"]
    store.save(token)
    assert _document(store_path)["kdf"]["salt"] != first


def test_round_trip_with_the_os_keyring(token: str, store_path: Path, fake_keyring: FakeKeyring) -> None:
    TokenStore(store_path).save(token)
    kdf = _document(store_path)["kdf"]
    assert kdf["kind"] == "keyring"
    assert (KEYRING_SERVICE, kdf["entry"]) in fake_keyring.entries
    assert TokenStore(store_path).load() == token


def test_saving_again_under_the_keyring_drops_the_old_entry(
    token: str, store_path: Path, fake_keyring: FakeKeyring
) -> None:
    store = TokenStore(store_path)
    store.save(token)
    store.save(synthetic_token())
    assert len(fake_keyring.entries) == 1


def test_use_keyring_true_prefers_the_keyring_over_the_environment_key(
    token: str, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUSHARE_TYPED_KEY", TokenStore.generate_key())
    TokenStore(store_path, use_keyring=True).save(token)
    assert _document(store_path)["kdf"]["kind"] == "keyring"


def test_saving_an_empty_token_is_refused(store_path: Path) -> None:
    with pytest.raises(ParameterError):
        _key_store(store_path).save("   ")
    assert not store_path.exists()


def test_store_repr_shows_only_the_path(token: str, store_path: Path) -> None:
    key = TokenStore.generate_key()
    store = TokenStore(store_path, key=key, passphrase="pw")
    assert repr(store) == f"TokenStore(path={str(store_path)!r})"


def test_invalid_scrypt_cost_is_refused(store_path: Path) -> None:
    with pytest.raises(ParameterError):
        TokenStore(store_path, scrypt_n=1000)


# --- files ------------------------------------------------------------------------------------


def test_the_store_is_0600_in_a_0700_directory_whatever_the_umask(token: str, store_path: Path) -> None:
    old = os.umask(0)
    try:
        _key_store(store_path).save(token)
    finally:
        os.umask(old)
    assert stat.S_IMODE(store_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store_path.parent.stat().st_mode) == 0o700
    audit = store_path.parent / "token.audit.jsonl"
    assert stat.S_IMODE(audit.stat().st_mode) == 0o600


def test_saving_replaces_atomically_and_leaves_no_temporary_files(token: str, store_path: Path) -> None:
    store = _key_store(store_path)
    store.save(token)
    inode = store_path.stat().st_ino
    store.save(synthetic_token())
    assert store_path.stat().st_ino != inode  # a new file renamed over the old one
    assert sorted(p.name for p in store_path.parent.iterdir()) == [
        "token.audit.jsonl",
        "token.enc",
    ]


def test_an_existing_directory_is_left_alone(token: str, tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    _key_store(tmp_path / "token.enc").save(token)
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755


def test_an_unwritable_location_is_a_store_error(token: str, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(TokenStoreError):
        _key_store(blocker / "token.enc").save(token)


# --- rotation ---------------------------------------------------------------------------------


def test_rotate_to_a_new_key(token: str, store_path: Path) -> None:
    old_key, new_key = TokenStore.generate_key(), TokenStore.generate_key()
    store = _key_store(store_path, old_key)
    store.save(token)
    before = _document(store_path)["token"]
    store.rotate(new_key=new_key)
    assert _document(store_path)["token"] != before
    assert store.load() == token
    assert TokenStore(store_path, key=new_key).load() == token
    with pytest.raises(TokenKeyMismatchError):
        TokenStore(store_path, key=old_key).load()


def test_rotate_from_a_key_to_a_passphrase_and_to_the_keyring(
    token: str, store_path: Path, fake_keyring: FakeKeyring
) -> None:
    store = _key_store(store_path)
    store.save(token)
    store.rotate(new_passphrase="new phrase")
    assert TokenStore(store_path, passphrase="new phrase").load() == token
    store.rotate(use_keyring=True)
    assert _document(store_path)["kdf"]["kind"] == "keyring"
    assert TokenStore(store_path).load() == token
    assert len(fake_keyring.entries) == 1


def test_rotate_a_keyring_store_without_arguments_replaces_its_entry(
    token: str, store_path: Path, fake_keyring: FakeKeyring
) -> None:
    store = TokenStore(store_path)
    store.save(token)
    old_entries = dict(fake_keyring.entries)
    store.rotate()
    assert len(fake_keyring.entries) == 1
    assert fake_keyring.entries != old_entries
    assert TokenStore(store_path).load() == token


def test_rotate_needs_to_know_the_new_key(token: str, store_path: Path) -> None:
    store = _key_store(store_path)
    store.save(token)
    with pytest.raises(ParameterError, match="new_key"):
        store.rotate()
    with pytest.raises(ParameterError, match="one of"):
        store.rotate(new_key=TokenStore.generate_key(), new_passphrase="x")
    with pytest.raises(TokenKeyInvalidError):
        store.rotate(new_key="short")


def test_rotate_with_the_wrong_current_key_changes_nothing(token: str, store_path: Path) -> None:
    _key_store(store_path).save(token)
    before = store_path.read_bytes()
    with pytest.raises(TokenKeyMismatchError):
        _key_store(store_path).rotate(new_key=TokenStore.generate_key())
    assert store_path.read_bytes() == before


def test_a_failed_rotation_leaves_file_instance_and_keyring_unchanged(
    token: str, store_path: Path, fake_keyring: FakeKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = TokenStore.generate_key()
    store = _key_store(store_path, key)
    store.save(token)
    before = store_path.read_bytes()
    with pytest.raises(ParameterError):
        store.rotate(new_key=TokenStore.generate_key(), new_passphrase="x")

    def fail(path: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr("tushare_typed._internal.token_file.write_private", fail)
        with pytest.raises(TokenStoreError, match="No space left"):
            store.rotate(use_keyring=True)
    assert fake_keyring.entries == {}
    assert store_path.read_bytes() == before
    assert store.load() == token


# --- failures ---------------------------------------------------------------------------------


def test_loading_without_a_store(store_path: Path) -> None:
    with pytest.raises(TokenNotStoredError) as caught:
        _key_store(store_path).load()
    assert caught.value.code == "AUTH-011"


def test_wrong_key_and_wrong_passphrase(token: str, store_path: Path) -> None:
    _key_store(store_path).save(token)
    with pytest.raises(TokenKeyMismatchError) as caught:
        _key_store(store_path).load()
    assert caught.value.code == "AUTH-013"

    TokenStore(store_path, passphrase="right", scrypt_n=FAST_SCRYPT).save(token)
    with pytest.raises(TokenKeyMismatchError):
        TokenStore(store_path, passphrase="wrong").load()


@pytest.mark.parametrize(
    "setup",
    ["key", "passphrase", "keyring-missing", "keyring-entry-gone"],
)
def test_a_missing_key_says_which_key_is_needed(
    token: str,
    store_path: Path,
    fake_keyring: FakeKeyring,
    monkeypatch: pytest.MonkeyPatch,
    setup: str,
) -> None:
    if setup == "key":
        _key_store(store_path).save(token)
        hint = "TUSHARE_TYPED_KEY"
    elif setup == "passphrase":
        TokenStore(store_path, passphrase="pw", scrypt_n=FAST_SCRYPT).save(token)
        hint = "passphrase"
    else:
        TokenStore(store_path).save(token)
        if setup == "keyring-missing":
            monkeypatch.setitem(sys.modules, "keyring", None)
            hint = "keyring package"
        else:
            fake_keyring.entries.clear()
            hint = "has no entry"
    with pytest.raises(TokenKeyMissingError, match=hint) as caught:
        TokenStore(store_path).load()
    assert caught.value.code == "AUTH-012"


@pytest.mark.usefixtures("no_keyring")
def test_saving_without_any_key_source(token: str, store_path: Path) -> None:
    with pytest.raises(TokenKeyMissingError, match="TUSHARE_TYPED_KEY"):
        TokenStore(store_path).save(token)


def test_an_invalid_key_is_rejected_without_echoing_it(
    token: str, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad_key = "not-a-fernet-key-" + "x" * 30
    with pytest.raises(TokenKeyInvalidError) as caught:
        TokenStore(store_path, key=bad_key).save(token)
    assert bad_key not in str(caught.value)
    monkeypatch.setenv("TUSHARE_TYPED_KEY", bad_key)
    with pytest.raises(TokenKeyInvalidError, match="TUSHARE_TYPED_KEY"):
        TokenStore(store_path, use_keyring=False).save(token)


def _flip_ciphertext(document: dict[str, Any]) -> None:
    text = document["token"]
    middle = len(text) // 2
    document["token"] = text[:middle] + ("A" if text[middle] != "A" else "B") + text[middle + 1 :]


TAMPERINGS: dict[str, Callable[[dict[str, Any]], None]] = {
    "ciphertext flipped": _flip_ciphertext,
    "ciphertext removed": lambda d: d.pop("token"),
    "ciphertext not a string": lambda d: d.update(token=5),
    "format changed": lambda d: d.update(format="other"),
    "version changed": lambda d: d.update(version=2),
    "kdf unknown": lambda d: d.update(kdf={"kind": "rot13"}),
    "kdf missing": lambda d: d.pop("kdf"),
    "key check missing": lambda d: d.pop("key_check"),
}


@pytest.mark.parametrize("tamper", TAMPERINGS.values(), ids=TAMPERINGS.keys())
def test_a_tampered_store_is_reported_as_corrupt(
    token: str, store_path: Path, tamper: Callable[[dict[str, Any]], None]
) -> None:
    key = TokenStore.generate_key()
    _key_store(store_path, key).save(token)
    document = _document(store_path)
    tamper(document)
    store_path.write_text(json.dumps(document))
    with pytest.raises(TokenStoreCorruptError) as caught:
        TokenStore(store_path, key=key).load()
    error = caught.value
    assert error.code == "AUTH-014"
    assert "tampered" in error.message
    # No raw cryptography exception is chained or printed.
    assert error.__context__ is None or error.__suppress_context__
    assert "cryptography" not in "".join(traceback.format_exception(error))


@pytest.mark.parametrize(
    "content",
    [b"", b"not json", b"[1, 2]", b"null", b"{" * 10_000, b" " * (70 * 1024)],
    ids=["empty", "text", "list", "null", "deep", "huge"],
)
def test_a_garbage_store_is_reported_as_corrupt(store_path: Path, content: bytes) -> None:
    store_path.parent.mkdir(parents=True)
    store_path.write_bytes(content)
    with pytest.raises(TokenStoreCorruptError):
        _key_store(store_path).load()


@pytest.mark.parametrize(
    "change",
    [{"n": 2**30}, {"n": "big"}, {"r": 1}, {"salt": "!!!not base64"}, {"salt": None}],
    ids=["n too large", "n not a number", "r changed", "salt garbage", "salt missing"],
)
def test_tampered_scrypt_parameters_are_refused_before_any_work(
    token: str, store_path: Path, change: dict[str, Any]
) -> None:
    TokenStore(store_path, passphrase="pw", scrypt_n=FAST_SCRYPT).save(token)
    document = _document(store_path)
    document["kdf"].update(change)
    store_path.write_text(json.dumps(document))
    with pytest.raises(TokenStoreCorruptError):
        TokenStore(store_path, passphrase="pw").load()


def test_a_changed_salt_reads_as_a_wrong_key(token: str, store_path: Path) -> None:
    TokenStore(store_path, passphrase="pw", scrypt_n=FAST_SCRYPT).save(token)
    document = _document(store_path)
    document["kdf"]["salt"] = "AAAAAAAAAAAAAAAAAAAAAA=="
    store_path.write_text(json.dumps(document))
    with pytest.raises(TokenKeyMismatchError, match="header was altered"):
        TokenStore(store_path, passphrase="pw").load()


def test_a_broken_keyring_is_a_store_error(token: str, store_path: Path, fake_keyring: FakeKeyring) -> None:
    fake_keyring.broken = True
    with pytest.raises(TokenStoreError, match="RuntimeError"):
        TokenStore(store_path).save(token)


def test_use_keyring_false_refuses_a_keyring_store(token: str, store_path: Path) -> None:
    TokenStore(store_path).save(token)
    with pytest.raises(TokenKeyMissingError):
        TokenStore(store_path, use_keyring=False).load()


# --- delete and audit -------------------------------------------------------------------------


def test_delete_removes_the_store_and_its_keyring_entry(
    token: str, store_path: Path, fake_keyring: FakeKeyring
) -> None:
    store = TokenStore(store_path)
    store.save(token)
    assert store.delete() is True
    assert not store_path.exists()
    assert fake_keyring.entries == {}
    assert store.delete() is False
    assert store.audit_path.exists()


def test_every_operation_is_audited_without_the_token(token: str, store_path: Path) -> None:
    key = TokenStore.generate_key()
    store = _key_store(store_path, key)
    store.save(token)
    store.load()
    with pytest.raises(TokenKeyMismatchError):
        _key_store(store_path).load()
    store.rotate(new_key=TokenStore.generate_key())
    store.delete()
    records = _audit(store)
    assert [(r["operation"], r["outcome"], r["code"]) for r in records] == [
        ("save", "ok", None),
        ("load", "ok", None),
        ("load", "error", "AUTH-013"),
        ("rotate", "ok", None),
        ("delete", "ok", None),
    ]
    for record in records:
        assert {"time", "pid", "store", "operation", "outcome"} <= set(record)
    assert records[0]["key_source"] == "key"
    assert token not in store.audit_path.read_text()


def test_an_unwritable_audit_log_does_not_block_the_store(token: str, store_path: Path) -> None:
    store = _key_store(store_path)
    store.audit_path.parent.mkdir(parents=True)
    store.audit_path.mkdir()  # a directory where the log file should be
    store.save(token)
    assert store.load() == token


# --- the leak scan ----------------------------------------------------------------------------


def _files_containing(root: Path, needle: bytes) -> list[Path]:
    hits = []
    for directory, _, names in os.walk(root):
        for name in names:
            path = Path(directory) / name
            if needle in path.read_bytes():
                hits.append(path)
    return hits


def test_the_token_leaks_into_no_file_log_or_error(
    tmp_path: Path, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = synthetic_token()
    stream = io.StringIO()
    configure_logging(json=True, stream=stream)
    errors: list[TushareError] = []

    def collect(action: Callable[[], object]) -> None:
        try:
            action()
        except TushareError as error:
            errors.append(error)

    try:
        key = TokenStore.generate_key()
        store = TokenStore(store_path, key=key)
        store.save(token)
        store.rotate(new_passphrase="pp")
        TokenStore(store_path, passphrase="pp").load()
        collect(lambda: TokenStore(store_path, passphrase="wrong").load())
        collect(lambda: TokenStore(store_path).load())
        store.rotate(use_keyring=True)
        document = _document(store_path)
        _flip_ciphertext(document)
        tampered = store_path.with_name("tampered.enc")
        tampered.write_text(json.dumps(document))
        collect(lambda: TokenStore(tampered).load())

        monkeypatch.setenv("TUSHARE_TOKEN", token)
        transport = SyncTransport("http://tushare.test/", sleep=Sleeper(), random=lambda: 0.0)
        with respx.mock() as mock:
            mock.post("http://tushare.test/").mock(
                side_effect=[
                    httpx.ConnectError("refused"),
                    httpx.Response(200, content=reply_bytes(code=40101, msg=f"bad {token}")),
                    httpx.Response(200, content=reply_bytes()),
                ]
            )
            secret = resolve_token()
            collect(lambda: transport.request("daily", {}, token=secret))
            transport.request("daily", {}, token=secret)
        transport.close()
    finally:
        structlog.reset_defaults()

    assert len(errors) == 4
    for error in errors:
        texts = [str(error), repr(error), *map(str, error.args), error.remediation]
        texts.append("".join(traceback.format_exception(error)))
        assert all(token not in text for text in texts), error
    assert stream.getvalue().count("tushare.call") == 2
    assert token not in stream.getvalue()
    needle = token.encode()
    assert _files_containing(tmp_path, needle) == []
    assert _files_containing(tmp_path, token.upper().encode()) == []
