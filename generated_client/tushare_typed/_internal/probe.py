"""``doctor --probe``: call each interface once with the smallest request and record which the token may call.

The record is JSON under the user's data directory (``$TUSHARE_TYPED_PROBE``, else
``$XDG_DATA_HOME/tushare_typed/probe.json``), one entry per interface with its status and time, written after every
call: an interrupted or rate-limited run loses nothing, and the next run skips what is recorded. Calls go through
the client, so its limiter keeps them within each interface's documented quota; a rate-limit reply stops the run
(never more calls over the quota) and the next run resumes. The logic (which calls to make, what an outcome means,
the record) lives here once; :func:`probe` and :func:`aprobe` are thin sync and async shells.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, cast

from ..errors import AuthError, PermissionDeniedError, RateLimitError, ServerParameterError, TushareError
from .safe_files import read_regular

if TYPE_CHECKING:
    from ..catalog import InterfaceSpec, ParamSpec

__all__ = [
    "FINAL",
    "PROBE_ENV",
    "UNKNOWN_API_TEXT",
    "Entry",
    "ProbeRecord",
    "ProbeStopped",
    "aprobe",
    "example_arguments",
    "example_text",
    "probe",
    "probe_path",
]

PROBE_ENV: Final = "TUSHARE_TYPED_PROBE"
#: What tushare answers for an interface name it does not serve.
UNKNOWN_API_TEXT: Final = "请指定正确的接口名"
_MAX_FILE_BYTES: Final = 4 * 1024 * 1024
_VERSION: Final = 1

Status = Literal["callable", "denied", "unknown", "failed"]
#: Outcomes a later run does not repeat; a ``failed`` call (bad arguments, a server fault) is tried again.
FINAL: Final = frozenset({"callable", "denied", "unknown"})
_STATUSES: Final = (*FINAL, "failed")


class ProbeStopped(Exception):
    """The run stopped before the end (rate limit, rejected token); what was recorded stays, rerun to resume."""

    def __init__(self, reason: str, error: TushareError) -> None:
        super().__init__(reason)
        self.reason = reason
        self.error = error


@dataclass(frozen=True, slots=True)
class Entry:
    """One interface's probe outcome."""

    status: Status
    detail: str
    at: float


@dataclass(slots=True)
class ProbeRecord:
    """Every recorded outcome, loaded from and saved to ``path`` (None: :func:`probe_path`)."""

    path: Path
    entries: dict[str, Entry] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> ProbeRecord:
        """The record at ``path``; empty when there is none. A damaged file is a ValueError naming it."""
        target = path or probe_path()
        try:
            raw = read_regular(target, _MAX_FILE_BYTES)
        except FileNotFoundError:
            return cls(target)
        except OSError as error:
            raise ValueError(f"cannot read the probe record {target}: {error}") from None
        try:
            if len(raw) > _MAX_FILE_BYTES:
                raise ValueError("too large")
            document = json.loads(raw)
            entries = {
                str(api): Entry(cast(Status, item["status"]), str(item.get("detail", "")), float(item["at"]))
                for api, item in document["interfaces"].items()
                if item["status"] in _STATUSES
            }
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise ValueError(
                f"the probe record {target} is damaged ({error}); delete it and run `tushare-typed doctor --probe`"
            ) from None
        return cls(target, entries)

    def save(self) -> None:
        """Write atomically (a temporary file renamed over the record)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        document = {
            "version": _VERSION,
            "interfaces": {
                api: {"status": e.status, "detail": e.detail, "at": e.at} for api, e in sorted(self.entries.items())
            },
        }
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(temporary, self.path)

    def names(self, status: Status) -> list[str]:
        return sorted(api for api, entry in self.entries.items() if entry.status == status)

    def pending(self, names: Iterable[str]) -> list[str]:
        """The names without a final outcome, in order."""
        return [name for name in names if name not in self.entries or self.entries[name].status not in FINAL]


def probe_path() -> Path:
    """``$TUSHARE_TYPED_PROBE``, else ``$XDG_DATA_HOME/tushare_typed/probe.json`` (``~/.local/share`` when unset)."""
    explicit = os.environ.get(PROBE_ENV, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "tushare_typed" / "probe.json"


_BY_FORMAT: Final = {"YYYYMMDD": "20240102", "YYYYMM": "202401", "YYYY-MM-DD HH:MM:SS": "2024-01-02 09:30:00"}
_BY_TYPE: Final = {"date": "20240102", "datetime": "2024-01-02 09:30:00", "int": "1", "float": "1.0", "bool": "true"}


def example_text(param: ParamSpec) -> str:
    """A plausible value of ``param`` as text: its first choice, else one of its format or type, else a code."""
    if param.enum:
        return param.enum[0]
    if param.format in _BY_FORMAT:
        return _BY_FORMAT[param.format]
    if param.python_type in _BY_TYPE:
        return _BY_TYPE[param.python_type]
    return "000001.SZ" if param.name.endswith("code") else "VALUE"


def example_arguments(spec: InterfaceSpec) -> dict[str, str]:
    """The smallest arguments a call needs, as text: the required ones and one of each parameter group (else the
    first parameter), each with :func:`example_text`."""
    grouped = {group.params[-1] for group in spec.param_groups}  # e.g. daily_basic: trade_date
    chosen = [p for p in spec.params if p.required or p.name in grouped] or list(spec.params[:1])
    return {p.name: example_text(p) for p in chosen}


def _typed(param: ParamSpec, text: str) -> object:
    converters: dict[str, Callable[[str], object]] = {"int": int, "float": float, "bool": lambda t: t == "true"}
    return converters.get(param.python_type, str)(text)


def _arguments(spec: InterfaceSpec) -> dict[str, object]:
    by_name = {p.name: p for p in spec.params}
    return {name: _typed(by_name[name], text) for name, text in example_arguments(spec).items()}


def _outcome(error: TushareError | None) -> tuple[Status, str]:
    """What a call's result says about the token and the interface; raises ProbeStopped when the run must stop."""
    if error is None:
        return "callable", "answered"
    if isinstance(error, RateLimitError):
        raise ProbeStopped("rate-limited: what was probed is recorded; run it again later to continue", error)
    if isinstance(error, PermissionDeniedError):
        return "denied", error.message
    if isinstance(error, AuthError):
        raise ProbeStopped("the token was rejected; set a valid one (`tushare-typed token set`)", error)
    if isinstance(error, ServerParameterError) and UNKNOWN_API_TEXT in error.message:
        return "unknown", "the API does not serve this interface (请指定正确的接口名)"
    return "failed", f"{error.code}: {error.message}"


Report = Callable[[str, Entry], None]


def _steps(
    specs: Iterable[InterfaceSpec], record: ProbeRecord, report: Report | None
) -> Iterator[tuple[InterfaceSpec, dict[str, object], Callable[[TushareError | None], None]]]:
    """Each pending call with its arguments and the function recording its result (both shells drive this)."""
    chosen = {spec.api_name: spec for spec in specs}
    for name in record.pending(chosen):
        spec = chosen[name]

        def done(error: TushareError | None, api: str = name) -> None:
            status, detail = _outcome(error)
            entry = Entry(status, detail, time.time())
            record.entries[api] = entry
            record.save()
            if report is not None:
                report(api, entry)

        yield spec, _arguments(spec), done


def probe(client: Any, specs: Iterable[InterfaceSpec], record: ProbeRecord, report: Report | None = None) -> None:
    """Probe every interface of ``specs`` the record lacks, one smallest call each, through ``client``."""
    for spec, arguments, done in _steps(specs, record, report):
        try:
            client.query(spec.api_name, fields=_one_field(spec), limit=1, **arguments)
        except TushareError as error:
            done(error)
        else:
            done(None)


async def aprobe(
    client: Any, specs: Iterable[InterfaceSpec], record: ProbeRecord, report: Report | None = None
) -> None:
    """:func:`probe` over an ``AsyncTushareClient``."""
    for spec, arguments, done in _steps(specs, record, report):
        try:
            await client.query(spec.api_name, fields=_one_field(spec), limit=1, **arguments)
        except TushareError as error:
            done(error)
        else:
            done(None)


def _one_field(spec: InterfaceSpec) -> list[str] | None:
    names = spec.default_fields[:1] or spec.field_names[:1]
    return list(names) or None
