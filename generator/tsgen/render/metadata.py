"""Reading the committed metadata back into the IR."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from tsgen.model import FIRST_CLIENT_VERSION, Changelog, Index, Interface, PushFacts, SdkFacts
from tsgen.reviewed import Reviewed, ReviewedError, check, load_reviewed


class MetadataError(Exception):
    """The metadata folder is missing or invalid; the message names the file and the fix."""


@dataclass(frozen=True)
class Metadata:
    index: Index
    interfaces: list[Interface]
    sdk: SdkFacts
    push: PushFacts
    reviewed: Reviewed = field(default_factory=Reviewed)
    changelog: Changelog | None = None

    @property
    def client_version(self) -> str:
        """The generated client's version: the change log's (a breaking change bumps the major part)."""
        return self.changelog.client_version if self.changelog else FIRST_CLIENT_VERSION

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
        log = root / "changelog.json"
        changelog = Changelog.model_validate_json(_read(log)) if log.exists() else None
        reviewed = load_reviewed(root)
        check(reviewed, interfaces)
    except ValidationError as error:
        raise MetadataError(f"invalid metadata under {root}: {error}; re-run `tsgen ingest`.") from error
    except ReviewedError as error:
        raise MetadataError(f"{root}: {error}") from error
    return Metadata(index=index, interfaces=interfaces, sdk=sdk, push=push, reviewed=reviewed, changelog=changelog)
