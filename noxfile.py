"""Developer sessions: `nox` runs lint, types and tests: the same steps, in the same order, as `scripts/test.sh`
(the README's test command). Keep the two in step."""

import os

import nox

nox.options.sessions = ["lint", "types", "tests"]
INSTALL = ("-e", ".[ingest,dev,bench]", "-e", "./generated_client[all]")


@nox.session
def lint(session: nox.Session) -> None:
    session.install(*INSTALL)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def types(session: nox.Session) -> None:
    session.install(*INSTALL)
    session.run("mypy", "generator", "tests", "scripts")
    with session.chdir("generated_client"):
        session.run("mypy", "--strict", "--config-file", "pyproject.toml", "tushare_typed")
        # Windows and macOS too. Only the service's SO_REUSEPORT worker supervisor is left out for Windows: it is
        # Linux-only and never started elsewhere (reuse_port_supported() is False there); silent import-following
        # keeps it out when server.py imports it.
        session.run(
            "mypy",
            "--strict",
            "--config-file",
            "pyproject.toml",
            "--platform",
            "win32",
            "--exclude",
            r"tushare_typed/service/_workers\.py$",
            "--follow-imports=silent",
            "tushare_typed",
        )
        session.run("mypy", "--strict", "--config-file", "pyproject.toml", "--platform", "darwin", "tushare_typed")


@nox.session
def tests(session: nox.Session) -> None:
    session.install(*INSTALL)
    session.run("tsgen", "build", "--check")
    session.run("tsgen", "docs", "--check")
    # PostgreSQL, Redis, Chromium and the Node.js MCP clients (installed when missing), started on 127.0.0.1.
    exports = session.run("bash", "scripts/test_services.sh", silent=True, external=True) or ""
    env = dict(
        line.removeprefix("export ").split("=", 1) for line in exports.splitlines() if line.startswith("export ")
    )
    python = os.path.join(session.bin, "python")
    session.run("bash", "scripts/check_out_build.sh", external=True, env={"TSGEN_PYTHON": python})
    # The deployment tier: the image, the compose stack and the manifests run under podman (tests/deploy).
    session.run("bash", "scripts/deploy_tier.sh", external=True, env={"TSGEN_PYTHON": python})
    # The lake read back by Apache Spark (tests marked `spark`; installs Java 17 and pyspark when missing).
    session.run("bash", "scripts/spark_tier.sh", external=True, env={**os.environ, **env, "TSGEN_PYTHON": python})
    session.run("pytest", "-q", *session.posargs, env={**os.environ, **env})
