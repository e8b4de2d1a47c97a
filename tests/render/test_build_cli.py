"""`tsgen build` and `tsgen build --check` on the fixture metadata."""

from pathlib import Path

from click.testing import CliRunner

from tsgen.cli import main
from tsgen.render.metadata import load_metadata
from tsgen.render.tree import render_tree


def test_rendering_is_deterministic(fixture_metadata: Path, fixture_tree: dict[str, bytes]) -> None:
    assert render_tree(load_metadata(fixture_metadata)) == fixture_tree


def test_check_passes_on_a_fresh_build_and_lists_drift(fixture_metadata: Path, tmp_path: Path) -> None:
    out = tmp_path / "client"
    runner = CliRunner()
    built = runner.invoke(main, ["build", "--metadata", str(fixture_metadata), "--out", str(out)])
    assert built.exit_code == 0, built.output
    check = ["build", "--check", "--metadata", str(fixture_metadata), "--out", str(out)]
    assert runner.invoke(main, check).exit_code == 0

    (out / "tushare_typed" / "models" / "daily.py").write_text("# edited by hand\n")
    (out / "tushare_typed" / "models" / "shibor.py").unlink()
    (out / "tushare_typed" / "stray.py").write_text("")
    errors = out / "tushare_typed" / "errors.py"
    (tmp_path / "errors_copy.py").write_bytes(errors.read_bytes())
    errors.unlink()
    errors.symlink_to(tmp_path / "errors_copy.py")
    (out / "tushare_typed" / "__pycache__").mkdir()
    (out / "tushare_typed" / "__pycache__" / "x.pyc").write_bytes(b"")
    result = runner.invoke(main, check)
    assert result.exit_code == 1
    assert "stale: tushare_typed/models/daily.py" in result.output
    assert "missing: tushare_typed/models/shibor.py" in result.output
    assert "not generated: tushare_typed/stray.py" in result.output
    assert "stale: tushare_typed/errors.py" in result.output, "a link is not the generated file, even if equal"
    assert "__pycache__" not in result.output

    rebuilt = runner.invoke(main, ["build", "--metadata", str(fixture_metadata), "--out", str(out)])
    assert rebuilt.exit_code == 0
    assert runner.invoke(main, check).exit_code == 0
    assert not (out / "tushare_typed" / "stray.py").exists()
    assert not errors.is_symlink()


def test_missing_metadata_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--metadata", str(tmp_path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "run `tsgen ingest`" in result.output
    assert "Traceback" not in result.output


def test_rendered_tree_has_the_distribution_files(fixture_tree: dict[str, bytes]) -> None:
    for name in ("pyproject.toml", "openapi.json", "tushare_typed/py.typed", "tushare_typed/catalog.json"):
        assert name in fixture_tree
    assert b'name = "tushare-typed"' in fixture_tree["pyproject.toml"]


def test_generated_package_lints_like_the_project(fixture_tree: dict[str, bytes]) -> None:
    import tomllib

    from tests.goldens import ROOT

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["ruff"]
    generated = tomllib.loads(fixture_tree["pyproject.toml"].decode())["tool"]["ruff"]
    assert generated["line-length"] == project["line-length"]
    assert generated["lint"]["select"] == project["lint"]["select"]
    assert generated["lint"]["ignore"] == project["lint"]["ignore"]
