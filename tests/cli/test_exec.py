"""`exec`: call an interface through the typed client, page with progress, write table / CSV / JSON / parquet,
and turn every failure into a message and an exit status."""

from __future__ import annotations

import csv
import importlib
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tushare_typed import TushareClient
from tushare_typed.catalog import ParamSpec, load_catalog
from tushare_typed.cli import CliUsageError
from tushare_typed.cli.exec import convert_value
from tushare_typed.testing import Faults, TushareEmulator

from .conftest import assert_clean_failure, run

DAILY = ("daily", "-p", "ts_code=000001.SZ")
ONE_STOCK = {"ts_code": "000001.SZ"}


def emulator_records(emulator: TushareEmulator, params: dict[str, Any], fields: str = "") -> list[dict[str, Any]]:
    names, items = emulator.rows("daily", params, fields)
    return [dict(zip(names, item, strict=True)) for item in items]


@pytest.mark.tushare_emulator(total_rows=30)
def test_the_default_output_is_a_table(tushare_emulator: TushareEmulator) -> None:
    result = run("exec", *DAILY, "--fields", "trade_date,close")
    lines = result.stdout.splitlines()
    expected = emulator_records(tushare_emulator, ONE_STOCK, "trade_date,close")
    assert result.exit_code == 0
    assert lines[0].split() == ["trade_date", "close"]
    assert [line.split() for line in lines[2:]] == [[r["trade_date"], str(r["close"])] for r in expected]
    assert result.stderr == ""  # one page: no progress, and complete


@pytest.mark.tushare_emulator(total_rows=30)
def test_csv_output_holds_every_row(tushare_emulator: TushareEmulator) -> None:
    result = run("exec", *DAILY, "--format", "csv")
    records = list(csv.DictReader(io.StringIO(result.stdout)))
    expected = emulator_records(tushare_emulator, ONE_STOCK)
    assert [record["trade_date"] for record in records] == [r["trade_date"] for r in expected]
    assert [float(record["close"]) for record in records] == [r["close"] for r in expected]


@pytest.mark.tushare_emulator(total_rows=30)
def test_json_output_is_the_rows_as_objects(tushare_emulator: TushareEmulator) -> None:
    result = run("exec", *DAILY, "--format", "json", "--fields", "ts_code,vol")
    assert json.loads(result.stdout) == emulator_records(tushare_emulator, ONE_STOCK, "ts_code,vol")


@pytest.mark.tushare_emulator(total_rows=30)
def test_parquet_output_goes_to_a_file(tushare_emulator: TushareEmulator, tmp_path: Path) -> None:
    out = tmp_path / "daily.parquet"
    result = run("exec", *DAILY, "--format", "parquet", "--out", str(out))
    table = importlib.import_module("pyarrow.parquet").read_table(out)  # pyarrow ships no type information
    assert result.exit_code == 0
    assert result.stderr == f"wrote 30 rows to {out}\n"
    assert table.column("trade_date").to_pylist() == [
        r["trade_date"] for r in emulator_records(tushare_emulator, ONE_STOCK)
    ]
    assert str(table.schema.field("close").type) == "double"


@pytest.mark.tushare_emulator(total_rows=30)
def test_parquet_without_pyarrow_says_what_to_install(
    tushare_emulator: TushareEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("pyarrow", "pyarrow.parquet"):
        monkeypatch.setitem(sys.modules, name, None)  # makes `import pyarrow` fail, as when it is not installed
    result = run("exec", *DAILY, "--format", "parquet", "--out", str(tmp_path / "x.parquet"))
    assert_clean_failure(result, 1)
    assert "needs the optional pyarrow package" in result.stderr
    assert "pip install 'tushare-typed[pyarrow]'" in result.stderr
    assert tushare_emulator.calls() == 0  # checked before spending a call


def test_parquet_needs_an_output_file() -> None:
    assert_clean_failure(run("exec", *DAILY, "--format", "parquet"), 2)


@pytest.mark.tushare_emulator(total_rows=40)
def test_out_writes_text_formats_to_the_file(tushare_emulator: TushareEmulator, tmp_path: Path) -> None:
    out = tmp_path / "daily.json"
    result = run("exec", *DAILY, "--format", "json", "-o", str(out))
    assert result.stdout == ""
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 40


@pytest.mark.tushare_emulator(total_rows=250, row_caps={"daily": 100}, overlap={"daily": 7})
def test_a_multi_page_fetch_reports_each_page_and_drops_repeats_only_by_key(tushare_emulator: TushareEmulator) -> None:
    result = run("exec", "daily", "--format", "json")
    rows = json.loads(result.stdout)
    # Rows repeated at page seams are dropped only when the catalog knows daily's key columns; without them a
    # repeat cannot be told from real data, so all 264 rows the server sent come back.
    keyed = bool(load_catalog().get("daily").keys)
    assert rows == emulator_records(tushare_emulator, {}) if keyed else len(rows) == 264
    assert result.stderr.splitlines() == [
        "daily: page 1, 100 rows fetched",
        "daily: page 2, 200 rows fetched",
        "daily: page 3, 264 rows fetched",
        f"daily: done, {250 if keyed else 264} rows from 3 pages",
    ]
    assert run("exec", "daily", "--quiet", "--format", "csv").stderr == ""


@pytest.mark.tushare_emulator(total_rows=250, row_caps={"daily": 100})
def test_max_rows_stops_early_and_offset_continues(tushare_emulator: TushareEmulator) -> None:
    first = run("exec", "daily", "--format", "json", "--max-rows", "150")
    rest = run("exec", "daily", "--format", "json", "--offset", "150")
    assert first.stderr.splitlines()[-1] == "more rows exist: continue with --offset 150"
    assert json.loads(first.stdout) + json.loads(rest.stdout) == emulator_records(tushare_emulator, {})


@pytest.mark.tushare_emulator(total_rows=20)
def test_an_enum_parameter_reaches_the_server(tushare_emulator: TushareEmulator) -> None:
    result = run("exec", "ft_mins", "-p", "ts_code=CU2310.SHF", "-p", "freq=30min", "--max-rows", "3")
    assert result.exit_code == 0
    assert tushare_emulator.records[-1].params["freq"] == "30min"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("exec", "daly"), "unknown tushare interface 'daly'; did you mean 'daily'"),
        (("exec", "daily", "-p", "ts_cod=1"), "daily has no parameter 'ts_cod'"),
        (("exec", "daily", "-p", "ts_code"), "--param 'ts_code' is not NAME=VALUE"),
        (("exec", "daily", "-p", "ts_code=A", "-p", "ts_code=B"), "--param ts_code is given twice"),
        (("exec", "ft_mins", "-p", "freq=1min"), "ft_mins needs ts_code"),
        (("exec", "daily", "--fields", "close,opne"), "daily has no field 'opne'"),
        (("exec", "daily", "--max-rows", "0"), "Invalid value for '--max-rows'"),
    ],
)
def test_command_line_mistakes_exit_2_before_any_call(args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_unknown_parameter_hint_suggests_and_lists() -> None:
    result = run("exec", "daily", "-p", "ts_cod=1")
    assert "hint: did you mean 'ts_code'? its parameters: ts_code, trade_date, start_date, end_date" in result.stderr


@pytest.mark.tushare_emulator(total_rows=5)
def test_a_value_the_client_rejects_points_to_describe(tushare_emulator: TushareEmulator) -> None:
    result = run("exec", "ft_mins", "-p", "ts_code=X", "-p", "freq=2min")
    assert_clean_failure(result, 1)
    assert result.stderr.startswith("error: [PARAM-101] invalid arguments for ft_mins: freq")
    assert "See the parameters with `tushare-typed describe ft_mins`." in result.stderr


def test_a_missing_token_says_how_to_set_one(tmp_path: Path) -> None:
    result = run("exec", *DAILY)
    assert_clean_failure(result, 1)
    assert result.stderr.startswith("error: [AUTH-002] no tushare token")
    assert "`tushare-typed token set`" in result.stderr


@pytest.mark.tushare_emulator(total_rows=5)
def test_a_wrong_token_is_reported_with_its_code(
    tushare_emulator: TushareEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUSHARE_TOKEN", "not-the-emulator-token")
    result = run("exec", *DAILY)
    assert_clean_failure(result, 1)
    assert result.stderr.startswith("error: [AUTH-001] tushare rejected the token")


@pytest.mark.tushare_emulator(denied=["daily"])
def test_a_permission_denial_is_reported_with_its_remediation(tushare_emulator: TushareEmulator) -> None:
    result = run("exec", *DAILY)
    assert_clean_failure(result, 1)
    assert result.stderr.startswith("error: [AUTH-003] no permission for 'daily'")
    from tushare_typed.catalog import load_catalog

    spec = load_catalog().get("daily")
    assert spec.points is not None or spec.permission is not None  # the metadata states daily's access
    stated = [f"{spec.points} points"] if spec.points is not None else []
    stated += [spec.permission.describe()] if spec.permission is not None else []
    assert f"hint: daily needs {' or '.join(stated)}" in result.stderr


@pytest.mark.tushare_emulator(total_rows=250, row_caps={"daily": 100}, faults=Faults(on_calls={2: "http_500"}))
def test_a_failure_midway_says_where_to_continue(
    tushare_emulator: TushareEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tushare_typed.cli._client.make_client", lambda timeout=None: TushareClient(max_retries=0))
    result = run("exec", "daily", "--format", "csv")
    assert_clean_failure(result, 1)
    assert "error: [SERVICE-301]" in result.stderr.splitlines()[0]
    assert "error: [SERVICE-301]" in result.stderr
    assert "fetch only the rest with --offset 100" in result.stderr
    assert result.stdout == ""


@pytest.mark.tushare_emulator(total_rows=5)
def test_an_unwritable_output_file_is_reported(tushare_emulator: TushareEmulator, tmp_path: Path) -> None:
    result = run("exec", *DAILY, "--format", "csv", "--out", str(tmp_path / "missing-dir" / "out.csv"))
    assert_clean_failure(result, 1)
    assert result.stderr.startswith("error: cannot write ")


def test_an_unexpected_error_has_no_traceback_unless_debugging(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(timeout: float | None = None) -> TushareClient:
        raise RuntimeError("boom")

    monkeypatch.setattr("tushare_typed.cli._client.make_client", broken)
    result = run("exec", *DAILY)
    assert_clean_failure(result, 1)
    assert result.stderr.startswith("error: unexpected RuntimeError: boom")
    monkeypatch.setenv("TUSHARE_TYPED_DEBUG", "1")
    assert isinstance(run("exec", *DAILY).exception, RuntimeError)


def param(python_type: str) -> ParamSpec:
    return ParamSpec(name="n", type=python_type, python_type=python_type, required=False)


@pytest.mark.parametrize(
    ("python_type", "raw", "value"),
    [
        ("int", "42", 42),
        ("float", "1.5", 1.5),
        ("bool", "Yes", True),
        ("bool", "0", False),
        ("date", "20240102", "20240102"),
    ],
)
def test_param_values_are_converted_to_the_parameter_type(python_type: str, raw: str, value: object) -> None:
    assert convert_value(param(python_type), raw) == value


@pytest.mark.parametrize(("python_type", "raw"), [("int", "4.2"), ("float", "x"), ("bool", "maybe")])
def test_param_values_of_the_wrong_type_are_usage_errors(python_type: str, raw: str) -> None:
    with pytest.raises(CliUsageError, match=f"--param n='{raw}'"):
        convert_value(param(python_type), raw)


@pytest.mark.timeout(60)
@pytest.mark.tushare_emulator(total_rows=3)
def test_labels_zh_names_the_columns_in_chinese(tushare_emulator: TushareEmulator) -> None:
    result = run("exec", *DAILY, "--fields", "trade_date,close", "--labels", "zh", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "交易日期,收盘价"
    assert len(result.stdout.splitlines()) == 4
    refused = run("exec", *DAILY, "--labels", "fr")
    assert refused.exit_code == 2
    assert "'fr' is not 'zh'" in refused.stderr
