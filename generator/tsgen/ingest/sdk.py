"""Facts about the HTTP API read from the tushare SDK source with libcst (the SDK is never imported:
importing it is slow and fails on a clean install for want of `six`)."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import libcst.matchers as m

from tsgen.model import ProBarValues, SdkDispatch, SdkFacts, SdkFunction, SdkParam

CLIENT_MODULE = "pro/client.py"
COMPOSITE_MODULE = "pro/data_pro.py"
# SDK-side scrapers that look like interfaces in the docs but never reach the HTTP API.
SCRAPERS = {
    "realtime_quote": "stock/rtq.py",
    "realtime_list": "stock/rtq.py",
    "realtime_tick": "stock/histroy_divide.py",
}


class SdkSourceError(Exception):
    """The SDK source does not have the shape this reader expects (a new SDK version?)."""


def _module(package: Path, relative: str) -> cst.Module:
    path = package / relative
    try:
        return cst.parse_module(path.read_text(encoding="utf-8"))
    except (OSError, cst.ParserSyntaxError) as error:
        raise SdkSourceError(f"cannot parse {path}: {error}") from error


def _code(module: cst.Module, node: cst.CSTNode) -> str:
    return module.code_for_node(node).strip()


def _function(module: cst.Module, name: str, relative: str) -> tuple[cst.FunctionDef, SdkFunction]:
    found = m.findall(module, m.FunctionDef(name=m.Name(name)))
    if not found:
        raise SdkSourceError(f"{relative} defines no function {name!r}")
    node = cst.ensure_type(found[0], cst.FunctionDef)
    params = [
        SdkParam(name=p.name.value, default=_code(module, p.default) if p.default else None) for p in node.params.params
    ]
    return node, SdkFunction(
        name=name,
        module="tushare." + relative.removesuffix(".py").replace("/", "."),
        params=params,
        docstring=(node.get_docstring(clean=True) or "").strip(),
    )


def _string_value(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _client_facts(module: cst.Module) -> tuple[str, str, list[str], list[str], float | None]:
    http_url: str | None = None
    for assign in m.findall(
        module,
        m.Assign(targets=[m.AssignTarget(target=m.Name("_DataApi__http_url") | m.Name("__http_url"))]),
    ):
        http_url = _string_value(cst.ensure_type(assign, cst.Assign).value)
    if http_url is None:
        raise SdkSourceError(f"{CLIENT_MODULE}: no `__http_url = '...'` assignment")
    query = m.findall(module, m.FunctionDef(name=m.Name("query")))
    if not query:
        raise SdkSourceError(f"{CLIENT_MODULE}: DataApi has no query method")
    body = query[0]
    request_keys: list[str] = []
    for element in m.findall(body, m.DictElement()):
        key = _string_value(cst.ensure_type(element, cst.DictElement).key)
        if key is not None and key not in request_keys:
            request_keys.append(key)
    response_keys: list[str] = []
    for subscript in m.findall(body, m.SubscriptElement(slice=m.Index(value=m.SimpleString()))):
        element = cst.ensure_type(subscript, cst.SubscriptElement)
        key = _string_value(cst.ensure_type(element.slice, cst.Index).value)
        if key is not None and key not in response_keys:
            response_keys.append(key)
    url_template = ""
    for call in m.findall(body, m.Call(func=m.Attribute(value=m.Name("requests"), attr=m.Name("post")))):
        first = cst.ensure_type(call, cst.Call).args[0].value
        url_template = _code(module, first)
    timeout: float | None = None
    for init in m.findall(module, m.FunctionDef(name=m.Name("__init__"))):
        for param in cst.ensure_type(init, cst.FunctionDef).params.params:
            if param.name.value == "timeout" and isinstance(param.default, cst.Integer | cst.Float):
                timeout = float(param.default.value)
    return http_url, url_template, request_keys, response_keys, timeout


class _DispatchCollector(cst.CSTVisitor):
    """`api.<interface>(...)` calls inside pro_bar, each with the if-conditions that lead to it."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self.conditions: list[str] = []
        self.dispatches: list[SdkDispatch] = []

    def visit_If_body(self, node: cst.If) -> None:
        self.conditions.append(_code(self.module, node.test))

    def leave_If_body(self, node: cst.If) -> None:
        self.conditions.pop()

    def visit_Call(self, node: cst.Call) -> None:
        if m.matches(node.func, m.Attribute(value=m.Name("api"))):
            api_name = cst.ensure_type(node.func, cst.Attribute).attr.value
            dispatch = SdkDispatch(api_name=api_name, when=list(self.conditions))
            if dispatch not in self.dispatches:
                self.dispatches.append(dispatch)


def _compared(node: cst.CSTNode, name: str) -> list[str]:
    """String literals `name` is compared with (`name == 'x'`) or looked up in (`'x' in name`), in order."""
    values: list[str] = []
    for found in m.findall(node, m.Comparison()):
        comparison = cst.ensure_type(found, cst.Comparison)
        for target in comparison.comparisons:
            value: str | None = None
            if m.matches(comparison.left, m.Name(name)) and isinstance(target.operator, cst.Equal):
                value = _string_value(target.comparator)
            elif m.matches(target.comparator, m.Name(name)) and isinstance(target.operator, cst.In):
                value = _string_value(comparison.left)
            if value is not None and value not in values:
                values.append(value)
    return values


def _pro_bar_values(node: cst.FunctionDef) -> ProBarValues:
    # Short frequencies are upper-cased for every asset but coins (C), whose own 'd'/'w' are left out.
    freqs = [value for value in _compared(node, "freq") if value != "min" and value == value.upper()]
    ma_checks = m.findall(node, m.Call(func=m.Name("isinstance"), args=[m.Arg(), m.Arg(value=m.Name())]))
    if not ma_checks:
        raise SdkSourceError(f"{COMPOSITE_MODULE}: pro_bar no longer checks the type of `ma` items")
    ma_type = cst.ensure_type(cst.ensure_type(ma_checks[0], cst.Call).args[1].value, cst.Name).value
    merges = m.findall(node, m.Call(func=m.Attribute(attr=m.Name("merge"))))
    # The first `.merge(...)` joins the factors; without `how=` pandas joins inner.
    hows = [
        next(
            (
                _string_value(arg.value)
                for arg in cst.ensure_type(call, cst.Call).args
                if arg.keyword is not None and arg.keyword.value == "how"
            ),
            "inner",
        )
        for call in merges
    ]
    return ProBarValues(
        assets=_compared(node, "asset"),
        freqs=freqs,
        adj=_compared(node, "adj"),
        factors=_compared(node, "factors"),
        ma_type=ma_type,
        factors_join=hows[0] or "inner" if hows else "none",
    )


def read_sdk(package: Path, label: str) -> SdkFacts:
    client = _module(package, CLIENT_MODULE)
    http_url, url_template, request_keys, response_keys, timeout = _client_facts(client)
    composite = _module(package, COMPOSITE_MODULE)
    pro_bar_node, pro_bar = _function(composite, "pro_bar", COMPOSITE_MODULE)
    collector = _DispatchCollector(composite)
    pro_bar_node.visit(collector)
    scrapers = [_function(_module(package, path), name, path)[1] for name, path in sorted(SCRAPERS.items())]
    return SdkFacts(
        distribution=label,
        http_url=http_url,
        url_template=url_template,
        request_keys=request_keys,
        response_keys=response_keys,
        default_timeout=timeout,
        pro_bar=pro_bar,
        pro_bar_dispatches=collector.dispatches,
        pro_bar_values=_pro_bar_values(pro_bar_node),
        scrapers=scrapers,
    )
