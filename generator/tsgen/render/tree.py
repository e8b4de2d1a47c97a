"""Render the whole `generated_client/` tree in memory: jinja2 templates over the IR, static runtime files copied
verbatim, JSON documents serialized deterministically, Python formatted by the pinned ruff."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import jinja2

from tsgen.render import naming, typetext
from tsgen.render.bundle import BUNDLE_IGNORE, bundle_pyproject
from tsgen.render.catalog import catalog_json
from tsgen.render.categories import CategoryError, category_modules
from tsgen.render.mcp import discovery_tools_json, manifest_json, server_json, tools_json
from tsgen.render.metadata import Metadata
from tsgen.render.openapi import openapi_json
from tsgen.render.probar import dispatch_table, pro_bar_literals
from tsgen.render.schemas import group_text

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
RUNTIME = TEMPLATES / "runtime"
PACKAGE = "tushare_typed"
VERSION = "0.1.0"

# The distribution's requirements, written into its pyproject.toml and (core + mcp) into the MCP bundle's.
DEPENDENCIES = (
    "cryptography>=42",
    "httpx>=0.27,<1",
    "pydantic>=2.7,<3",
    "structlog>=24",
    "click>=8.1",
)
_EXTRAS = {
    "pandas": ("pandas>=2",),
    "polars": ("polars>=1",),
    "pyarrow": ("pyarrow>=15",),
    "mcp": ("mcp>=2,<3", "jsonschema>=4.20", "uvicorn>=0.30"),
    "keyring": ("keyring>=24",),
    # Progress bars for multi-page calls and waits (tushare_typed.progress falls back to a stderr line).
    "progress": ("tqdm>=4.66",),
    # The REST service (tushare_typed.service); psycopg is the PostgreSQL driver for --db postgresql://...; sniffio
    # because httpcore imports it on every async request and, when it is missing, each failed import walks sys.path.
    "service": (
        "fastapi>=0.115",
        "uvicorn>=0.30",
        "sqlalchemy>=2.0.30",
        "alembic>=1.13",
        "prometheus-client>=0.20",
        "psycopg[binary]>=3.1",
        "sniffio>=1.3",
    ),
    # The local store (tushare_typed.store) and the Redis limiter backend / response cache.
    "store": ("duckdb>=1.1", "pyarrow>=15"),
    "redis": ("redis>=5",),
}
EXTRAS = {**_EXTRAS, "all": tuple(dict.fromkeys(requirement for group in _EXTRAS.values() for requirement in group))}

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
        extensions=["jinja2.ext.do"],
    )
    env.filters.update(
        pascal=naming.pascal,
        row_attr=naming.row_attr,
        py_string=typetext.py_string,
        row_type=typetext.row_type,
        method_type=typetext.method_type,
        enum_alias=typetext.enum_alias,
        enum_type=typetext.enum_type,
        closed_enum=typetext.closed_enum,
        fields_type=typetext.fields_type,
        request_type=typetext.request_type,
        group_text=group_text,
        literal=typetext.literal,
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

    try:
        modules = category_modules(interfaces)
    except CategoryError as error:
        raise RenderError(str(error)) from error
    files = {
        "pyproject.toml": render(
            "client/pyproject.toml.jinja", version=VERSION, dependencies=DEPENDENCIES, extras=EXTRAS
        ),
        f"{PACKAGE}/__init__.py": render("client/__init__.py.jinja", exports=exports, version=VERSION),
        f"{PACKAGE}/_client.py": render(
            "client/_client.py.jinja",
            modules=modules,
            sdk=metadata.sdk,
            pro_bar_table=dispatch_table(metadata),
            pro_bar_types=pro_bar_literals(metadata),
        ),
        f"{PACKAGE}/_api/__init__.py": render("client/_api/__init__.py.jinja"),
        f"{PACKAGE}/models/__init__.py": render("client/models/__init__.py.jinja", interfaces=interfaces),
    }
    for module in modules:
        files[f"{PACKAGE}/_api/{module.slug}.py"] = render("client/_api/category.py.jinja", module=module)
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


def render_tree(metadata: Metadata, runtime: Path = RUNTIME) -> dict[str, bytes]:
    """Relative path under generated_client/ → exact file bytes. ``runtime`` is the folder of static runtime
    modules (another one only in tests of the build itself)."""
    files = _format(_rendered_sources(metadata))
    for module in sorted(runtime.rglob("*.py")):
        files[f"{PACKAGE}/{module.relative_to(runtime).as_posix()}"] = module.read_text(encoding="utf-8")
    files[f"{PACKAGE}/py.typed"] = ""
    files[f"{PACKAGE}/catalog.json"] = catalog_json(metadata)
    files[f"{PACKAGE}/mcp/tools.json"] = tools_json(metadata)
    files[f"{PACKAGE}/mcp/discovery_tools.json"] = discovery_tools_json(metadata)
    files["openapi.json"] = openapi_json(metadata, VERSION)
    files["manifest.json"] = manifest_json(metadata, VERSION)
    files["server.json"] = server_json(VERSION)
    files["bundle/pyproject.toml"] = bundle_pyproject(VERSION, (*DEPENDENCIES, *EXTRAS["mcp"]))
    files["bundle/.mcpbignore"] = BUNDLE_IGNORE
    return {relative: content.encode("utf-8") for relative, content in sorted(files.items())}
