"""Reading the committed metadata back into the IR."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from tsgen.model import Index, Interface, PushFacts, SdkFacts


class MetadataError(Exception):
    """The metadata folder is missing or invalid; the message names the file and the fix."""


@dataclass(frozen=True)
class Metadata:
    index: Index
    interfaces: list[Interface]
    sdk: SdkFacts
    push: PushFacts

    @property
    def http_interfaces(self) -> list[Interface]:
        return [interface for interface in self.interfaces if interface.kind == "http"]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise MetadataError(f"cannot read {path}: {error.strerror}; run `tsgen ingest` to (re)create it.") from error


def load_metadata(root: Path) -> Metadata:
    try:
        index = Index.model_validate_json(_read(root / "index.json"))
        interfaces = [
            Interface.model_validate_json(_read(root / "interfaces" / f"{entry.api_name}.json"))
            for entry in index.interfaces
        ]
        sdk = SdkFacts.model_validate_json(_read(root / "sdk.json"))
        push = PushFacts.model_validate_json(_read(root / "push.json"))
    except ValidationError as error:
        raise MetadataError(f"invalid metadata under {root}: {error}; re-run `tsgen ingest`.") from error
    return Metadata(index=index, interfaces=interfaces, sdk=sdk, push=push)
