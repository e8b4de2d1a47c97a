"""The deployment tier (`scripts/deploy_tier.sh`): tests marked ``deploy`` run containers, so the main run skips
them unless ``TSGEN_DEPLOY_TIER=1``; the tier script sets it once the images are built, or sets
``TSGEN_DEPLOY_SKIP`` to the reason podman cannot run here."""

from __future__ import annotations

import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "deploy: runs containers (scripts/deploy_tier.sh sets TSGEN_DEPLOY_TIER=1)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("TSGEN_DEPLOY_TIER") != "1":
        reason = "the deployment tier runs containers: bash scripts/deploy_tier.sh"
    elif os.environ.get("TSGEN_DEPLOY_SKIP"):
        reason = f"podman cannot run here: {os.environ['TSGEN_DEPLOY_SKIP']}"
    else:
        return
    for item in items:
        if item.get_closest_marker("deploy"):
            item.add_marker(pytest.mark.skip(reason=reason))
