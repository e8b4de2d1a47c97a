"""Developer sessions: `nox` runs lint, types and tests: the same steps, in the same order, as `scripts/test.sh`
(the README's test command). Keep the two in step."""

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


@nox.session
def tests(session: nox.Session) -> None:
    session.install(*INSTALL)
    session.run("tsgen", "build", "--check")
    session.run("pytest", "-q", *session.posargs)
