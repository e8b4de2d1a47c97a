"""A lake's manifest: which Parquet files make up one interface's complete export, and what each holds.

Under ``PREFIX/<api>/``: the data (``year=YYYY/<unit>-<run>.parquet``, hive-partitioned; ``<unit>-<run>.parquet``
for interfaces without a date column), versioned manifests ``_manifest/<sequence>.json`` that are never rewritten
once pointed to, and the pointer ``_manifest/latest.json`` naming the current one. One PUT replaces the pointer
whole, so a reader following it sees the previous complete export or the new one, never a mix.

A unit is one month of the interface's date column (``all`` without one; ``none`` for rows without a date): the
grain of incremental export. Each unit's row count and fingerprint (a sum of DuckDB's row hashes) say whether the
store still holds what was exported; only changed units are written again. (Should a DuckDB upgrade change its hash,
the next export rewrites every unit once: more work, never a wrong lake.)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from ._errors import LakeManifestError

__all__ = [
    "ALL_UNIT",
    "FORMAT",
    "MANIFEST_DIR",
    "NULL_PARTITION",
    "NULL_UNIT",
    "POINTER",
    "Manifest",
    "Unit",
    "manifest_name",
    "pointer_json",
    "read_pointer",
    "unit_file",
]

FORMAT: Final = "tushare-typed-lake/1"
MANIFEST_DIR: Final = "_manifest"
POINTER: Final = f"{MANIFEST_DIR}/latest.json"
#: The hive directory of rows whose date is missing, as Spark, Hive and pyarrow name it.
NULL_PARTITION: Final = "__HIVE_DEFAULT_PARTITION__"
ALL_UNIT: Final = "all"
NULL_UNIT: Final = "none"


def manifest_name(sequence: int) -> str:
    return f"{MANIFEST_DIR}/{sequence:08d}.json"


def unit_file(unit: str, run: str, *, partitioned: bool) -> str:
    """The path, inside the interface's folder, of ``unit``'s file written by export ``run``."""
    if not partitioned:
        return f"{unit}-{run}.parquet"
    year = NULL_PARTITION if unit == NULL_UNIT else unit[:4]
    return f"year={year}/{unit}-{run}.parquet"


@dataclass(frozen=True, slots=True)
class Unit:
    """One exported unit: its file (relative to the interface's folder), rows and fingerprint."""

    file: str
    rows: int
    fingerprint: str


@dataclass(frozen=True, slots=True)
class Manifest:
    """One complete export of an interface."""

    api: str
    sequence: int
    created: str
    columns: tuple[tuple[str, str], ...]
    date_column: str | None
    units: Mapping[str, Unit] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(unit.rows for unit in self.units.values())

    @property
    def files(self) -> list[str]:
        return sorted(unit.file for unit in self.units.values())

    @property
    def partitioned(self) -> bool:
        return self.date_column is not None

    def to_json(self) -> bytes:
        document = {
            "format": FORMAT,
            "api": self.api,
            "sequence": self.sequence,
            "created": self.created,
            "rows": self.rows,
            "partitioning": "hive" if self.partitioned else None,
            "partition_column": "year" if self.partitioned else None,
            "date_column": self.date_column,
            "columns": [{"name": name, "type": kind} for name, kind in self.columns],
            "units": {
                key: {"file": unit.file, "rows": unit.rows, "fingerprint": unit.fingerprint}
                for key, unit in sorted(self.units.items())
            },
        }
        return json.dumps(document, ensure_ascii=False, indent=1).encode()

    @classmethod
    def from_json(cls, data: bytes, where: str) -> Manifest:
        """Parse a manifest; a LakeManifestError naming ``where`` when it is damaged or foreign."""
        try:
            document = json.loads(data)
            if not isinstance(document, dict) or document.get("format") != FORMAT:
                raise ValueError(f"not a {FORMAT} manifest")
            units = {
                str(key): Unit(str(value["file"]), int(value["rows"]), str(value["fingerprint"]))
                for key, value in dict(document["units"]).items()
            }
            unsafe = [u.file for u in units.values() if u.file.startswith("/") or ".." in u.file.split("/")]
            if unsafe:
                raise ValueError(f"it names files outside its folder: {unsafe[:3]}")
            columns = tuple((str(c["name"]), str(c["type"])) for c in document["columns"])
            date_column = document["date_column"]
            return cls(
                str(document["api"]),
                int(document["sequence"]),
                str(document["created"]),
                columns,
                None if date_column is None else str(date_column),
                units,
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise LakeManifestError(f"the lake's manifest {where} is damaged or foreign: {error}") from None


def pointer_json(manifest: Manifest) -> bytes:
    """The pointer's content: the current manifest's name and sequence."""
    return json.dumps(
        {"format": FORMAT, "manifest": manifest_name(manifest.sequence), "sequence": manifest.sequence}
    ).encode()


def read_pointer(data: bytes, where: str) -> str:
    """The manifest name a pointer holds; a LakeManifestError when it is damaged or foreign."""
    try:
        document: Any = json.loads(data)
        name = document["manifest"] if document.get("format") == FORMAT else None
        if not isinstance(name, str) or not name.startswith(f"{MANIFEST_DIR}/") or ".." in name:
            raise ValueError("it names no manifest of this lake")
        return name
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise LakeManifestError(f"the lake's pointer {where} is damaged or foreign: {error}") from None
