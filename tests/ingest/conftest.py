from pathlib import Path

import pytest

from tsgen.ingest.run import IngestResult, ingest
from tsgen.ingest.sources import docs_corpus, sdk_package

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def corpus() -> IngestResult:
    """One ingest of the pinned corpus and SDK, shared by the tests that read real pages."""
    return ingest(docs_corpus(), sdk_package(), ROOT / "metadata" / "overrides.toml")
