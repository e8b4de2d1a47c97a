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
    "LakeBucketError",
    "LakeConnectionError",
    "LakeCredentialsError",
    "LakeError",
    "LakeManifestError",
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


class LakeError(StoreError):
    """An export to object storage (the lake) failed (STORE-420). Readers following the lake's manifest still see
    the previous complete export; the same export run again completes it."""

    default_code = "STORE-420"
    default_remediation = "See the message, then run the same export again: it writes only what is missing."


class LakeCredentialsError(LakeError):
    """The object store refused the credentials, or none were given (STORE-421)."""

    default_code = "STORE-421"
    default_remediation = (
        "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) to a key allowed to list, read, write and "
        "delete under the lake's prefix, or pass access_key_id=/secret_access_key= to Lake(...)."
    )


class LakeBucketError(LakeError):
    """The lake's bucket does not exist at the endpoint (STORE-422)."""

    default_code = "STORE-422"
    default_remediation = (
        "Create the bucket first (the export never creates one), or fix the bucket in the URL, the endpoint "
        "(AWS_ENDPOINT_URL, --endpoint-url) or the region (AWS_REGION, --region)."
    )


class LakeConnectionError(LakeError):
    """The object store could not be reached, or the connection failed midway (STORE-423)."""

    default_code = "STORE-423"
    default_remediation = (
        "Check the endpoint (AWS_ENDPOINT_URL, --endpoint-url) and the network, then run the same export again: "
        "readers still see the previous complete export, and the re-run writes only what is missing."
    )


class LakeManifestError(LakeError):
    """The lake's manifest is damaged or not one this package wrote (STORE-424)."""

    default_code = "STORE-424"
    default_remediation = (
        "Export to another prefix, or delete the prefix's _manifest/ folder (and its Parquet files) and export again."
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
