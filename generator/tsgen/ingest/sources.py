"""Where the two ingest inputs live: found through importlib.metadata as installed files, never imported."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

DOCS_DISTRIBUTION = "tushare-docs-mcp"
DOCS_VERSION = "0.2.0"
DOCS_ROOT = "tushare_docs_mcp/docs/non-official"
SDK_DISTRIBUTION = "tushare"
SDK_VERSION = "1.4.29"


class SourceNotFound(Exception):
    """An ingest input is not installed; the message says how to install it."""


@dataclass(frozen=True)
class Installed:
    label: str
    path: Path


def _locate(distribution: str, version: str, relative: str) -> Installed:
    try:
        dist = metadata.distribution(distribution)
    except metadata.PackageNotFoundError:
        raise SourceNotFound(
            f"{distribution} is not installed. Install the ingest inputs with "
            f'`python -m pip install -e ".[ingest]"` (pins {distribution}=={version}).'
        ) from None
    path = Path(str(dist.locate_file(relative)))
    if not path.exists():
        raise SourceNotFound(f"{distribution} {dist.version} has no {relative}; reinstall {distribution}=={version}.")
    if dist.version != version:
        raise SourceNotFound(
            f"{distribution} {dist.version} is installed but the metadata is pinned to {version}: "
            f"run `python -m pip install {distribution}=={version}`."
        )
    return Installed(label=f"{distribution} {dist.version}", path=path)


def docs_corpus() -> Installed:
    return _locate(DOCS_DISTRIBUTION, DOCS_VERSION, DOCS_ROOT)


def sdk_package() -> Installed:
    return _locate(SDK_DISTRIBUTION, SDK_VERSION, "tushare")
