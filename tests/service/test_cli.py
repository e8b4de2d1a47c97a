"""`tushare-typed api-key create | list | revoke` on the service database."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tushare_typed.cli import cli
from tushare_typed.service._db import Database
from tushare_typed.service._keys import authenticate

pytestmark = pytest.mark.timeout(60)


def test_create_list_revoke(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'keys.sqlite3'}"
    runner = CliRunner()
    created = runner.invoke(cli, ["api-key", "create", "--owner", "alice", "--db", db_url])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip()
    db = Database.open(db_url)
    try:
        row = authenticate(db, key)
        assert row.owner == "alice"
        listed = runner.invoke(cli, ["api-key", "list", "--db", db_url])
        assert row.key_id in listed.stdout and "alice" in listed.stdout and key not in listed.stdout
        revoked = runner.invoke(cli, ["api-key", "revoke", row.key_id, "--db", db_url])
        assert revoked.exit_code == 0
        again = runner.invoke(cli, ["api-key", "revoke", row.key_id, "--db", db_url])
        assert again.exit_code == 1 and "no live API key" in again.output
        assert [r["action"] for r in db.audit_rows(row.key_id)] == ["api_key.create", "api_key.revoke"]
        assert db.audit_rows(row.key_id)[0]["actor"].startswith("cli:")
    finally:
        db.close()


def test_bad_owner_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["api-key", "create", "--owner", "a b", "--db", str(tmp_path / "k.sqlite3")])
    assert result.exit_code == 1 and "not a valid owner name" in result.output
