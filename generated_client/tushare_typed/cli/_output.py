"""What every command prints: errors (message and hint on stderr), rows as a table, CSV, JSON or Parquet, and the
per-page progress of a fetch. Imports only click and the standard-library parts of the package."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import click

from .._internal.tabular import to_csv, to_json, to_table
from ..errors import TushareError

if TYPE_CHECKING:
    from .._internal.labels import Labels
    from ..response import Response

__all__ = [
    "FORMATS",
    "CliError",
    "CliUsageError",
    "PageProgress",
    "echo_arrow",
    "render",
    "require_parquet",
    "write_output",
]

FORMATS: Final = ("table", "csv", "json", "parquet")


class CliError(click.ClickException):
    """A failure shown as ``error: <message>`` and ``hint: <remediation>`` on stderr; exit status 1."""

    def __init__(self, message: str, remediation: str | None = None) -> None:
        super().__init__(message)
        self.remediation = remediation

    @classmethod
    def from_tushare(cls, error: TushareError, hint: str | None = None) -> CliError:
        remediation = f"{error.remediation.rstrip('.')}. {hint}" if hint else error.remediation
        return cls(f"[{error.code}] {error.message}", remediation)

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)
        if self.remediation:
            click.echo(f"hint: {self.remediation}", err=True)


class CliUsageError(CliError):
    """A wrong command line (unknown interface, parameter or field; malformed value); exit status 2."""

    exit_code = 2


class PageProgress:
    """Progress of a multi-page fetch on stderr: wraps the client's single-page call, so paging, de-duplication
    and resume stay the client's own."""

    def __init__(self, api: str, quiet: bool) -> None:
        self.api = api
        self.quiet = quiet
        self.pages = 0
        self.rows = 0

    def watch(self, client: Any) -> None:
        call = client._call

        def reporting_call(*args: Any, **kwargs: Any) -> Any:
            page = call(*args, **kwargs)
            self.pages += 1
            self.rows += len(page.items)
            # A single-page fetch needs no progress: the first line is written when the second page starts.
            if not self.quiet and self.pages > 1:
                if self.pages == 2:
                    self._line(1, self.rows - len(page.items))
                self._line(self.pages, self.rows)
            return page

        client._call = reporting_call

    def _line(self, page: int, rows: int) -> None:
        click.echo(f"{self.api}: page {page}, {rows} rows fetched", err=True)

    def finish(self, response: Response[Any]) -> None:
        if not self.quiet and self.pages > 1:
            click.echo(f"{self.api}: done, {len(response)} rows from {self.pages} pages", err=True)


def _parquet() -> Any:
    """``pyarrow.parquet`` (an optional extra; imported by name as it ships no type information)."""
    import importlib

    try:
        return importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise CliError(
            "parquet output needs the optional pyarrow package, which is not installed",
            "pip install 'tushare-typed[pyarrow]', or use --format csv or json",
        ) from None


def require_parquet(out: Path | None) -> None:
    """Fail before spending any call on a parquet fetch that could not be written."""
    if out is None:
        raise CliUsageError("parquet output is binary: it needs --out FILE")
    _parquet()


def render(response: Response[Any], output_format: str, labels: Labels = None) -> str:
    """The response as table, CSV or JSON text (columns named by their Chinese labels with ``labels="zh"``)."""
    if output_format == "json":
        return to_json(response.to_dicts(labels))
    columns = response.columns(labels)
    rows = list(zip(*columns.values(), strict=True))
    return to_csv(list(columns), rows) if output_format == "csv" else to_table(list(columns), rows)


def write_output(response: Response[Any], output_format: str, out: Path | None, labels: Labels = None) -> None:
    """The response to stdout or to ``out`` in ``output_format``, with a line on stderr saying what was written."""
    try:
        if output_format == "parquet":
            _parquet().write_table(response.to_arrow(labels), out)
        elif out is not None:
            out.write_text(render(response, output_format, labels), encoding="utf-8")
        else:
            click.echo(render(response, output_format, labels), nl=False)
    except OSError as error:
        raise CliError(f"cannot write {out}: {error.strerror or error}", "check the --out path") from None
    if out is not None:
        click.echo(f"wrote {len(response)} rows to {out}", err=True)


def echo_arrow(table: Any, output_format: str) -> None:
    """A pyarrow table to stdout as a text table, CSV or JSON."""
    columns = list(table.column_names)
    rows = [tuple(row.values()) for row in table.to_pylist()]
    if output_format == "csv":
        click.echo(to_csv(columns, rows), nl=False)
    elif output_format == "json":
        click.echo(to_json(dict(zip(columns, row, strict=True)) for row in rows), nl=False)
    else:
        click.echo(to_table(columns, rows), nl=False)
