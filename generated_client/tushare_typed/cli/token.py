"""``tushare-typed token set | show | rotate | delete``: the encrypted token store (imported by the command run)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Literal

import click

from . import _client
from ._output import CliUsageError

if TYPE_CHECKING:
    from ..token import TokenStore

__all__ = ["mask_token", "token_group"]


def mask_token(token: str) -> str:
    """``abcd…wxyz``: enough to recognise a token, not enough to use it."""
    return f"{token[:4]}…{token[-4:]}" if len(token) >= 12 else "…"


def _store() -> TokenStore:
    from ..token import TokenStore

    return TokenStore()


@click.group("token")
def token_group() -> None:
    """Manage the encrypted token store (its key: TUSHARE_TYPED_KEY or the OS keyring)."""


@token_group.command("set")
@click.option("--stdin", "from_stdin", is_flag=True, help="Read the token from stdin instead of prompting.")
@click.option("--keyring", "sealing", flag_value="keyring", help="Keep the store key in the OS keyring.")
@click.option("--passphrase", "sealing", flag_value="passphrase", help="Seal with a passphrase (prompted; scrypt).")
@click.option("--generate-key", "sealing", flag_value="generate", help="Seal with a new key, printed once.")
@click.option("--auto", "sealing", flag_value="auto", default=True, hidden=True)
def token_set(from_stdin: bool, sealing: str) -> None:
    """Save a token in the encrypted store (prompted without echo; never a command-line argument).

    By default the store key is TUSHARE_TYPED_KEY when set, else the OS keyring; without a usable keyring you
    choose a passphrase or a generated key (a generated key when nobody can be asked)."""
    from .._internal.token_setup import save_token

    token = _client.read_secret("tushare token", from_stdin)
    interactive = not from_stdin and _client.stdin_is_tty()
    done = save_token(
        token,
        sealing,  # type: ignore[arg-type]  # click's flag values are the SealingChoice literals
        interactive=interactive,
        ask_passphrase=lambda: _new_passphrase(interactive),
        ask_choice=_ask_sealing,
    )
    if done.key is not None:
        click.echo(done.key)
    click.echo(f"token saved to {_store().path}: {done.instructions}", err=True)


def _new_passphrase(interactive: bool) -> str:
    if not interactive:
        # The token took stdin's first line; the passphrase is the next one.
        return _client.read_secret("passphrase", True)
    value = str(click.prompt("passphrase for the token store", hide_input=True, confirmation_prompt=True))
    if not value.strip():
        raise CliUsageError("no passphrase given", "type one at the prompt, or use --generate-key")
    return value


def _ask_sealing() -> Literal["passphrase", "generate"]:
    click.echo("There is no usable OS keyring on this machine.", err=True)
    answer = click.prompt(
        "Seal the token store with a [p]assphrase (kept in TUSHARE_TYPED_PASSPHRASE where the token is used) or "
        "a generated [k]ey (kept in TUSHARE_TYPED_KEY)?",
        type=click.Choice(["p", "k"]),
        default="k",
        err=True,
    )
    return "passphrase" if answer == "p" else "generate"


@token_group.command("show")
def token_show() -> None:
    """Show, masked, the token calls would use, and where it comes from."""
    from ..token import ENV_TOKEN

    from_env = os.environ.get(ENV_TOKEN, "").strip()
    if from_env:
        value, source = from_env, f"the {ENV_TOKEN} environment variable"
    else:
        store = _store()
        value, source = store.load(), f"the token store {store.path}"
    click.echo(mask_token(value))
    click.echo(f"source: {source}", err=True)


@token_group.command("rotate")
@click.option("--generate-key", "mode", flag_value="generate", default=True, help="A fresh key, printed (default).")
@click.option("--new-key", "mode", flag_value="prompt", help="A key you give at the prompt (or on stdin).")
@click.option("--keyring", "mode", flag_value="keyring", help="A fresh key kept in the OS keyring.")
@click.option("--stdin", "from_stdin", is_flag=True, help="With --new-key: read the key from stdin.")
def token_rotate(mode: str, from_stdin: bool) -> None:
    """Re-encrypt the stored token under a new key."""
    store = _store()
    if mode == "keyring":
        store.rotate(use_keyring=True)
        click.echo("token re-encrypted under a new key kept in the OS keyring", err=True)
        return
    from ..token import ENV_KEY, TokenStore

    key = _client.read_secret("new store key", from_stdin) if mode == "prompt" else TokenStore.generate_key()
    store.rotate(new_key=key)
    if mode == "generate":
        click.echo(key)
    click.echo(f"token re-encrypted; set {ENV_KEY} to the new key wherever the old one is set", err=True)


@token_group.command("delete")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def token_delete(yes: bool) -> None:
    """Delete the token store."""
    store = _store()
    if not yes:
        click.confirm(f"delete the token store {store.path}?", abort=True)
    if store.delete():
        click.echo(f"deleted {store.path}", err=True)
    else:
        click.echo(f"no token store at {store.path}", err=True)
