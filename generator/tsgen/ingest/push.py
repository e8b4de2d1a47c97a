"""tushare's push feed, read from the SDK source with libcst (never imported): the endpoint and the two actions of
its subscriber (`subs/ts_subs/subscribe.py`), the record models (`subs/model/*.py`, pydantic classes whose fields
become typed records), and the topics, each tied to the record its frames carry.

Which topic carries which record is not in the SDK source (its subscriber hands callers the raw dict): that is the
reviewed table `TOPICS`; ingest checks every record it names exists and says which topics the SDK itself names.
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import libcst.matchers as m

from tsgen.ingest.sdk import SdkSourceError
from tsgen.model import PushFacts, PushField, PushRecord, PushTopic, PushType

SUBSCRIBER_MODULE = "subs/ts_subs/subscribe.py"
MODEL_FOLDER = "subs/model"

_CODE = r"[0-9A-Za-z*?_-]+(\.[0-9A-Za-z*?]+)?"
_TICK_CODES = rf"^{_CODE}$"
_BAR_CODES = rf"^(1|5|15|30|60)MIN:{_CODE}$"
# (topic, record model, description, code pattern, example code): reviewed against tushare's push documentation.
TOPICS: tuple[tuple[str, str, str, str, str], ...] = (
    ("HQ_STK_TICK", "TsTick", "A-share stock ticks: last price and ten levels of the book", _TICK_CODES, "000001.SZ"),
    ("HQ_STK_MIN", "TsMin", "A-share stock minute bars; codes are FREQ:code", _BAR_CODES, "1MIN:000001.SZ"),
    ("HQ_FUT_MIN", "TsMin", "futures minute bars; codes are FREQ:code", _BAR_CODES, "1MIN:CU2501.SHF"),
    ("HQ_IDX_TICK", "TsTickIdx", "index ticks", _TICK_CODES, "000300.SH"),
    ("HQ_OPT_TICK", "TsTickOpt", "option ticks", _TICK_CODES, "10004354.SH"),
    ("HQ_FUT_TICK", "TsTickFuture", "futures ticks", _TICK_CODES, "CU2501.SHF"),
)
_TYPES: dict[str, PushType] = {"str": "str", "int": "int", "float": "float", "datetime": "datetime"}


def _parse(package: Path, relative: str) -> cst.Module:
    path = package / relative
    try:
        return cst.parse_module(path.read_text(encoding="utf-8"))
    except (OSError, cst.ParserSyntaxError) as error:
        raise SdkSourceError(f"cannot parse {path}: {error}") from error


def _string(node: cst.BaseExpression | None) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _field(line: cst.SimpleStatementLine, where: str) -> PushField | None:
    statement = line.body[0] if line.body else None
    if not isinstance(statement, cst.AnnAssign) or not isinstance(statement.target, cst.Name):
        return None
    annotation = statement.annotation.annotation
    required = True
    if m.matches(annotation, m.Subscript(value=m.Name("Optional"))):
        required = False
        annotation = cst.ensure_type(cst.ensure_type(annotation, cst.Subscript).slice[0].slice, cst.Index).value
    type_name = annotation.value if isinstance(annotation, cst.Name) else None
    if type_name not in _TYPES:
        raise SdkSourceError(f"{where}.{statement.target.value}: unsupported annotation (a new SDK version?)")
    comment = line.trailing_whitespace.comment
    return PushField(
        name=statement.target.value,
        python_type=_TYPES[type_name],
        required=required,
        comment=comment.value.lstrip("#").strip() if comment else "",
    )


def _records(package: Path) -> list[PushRecord]:
    records: list[PushRecord] = []
    for path in sorted((package / MODEL_FOLDER).glob("*.py")):
        relative = path.relative_to(package).as_posix()
        module_name = "tushare." + relative.removesuffix(".py").replace("/", ".")
        for found in m.findall(_parse(package, relative), m.ClassDef(bases=[m.Arg(value=m.Name("BaseModel"))])):
            node = cst.ensure_type(found, cst.ClassDef)
            where = f"{relative}:{node.name.value}"
            lines = [line for line in node.body.body if isinstance(line, cst.SimpleStatementLine)]
            fields = [field for field in (_field(line, where) for line in lines) if field is not None]
            records.append(PushRecord(name=node.name.value, module=module_name, fields=fields))
    if not records:
        raise SdkSourceError(f"{MODEL_FOLDER} defines no pydantic record models (a new SDK version?)")
    return records


def _subscriber_facts(module: cst.Module) -> tuple[str, dict[str, str], set[str]]:
    """The `self.url = '...'` endpoint, the action of each method's `{"action": ...}` message, the topics named."""
    url: str | None = None
    for assign in m.findall(module, m.Assign(targets=[m.AssignTarget(target=m.Attribute(attr=m.Name("url")))])):
        url = _string(cst.ensure_type(assign, cst.Assign).value) or url
    if url is None:
        raise SdkSourceError(f"{SUBSCRIBER_MODULE}: no `self.url = '...'` assignment")
    actions: dict[str, str] = {}
    for function in m.findall(module, m.FunctionDef()):
        for element in m.findall(function, m.DictElement(key=m.SimpleString())):
            dict_element = cst.ensure_type(element, cst.DictElement)
            value = _string(dict_element.value)
            if _string(dict_element.key) == "action" and value is not None:
                actions[cst.ensure_type(function, cst.FunctionDef).name.value] = value
    topics = {
        value
        for arg in m.findall(module, m.Arg(keyword=m.Name("topic")))
        if (value := _string(cst.ensure_type(arg, cst.Arg).value)) is not None
    }
    return url, actions, topics


def read_push(package: Path, label: str) -> PushFacts:
    url, actions, named = _subscriber_facts(_parse(package, SUBSCRIBER_MODULE))
    subscribe, ping = actions.get("on_open"), actions.get("threading_keepalive_ping")
    if subscribe is None or ping is None:
        raise SdkSourceError(f"{SUBSCRIBER_MODULE}: no action message in on_open or in the keep-alive ping")
    records = _records(package)
    known = {record.name for record in records}
    topics: list[PushTopic] = []
    for name, record, description, pattern, example in TOPICS:
        if record not in known:
            raise SdkSourceError(f"push topic {name}: the SDK has no record model {record} (known: {sorted(known)})")
        topics.append(
            PushTopic(
                name=name,
                record=record,
                description=description,
                code_pattern=pattern,
                code_example=example,
                in_sdk_source=name in named,
            )
        )
    return PushFacts(
        distribution=label, url=url, subscribe_action=subscribe, ping_action=ping, topics=topics, records=records
    )
