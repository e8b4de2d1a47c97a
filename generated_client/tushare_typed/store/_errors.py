"""The store's own errors: file access problems (STORE-4xx) and a sync that stopped midway.

Bad arguments (unknown interface, an interface without keys, dates in the wrong order) are
:class:`~tushare_typed.errors.ParameterError`; what goes wrong with the store file itself is a :class:`StoreError`,
whose remediation names the fix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from ..errors import TushareError

if TYPE_CHECKING:
    from ._report import SyncReport

__all__ = [
    "StoreAccessError",
    "StoreCorruptError",
    "StoreError",
    "StoreKeyConflictError",
    "StoreLockedError",
    "StoreSchemaError",
    "SyncError",
]


class StoreError(TushareError):
    """The local store failed (STORE-400)."""

    default_code: ClassVar[str] = "STORE-400"
    default_remediation: ClassVar[str] = "See the message; the store file may need another path."


class StoreLockedError(StoreError):
    """Another process holds the store file open for writing (STORE-401)."""

    default_code = "STORE-401"
    default_remediation = (
        "Wait for the other process (a running sync?) to finish, or pass another path "
        "(Store(path=...), --store PATH or TUSHARE_TYPED_STORE)."
    )


class StoreAccessError(StoreError):
    """The store file cannot be created or written: read-only path, no permission, disk full (STORE-402)."""

    default_code = "STORE-402"
    default_remediation = (
        "Free disk space or choose a writable location (Store(path=...), --store PATH or TUSHARE_TYPED_STORE)."
    )


class StoreSchemaError(StoreError):
    """A stored table does not fit the interface's metadata, or a fetched value does not fit its column (STORE-403)."""

    default_code = "STORE-403"
    default_remediation = (
        "Export the table (tushare-typed export) and drop it with tushare-typed sql 'DROP TABLE ...', then sync again."
    )


class StoreCorruptError(StoreError):
    """The store path holds a file that is not a DuckDB store (an SQLite database, anything else) or a damaged one
    (truncated, corrupt) (STORE-404)."""

    default_code = "STORE-404"
    default_remediation = (
        "Pass the path of a DuckDB store (--store PATH or TUSHARE_TYPED_STORE), or move the file away and sync again "
        "to rebuild it."
    )


class StoreKeyConflictError(StoreError):
    """The server sent two different rows with the same record key in one slice (STORE-405): storing one would
    silently drop the other."""

    default_code = "STORE-405"
    default_remediation = (
        "Report it with the interface and values: its key in the metadata is narrower than the data's identity. "
        "Meanwhile sync it append-only (--append-only), which keeps every row."
    )


class SyncError(StoreError):
    """A sync stopped midway (STORE-410); ``report`` says what was committed. Run the same sync again to resume."""

    default_code = "STORE-410"
    default_remediation = "Every committed slice is kept: run the same sync again to continue where it stopped."

    def __init__(self, message: str, *, report: SyncReport, cause: BaseException, api_name: str | None) -> None:
        remediation = self.default_remediation
        if isinstance(cause, TushareError):
            remediation = f"{cause.remediation.rstrip('.')}. Then {remediation[0].lower()}{remediation[1:]}"
        super().__init__(message, remediation=remediation, api_name=api_name)
        self.report = report
        self.cause = cause
