"""`token set | show | rotate | delete`: the encrypted store from the command line, never echoing the token."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tushare_typed.cli import mask_token
from tushare_typed.token import TokenStore

from .conftest import FAKE_TOKEN, assert_clean_failure, run


class FakeKeyring:
    """An in-memory stand-in for the OS keyring."""

    def __init__(self) -> None:
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service_name: str, username: str) -> str | None:
        return self.passwords.get((service_name, username))

    def set_password(self, service_name: str, username: str, password: str) -> None:
        self.passwords[(service_name, username)] = password

    def delete_password(self, service_name: str, username: str) -> None:
        self.passwords.pop((service_name, username), None)


def saved_store() -> TokenStore:
    assert run("token", "set", input=f"{FAKE_TOKEN}\n").exit_code == 0
    return TokenStore()


def test_set_reads_the_token_from_stdin_and_encrypts_it(isolated_env: Path) -> None:
    result = run("token", "set", input=f"  {FAKE_TOKEN}\n")
    store = TokenStore()
    assert result.exit_code == 0
    assert result.stderr.startswith(f"token saved to {store.path}: sealed with the key in TUSHARE_TYPED_KEY")
    assert store.path.is_relative_to(isolated_env)
    assert store.load() == FAKE_TOKEN
    assert FAKE_TOKEN.encode() not in store.path.read_bytes()
    assert FAKE_TOKEN not in result.output


def test_set_prompts_without_echo_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tushare_typed.cli._client.stdin_is_tty", lambda: True)
    result = run("token", "set", input=f"{FAKE_TOKEN}\n")
    assert result.exit_code == 0
    assert "tushare token: " in result.output
    assert FAKE_TOKEN not in result.output
    assert TokenStore().load() == FAKE_TOKEN


def test_set_refuses_an_empty_token() -> None:
    assert_clean_failure(run("token", "set", "--stdin", input="\n"), 2)
    assert not TokenStore().exists()


class NoKeyringBackend(FakeKeyring):
    """A keyring package whose only backend fails, as on a headless Linux box."""

    def set_password(self, service_name: str, username: str, password: str) -> None:
        raise NoKeyringError("No recommended backend was available.")


class NoKeyringError(RuntimeError):
    pass


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TUSHARE_TYPED_KEY")
    monkeypatch.setattr("tushare_typed.token.import_keyring", NoKeyringBackend)


@pytest.mark.usefixtures("no_keyring")
def test_set_without_a_keyring_generates_a_key_and_says_where_to_keep_it(monkeypatch: pytest.MonkeyPatch) -> None:
    result = run("token", "set", input=f"{FAKE_TOKEN}\n")
    assert result.exit_code == 0, result.output
    key = result.stdout.strip()
    assert len(key) == 44 and FAKE_TOKEN not in result.output
    assert "Keep it in TUSHARE_TYPED_KEY" in result.stderr
    assert TokenStore(key=key).load() == FAKE_TOKEN
    show = run("token", "show")
    assert show.stderr.startswith("error: [AUTH-012]") and "TUSHARE_TYPED_KEY" in show.stderr
    monkeypatch.setenv("TUSHARE_TYPED_KEY", key)
    assert run("token", "show").stdout == "fake…0001\n"


@pytest.mark.usefixtures("no_keyring")
def test_set_without_a_keyring_offers_a_passphrase_at_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tushare_typed.cli._client.stdin_is_tty", lambda: True)
    result = run("token", "set", input=f"{FAKE_TOKEN}\np\ncorrect horse\ncorrect horse\n")
    assert result.exit_code == 0, result.output
    assert "no usable OS keyring" in result.stderr
    assert "TUSHARE_TYPED_PASSPHRASE" in result.stderr
    assert "correct horse" not in result.output
    assert TokenStore(passphrase="correct horse").load() == FAKE_TOKEN
    assert run("token", "show").stderr.startswith("error: [AUTH-012]")
    monkeypatch.setenv("TUSHARE_TYPED_PASSPHRASE", "correct horse")
    assert run("token", "show").stdout == "fake…0001\n"


@pytest.mark.usefixtures("no_keyring")
def test_set_with_a_passphrase_on_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    result = run("token", "set", "--passphrase", input=f"{FAKE_TOKEN}\nmy passphrase\n")
    assert result.exit_code == 0, result.output
    assert TokenStore(passphrase="my passphrase").load() == FAKE_TOKEN


@pytest.mark.usefixtures("no_keyring")
def test_asking_for_the_keyring_without_one_points_at_the_fix() -> None:
    result = run("token", "set", "--keyring", input=f"{FAKE_TOKEN}\n")
    assert_clean_failure(result, 1)
    assert result.stderr.startswith("error: [AUTH-016] the OS keyring failed: NoKeyringError")
    assert "--generate-key" in result.stderr and "--passphrase" in result.stderr
    assert "file permissions" not in result.stderr and "readable and writable" not in result.stderr


def test_set_uses_a_working_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    keyring = FakeKeyring()
    monkeypatch.delenv("TUSHARE_TYPED_KEY")
    monkeypatch.setattr("tushare_typed.token.import_keyring", lambda: keyring)
    result = run("token", "set", input=f"{FAKE_TOKEN}\n")
    assert result.exit_code == 0 and result.stdout == ""
    assert "OS keyring" in result.stderr and len(keyring.passwords) == 1
    assert TokenStore().load() == FAKE_TOKEN


def test_show_masks_the_stored_token() -> None:
    store = saved_store()
    result = run("token", "show")
    assert result.stdout == "fake…0001\n"
    assert result.stderr == f"source: the token store {store.path}\n"


def test_show_prefers_the_environment_as_the_client_does(monkeypatch: pytest.MonkeyPatch) -> None:
    saved_store()
    monkeypatch.setenv("TUSHARE_TOKEN", "environment-token-abcd")
    result = run("token", "show")
    assert result.stdout == "envi…abcd\n"
    assert result.stderr == "source: the TUSHARE_TOKEN environment variable\n"


def test_show_without_a_token_fails_with_the_remediation() -> None:
    result = run("token", "show")
    assert_clean_failure(result, 1)
    assert result.stderr.startswith("error: [AUTH-011] no token store at ")
    assert "tushare-typed token set" in result.stderr


def test_show_with_the_wrong_key_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    saved_store()
    monkeypatch.setenv("TUSHARE_TYPED_KEY", TokenStore.generate_key())
    assert run("token", "show").stderr.startswith("error: [AUTH-013]")


def test_rotate_generates_and_prints_a_new_key(monkeypatch: pytest.MonkeyPatch) -> None:
    saved_store()
    old_key = os.environ["TUSHARE_TYPED_KEY"]
    result = run("token", "rotate")
    new_key = result.stdout.strip()
    assert result.exit_code == 0
    assert new_key != old_key and len(new_key) == 44
    assert "set TUSHARE_TYPED_KEY to the new key" in result.stderr
    assert TokenStore(key=new_key).load() == FAKE_TOKEN
    assert run("token", "show").stderr.startswith("error: [AUTH-013]")  # the old key no longer opens it
    monkeypatch.setenv("TUSHARE_TYPED_KEY", new_key)
    assert run("token", "show").stdout == "fake…0001\n"


def test_rotate_to_a_key_given_on_stdin() -> None:
    saved_store()
    new_key = TokenStore.generate_key()
    result = run("token", "rotate", "--new-key", "--stdin", input=f"{new_key}\n")
    assert result.exit_code == 0
    assert new_key not in result.output
    assert TokenStore(key=new_key).load() == FAKE_TOKEN


def test_rotate_to_an_invalid_key_changes_nothing() -> None:
    store = saved_store()
    before = store.path.read_bytes()
    result = run("token", "rotate", "--new-key", input="not-a-fernet-key\n")
    assert_clean_failure(result, 1)
    assert result.stderr.startswith("error: [AUTH-015]")
    assert store.path.read_bytes() == before


def test_rotate_into_the_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    keyring = FakeKeyring()
    saved_store()
    monkeypatch.setattr("tushare_typed.token.import_keyring", lambda: keyring)
    result = run("token", "rotate", "--keyring")
    assert result.exit_code == 0, result.output
    assert result.stderr == "token re-encrypted under a new key kept in the OS keyring\n"
    monkeypatch.delenv("TUSHARE_TYPED_KEY")
    assert TokenStore().load() == FAKE_TOKEN
    assert len(keyring.passwords) == 1


def test_rotate_without_a_store_fails() -> None:
    assert run("token", "rotate").stderr.startswith("error: [AUTH-011]")


def test_delete_asks_first_and_can_be_declined() -> None:
    store = saved_store()
    declined = run("token", "delete", input="n\n")
    assert declined.exit_code == 1
    assert store.exists()
    deleted = run("token", "delete", input="y\n")
    assert deleted.exit_code == 0
    assert deleted.stderr.endswith(f"deleted {store.path}\n")
    assert not store.exists()


def test_delete_without_a_store_says_so() -> None:
    result = run("token", "delete", "--yes")
    assert result.exit_code == 0
    assert result.stderr.startswith("no token store at ")


@pytest.mark.parametrize(
    ("token", "masked"),
    [("0123456789abcdef", "0123…cdef"), ("short-token", "…"), ("", "…")],
)
def test_mask_token_shows_only_the_ends_of_long_tokens(token: str, masked: Any) -> None:
    assert mask_token(token) == masked
