"""Deterministic bytes on disk: sorted keys, two-space indent, UTF-8, one trailing newline, no timestamps."""

from __future__ import annotations

from pathlib import Path

from pydantic.json_schema import models_json_schema

from tsgen.files import write_tree
from tsgen.ingest.fidelity import fidelity
from tsgen.ingest.run import IngestResult
from tsgen.jsonfile import dumps
from tsgen.model import SCHEMA_VERSION, Index, IndexEntry, Interface, PushFacts, SdkFacts


def metadata_files(result: IngestResult) -> dict[str, str]:
    """Relative path → file content for everything ingest writes."""
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
        [(Interface, "validation"), (Index, "validation"), (SdkFacts, "validation"), (PushFacts, "validation")],
        title=f"tsgen metadata v{SCHEMA_VERSION}",
    )
    files["schema.json"] = dumps(schema)
    return files


def _owned_by_ingest(relative: str) -> bool:
    # metadata/ also holds the reviewed overrides.toml, which ingest reads and never writes.
    return relative.startswith("interfaces/") or relative in ("index.json", "sdk.json", "push.json", "schema.json")


def write_metadata(result: IngestResult, out: Path) -> int:
    """Write the files, removing interface files that no longer correspond to an interface; return how many changed."""
    tree = {relative: content.encode("utf-8") for relative, content in metadata_files(result).items()}
    return write_tree(tree, out, owns=_owned_by_ingest)
