"""What changed between the committed metadata and a new ingest, each change classed additive or breaking, and the
per-interface versions and client version that follow (`metadata/changelog.json`).

Breaking: an interface, parameter or column removed; a parameter or column retyped; a parameter becoming required;
points raised (fewer accounts may call it); record keys changed (stored rows are identified differently).
Additive: anything added (a new required parameter is breaking), a parameter becoming optional, points lowered,
row caps and quotas changed (the client pages and paces itself by them). A release with a breaking change bumps the
client's major version, one with only additive changes its minor version. An ingest that changes nothing leaves the
change log as it was, so running ingest twice writes the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tsgen.model import FIRST_CLIENT_VERSION, Change, ChangeKind, Changelog, Interface, InterfaceVersion, Release


def _change(api: str, kind: ChangeKind, detail: str, breaking: bool, name: str | None = None) -> Change:
    return Change(api=api, kind=kind, name=name, detail=detail, breaking=breaking)


def _members(
    api: str,
    what: str,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    added_breaks: Callable[[Any], bool],
) -> list[Change]:
    """Added, removed and retyped parameters (`what` = "param") or columns ("column")."""
    changes = []
    for name in new.keys() - old.keys():
        breaking = added_breaks(new[name])
        detail = f"{what} {name} added" + (" (required)" if breaking else "")
        changes.append(_change(api, f"{what} added", detail, breaking, name))  # type: ignore[arg-type]
    for name in old.keys() - new.keys():
        changes.append(_change(api, f"{what} removed", f"{what} {name} removed", True, name))  # type: ignore[arg-type]
    for name in old.keys() & new.keys():
        before, after = old[name].python_type, new[name].python_type
        if before != after:
            detail = f"{what} {name}: {before} → {after}"
            changes.append(_change(api, f"{what} retyped", detail, True, name))  # type: ignore[arg-type]
    return changes


def _params(old: Interface, new: Interface) -> list[Change]:
    api = old.api_name
    before = {p.name: p for p in old.params}
    after = {p.name: p for p in new.params}
    changes = _members(api, "param", before, after, lambda param: param.required)
    for name in sorted(before.keys() & after.keys()):
        if before[name].required != after[name].required:
            kind: ChangeKind = "param required" if after[name].required else "param optional"
            changes.append(_change(api, kind, f"param {name} is now {kind.split()[1]}", after[name].required, name))
    return changes


def _facts(old: Interface, new: Interface) -> list[Change]:
    api = old.api_name
    changes = []
    if old.row_limit != new.row_limit:
        changes.append(_change(api, "row cap changed", f"rows per call: {old.row_limit} → {new.row_limit}", False))
    if old.points != new.points:
        raised = (new.points or 0) > (old.points or 0)
        changes.append(_change(api, "points changed", f"points: {old.points} → {new.points}", raised))
    quotas = [(r.calls, r.period, r.min_points) for r in old.rate_limits]
    if quotas != [(r.calls, r.period, r.min_points) for r in new.rate_limits]:
        text = "; ".join(r.text for r in new.rate_limits) or "none stated"
        changes.append(_change(api, "quotas changed", f"quotas now: {text}", False))
    if old.keys != new.keys:
        changes.append(_change(api, "keys changed", f"record keys: {old.keys} → {new.keys}", True))
    return changes


def diff_interfaces(old: Mapping[str, Interface], new: Mapping[str, Interface]) -> list[Change]:
    """Every change from ``old`` to ``new``, by interface name then in a fixed order of kinds."""
    changes = [_change(name, "interface added", f"interface {name} added", False) for name in new.keys() - old.keys()]
    changes += [
        _change(name, "interface removed", f"interface {name} removed", True) for name in old.keys() - new.keys()
    ]
    for name in old.keys() & new.keys():
        before, after = old[name], new[name]
        columns_before = {f.name: f for f in before.fields}
        columns_after = {f.name: f for f in after.fields}
        changes += _params(before, after)
        changes += _members(name, "column", columns_before, columns_after, lambda _: False)
        changes += _facts(before, after)
    return sorted(changes, key=lambda c: (c.api, c.kind, c.name or ""))


def bump(version: str, changes: list[Change]) -> str:
    major, minor, _ = (int(part) for part in version.split("."))
    if any(change.breaking for change in changes):
        return f"{major + 1}.0.0"
    return f"{major}.{minor + 1}.0"


def baseline(interfaces: Mapping[str, Interface], corpus: str, date: str) -> Changelog:
    """The change log of metadata ingested before any change was recorded: every interface at version 1."""
    versions = {name: InterfaceVersion(version=1, changed_in=corpus, changed_at=date) for name in interfaces}
    return Changelog(client_version=FIRST_CLIENT_VERSION, interfaces=dict(sorted(versions.items())), releases=[])


def update_changelog(
    previous: Changelog | None,
    old: Mapping[str, Interface],
    new: Mapping[str, Interface],
    *,
    old_corpus: str,
    corpus: str,
    date: str,
) -> Changelog:
    """The change log after ingesting ``new`` (from the docs release ``corpus``) over the committed ``old``."""
    if previous is None and not old:
        return baseline(new, corpus, date)
    log = previous or baseline(old, old_corpus, date)
    changes = diff_interfaces(old, new)
    if not changes:
        return log
    version = bump(log.client_version, changes)
    touched = {change.api for change in changes}
    versions = {}
    for name in new:
        known = log.interfaces.get(name)
        if known is not None and name not in touched:
            versions[name] = known
        else:
            number = known.version + 1 if known is not None else 1
            versions[name] = InterfaceVersion(version=number, changed_in=corpus, changed_at=date)
    release = Release(corpus=corpus, date=date, client_version=version, changes=changes)
    return Changelog(
        client_version=version, interfaces=dict(sorted(versions.items())), releases=[release, *log.releases]
    )
