"""What a sync did, per interface and in total: the summary printed at the end of a sync."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._lake_export import LakeExport

__all__ = ["InterfaceReport", "SyncReport"]


@dataclass(slots=True)
class InterfaceReport:
    """One interface's sync. ``fetch_seconds`` adds up each slice's fetch (they overlap), ``write_seconds`` each
    slice's commit (they do not). ``skipped`` says why it was not synced at all, when it was not."""

    api_name: str
    slices_planned: int = 0
    slices_skipped: int = 0
    slices_done: int = 0
    rows_added: int = 0
    rows_updated: int = 0
    calls: int = 0
    fetch_seconds: float = 0.0
    write_seconds: float = 0.0
    skipped: str | None = None

    @property
    def slices_left(self) -> int:
        return self.slices_planned - self.slices_skipped - self.slices_done


@dataclass(slots=True)
class SyncReport:
    """Every interface's report, plus calls spent on the calendar and code lists, and the wall time; ``exports``:
    what a sync with ``export_to`` then exported to the lake."""

    interfaces: dict[str, InterfaceReport] = field(default_factory=dict)
    support_calls: int = 0
    seconds: float = 0.0
    exports: list[LakeExport] = field(default_factory=list)

    def of(self, api_name: str) -> InterfaceReport:
        return self.interfaces.setdefault(api_name, InterfaceReport(api_name))

    @property
    def calls(self) -> int:
        return self.support_calls + sum(r.calls for r in self.interfaces.values())

    @property
    def rows_added(self) -> int:
        return sum(r.rows_added for r in self.interfaces.values())

    @property
    def rows_updated(self) -> int:
        return sum(r.rows_updated for r in self.interfaces.values())

    def summary(self) -> str:
        """A few lines for a terminal: per interface, then the totals."""
        lines = []
        for r in self.interfaces.values():
            if r.skipped:
                lines.append(f"{r.api_name}: skipped: {r.skipped}")
                continue
            lines.append(
                f"{r.api_name}: {r.slices_done} slices fetched, {r.slices_skipped} already stored"
                + (f", {r.slices_left} left" if r.slices_left else "")
                + f"; {r.rows_added} rows added, {r.rows_updated} updated; {r.calls} calls"
            )
        lines += [export.summary() for export in self.exports]
        lines.append(
            f"total: {self.rows_added} rows added, {self.rows_updated} updated, {self.calls} calls "
            f"({self.support_calls} for calendar and code lists), {self.seconds:.1f} s"
        )
        return "\n".join(lines)
