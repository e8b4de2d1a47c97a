"""The `tsgen` command line: `tsgen ingest`, `tsgen build`, `tsgen docs`."""

from __future__ import annotations

from pathlib import Path

import click

from tsgen.docs.site import render_docs
from tsgen.files import Owns, differences, everything, write_tree
from tsgen.ingest.fidelity import fidelity, headline
from tsgen.ingest.overrides import OverridesError
from tsgen.ingest.run import IngestResult, ingest
from tsgen.ingest.sdk import SdkSourceError
from tsgen.ingest.sources import Installed, SourceNotFound, docs_corpus, sdk_package
from tsgen.ingest.writer import PreviousMetadataError, write_metadata
from tsgen.model import Changelog, Release
from tsgen.render.bundle import BundleError, write_bundle
from tsgen.render.metadata import MetadataError, load_metadata
from tsgen.render.tree import DISTRIBUTION, RenderError, complete_tree, is_generated, render_tree
from tsgen.reviewed import ReviewedError, check, load_reviewed

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Generate the typed tushare client from the tushare docs and SDK source."""


def _changes(changelog: Changelog, latest: Release | None) -> list[str]:
    if latest is None:
        return [f"changes recorded: none (client version {changelog.client_version})"]
    breaking = sum(change.breaking for change in latest.changes)
    lines = [f"changes recorded: {len(latest.changes)} ({breaking} breaking) → client version {latest.client_version}"]
    return lines + [f"  {'BREAKING' if c.breaking else 'additive'}: {c.api}: {c.detail}" for c in latest.changes]


def _summary(result: IngestResult, written: int, out: Path, changelog: Changelog, latest: Release | None) -> str:
    http = [i for i in result.interfaces.values() if i.kind == "http"]
    report = fidelity(result)
    lines = [
        f"pages read: {result.pages}",
        f"interfaces: {len(result.interfaces)} ({len(http)} HTTP, {len(result.interfaces) - len(http)} SDK-side)",
        f"fidelity: {headline(report)}",
        f"pages skipped: {len(result.skipped_pages)}",
        f"problems on parsed pages: {len(result.partial_issues)}",
    ]
    lines += [f"  {issue}" for issue in result.skipped_pages + result.partial_issues]
    lines.append(f"merges of pages documenting one api: {len(result.merges)} lines")
    lines += [f"  {line}" for line in report.merges]
    lines.append(f"interfaces with a fact not read: {len(report.unread)}")
    lines += [f"  {line}" for line in report.unread]
    lines.append(f"each interface's key and sync shape: {len(report.identities)}")
    lines += [f"  {line}" for line in report.identities]
    lines.append(f"HTTP interfaces with neither keys nor a reason their rows have none: {len(report.unkeyed)}")
    lines += [f"  {', '.join(report.unkeyed)}"] if report.unkeyed else []
    if result.stale_overrides:
        lines.append(f"overrides that no longer match: {len(result.stale_overrides)}")
        lines += [f"  {message}" for message in result.stale_overrides]
    lines += _changes(changelog, latest)
    lines.append(f"files changed: {written} under {out}")
    return "\n".join(lines)


@main.command("ingest")
@click.option(
    "--docs",
    "docs_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="A docs folder laid out like tushare-docs-mcp's docs/non-official (default: the installed corpus).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=PROJECT_ROOT / "metadata",
    show_default=True,
    help="Where to write the metadata.",
)
@click.option(
    "--overrides",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Reviewed corrections (default: <out>/overrides.toml).",
)
def ingest_command(docs_dir: Path | None, out: Path, overrides: Path | None) -> None:
    """Parse the docs corpus and the SDK source into normalized metadata."""
    try:
        if docs_dir is not None and not docs_dir.is_dir():
            raise SourceNotFound(f"--docs {docs_dir} is not a folder; pass the folder that holds the category folders.")
        docs = Installed(label="custom docs", path=docs_dir) if docs_dir else docs_corpus()
        result = ingest(docs, sdk_package(), overrides or out / "overrides.toml")
        check(load_reviewed(out), result.interfaces.values())
        written, changelog, latest = write_metadata(result, out)
    except (SourceNotFound, OverridesError, SdkSourceError, PreviousMetadataError, ReviewedError, OSError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(_summary(result, written, out, changelog, latest))


def _check_tree(tree: dict[str, bytes], out: Path, command: str, owns: Owns = everything) -> None:
    """`--check`: say the folder is up to date, or list what differs and exit 1."""
    problems = differences(tree, out, owns)
    if problems:
        click.echo(f"{out} is not what `tsgen {command}` produces ({len(problems)} files):", err=True)
        for problem in problems:
            click.echo(f"  {problem}", err=True)
        click.echo(f"Run `tsgen {command}` and commit the result.", err=True)
        raise SystemExit(1)
    click.echo(f"{out} is up to date ({len(tree)} files).")


@main.command("build")
@click.option(
    "--metadata",
    "metadata_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=PROJECT_ROOT / "metadata",
    show_default=True,
    help="The metadata written by `tsgen ingest`.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DISTRIBUTION,
    show_default=True,
    help="Where to write the tushare-typed distribution (another folder also gets the hand-written files).",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 listing the files that differ from --out.")
def build_command(metadata_dir: Path, out: Path, check: bool) -> None:
    """Render the typed client package from the metadata.

    Into generated_client/ (the default) it writes, checks and deletes only the files it generates; the hand-written
    runtime there is left alone. Into any other folder it also copies the hand-written files, so the folder is a
    complete, installable distribution."""
    in_place = out.resolve() == DISTRIBUTION.resolve()
    try:
        metadata = load_metadata(metadata_dir)
        tree = render_tree(metadata) if in_place else complete_tree(metadata)
    except (MetadataError, RenderError, OSError) as error:
        raise click.ClickException(str(error)) from error
    owns: Owns = is_generated if in_place else everything
    if check:
        _check_tree(tree, out, "build", owns)
        return
    changed = write_tree(tree, out, owns)
    click.echo(f"{len(metadata.http_interfaces)} interfaces rendered; {changed} of {len(tree)} files changed in {out}")


@main.command("bundle")
@click.option(
    "--client",
    type=click.Path(file_okay=False, path_type=Path),
    default=DISTRIBUTION,
    show_default=True,
    help="The tree `tsgen build` wrote.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=PROJECT_ROOT / "dist" / "tushare-typed.mcpb",
    show_default=True,
    help="The bundle file to write.",
)
def bundle_command(client: Path, out: Path) -> None:
    """Pack the MCP bundle (.mcpb): manifest, pyproject.toml for uv, the tushare_typed package."""
    try:
        count = write_bundle(client, PROJECT_ROOT / "LICENSE", out)
    except (BundleError, OSError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"wrote {out}: {count} files, {out.stat().st_size} bytes")


@main.command("docs")
@click.option(
    "--metadata",
    "metadata_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=PROJECT_ROOT / "metadata",
    show_default=True,
    help="The metadata written by `tsgen ingest`.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=PROJECT_ROOT / "docs" / "reference",
    show_default=True,
    help="Where to write the interface reference (MkDocs Markdown).",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 listing the files that differ from --out.")
def docs_command(metadata_dir: Path, out: Path, check: bool) -> None:
    """Render the interface reference pages of the docs site from the metadata."""
    try:
        tree = render_docs(load_metadata(metadata_dir))
    except (MetadataError, RenderError) as error:
        raise click.ClickException(str(error)) from error
    if check:
        _check_tree(tree, out, "docs")
        return
    changed = write_tree(tree, out)
    click.echo(f"{len(tree)} reference files rendered; {changed} changed in {out}")


if __name__ == "__main__":
    main()
