"""Render the whole `generated_client/` tree in memory: jinja2 templates over the IR, static runtime files copied
verbatim, JSON documents serialized deterministically, Python formatted by the pinned ruff."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import jinja2

from tsgen.render import naming, typetext
from tsgen.render.catalog import catalog_json
from tsgen.render.mcp import manifest_json, server_json, tools_json
from tsgen.render.metadata import Metadata
from tsgen.render.openapi import openapi_json
from tsgen.render.probar import dispatch_table

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
RUNTIME = TEMPLATES / "runtime"
PACKAGE = "tushare_typed"
VERSION = "0.1.0"

# Public names of the package root and the runtime module each lives in; the lazy map is generated from this.
ROOT_EXPORTS: dict[str, str] = {
    "AsyncTushareClient": "_client",
    "ProApi": "compat",
    "pro_api": "compat",
    "pro_bar": "compat",
    "set_token": "compat",
    "TushareClient": "_client",
    "RateLimit": "ratelimit",
    "RateLimiter": "ratelimit",
    "Response": "response",
    "TokenStore": "token",
    "TushareError": "errors",
}


class RenderError(Exception):
    """A template or the formatter failed; the message names the file."""


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # noqa: S701 - the output is Python and TOML, never HTML
    )
    env.filters.update(
        pascal=naming.pascal,
        row_attr=naming.row_attr,
        py_string=typetext.py_string,
        row_type=typetext.row_type,
        method_type=typetext.method_type,
        fields_type=typetext.fields_type,
        request_type=typetext.request_type,
        docstring=lambda text: str(text).replace("\\", "\\\\").replace('"""', '\\"\\"\\"').strip(),
    )
    return env


def _rendered_sources(metadata: Metadata) -> dict[str, str]:
    env = _environment()
    interfaces = metadata.http_interfaces
    exports = sorted(ROOT_EXPORTS.items())

    def render(template: str, **context: object) -> str:
        try:
            return env.get_template(template).render(**context)
        except jinja2.TemplateError as error:
            raise RenderError(f"{template}: {error}") from error

    files = {
        "pyproject.toml": render("client/pyproject.toml.jinja", version=VERSION),
        f"{PACKAGE}/__init__.py": render("client/__init__.py.jinja", exports=exports, version=VERSION),
        f"{PACKAGE}/_client.py": render(
            "client/_client.py.jinja",
            interfaces=interfaces,
            sdk=metadata.sdk,
            pro_bar_table=dispatch_table(metadata),
        ),
        f"{PACKAGE}/models/__init__.py": render("client/models/__init__.py.jinja", interfaces=interfaces),
    }
    for interface in interfaces:
        files[f"{PACKAGE}/models/{interface.api_name}.py"] = render("client/models/interface.py.jinja", i=interface)
    return files


def _format(files: dict[str, str]) -> dict[str, str]:
    """Run the pinned ruff (import fixes, then the formatter) over the rendered Python files."""
    with tempfile.TemporaryDirectory(prefix="tsgen-") as scratch:
        root = Path(scratch)
        for relative, content in files.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8", newline="\n")
        for command in (["check", "--fix-only", "--select", "I,F401,RUF022", "--quiet"], ["format", "--quiet"]):
            done = subprocess.run(  # noqa: S603 - our own interpreter running the pinned ruff
                [sys.executable, "-m", "ruff", *command, str(root)], capture_output=True, text=True, cwd=root
            )
            if done.returncode != 0:
                raise RenderError(f"ruff {command[0]} failed on the rendered code:\n{done.stdout}{done.stderr}")
        return {relative: (root / relative).read_text(encoding="utf-8") for relative in files}


def render_tree(metadata: Metadata) -> dict[str, bytes]:
    """Relative path under generated_client/ → exact file bytes."""
    files = _format(_rendered_sources(metadata))
    for runtime in sorted(RUNTIME.rglob("*.py")):
        files[f"{PACKAGE}/{runtime.relative_to(RUNTIME).as_posix()}"] = runtime.read_text(encoding="utf-8")
    files[f"{PACKAGE}/py.typed"] = ""
    files[f"{PACKAGE}/catalog.json"] = catalog_json(metadata)
    files[f"{PACKAGE}/mcp/tools.json"] = tools_json(metadata)
    files["openapi.json"] = openapi_json(metadata, VERSION)
    files["manifest.json"] = manifest_json(metadata, VERSION)
    files["server.json"] = server_json(VERSION)
    return {relative: content.encode("utf-8") for relative, content in sorted(files.items())}
