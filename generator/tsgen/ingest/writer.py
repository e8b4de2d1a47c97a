"""Deterministic bytes on disk: sorted keys, two-space indent, UTF-8, one trailing newline, no timestamps."""

from __future__ import annotations

import datetime
from pathlib import Path

from pydantic import ValidationError
from pydantic.json_schema import models_json_schema

from tsgen.files import write_tree
from tsgen.ingest.changes import update_changelog
from tsgen.ingest.fidelity import fidelity
from tsgen.ingest.run import IngestResult
from tsgen.jsonfile import dumps
from tsgen.model import SCHEMA_VERSION, Changelog, Index, IndexEntry, Interface, PushFacts, Release, SdkFacts


class PreviousMetadataError(Exception):
    """The committed metadata ingest compares against cannot be read; the message names the file."""


def metadata_files(result: IngestResult, changelog: Changelog | None = None) -> dict[str, str]:
    """Relative path → file content for everything ingest writes (the change log when given)."""
    files = {
        f"interfaces/{name}.json": dumps(interface.model_dump(mode="json"))
        for name, interface in result.interfaces.items()
    }
    index = Index(
        corpus=result.corpus,
        sdk=result.sdk.distribution,
        interfaces=[
            IndexEntry(
                api_name=i.api_name,
                kind=i.kind,
                title=i.title,
                category=i.category,
                source=i.source.path,
                params=len(i.params),
                fields=len(i.fields),
            )
            for i in result.interfaces.values()
        ],
        fidelity=fidelity(result),
    )
    files["index.json"] = dumps(index.model_dump(mode="json"))
    files["sdk.json"] = dumps(result.sdk.model_dump(mode="json"))
    files["push.json"] = dumps(result.push.model_dump(mode="json"))
    _, schema = models_json_schema(
        [
            (Interface, "validation"),
            (Index, "validation"),
            (SdkFacts, "validation"),
            (Changelog, "validation"),
            (PushFacts, "validation"),
        ],
        title=f"tsgen metadata v{SCHEMA_VERSION}",
    )
    files["schema.json"] = dumps(schema)
    if changelog is not None:
        files["changelog.json"] = dumps(changelog.model_dump(mode="json"))
    return files


def _previous(out: Path) -> tuple[dict[str, Interface], str, Changelog | None]:
    """The committed interfaces, the docs release they were read from, and the change log, under ``out``."""
    try:
        index = out / "index.json"
        corpus = Index.model_validate_json(index.read_bytes()).corpus if index.exists() else ""
        interfaces = {
            path.stem: Interface.model_validate_json(path.read_bytes())
            for path in sorted((out / "interfaces").glob("*.json"))
        }
        log = out / "changelog.json"
        changelog = Changelog.model_validate_json(log.read_bytes()) if log.exists() else None
    except ValidationError as error:
        raise PreviousMetadataError(
            f"the metadata under {out} does not match the model ({error.errors()[0]['loc']}): ingest compares "
            "against it to record changes; restore it from git, or ingest into an empty folder."
        ) from error
    return interfaces, corpus, changelog


def _owned_by_ingest(relative: str) -> bool:
    # metadata/ also holds the reviewed overrides.toml, labels.toml and search.toml, which ingest reads, never writes.
    return relative.startswith("interfaces/") or relative in (
        "index.json",
        "sdk.json",
        "push.json",
        "schema.json",
        "changelog.json",
    )


def write_metadata(
    result: IngestResult, out: Path, today: datetime.date | None = None
) -> tuple[int, Changelog, Release | None]:
    """Write the files and the updated change log, removing interface files that no longer correspond to an
    interface; return how many files changed, the change log, and the release this ingest added (None: no change)."""
    old, old_corpus, previous = _previous(out)
    date = (today or datetime.datetime.now(datetime.UTC).date()).isoformat()
    changelog = update_changelog(
        previous, old, result.interfaces, old_corpus=old_corpus, corpus=result.corpus, date=date
    )
    files = metadata_files(result, changelog)
    tree = {relative: content.encode("utf-8") for relative, content in files.items()}
    known = previous.releases if previous is not None else []
    added = changelog.releases[0] if changelog.releases and changelog.releases[0] not in known else None
    return write_tree(tree, out, owns=_owned_by_ingest), changelog, added
