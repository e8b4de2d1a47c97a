"""``tushare-typed doctor [--probe]``: is everything a call needs in order, and (``--probe``) what may the token call.

Each check prints one line, ``ok``, ``warn``, ``FAIL`` or ``skip``, with what it found and, when something is wrong,
the fix; the command exits 1 when any check fails. Every check has a time bound (``--timeout``, 10 s by default per
request, no retries). ``--probe`` then calls each interface once with the smallest request (the logic is
:mod:`.._internal.probe`), records the outcome and shows the tally; ``list --callable``, ``sync --all-i-can`` and
``mcp serve --callable-only`` read that record.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Final, Literal

import click

from .. import token as token_module
from .._internal.probe import Entry, ProbeRecord, ProbeStopped, probe, probe_path
from .._internal.token_sealing import import_keyring
from ..errors import MissingTokenError, PermissionDeniedError, TokenStoreError, TushareError
from . import _client
from ._output import CliError, CliUsageError

__all__ = ["Finding", "clock_finding", "doctor_command"]

Status = Literal["ok", "warn", "FAIL", "skip"]
#: Clocks further apart than this make signed requests and date ranges go wrong.
MAX_CLOCK_SKEW: Final = 300.0
DEFAULT_TIMEOUT: Final = 10.0
SERVICE_DB_ENV: Final = "TUSHARE_TYPED_SERVICE_DB"


@dataclass(frozen=True, slots=True)
class Finding:
    """One check's line: its status, what it found and the fix (empty when nothing is to be done)."""

    check: str
    status: Status
    detail: str
    fix: str = ""

    def line(self) -> str:
        text = f"{self.status:<4}  {self.check:<12} {self.detail}"
        return text + (f"\n      {'':<12} fix: {self.fix}" if self.fix else "")


def _token_finding() -> tuple[Finding, bool]:
    """Where the token comes from (the --token option, TUSHARE_TOKEN or the store), and whether there is one."""
    from .._internal.secret import resolve_token

    context = click.get_current_context(silent=True)
    options = context.find_root().obj if context is not None else None
    given = getattr(options, "token", None)
    try:
        resolve_token(given)
    except MissingTokenError as error:
        return Finding("token", "FAIL", "no token found", error.remediation), False
    except TokenStoreError as error:
        return Finding("token", "FAIL", f"the token store cannot be opened: {error.message}", error.remediation), False
    source = "--token" if given else token_module.ENV_TOKEN if os.environ.get(token_module.ENV_TOKEN) else "store"
    return Finding("token", "ok", f"present (from {source})"), True


def clock_finding(server_date: str | None, local: dt.datetime, latency: float) -> Finding:
    """The local clock against the server's ``Date`` header (half the round trip allowed for)."""
    if not server_date:
        return Finding("clock", "skip", "the server sent no Date header")
    try:
        server = parsedate_to_datetime(server_date)
    except (TypeError, ValueError):
        return Finding("clock", "skip", f"the server's Date header is unreadable: {server_date[:40]!r}")
    if server.tzinfo is None:
        server = server.replace(tzinfo=dt.UTC)
    skew = (local - server).total_seconds() - latency / 2
    if abs(skew) > MAX_CLOCK_SKEW:
        direction = "ahead of" if skew > 0 else "behind"
        return Finding(
            "clock",
            "FAIL",
            f"this machine's clock is {abs(skew):.0f} s {direction} the server's",
            "set the clock from the network (Linux: timedatectl set-ntp true; macOS: sntp -sS time.apple.com; "
            "Windows: w32tm /resync)",
        )
    return Finding("clock", "ok", f"within {abs(skew):.0f} s of the server's (±1 s resolution)")


def _reach_findings(base_url: str, timeout: float) -> tuple[list[Finding], bool]:
    """One plain HTTP request to the API: reachable (with the latency), and the clock against its Date header."""
    import httpx

    started = time.monotonic()
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False) as http:
            reply = http.get(base_url)
    except httpx.HTTPError as error:
        fix = "check the network, a proxy (HTTPS_PROXY) or --base-url / TUSHARE_API_URL"
        return [Finding("api", "FAIL", f"{base_url} cannot be reached: {type(error).__name__}: {error}", fix)], False
    latency = time.monotonic() - started
    local = dt.datetime.now(dt.UTC)
    api = Finding("api", "ok", f"{base_url} answers (HTTP {reply.status_code}) in {latency * 1000:.0f} ms")
    return [api, clock_finding(reply.headers.get("date"), local, latency)], True


def _valid_finding(timeout: float) -> Finding:
    """One cheap call (a day of the trading calendar) that the API answers only for a valid token."""
    started = time.monotonic()
    try:
        with _client.make_client(timeout) as client:
            client.with_options(max_retries=0, max_rate_limit_wait=0).query(
                "trade_cal", fields=["cal_date"], limit=1, start_date="20240102", end_date="20240102"
            )
    except PermissionDeniedError:
        return Finding("token valid", "ok", "accepted (the account may not call trade_cal)")
    except TushareError as error:
        status: Status = "FAIL" if error.category == "AUTH" else "warn"
        return Finding("token valid", status, f"[{error.code}] {error.message}", error.remediation)
    return Finding("token valid", "ok", f"accepted; one call took {(time.monotonic() - started) * 1000:.0f} ms")


def _store_findings() -> list[Finding]:
    """The encrypted token store opens (when there is one), and the OS keyring has a usable backend."""
    store = token_module.TokenStore()
    if not store.exists():
        found = Finding("token store", "skip", f"none at {store.path} (the token comes from elsewhere)")
    else:
        try:
            store.load()
            found = Finding("token store", "ok", f"opens: {store.path}")
        except TokenStoreError as error:
            found = Finding("token store", "FAIL", f"{store.path}: {error.message}", error.remediation)
    return [found, _keyring_finding()]


def _keyring_finding() -> Finding:
    keyring = import_keyring()
    if keyring is None:
        return Finding("keyring", "skip", "the optional keyring package is not installed (TUSHARE_TYPED_KEY works)")
    try:
        backend = getattr(keyring, "get_keyring")()  # noqa: B009 (not part of the Keyring protocol)
    except Exception as error:  # any: third-party backends fail in their own ways
        return Finding("keyring", "warn", f"the keyring failed: {type(error).__name__}", "set TUSHARE_TYPED_KEY")
    name = type(backend).__name__
    if "fail" in name.lower() or getattr(backend, "priority", 1) <= 0:
        return Finding(
            "keyring", "warn", f"no usable keyring backend ({name})", "set TUSHARE_TYPED_KEY, or install a backend"
        )
    return Finding("keyring", "ok", f"backend {name}")


def _writable_target(path: Path) -> Path | None:
    """The file, or the nearest existing folder above it, when this process may write there; else None."""
    target = path
    while not target.exists() and target != target.parent:
        target = target.parent
    return target if os.access(target, os.W_OK) else None


def _data_store_finding() -> Finding:
    if importlib.util.find_spec("duckdb") is None:
        return Finding("data store", "skip", "the store extra is not installed")
    from ..store._database import default_store_path

    path = default_store_path()
    if _writable_target(path) is None:
        return Finding(
            "data store", "FAIL", f"{path} is not writable", "fix its permissions, or set TUSHARE_TYPED_STORE"
        )
    return Finding("data store", "ok", f"{path} is writable" + ("" if path.exists() else " (not created yet)"))


def _service_db_finding(timeout: float) -> Finding:
    url = os.environ.get(SERVICE_DB_ENV, "").strip()
    if not url:
        return Finding("service db", "skip", f"{SERVICE_DB_ENV} is not set")
    if importlib.util.find_spec("sqlalchemy") is None:
        return Finding(
            "service db", "FAIL", "the service extra is not installed", "pip install 'tushare-typed[service]'"
        )
    import sqlalchemy as sa

    from ..service._db import normalize_url

    parsed = sa.make_url(normalize_url(url))
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(parsed.database).exists():
        if _writable_target(Path(parsed.database)) is None:
            return Finding("service db", "FAIL", f"{shown} cannot be created", f"fix its folder or {SERVICE_DB_ENV}")
        return Finding("service db", "ok", f"{shown} will be created at the first start")
    arguments = {"connect_timeout": max(1, int(timeout))} if parsed.get_backend_name() == "postgresql" else {}
    engine = sa.create_engine(parsed, connect_args=arguments, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except Exception as error:  # any: each driver raises its own errors
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0][:200]
        return Finding(
            "service db", "FAIL", f"{shown} cannot be reached: {reason}", f"start it, or fix {SERVICE_DB_ENV}"
        )
    finally:
        engine.dispose()
    return Finding("service db", "ok", f"{shown} answers")


def _checks(timeout: float) -> list[Finding]:
    from .._internal.transport import resolve_base_url

    context = click.get_current_context(silent=True)
    options = context.find_root().obj if context is not None else None
    base_url = resolve_base_url(getattr(options, "base_url", None))
    token, has_token = _token_finding()
    reach, reachable = _reach_findings(base_url, timeout)
    findings = [token, *reach]
    if has_token and reachable:
        findings.append(_valid_finding(timeout))
    else:
        findings.append(Finding("token valid", "skip", "needs a token and a reachable API"))
    return [*findings, *_store_findings(), _data_store_finding(), _service_db_finding(timeout)]


def _show_entry(api: str, entry: Entry) -> None:
    click.echo(f"  {entry.status:<8}  {api}" + ("" if entry.status == "callable" else f"  ({entry.detail})"))


def _run_probe(only: Sequence[str], again: bool, timeout: float, show: Callable[[str, Entry], None]) -> ProbeRecord:
    from ..catalog import load_catalog

    catalog = load_catalog()
    unknown = [name for name in only if name not in catalog]
    if unknown:
        raise CliUsageError(f"--only names no interface {', '.join(unknown)}", "see `tushare-typed list`")
    specs = [catalog.get(name) for name in only] if only else list(catalog)
    try:
        record = ProbeRecord.load()
    except ValueError as error:
        raise CliError(str(error)) from None
    if again:
        for spec in specs:
            record.entries.pop(spec.api_name, None)
    pending = record.pending(spec.api_name for spec in specs)
    click.echo(f"probe: {len(specs) - len(pending)} recorded, {len(pending)} to call; record: {record.path}", err=True)
    with _client.make_client(timeout) as client:
        try:
            probe(client.with_options(max_retries=1), specs, record, show)
        except ProbeStopped as stopped:
            raise CliError(f"probe stopped: [{stopped.error.code}] {stopped.error.message}", stopped.reason) from None
        except KeyboardInterrupt:
            raise CliError("probe interrupted: every outcome so far is recorded", "run it again to continue") from None
    return record


@click.command("doctor")
@click.option("--probe", "run_probe", is_flag=True, help="Also call each interface once and record which you may.")
@click.option("--only", metavar="A,B", help="With --probe: only these interfaces.")
@click.option("--again", is_flag=True, help="With --probe: call again what is recorded (for these interfaces).")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Seconds for each request.",
)
def doctor_command(run_probe: bool, only: str | None, again: bool, timeout: float) -> None:
    """Check the token, the API, the clock, the token store and keyring, the data store and the service database."""
    if (only or again) and not run_probe:
        raise CliUsageError("--only and --again go with --probe", "add --probe, or drop them")
    findings = _checks(timeout)
    for finding in findings:
        click.echo(finding.line())
    failed = [finding.check for finding in findings if finding.status == "FAIL"]
    if run_probe and not failed:
        names = [name.strip() for name in (only or "").split(",") if name.strip()]
        record = _run_probe(names, again, timeout, _show_entry)
        tally = ", ".join(f"{len(record.names(s))} {s}" for s in ("callable", "denied", "unknown", "failed"))
        click.echo(f"probe: {tally}; see `tushare-typed list --callable`; record: {probe_path()}")
    elif run_probe:
        click.echo("probe: skipped until the failed checks above are fixed", err=True)
    if failed:
        raise SystemExit(1)


def probe_state() -> dict[str, Entry]:
    """The probe record for the other commands: api_name → (status, detail, time), or a CliError saying how to
    make one."""
    try:
        record = ProbeRecord.load()
    except ValueError as error:
        raise CliError(str(error)) from None
    if not record.entries:
        raise CliError(f"no probe record at {record.path}", "run `tushare-typed doctor --probe` first")
    return dict(record.entries)
