"""Developer sessions: `nox -s tests`, `nox -s lint`, `nox -s types`."""

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


@nox.session
def tests(session: nox.Session) -> None:
    session.install(*INSTALL)
    session.run("tsgen", "build", "--check")
    session.run("pytest", *session.posargs)
