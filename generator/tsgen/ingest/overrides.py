"""Reviewed corrections to what the docs say, from `metadata/overrides.toml`.

Each `[[override]]` names an interface (`api`), optionally one of its parameters (`param`) or output columns
(`field`), the values to `set`, and the `reason` a reviewer accepted. An override that matches nothing, or that sets
what the docs already say, is reported so the file never silently goes stale.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tsgen.model import Interface


class OverridesError(Exception):
    """The overrides file cannot be read; the message names the entry and the fix."""


@dataclass(frozen=True)
class Override:
    number: int
    api: str
    values: dict[str, Any]
    reason: str
    param: str | None = None
    field: str | None = None

    @property
    def target(self) -> str:
        member = f" param {self.param}" if self.param else f" field {self.field}" if self.field else ""
        return f"override #{self.number} ({self.api}{member})"


def load_overrides(path: Path) -> list[Override]:
    if not path.exists():
        return []
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise OverridesError(f"{path}: not valid TOML ({error}); fix the syntax.") from error
    overrides: list[Override] = []
    for number, entry in enumerate(document.get("override", []), start=1):
        missing = [key for key in ("api", "set", "reason") if not entry.get(key)]
        if missing:
            raise OverridesError(
                f"{path}: override #{number} lacks {', '.join(missing)}; every entry needs api, set and reason."
            )
        overrides.append(
            Override(
                number,
                entry["api"],
                dict(entry["set"]),
                entry["reason"],
                entry.get("param"),
                entry.get("field"),
            )
        )
    return overrides


def _apply_to_member(members: list[dict[str, Any]], name: str, values: dict[str, Any]) -> tuple[bool, bool]:
    """Returns (found, changed)."""
    for member in members:
        if member["name"] == name:
            changed = any(member.get(key) != value for key, value in values.items())
            member.update(values)
            return True, changed
    return False, False


def apply_overrides(
    interfaces: dict[str, Interface], overrides: list[Override]
) -> tuple[dict[str, Interface], list[str]]:
    """The corrected interfaces and one message per override that no longer does anything."""
    result = dict(interfaces)
    stale: list[str] = []
    for override in overrides:
        interface = result.get(override.api)
        if interface is None:
            stale.append(f"{override.target}: no interface {override.api!r}")
            continue
        data = interface.model_dump()
        if override.param or override.field:
            key, name = ("params", override.param) if override.param else ("fields", override.field)
            found, changed = _apply_to_member(data[key], str(name), override.values)
            if not found:
                stale.append(f"{override.target}: {override.api} has no {key[:-1]} {name!r}")
                continue
        else:
            changed = any(data.get(key) != value for key, value in override.values.items())
            data.update(override.values)
        if not changed:
            stale.append(f"{override.target}: the docs already say this; remove it")
            continue
        try:
            result[override.api] = Interface.model_validate(data)
        except ValidationError as error:
            stale.append(f"{override.target}: invalid value: {error.errors()[0]['msg']}")
    return result, stale
