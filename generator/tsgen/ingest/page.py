"""One doc page → the interfaces it documents, plus every problem found on the way.

`parse_page` never raises for any input text: a page it cannot read is returned as issues, so one broken page
never aborts an ingest run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from pydantic import ValidationError

from tsgen.ingest import phrases, types
from tsgen.ingest.enum_tables import attach_enums
from tsgen.ingest.groups import read_groups
from tsgen.ingest.markdown import Block, Code, Heading, Table, Text, cell, column_index, parse_blocks
from tsgen.model import (
    Interface,
    OutputField,
    Param,
    ParamGroup,
    Permission,
    RateLimitRule,
    RowLimitConflict,
    SourceRef,
)

Severity = Literal["skipped", "partial"]

_API_LINE = re.compile(r"^接口(?:名称)?\s*[：:]\s*([A-Za-z_][A-Za-z0-9_]*)")
_KEY_VALUE = re.compile(r"^([^：:]{1,8}?)\s*[：:]\s*(.*)$")
_PARAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_FIELD_NAME = re.compile(r"^[A-Za-z0-9_]+$")
_VARIANT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*接口\s*[（(]\s*参数一致")
_NAMED_VARIANT = re.compile(r"接口名\s*[：:]\s*([A-Za-z_][A-Za-z0-9_]*)")
_PARAMS_CAPTION = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)?\s*(?:输入参数|接口参数)$")
_FIELDS_CAPTION = re.compile(r"输出参数|输出指标|输出字段")
_SAMPLE_CAPTION = re.compile(r"数据样例|数据示例")
_POINTS_KEYS = ("积分", "权限", "数据权限", "积分要求", "要求", "调取说明")
_RATE_KEYS = (*_POINTS_KEYS, "限量", "调取说明", "注", "说明", "提示")
# Request keys the runtime owns: `fields` is the envelope's column list, limit/offset drive the paginator.
_ENVELOPE_PARAMS = frozenset({"fields"})
_PAGING_PARAMS = frozenset({"limit", "offset"})
_SINGLE_CODE = re.compile(r"只支持(?:一个|单个|单只)")


@dataclass(frozen=True)
class Issue:
    path: str
    line: int
    severity: Severity
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.reason}"


@dataclass
class PageResult:
    interfaces: list[Interface] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    enums_attached: int = 0


@dataclass
class _Page:
    """Working state while one page is read."""

    path: str
    blocks: list[Block]
    result: PageResult = field(default_factory=PageResult)
    lists_paging_params: bool = False

    def report(self, line: int, severity: Severity, reason: str) -> None:
        self.result.issues.append(Issue(self.path, line, severity, reason))

    def caption(self, index: int) -> str:
        """The text line right above block `index` (tables and code blocks are introduced by one)."""
        if index > 0:
            before = self.blocks[index - 1]
            if isinstance(before, Text):
                return before.text
        return ""


@dataclass
class _Facts:
    """What the page's prose says, before it is split into interfaces."""

    description: str = ""
    row_limits: list[tuple[int, str]] = field(default_factory=list)
    points: int | None = None
    points_elsewhere: int | None = None
    permission: Permission | None = None
    rate_limits: list[RateLimitRule] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    variants: dict[str, tuple[int, str]] = field(default_factory=dict)


def parse_page(text: str, path: str, category: list[str], scrapers: frozenset[str] = frozenset()) -> PageResult:
    page = _Page(path=path, blocks=parse_blocks(text))
    api = _api_declaration(page)
    if api is None:
        page.report(1, "skipped", "no `接口：<api_name>` line: not an interface page")
        return page.result
    api_name, api_line = api
    if api_name == "pro_bar":
        page.report(api_line, "skipped", "pro_bar is an SDK composite; it is described in sdk.json")
        return page.result
    facts = _read_prose(page, api_line)
    params_tables, fields_table, enum_tables = _classify_tables(page, api_name)
    main_params = params_tables.get(api_name, [])
    enum_tables_left, attached = attach_enums(main_params, enum_tables)
    page.result.enums_attached += attached
    for leftover in enum_tables_left:
        page.report(leftover.line, "partial", "enumeration table not attached to any parameter")
    title = _title(page)
    examples, sample = _code_blocks(page)
    row_limit, row_limit_conflict = _row_limit(facts)
    if row_limit_conflict is not None:
        stated = " and ".join(map(str, row_limit_conflict.stated))
        page.report(api_line, "partial", f"{api_name}: the page states caps {stated}; kept the smaller, {row_limit}")
    common = {
        "title": title,
        "category": category,
        "row_limit": row_limit,
        "row_limit_conflict": row_limit_conflict,
        "permission": facts.permission,
        "rate_limits": facts.rate_limits,
        "paging": row_limit is not None or page.lists_paging_params,
        "fields": fields_table,
        "examples": examples,
        "sample": sample,
        "notes": facts.notes,
    }
    kind = "sdk_scraper" if api_name in scrapers else "http"
    main_params, main_groups = read_groups(api_name, main_params, facts.notes, examples)
    _add(
        page,
        api_line,
        api_name=api_name,
        kind=kind,
        description=facts.description,
        source=SourceRef(path=path, line=api_line),
        points=facts.points,
        params=main_params,
        param_groups=main_groups,
        **common,
    )
    for variant, (line, sentence) in sorted(facts.variants.items()):
        if variant == api_name:
            continue
        variant_params = params_tables.get(variant)
        page.result.enums_attached += attach_enums(variant_params or [], enum_tables)[1]
        if variant_params is None:
            variant_params = _variant_params(main_params, sentence)
        # A variant offered for 全部 (all companies) needs none of the main interface's parameters.
        variant_groups: list[ParamGroup] = []
        if "全部" not in sentence:
            variant_params, variant_groups = read_groups(variant, variant_params, facts.notes, examples)
        _add(
            page,
            line,
            api_name=variant,
            kind=kind,
            description=f"{facts.description} {sentence}".strip(),
            source=SourceRef(path=path, line=line),
            points=phrases.required_points(sentence) or facts.points,
            params=variant_params,
            param_groups=variant_groups,
            variant_of=api_name,
            **common,
        )
    if not fields_table and kind == "http":
        page.report(api_line, "partial", f"{api_name}: no output-field table found")
    return page.result


def _variant_params(params: list[Param], sentence: str) -> list[Param]:
    """A 参数一致 variant shares the params; one offered for 全部 (all companies) needs none of them, and one that
    "只支持一个个股票提取" takes a single code."""
    if "全部" in sentence:
        params = [param.model_copy(update={"required": False}) for param in params]
    if _SINGLE_CODE.search(sentence):
        params = [
            param.model_copy(update={"multi": False}) if param.name.endswith("code") else param for param in params
        ]
    return params


def _add(page: _Page, line: int, **values: object) -> None:
    try:
        page.result.interfaces.append(Interface.model_validate(values))
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        page.report(
            line,
            "skipped",
            f"interface {values.get('api_name')!r} invalid: {where}: {first['msg']}",
        )


def _api_declaration(page: _Page) -> tuple[str, int] | None:
    for block in page.blocks:
        if isinstance(block, Text):
            match = _API_LINE.match(block.text)
            if match:
                return match.group(1), block.line
    return None


def _title(page: _Page) -> str:
    for block in page.blocks:
        if isinstance(block, Heading):
            return block.text
    return page.path.rsplit("/", 1)[-1].removesuffix(".md")


def _read_prose(page: _Page, api_line: int) -> _Facts:
    facts = _Facts()
    for index, block in enumerate(page.blocks):
        if not isinstance(block, Text) or block.line == api_line or _is_caption(page, index):
            continue
        key, value = _split_key(block.text)
        cap = phrases.row_limit(block.text)
        if cap is not None and all(cap != known for known, _ in facts.row_limits):
            facts.row_limits.append((cap, block.text))
        if key in ("描述", "接口说明") and not facts.description:
            facts.description = value
            continue
        facts.notes.append(block.text)
        if key in _POINTS_KEYS:
            _read_points(facts, value)
        elif facts.points_elsewhere is None:
            facts.points_elsewhere = phrases.required_points(value)
        if key in _RATE_KEYS:
            facts.rate_limits.extend(rule for rule in phrases.rate_limits(value) if rule not in facts.rate_limits)
        for pattern in (_VARIANT, _NAMED_VARIANT):
            for match in pattern.finditer(block.text):
                facts.variants.setdefault(match.group(1), (block.line, block.text))
    if facts.points is None:
        # "限量：单次最大7000条，…正式权限需要5000积分" states points outside a 积分/权限 line
        facts.points = facts.points_elsewhere
    return facts


def _read_points(facts: _Facts, value: str) -> None:
    if facts.points is None:
        facts.points = phrases.required_points(value)
    if facts.permission is None:
        facts.permission = _permission(value)


def _permission(value: str) -> Permission | None:
    separate = phrases.separate_permission(value)
    base = phrases.base_tier(value) and phrases.required_points(value) is None
    trial = phrases.trial_points(value)
    if not (separate or base or trial is not None):
        return None
    return Permission(separate=separate, base_tier=base, trial_points=trial, text=value)


def _row_limit(facts: _Facts) -> tuple[int | None, RowLimitConflict | None]:
    """The page's row cap; caps that disagree resolve to the smaller (the safe page size), the conflict kept."""
    if not facts.row_limits:
        return None, None
    caps = [cap for cap, _ in facts.row_limits]
    if len(caps) == 1:
        return caps[0], None
    return min(caps), RowLimitConflict(stated=caps, texts=[text for _, text in facts.row_limits])


def _split_key(text: str) -> tuple[str, str]:
    match = _KEY_VALUE.match(text)
    if match is None:
        return "", text
    return match.group(1).strip(), match.group(2).strip()


def _is_caption(page: _Page, index: int) -> bool:
    """A short text line directly above a table or code block names it (输入参数, 数据样例...)."""
    if index + 1 >= len(page.blocks) or not isinstance(page.blocks[index + 1], Table | Code):
        return False
    block = page.blocks[index]
    return isinstance(block, Text) and _KEY_VALUE.match(block.text) is None


def _classify_tables(
    page: _Page, api_name: str
) -> tuple[dict[str, list[Param]], list[OutputField], list[tuple[Table, str]]]:
    params: dict[str, list[Param]] = {}
    fields: list[OutputField] | None = None
    enums: list[tuple[Table, str]] = []
    for index, block in enumerate(page.blocks):
        if not isinstance(block, Table):
            continue
        caption = page.caption(index)
        for problem in block.problems:
            page.report(block.line, "partial", problem)
        header = "|".join(block.header)
        params_caption = _PARAMS_CAPTION.match(caption)
        if "必选" in header or "必须" in header or (params_caption and block.header[0] == "名称"):
            owner = (params_caption.group(1) if params_caption else None) or api_name
            if owner in params:
                page.report(block.line, "partial", f"second input table for {owner} ignored")
            else:
                params[owner] = _params(page, block)
        elif (
            "默认显示" in header
            or "默认输出" in header
            or (_FIELDS_CAPTION.search(caption) and block.header[0] in ("名称", "字段"))
        ):
            if fields is None:
                fields = _fields(page, block)
            else:
                page.report(block.line, "partial", f"further output table ({caption}) ignored")
        else:
            enums.append((block, caption))
    return params, fields or [], enums


def _params(page: _Page, table: Table) -> list[Param]:
    name_col = column_index(table.header, "名称") or 0
    type_col = column_index(table.header, "类型")
    required_col = column_index(table.header, "必选", "必须")
    description_col = column_index(table.header, "描述", "说明")
    example_col = column_index(table.header, "示例")
    params: list[Param] = []
    for line, row in zip(table.row_lines, table.rows, strict=True):
        name = cell(row, name_col)
        if not _PARAM_NAME.match(name):
            page.report(line, "partial", f"input row skipped: {name!r} is not a name")
            continue
        if name in _ENVELOPE_PARAMS | _PAGING_PARAMS:
            page.lists_paging_params |= name in _PAGING_PARAMS
            continue
        if any(param.name == name for param in params):
            page.report(line, "partial", f"duplicate input parameter {name!r} skipped")
            continue
        wire = cell(row, type_col) or "str"
        description = cell(row, description_col)
        example = cell(row, example_col)
        if example:
            description = f"{description}（示例：{example}）"
        value_format = types.param_format(name, wire, description)
        params.append(
            Param(
                name=name,
                type=wire,
                python_type=types.param_python_type(wire, value_format),
                required=cell(row, required_col).upper() in ("Y", "YES", "是"),
                description=description,
                format=value_format,
                multi=types.accepts_many(description),
            )
        )
    return params


def _fields(page: _Page, table: Table) -> list[OutputField]:
    name_col = column_index(table.header, "名称", "字段") or 0
    type_col = column_index(table.header, "类型")
    default_col = column_index(table.header, "默认显示", "默认输出")
    description_col = column_index(table.header, "描述", "中文含义", "说明")
    fields: list[OutputField] = []
    for line, row in zip(table.row_lines, table.rows, strict=True):
        name = cell(row, name_col)
        if not _FIELD_NAME.match(name):
            page.report(line, "partial", f"output row skipped: {name!r} is not a column")
            continue
        if any(existing.name == name for existing in fields):
            page.report(line, "partial", f"duplicate output column {name!r} skipped")
            continue
        wire = cell(row, type_col) or "str"
        if not types.known_wire_type(wire):
            page.report(line, "partial", f"column {name!r} has type {wire!r}; read as str")
        default = cell(row, default_col).upper() if default_col is not None else "Y"
        fields.append(
            OutputField(
                name=name,
                attr=types.identifier(name),
                type=wire,
                python_type=types.python_type(wire),
                default=default != "N",
                description=cell(row, description_col),
            )
        )
    return fields


def _code_blocks(page: _Page) -> tuple[list[str], str | None]:
    examples: list[str] = []
    sample: str | None = None
    for index, block in enumerate(page.blocks):
        if not isinstance(block, Code) or not block.text.strip():
            continue
        if _SAMPLE_CAPTION.search(page.caption(index)):
            sample = sample or block.text
        elif "pro." in block.text or "ts." in block.text:
            examples.append(block.text)
    return examples, sample
