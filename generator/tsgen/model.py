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
SyncShape = Literal["trade_day", "period", "code", "window", "snapshot", "day", "week", "month", "each"]
GroupKind = Literal["any", "one"]

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
    enum_open: bool = Field(
        default=False,
        description="`enum` lists known values (e.g. codes on one of several pages), not every accepted value",
    )


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


class ParamGroup(Frozen):
    """Parameters of which a call must give at least one (`any`) or exactly one (`one`); the docs say 二选一,
    至少输入一个参数 and the like, or their examples omit a parameter marked required."""

    kind: GroupKind = "any"
    params: list[str] = Field(min_length=2)
    text: str = Field(description="the words or example the group was read from")


class Permission(Frozen):
    """Access the page states apart from a points tier (trial access, a separate permission, the base tier)."""

    separate: bool = Field(description="a permission opened apart from points (权限说明, 单独开权限) grants access")
    base_tier: bool = Field(default=False, description="every account may call it (基础积分): no points figure")
    trial_points: int | None = Field(default=None, description="points that allow a trial look, not real use")
    text: str = Field(description="the sentence it was read from")


class RowLimitConflict(Frozen):
    """A page stating different row caps in different lines; `Interface.row_limit` is the smaller."""

    stated: list[int]
    texts: list[str]


class SyncPlan(Frozen):
    """How a local store fetches an interface's whole history in slices (reviewed in overrides.toml).

    trade_day: one call per trading day with ``param`` (e.g. trade_date); period: one call per report period with
    ``param`` (e.g. period); code: one call per code listed by ``codes_from`` with ``param`` (e.g. ts_code) over
    [start_param, end_param]; window: date windows over [start_param, end_param] sized to the row cap; snapshot:
    the whole table in one paged call; day / week / month: one call per calendar day, Monday or first of the month
    with ``param`` (written with ``value_format``); each: one call per value of ``values`` with ``param`` (e.g.
    every exchange of an interface that requires one).
    """

    shape: SyncShape
    param: str | None = Field(default=None, description="the parameter set per slice")
    start_param: str | None = Field(default=None, description="the parameter that opens a date range")
    end_param: str | None = Field(default=None, description="the parameter that closes a date range")
    codes_from: str | None = Field(default=None, description="the interface listing the codes (shape code)")
    date_column: str | None = Field(default=None, description="the column holding each row's date")
    value_format: str | None = Field(
        default=None, description="strftime format of the slice's date value (shapes day/week/month; %Y%m%d if null)"
    )
    values: list[str] = Field(default_factory=list, description="the value of each slice (shape each)")


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
    permission: Permission | None = Field(default=None, description="access beyond points; null when none stated")
    row_limit: int | None = Field(description="rows per call; null when the page does not say")
    row_limit_conflict: RowLimitConflict | None = Field(
        default=None, description="every cap the page states when they disagree"
    )
    rate_limits: list[RateLimitRule]
    paging: bool = Field(description="limit/offset paging applies (the interface caps rows per call)")
    params: list[Param]
    param_groups: list[ParamGroup] = Field(
        default_factory=list, description="at least / exactly one of these parameters must be given"
    )
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
    keys_absent_reason: str | None = Field(
        default=None,
        description="why the rows have no identity (news text, realtime snapshots...): the store then replaces each "
        "synced slice whole; null when keyed",
    )
    sync: SyncPlan | None = Field(default=None, description="how a local store syncs it; null when not syncable")
    sync_absent_reason: str | None = Field(
        default=None, description="why a store cannot sync it (a realtime snapshot has no history); null when it can"
    )
    merged_from: list[SourceRef] = Field(
        default_factory=list, description="further pages documenting the same api_name, merged into this one"
    )


class IndexEntry(Frozen):
    api_name: str
    kind: InterfaceKind
    title: str
    category: list[str]
    source: str
    params: int
    fields: int


class Fidelity(Frozen):
    """How much of the docs ingest read as facts, and where it could not (kept in index.json, printed by ingest)."""

    interfaces: int
    params: int
    fields: int
    keys: int = Field(description="interfaces with record keys")
    row_limits: int = Field(description="interfaces with a row cap")
    row_limit_conflicts: int
    points: int = Field(description="interfaces with a points figure")
    permissions: int = Field(description="interfaces with a permission fact (trial, separate, base tier)")
    groups: int = Field(description="parameter groups")
    enums: int = Field(description="parameters with an enumeration")
    sync_plans: int
    merged_pages: int = Field(description="pages merged into an interface another page documents")
    unattached_tables: int = Field(description="enumeration tables attached to no parameter")
    merges: list[str] = Field(description="every merge of duplicate pages and each conflict it met")
    unread: list[str] = Field(description="`api_name: fact` for every interface where a prose fact was not read")
    unkeyed: list[str] = Field(
        description="HTTP interfaces with neither record keys nor a reason their rows have none (undecided)"
    )
    keys_absent: int = Field(default=0, description="interfaces whose rows have no identity, each with its reason")
    identities: list[str] = Field(
        default_factory=list, description="`api_name: key ...; sync shape` for every interface, or why there is none"
    )


class Index(Frozen):
    schema_version: int = SCHEMA_VERSION
    corpus: str = Field(description="the docs distribution and version the metadata was read from")
    sdk: str = Field(description="the SDK distribution and version the metadata was read from")
    interfaces: list[IndexEntry]
    fidelity: Fidelity | None = Field(default=None, description="the ingest run's fidelity report")


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


class ProBarValues(Frozen):
    """What pro_bar's source accepts and does, read from its comparisons (never from its docstring)."""

    assets: list[str] = Field(description="values compared with `asset`")
    freqs: list[str] = Field(description="values compared with `freq` (minute bars: any freq containing `min`)")
    adj: list[str] = Field(description="values compared with `adj`; None means unadjusted")
    factors: list[str] = Field(description="values looked up in `factors`; any non-empty list fetches both columns")
    ma_type: str = Field(description="the type `ma` items must have: others are silently ignored by the SDK")
    factors_join: str = Field(description="how factor rows are joined to bars (`inner` drops bars without them)")


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
    pro_bar_values: ProBarValues
    scrapers: list[SdkFunction] = Field(description="SDK-side scrapers: not HTTP interfaces")


# Versions and the change log (`metadata/changelog.json`), written by ingest beside the interfaces.

ChangeKind = Literal[
    "interface added",
    "interface removed",
    "param added",
    "param removed",
    "param retyped",
    "param required",
    "param optional",
    "column added",
    "column removed",
    "column retyped",
    "row cap changed",
    "points changed",
    "quotas changed",
    "keys changed",
]


class Change(Frozen):
    """One difference between two ingests of an interface, classed additive (old calls keep working) or breaking."""

    api: str
    kind: ChangeKind
    name: str | None = Field(default=None, description="the parameter or column concerned")
    detail: str = Field(description="before → after, as a person reads it")
    breaking: bool


class InterfaceVersion(Frozen):
    version: int = Field(ge=1, description="1 when first ingested, one more for every release that changed it")
    changed_in: str = Field(description="the docs release in which it last changed (or first appeared)")
    changed_at: str = Field(description="the date (YYYY-MM-DD) of the ingest that recorded that change")


class Release(Frozen):
    """An ingest that found changes: the docs release read, the date, the client version it led to."""

    corpus: str
    date: str
    client_version: str
    changes: list[Change]


#: The client's version before any change was recorded.
FIRST_CLIENT_VERSION = "0.1.0"


class Changelog(Frozen):
    client_version: str = Field(description="major.minor.patch: a breaking change bumps major, an additive one minor")
    interfaces: dict[str, InterfaceVersion]
    releases: list[Release] = Field(description="newest first")


# --- tushare's push feed (`metadata/push.json`): the SDK's record models and the topics that carry them ---

PushType = Literal["str", "int", "float", "datetime"]


class PushField(Frozen):
    name: str
    python_type: PushType
    required: bool = Field(description="declared without Optional in the SDK's model: a record lacking it is malformed")
    comment: str = Field(default="", description="the SDK source's trailing comment on the field, if any")


class PushRecord(Frozen):
    """One record model of the SDK (`tushare/subs/model/`), read with libcst."""

    name: str = Field(description="the SDK's class name (TsTick, TsMin, ...)")
    module: str
    fields: list[PushField]


class PushTopic(Frozen):
    name: str
    record: str = Field(description="the PushRecord the topic's frames carry")
    description: str
    code_pattern: str = Field(description="regex a subscribed code matches; `*` and `?` are fnmatch wildcards")
    code_example: str
    in_sdk_source: bool = Field(description="the SDK's own subscriber names this topic (else a reviewed fact)")


class PushFacts(Frozen):
    """tushare's push feed: endpoint and actions from the SDK's subscriber, topics, record models."""

    distribution: str
    url: str
    subscribe_action: str
    ping_action: str
    topics: list[PushTopic]
    records: list[PushRecord]
