"""The metadata model (IR) shared by ingest and build.

Plain data: frozen Pydantic models, no behaviour beyond derived names. Ingest produces these from the docs and the
SDK source; templates see only these. Lists keep the order the docs give (parameter and column order matter);
everything written to disk is serialized with sorted keys.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1

PythonType = Literal["str", "int", "float", "bool", "date", "datetime"]
Period = Literal["minute", "hour", "day"]
InterfaceKind = Literal["http", "sdk_composite", "sdk_scraper"]
SyncShape = Literal["trade_day", "period", "code", "window", "snapshot"]

PERIOD_SECONDS: dict[Period, int] = {"minute": 60, "hour": 3600, "day": 86400}


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EnumValue(Frozen):
    """One allowed value of a parameter, from an enumeration table on the page."""

    value: str
    description: str = ""


class Param(Frozen):
    name: str
    type: str = Field(description="the wire type as the docs give it (str, int, float, datetime, list...)")
    python_type: PythonType
    required: bool
    description: str
    enum: list[EnumValue] | None = None
    format: str | None = Field(
        default=None,
        description="value format the server expects, e.g. YYYYMMDD or YYYY-MM-DD HH:MM:SS",
    )
    multi: bool = Field(default=False, description="accepts several comma-separated codes")


class OutputField(Frozen):
    name: str = Field(description="the wire column name")
    attr: str = Field(description="a valid Python identifier for the column (equal to name when possible)")
    type: str = Field(description="the wire type as the docs give it")
    python_type: PythonType
    default: bool = Field(description="默认显示: returned without naming it in `fields`")
    description: str


class RateLimitRule(Frozen):
    """A call quota stated on the page, e.g. 5000积分每分钟可以请求30次 → 30 calls/minute from 5000 points."""

    calls: int | None = Field(description="calls allowed per period; null means stated as unlimited")
    period: Period
    period_seconds: int
    min_points: int | None = Field(description="the points tier it applies from; null = every tier")
    text: str = Field(description="the sentence it was read from")


class SyncPlan(Frozen):
    """How a local store fetches an interface's whole history in slices (reviewed in overrides.toml).

    trade_day: one call per trading day with ``param`` (e.g. trade_date); period: one call per report period with
    ``param`` (e.g. period); code: one call per code listed by ``codes_from`` with ``param`` (e.g. ts_code) over
    [start_param, end_param]; window: date windows over [start_param, end_param] sized to the row cap; snapshot:
    the whole table in one paged call.
    """

    shape: SyncShape
    param: str | None = Field(default=None, description="the parameter set per slice")
    start_param: str | None = Field(default=None, description="the parameter that opens a date range")
    end_param: str | None = Field(default=None, description="the parameter that closes a date range")
    codes_from: str | None = Field(default=None, description="the interface listing the codes (shape code)")
    date_column: str | None = Field(default=None, description="the column holding each row's date")


class SourceRef(Frozen):
    path: str = Field(description="doc page path relative to the corpus root")
    line: int = Field(description="1-based line of the 接口 declaration")


class Interface(Frozen):
    api_name: str
    kind: InterfaceKind = "http"
    title: str
    category: list[str]
    description: str
    source: SourceRef
    points: int | None = Field(description="points required to call it; null when the page does not say")
    permission_note: str | None = Field(
        default=None,
        description="the page's own words on access (separate permission, trial quota...)",
    )
    row_limit: int | None = Field(description="rows per call; null when the page does not say")
    rate_limits: list[RateLimitRule]
    paging: bool = Field(description="limit/offset paging applies (the interface caps rows per call)")
    params: list[Param]
    fields: list[OutputField]
    examples: list[str]
    sample: str | None
    notes: list[str]
    variant_of: str | None = Field(
        default=None,
        description="the interface whose params/fields this one shares (参数一致 variants)",
    )
    keys: list[str] = Field(
        default_factory=list,
        description="columns that identify one record (e.g. ts_code, trade_date); empty when no key is known",
    )
    sync: SyncPlan | None = Field(default=None, description="how a local store syncs it; null when not syncable")


class IndexEntry(Frozen):
    api_name: str
    kind: InterfaceKind
    title: str
    category: list[str]
    source: str
    params: int
    fields: int


class Index(Frozen):
    schema_version: int = SCHEMA_VERSION
    corpus: str = Field(description="the docs distribution and version the metadata was read from")
    sdk: str = Field(description="the SDK distribution and version the metadata was read from")
    interfaces: list[IndexEntry]


class SdkParam(Frozen):
    name: str
    default: str | None = Field(description="the default as Python source, null when required")


class SdkDispatch(Frozen):
    api_name: str
    when: list[str] = Field(description="the enclosing conditions, as Python source")


class SdkFunction(Frozen):
    name: str
    module: str
    params: list[SdkParam]
    docstring: str


class SdkFacts(Frozen):
    """What the tushare SDK source says about the HTTP API, read with libcst (never imported)."""

    distribution: str
    http_url: str
    url_template: str = Field(description="how the SDK forms the POST URL")
    request_keys: list[str]
    response_keys: list[str]
    default_timeout: float | None
    pro_bar: SdkFunction
    pro_bar_dispatches: list[SdkDispatch]
    scrapers: list[SdkFunction] = Field(description="SDK-side scrapers: not HTTP interfaces")
