"""`tsgen build` and `tsgen build --check` on the fixture metadata."""

from pathlib import Path

from click.testing import CliRunner

from tsgen.cli import main
from tsgen.render.metadata import load_metadata
from tsgen.render.tree import DISTRIBUTION, complete_tree, handwritten_files, is_generated, render_tree


def test_rendering_is_deterministic(fixture_metadata: Path, fixture_tree: dict[str, bytes]) -> None:
    assert complete_tree(load_metadata(fixture_metadata)) == fixture_tree


def test_the_build_owns_only_what_it_renders(fixture_metadata: Path) -> None:
    rendered = render_tree(load_metadata(fixture_metadata))
    handwritten = handwritten_files()
    assert all(is_generated(relative) for relative in rendered)
    assert not any(is_generated(relative) for relative in handwritten)
    assert "tushare_typed/errors.py" in handwritten
    assert "tushare_typed/__init__.py" in handwritten, "the root exports are declared by hand, beside the runtime"
    assert "pyproject.toml" in handwritten, "requirements and extras are declared by hand, beside the runtime"
    assert not set(rendered) & set(handwritten), "no file exists twice"


def test_every_generated_file_says_so(fixture_metadata: Path) -> None:
    schema_bound = {"openapi.json", "manifest.json", "server.json"}  # marked in .gitattributes only
    for relative, content in render_tree(load_metadata(fixture_metadata)).items():
        if relative in schema_bound:
            continue
        head = content.decode()[:400]
        assert "enerated by" in head, f"{relative} does not say it is generated"


def test_gitattributes_marks_the_generated_paths() -> None:
    text = (DISTRIBUTION / ".gitattributes").read_text(encoding="utf-8")
    assert "/tushare_typed/models/** linguist-generated=true" in text
    assert "/tushare_typed/errors.py" not in text


def test_a_build_in_place_leaves_the_handwritten_runtime_alone(fixture_metadata: Path, tmp_path: Path) -> None:
    """Into the distribution itself only generated paths are written, checked and deleted; elsewhere the build
    also copies the hand-written files (proved by test_check_passes_on_a_fresh_build_and_lists_drift)."""
    out = tmp_path / "client"
    runner = CliRunner()
    assert runner.invoke(main, ["build", "--metadata", str(fixture_metadata), "--out", str(out)]).exit_code == 0
    assert (out / "tushare_typed" / "errors.py").read_bytes() == (
        DISTRIBUTION / "tushare_typed" / "errors.py"
    ).read_bytes()


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
    assert b'__version__ = "' in fixture_tree["tushare_typed/_version.py"]


def test_generated_package_lints_like_the_project(fixture_tree: dict[str, bytes]) -> None:
    import tomllib

    from tests.goldens import ROOT

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["ruff"]
    generated = tomllib.loads(fixture_tree["pyproject.toml"].decode())["tool"]["ruff"]
    assert generated["line-length"] == project["line-length"]
    assert generated["lint"]["select"] == project["lint"]["select"]
    assert generated["lint"]["ignore"] == project["lint"]["ignore"]
