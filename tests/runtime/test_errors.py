"""The error hierarchy, its stable codes, and the mapping from tushare replies."""

from __future__ import annotations

import ast
import inspect
import json
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tushare_typed import errors
from tushare_typed.errors import (
    AuthError,
    CircuitOpenError,
    ErrorCategory,
    MissingTokenError,
    ParameterError,
    PermissionDenied,
    PermissionDeniedError,
    RateLimitError,
    ServerParameterError,
    ServiceError,
    TushareError,
    UnknownError,
    error_from_reply,
    parse_rate_limit,
    redact_text,
)

from .fakes import NO_PERMISSION, RATE_MINUTE, synthetic_token

# A set first: the PermissionDenied alias names the same class twice.
ALL_ERRORS = sorted(
    {
        cls
        for _, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, TushareError) and cls.__module__ == errors.__name__
    },
    key=lambda cls: cls.__name__,
)
CATEGORY_BASES = {
    ErrorCategory.AUTH: AuthError,
    ErrorCategory.PARAMETER: ParameterError,
    ErrorCategory.RATE_LIMIT: RateLimitError,
    ErrorCategory.SERVICE: ServiceError,
    ErrorCategory.UNKNOWN: UnknownError,
}


def _map(code: int, msg: str) -> TushareError:
    return error_from_reply(code, msg, api_name="daily", request_id="rid-1")


# --- the hierarchy ----------------------------------------------------------------------------


def test_every_error_class_has_a_unique_code_in_the_documented_table() -> None:
    codes = [cls.default_code for cls in ALL_ERRORS if cls is not TushareError]
    assert len(codes) == len(set(codes))
    doc = errors.__doc__ or ""
    for code in codes:
        assert re.fullmatch(r"(AUTH|PARAM|RATE|SERVICE|UNK)-\d{3}", code)
        assert code in doc, f"{code} is missing from the module docstring table"


@pytest.mark.parametrize("cls", [c for c in ALL_ERRORS if c is not TushareError])
def test_every_error_sits_under_its_category_base(cls: type[TushareError]) -> None:
    assert issubclass(cls, CATEGORY_BASES[cls.category])
    assert cls.default_remediation.strip()


def test_the_named_codes_of_the_design() -> None:
    assert AuthError.default_code == "AUTH-001"
    assert MissingTokenError.default_code == "AUTH-002"
    assert ParameterError.default_code == "PARAM-101"
    assert ServerParameterError.default_code == "PARAM-102"
    assert RateLimitError.default_code == "RATE-201"
    assert ServiceError.default_code == "SERVICE-301"
    assert UnknownError.default_code == "UNK-999"
    assert PermissionDenied is PermissionDeniedError
    assert issubclass(PermissionDeniedError, AuthError)


def test_an_error_carries_every_attribute() -> None:
    error = ParameterError("bad date", api_name="daily", request_id="r1", tushare_code=None, remediation="fix it")
    assert error.code == "PARAM-101"
    assert error.category is ErrorCategory.PARAMETER
    assert error.message == "bad date"
    assert error.remediation == "fix it"
    assert (error.api_name, error.request_id, error.tushare_code) == ("daily", "r1", None)
    assert error.partial is None
    assert error.next_offset is None
    assert error.args == ("bad date",)


def test_str_and_repr_show_code_context_and_remediation() -> None:
    error = _map(40101, "您的token不对，请确认。")
    text = str(error)
    assert text.startswith("[AUTH-001] ")
    assert "api_name=daily" in text
    assert "request_id=rid-1" in text
    assert "tushare_code=40101" in text
    assert "Remediation:" in text
    assert repr(error).startswith("AuthError(code='AUTH-001'")


def test_a_token_in_a_message_is_masked_everywhere() -> None:
    token = synthetic_token()
    error = UnknownError(f"server echoed {token}", remediation=f"not {token.upper()}")
    for text in (str(error), repr(error), error.message, error.remediation, *map(str, error.args)):
        assert token not in text
        assert token.upper() not in text


def test_errors_survive_pickling_with_their_attributes() -> None:
    error = _map(40203, RATE_MINUTE)
    error.next_offset = 6000
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
    assert type(copy) is RateLimitError
    assert isinstance(copy, RateLimitError)
    assert (copy.code, copy.limit_calls, copy.limit_period) == ("RATE-201", 50, 60.0)
    assert (copy.request_id, copy.next_offset, copy.message) == ("rid-1", 6000, error.message)


def test_circuit_open_error_is_not_retryable_but_other_service_errors_are() -> None:
    assert ServiceError.retryable
    assert not CircuitOpenError.retryable
    assert CircuitOpenError("open", retry_after=3.0).retry_after == 3.0
    assert not AuthError.retryable
    assert not RateLimitError.retryable


# --- the mapping ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "msg", "cls", "err_code"),
    [
        (40101, "您的token不对，请确认。", AuthError, "AUTH-001"),
        (40101, "", AuthError, "AUTH-001"),
        (2002, "抱歉，您没有访问该接口的权限", PermissionDeniedError, "AUTH-003"),
        (-2002, "no permission", PermissionDeniedError, "AUTH-003"),
        (40203, NO_PERMISSION, PermissionDeniedError, "AUTH-003"),
        (40203, "抱歉，您没有访问该接口的权限", PermissionDeniedError, "AUTH-003"),
        (-2001, "参数错误: start_date 格式不正确", ServerParameterError, "PARAM-102"),
        (40203, RATE_MINUTE, RateLimitError, "RATE-201"),
        (40203, "频率超限", RateLimitError, "RATE-201"),
        (40203, "谁也看不懂的消息", UnknownError, "UNK-999"),
        (12345, "新的错误", UnknownError, "UNK-999"),
        (-1, "系统内部错误", UnknownError, "UNK-999"),
    ],
)
def test_reply_codes_map_to_typed_errors(code: int, msg: str, cls: type[TushareError], err_code: str) -> None:
    error = _map(code, msg)
    assert type(error) is cls
    assert error.code == err_code
    assert error.tushare_code == code
    assert (error.api_name, error.request_id) == ("daily", "rid-1")
    if msg:
        assert msg in error.message


def test_unknown_codes_keep_the_raw_code_and_message() -> None:
    error = _map(777, "原样保留")
    assert error.tushare_code == 777
    assert "777" in error.message
    assert "原样保留" in error.message


@pytest.mark.parametrize(
    ("msg", "calls", "period"),
    [
        ("抱歉，您每分钟最多访问该接口50次", 50, 60.0),
        (RATE_MINUTE, 50, 60.0),
        ("抱歉，您每小时最多访问该接口20次", 20, 3600.0),
        ("抱歉，您每天最多访问该接口1000次", 1000, 86400.0),
        ("抱歉，您每日最多访问该接口5次", 5, 86400.0),
        ("频率超限", None, 60.0),
    ],
)
def test_rate_limit_replies_state_their_cap(msg: str, calls: int | None, period: float) -> None:
    error = _map(40203, msg)
    assert isinstance(error, RateLimitError)
    assert error.limit_calls == calls
    assert error.limit_period == period
    assert parse_rate_limit(msg) == (calls, period)


def test_parse_rate_limit_rejects_other_messages() -> None:
    assert parse_rate_limit("您的token不对") is None
    assert parse_rate_limit("") is None


def test_redact_text_masks_token_shaped_runs_only() -> None:
    token = synthetic_token()
    assert redact_text(f"a {token} b") == "a *** b"
    assert redact_text("request 0123abcd and 20240102") == "request 0123abcd and 20240102"


@given(code=st.integers(), msg=st.text(max_size=200))
def test_any_reply_code_maps_to_a_tushare_error(code: int, msg: str) -> None:
    if code == 0:
        return
    error = error_from_reply(code, msg, api_name=None, request_id=None)
    assert isinstance(error, TushareError)
    assert error.code
    assert error.remediation
    assert str(error)


@given(prefix=st.text(max_size=30), suffix=st.text(max_size=30))
def test_a_token_never_survives_in_a_mapped_message(prefix: str, suffix: str) -> None:
    token = synthetic_token()
    error = error_from_reply(40203, prefix + token + suffix, api_name="x", request_id=None)
    assert token not in str(error)
    assert token not in repr(error)


# --- a leaf module ----------------------------------------------------------------------------

# What `import tushare_typed.errors` may load of the package: the root (and what it loads itself), and redact.
LEAVES = {
    "tushare_typed",
    "tushare_typed._version",
    "tushare_typed._internal",
    "tushare_typed._internal.lazy",
    "tushare_typed._internal.redact",
    "tushare_typed.errors",
}
LEAF_PROBE = """
import json, sys
import tushare_typed.errors
{then}
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in ("tushare_typed", "pydantic"))))
"""


def _loaded_by(then: str = "") -> set[str]:
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", LEAF_PROBE.format(then=then)], capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stdout))


@pytest.mark.timeout(60)
def test_errors_imports_only_leaf_modules() -> None:
    loaded = _loaded_by()
    assert "tushare_typed.errors" in loaded
    assert loaded <= LEAVES, sorted(loaded - LEAVES)


@pytest.mark.timeout(60)
def test_the_reply_mapping_still_loads_from_errors_on_first_use() -> None:
    # Also the proof that the probe above sees a non-leaf import: using the moved name loads the mapping and hints.
    loaded = _loaded_by("tushare_typed.errors.error_from_reply(40101, 'x', api_name=None, request_id=None)")
    assert {"tushare_typed._internal.reply_errors", "tushare_typed._internal.hints"} <= loaded - LEAVES
    from tushare_typed._internal import reply_errors

    assert (errors.error_from_reply, errors.parse_rate_limit) == (
        reply_errors.error_from_reply,
        reply_errors.parse_rate_limit,
    )
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = errors.no_such_name


def _package_imports(tree: ast.AST) -> set[str]:
    """The package modules a module's code imports anywhere (function bodies too), but for the type checker
    (``if TYPE_CHECKING``) and the module ``__getattr__`` that serves names moved elsewhere."""
    found: set[str] = set()
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            continue
        if isinstance(node, ast.FunctionDef) and node.name == "__getattr__":
            continue
        if isinstance(node, ast.ImportFrom) and node.level:
            found.add(node.module or "")
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "tushare_typed"}
        else:
            found |= _package_imports(node)
    return found


@pytest.mark.timeout(10)
def test_errors_code_imports_only_leaf_modules() -> None:
    # The fresh interpreter above misses imports made inside functions, as error_from_reply's hints once were.
    tree = ast.parse(Path(errors.__file__).read_text(encoding="utf-8"))
    assert _package_imports(tree) == {"_internal.redact"}
    with_hints = ast.parse("def error_from_reply():\n    from ._internal.hints import add_hints\n")
    assert _package_imports(with_hints) == {"_internal.hints"}
