"""What `tushare-typed serve` checks before it listens: secrets from files, the database, the Redis limiter."""

from __future__ import annotations

from pathlib import Path

import pytest

from tushare_typed.errors import ParameterError, ServiceConnectionError
from tushare_typed.service._preflight import check_limiter, open_database, secrets_from_files
from tushare_typed.service.config import ServiceConfig
from tushare_typed.service.redis_limiter import RedisLimiterFactory


@pytest.mark.timeout(10)
def test_a_secret_file_fills_its_unset_variable_and_never_overrides_a_set_one(tmp_path: Path) -> None:
    (tmp_path / "key").write_text("  the-key\n", encoding="utf-8")
    (tmp_path / "token").write_text("from-file", encoding="utf-8")
    env = {"TUSHARE_TYPED_KEY_FILE": str(tmp_path / "key"), "TUSHARE_TOKEN_FILE": str(tmp_path / "token")}
    env["TUSHARE_TOKEN"] = "from-env"
    secrets_from_files(env)
    assert env["TUSHARE_TYPED_KEY"] == "the-key"
    assert env["TUSHARE_TOKEN"] == "from-env"


@pytest.mark.timeout(10)
@pytest.mark.parametrize(("content", "problem"), [(None, "cannot be read"), ("", "is empty"), ("x" * 70_000, "64 KiB")])
def test_a_bad_secret_file_is_a_parameter_error_naming_it(tmp_path: Path, content: str | None, problem: str) -> None:
    path = tmp_path / "db"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ParameterError, match=problem) as raised:
        secrets_from_files({"TUSHARE_TYPED_SERVICE_DB_FILE": str(path)})
    assert "TUSHARE_TYPED_SERVICE_DB_FILE" in str(raised.value)


@pytest.mark.timeout(30)
def test_an_unreachable_database_names_it_without_its_password() -> None:
    with pytest.raises(ServiceConnectionError, match="cannot reach the service database") as raised:
        open_database("postgresql://svc:hunter2secret@127.0.0.1:9/nowhere")
    assert "hunter2secret" not in str(raised.value) and "127.0.0.1:9/nowhere" in str(raised.value)


@pytest.mark.timeout(30)
def test_an_unreachable_redis_stops_the_preflight_without_its_password() -> None:
    factory = RedisLimiterFactory({"TUSHARE_TYPED_SERVICE_REDIS_URL": "redis://:hunter2secret@127.0.0.1:9/0"})
    with pytest.raises(ServiceConnectionError, match=r"cannot reach the limiter's Redis at 127\.0\.0\.1:9/0") as raised:
        check_limiter(ServiceConfig(limiter_factory=factory))
    assert "hunter2secret" not in str(raised.value)


@pytest.mark.timeout(10)
def test_the_redis_limiter_without_a_url_says_which_variable_to_set() -> None:
    with pytest.raises(ParameterError, match="TUSHARE_TYPED_SERVICE_REDIS_URL is not set"):
        RedisLimiterFactory({}).preflight()


@pytest.mark.timeout(30)
def test_the_redis_limiter_records_its_calls_in_the_live_server() -> None:
    import os
    import uuid

    import redis

    url = os.environ.get("TSGEN_TEST_REDIS_URL")
    if not url:
        pytest.skip('no Redis: eval "$(bash scripts/test_services.sh)" starts one')
    factory = RedisLimiterFactory({"TUSHARE_TYPED_SERVICE_REDIS_URL": url, "TUSHARE_POINTS": "2000"})
    factory.preflight()
    limiter = factory(f"preflight-{uuid.uuid4().hex}")
    limiter.acquire("daily")
    limiter.acquire("daily")
    server = redis.Redis.from_url(url)
    hashed = limiter._key  # type: ignore[attr-defined]
    logs = list(server.scan_iter(match=f"tushare_typed:rl:{{{hashed}}}:log:*"))
    try:
        assert logs, "no call log of this key in Redis"
        assert max(int(server.zcard(name)) for name in logs) == 2
    finally:
        if logs:
            server.delete(*logs)
