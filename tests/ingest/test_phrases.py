import pytest
from hypothesis import given
from hypothesis import strategies as st

from tsgen.ingest.phrases import base_tier, rate_limits, required_points, row_limit, separate_permission, trial_points


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("限量：单次最大6000条，总量不限制", 6000),
        ("限量：单次最大4000(相当于单次可提取18年历史)", 4000),
        ("限量：单次最大1000", 1000),
        ("限量：单次请求最大放回5000条数据（当前ETF总数未超过2000）", 5000),
        ("注：trade_date，ts_code 至少要输入一个参数，单次限量3000条", 3000),
        ("调取说明：基础积分每分钟内可调取500次，每次6000条数据", 6000),
        ("数量：单次可提取全部数据", None),
        ("限量：不限量，一次可取全部指标全部历史数据", None),
    ],
)
def test_row_limit(line: str, expected: int | None) -> None:
    assert row_limit(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("用户需要至少2000积分才可以调取，具体请参阅积分获取办法", 2000),
        ("用户需要至少积分600才可以调取", 600),
        ("积分达到2000即可调用", 2000),
        ("120积分可以试用，5000积分有正式权限", 5000),
        ("本接口120积分可以试用，每天10次请求，正式权限需8000积分", 8000),
        ("基础积分每分钟内可调取500次", None),
        ("本接口需单独开权限（跟积分没关系）", None),
        ("120积分可以调取2次接口查看数据，正式权限请参阅 权限说明", None),
        ("用户120积分可以试用看数据，5000积分每分钟可以请求300次", 5000),
        ("120分可调取，每分钟内限制次数，超过5000积分频次相对较高", 120),
    ],
)
def test_required_points(line: str, expected: int | None) -> None:
    assert required_points(line) == expected


@pytest.mark.parametrize(
    ("line", "separate", "trial"),
    [
        ("120积分可以调取2次接口查看数据，正式权限请参阅 权限说明", True, 120),
        ("120积分可以试用查看数据，开通正式权限请参考权限说明文档", True, 120),
        ("开通了股票分钟权限后可获得本接口权限，具体参考权限说明", True, None),
        ("需单独开权限或有15000积分，具体权限信息请参考权限列表", True, None),
        ("120积分可以试用，正式权限需8000积分", False, 120),
        ("用户需要至少2000积分才可以调取", False, None),
    ],
)
def test_permission_facts(line: str, separate: bool, trial: int | None) -> None:
    assert separate_permission(line) is separate
    assert trial_points(line) == trial


def test_base_tier_is_no_points_figure() -> None:
    assert base_tier("基础积分每分钟内可调取500次") and required_points("基础积分每分钟内可调取500次") is None


def _rules(line: str) -> list[tuple[int | None, str, int | None]]:
    return [(rule.calls, rule.period, rule.min_points) for rule in rate_limits(line)]


def test_tiers_with_per_minute_quotas() -> None:
    assert _rules("5000积分每分钟可以请求30次，8000积分以上每分钟500次") == [
        (30, "minute", 5000),
        (500, "minute", 8000),
    ]


def test_a_clause_inherits_the_period_of_the_one_before() -> None:
    assert _rules("2000积分每分钟请求200次，5000积分500次请求") == [(200, "minute", 2000), (500, "minute", 5000)]


def test_daily_caps_and_unlimited_tier() -> None:
    assert _rules("120积分可以试用(查看数据)，5000积分每天20000次，10000积分每天200000次，15000积分每天不限总量") == [
        (20000, "day", 5000),
        (200000, "day", 10000),
        (None, "day", 15000),
    ]


def test_minute_and_day_caps_in_one_clause() -> None:
    assert _rules("5000积分每分钟可以请求200次每天总量1万次，8000积分以上每分钟500次每天总量不限制") == [
        (200, "minute", 5000),
        (10000, "day", 5000),
        (500, "minute", 8000),
        (None, "day", 8000),
    ]


def test_base_tier_applies_to_every_account() -> None:
    assert _rules("基础积分每分钟内可调取500次，每次6000条数据") == [(500, "minute", None)]


def test_row_totals_are_not_quotas() -> None:
    assert _rules("单次最大2000，总量不限制") == []


def test_rule_keeps_its_sentence_and_period_length() -> None:
    (rule,) = rate_limits("积分：用户积8000积分可调取，每分钟可以请求300次")
    assert rule.period_seconds == 60
    assert rule.text == "积分：用户积8000积分可调取，每分钟可以请求300次"


@given(st.integers(min_value=1, max_value=10**6))
def test_any_stated_cap_is_read_back(cap: int) -> None:
    assert row_limit(f"限量：单次最大{cap}条数据，可循环提取") == cap


@given(st.integers(min_value=1, max_value=10**5), st.integers(min_value=0, max_value=10**5))
def test_any_stated_quota_is_read_back(calls: int, points: int) -> None:
    assert _rules(f"{points}积分每分钟可以请求{calls}次") == [(calls, "minute", points)]


@given(st.text())
def test_any_text_is_read_without_error(text: str) -> None:
    row_limit(text)
    required_points(text)
    for rule in rate_limits(text):
        assert rule.calls is None or rule.calls >= 0
