"""Deterministic bytes on disk: sorted keys, two-space indent, UTF-8, one trailing newline, no timestamps."""

from __future__ import annotations

from pathlib import Path

from pydantic.json_schema import models_json_schema

from tsgen.ingest.run import IngestResult
from tsgen.jsonfile import dumps
from tsgen.model import SCHEMA_VERSION, Index, IndexEntry, Interface, SdkFacts


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
    )
    files["index.json"] = dumps(index.model_dump(mode="json"))
    files["sdk.json"] = dumps(result.sdk.model_dump(mode="json"))
    _, schema = models_json_schema(
        [(Interface, "validation"), (Index, "validation"), (SdkFacts, "validation")],
        title=f"tsgen metadata v{SCHEMA_VERSION}",
    )
    files["schema.json"] = dumps(schema)
    return files


def write_metadata(result: IngestResult, out: Path) -> list[Path]:
    """Write the files, removing interface files that no longer correspond to an interface."""
    files = metadata_files(result)
    interfaces_dir = out / "interfaces"
    interfaces_dir.mkdir(parents=True, exist_ok=True)
    for stale in interfaces_dir.glob("*.json"):
        if f"interfaces/{stale.name}" not in files:
            stale.unlink()
    written: list[Path] = []
    for relative, content in files.items():
        path = out / relative
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8", newline="\n")
            written.append(path)
    return written
