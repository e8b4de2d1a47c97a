"""The fidelity report: how many facts ingest read from the docs, and every interface where a prose fact was not.

It is printed by `tsgen ingest` and kept in `metadata/index.json`, so a change in what the parser reads shows up in
review as a change in these numbers.
"""

from __future__ import annotations

from tsgen.ingest.run import IngestResult
from tsgen.model import Fidelity, Interface

_UNATTACHED = "enumeration table not attached"


def _unread(interface: Interface) -> list[str]:
    """The prose facts this interface lacks: points (unless a permission stands in) and row cap."""
    if interface.kind != "http":
        return []
    missing = []
    if interface.points is None and interface.permission is None:
        missing.append("points")
    if interface.row_limit is None:
        missing.append("row_limit")
    return [f"{interface.api_name}: {', '.join(missing)}"] if missing else []


def fidelity(result: IngestResult) -> Fidelity:
    interfaces = list(result.interfaces.values())
    return Fidelity(
        interfaces=len(interfaces),
        params=sum(len(i.params) for i in interfaces),
        fields=sum(len(i.fields) for i in interfaces),
        keys=sum(1 for i in interfaces if i.keys),
        row_limits=sum(1 for i in interfaces if i.row_limit is not None),
        row_limit_conflicts=sum(1 for i in interfaces if i.row_limit_conflict is not None),
        points=sum(1 for i in interfaces if i.points is not None),
        permissions=sum(1 for i in interfaces if i.permission is not None),
        groups=sum(len(i.param_groups) for i in interfaces),
        enums=sum(1 for i in interfaces for p in i.params if p.enum),
        sync_plans=sum(1 for i in interfaces if i.sync is not None),
        merged_pages=sum(len(i.merged_from) for i in interfaces),
        unattached_tables=sum(1 for issue in result.issues if issue.reason.startswith(_UNATTACHED)),
        merges=result.merges,
        unread=[line for i in interfaces for line in _unread(i)],
        unkeyed=[i.api_name for i in interfaces if i.kind == "http" and not i.keys and not i.keys_absent_reason],
        keys_absent=sum(1 for i in interfaces if not i.keys and i.keys_absent_reason),
        identities=[identity_line(i) for i in interfaces],
    )


def key_text(interface: Interface) -> str:
    """The interface's identity as the report and the reference pages state it."""
    if interface.keys:
        return "key " + ", ".join(interface.keys)
    return f"no key ({interface.keys_absent_reason})" if interface.keys_absent_reason else "no key (undecided)"


def sync_text(interface: Interface) -> str:
    """How a store syncs it: the shape and whether slices upsert or replace, or why it cannot."""
    if interface.sync is None:
        return f"not synced ({interface.sync_absent_reason or 'no plan'})"
    mode = "upsert by key" if interface.keys else "each slice replaces its rows"
    return f"sync {interface.sync.shape}, {mode}"


def identity_line(interface: Interface) -> str:
    return f"{interface.api_name}: {key_text(interface)}; {sync_text(interface)}"


def headline(report: Fidelity) -> str:
    """One line of the counts, as the README quotes it."""
    return (
        f"{report.interfaces} interfaces, {report.params} params, {report.fields} columns; "
        f"keys {report.keys}, row caps {report.row_limits} ({report.row_limit_conflicts} conflicting), "
        f"points {report.points}, permissions {report.permissions}, groups {report.groups}, "
        f"enums {report.enums}, sync plans {report.sync_plans}, merged pages {report.merged_pages}, "
        f"rows without identity {report.keys_absent}, "
        f"unattached tables {report.unattached_tables}"
    )
