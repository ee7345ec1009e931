"""The hall TOML's [notify] table: read at start, every bad value refused with the key it is about, and the
positions it names are the ones the server announces."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from queuecore import notify as N
from queuecore.config import ConfigError, load_config
from server.app import SERVICE
from server.notify.settings import from_table, notify_table
from tests.phone.test_phone_api import issue, sign_in

HALL = Path(__file__).parents[1] / "server" / "data" / "open-hall.toml"


def hall_toml(tmp_path: Path, notify: str) -> Path:
    base = HALL.read_text(encoding="utf-8")
    path = tmp_path / "hall.toml"
    path.write_text(base + "\n" + notify, encoding="utf-8")
    return path


def test_a_full_table_is_read() -> None:
    s = from_table({"positions": [1, 10, 4], "provider": "aliyun", "sign_name": "某某政务服务中心",
                    "templates": {"ahead": "SMS_1", "called": "SMS_2", "suspended": "SMS_3", "done": "SMS_4"},
                    "retry": {"max_attempts": 3, "base_s": 2, "cap_s": 60}, "aliyun": {"access_key_id": "LTAI"},
                    "webhooks": {"max_attempts": 4, "timeout_s": 2.5}})
    assert s.positions == (10, 4, 1) and s.provider == "aliyun" and s.templates["called"] == "SMS_2"
    assert s.retry == N.Retry(max_attempts=3, base_s=2.0, cap_s=60.0)
    assert s.webhook_retry.max_attempts == 4 and s.webhook_timeout_s == 2.5
    assert from_table(None).provider == "none" and from_table({"sms_url": "http://127.0.0.1:1/sms"}).provider == "fake"


@pytest.mark.parametrize("table, says", [
    ({"positons": [3]}, "unknown keys: positons"),
    ({"positions": []}, "positions must be a non-empty list"),
    ({"positions": [0, 3]}, "positions must be a non-empty list of whole numbers 1..99"),
    ({"positions": [3, 3]}, "positions has a number twice"),
    ({"positions": "5,3,1"}, "positions must be"),
    ({"provider": "twilio"}, "provider must be one of none, fake, aliyun, tencent"),
    ({"provider": "fake"}, "provider \"fake\" needs sms_url"),
    ({"sms_url": "127.0.0.1:9/sms"}, "sms_url must be an http(s) URL"),
    ({"sign_name": "某"}, "sign_name must be 2 to 12 characters"),
    ({"templates": {"arrived": "SMS_9"}}, "templates: unknown message kinds arrived"),
    ({"provider": "aliyun", "aliyun": {"access_key_id": "x"}, "templates": {"called": "SMS_2"}},
     "needs a template code for each kind; missing: ahead, done, suspended"),
    ({"provider": "tencent", "templates": {"ahead": "1", "called": "2", "suspended": "3", "done": "4"},
      "tencent": {"secret_id": "AKID"}}, "[notify.tencent]: missing sdk_app_id"),
    ({"retry": {"max_attempts": 0}}, "retry.max_attempts must be an integer above 0"),
    ({"retry": {"base_s": 10, "cap_s": 5}}, "retry.cap_s (5) is below base_s (10)"),
    ({"retry": {"tries": 3}}, "retry: unknown keys: tries"),
    ({"webhooks": {"timeout_s": -1}}, "webhooks.timeout_s must be a number above 0"),
    ({"poll_s": "fast"}, "poll_s must be a number"),
])
def test_a_bad_value_is_refused_naming_its_key(table, says) -> None:
    with pytest.raises(ConfigError) as exc:
        from_table(table)
    assert says in str(exc.value)


def test_the_hall_toml_carries_notify_and_a_typo_fails_at_start(tmp_path: Path) -> None:
    good = hall_toml(tmp_path, '[notify]\npositions = [4, 2]\nsign_name = "测试大厅"\n')
    load_config(str(good))  # the hall's own loader leaves [notify] to the server
    assert notify_table(good)["positions"] == [4, 2]
    bad = hall_toml(tmp_path, '[notify]\npositions = [4, 2]\nprovider = "smsbao"\n')
    with pytest.raises(ConfigError, match=r"hall.toml: \[notify\]: provider must be one of"):
        notify_table(bad)


def test_hallq_server_refuses_a_bad_notify_table(tmp_path: Path) -> None:
    import subprocess
    import sys

    bad = hall_toml(tmp_path, '[notify]\npositions = [0]\n')
    run = subprocess.run([sys.executable, "-m", "hallq", "server", "--config", str(bad), "--data",
                          str(tmp_path / "data"), "--port", "0"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "[notify]: positions must be" in run.stderr


async def test_the_configured_positions_are_the_ones_announced(make_server) -> None:
    srv = await make_server(extra={"notify": {"positions": [2], "poll_s": 0.05, "sms_url": "http://127.0.0.1:9/sms"}})
    assert srv.client.app[SERVICE].outbox.positions == (2,)
    paths = [await issue(srv) for _ in range(5)]
    assert (await srv.client.post(paths[4] + "/notify", json={"phone": "13812345678", "consent": True})).status == 200
    await sign_in(srv, 1, "s1")
    for _ in range(3):  # 4 ahead -> 1 ahead: one "ahead" message, at 2 (not at 5, 3 or 1)
        await srv.post("/api/windows/1/call-next", "window1")
        await srv.post("/api/windows/1/skip", "window1")
    await asyncio.sleep(0.05)
    keys = [k for (k,) in srv.client.app[SERVICE].store.conn.execute(
        "SELECT key FROM outbox WHERE template = 'ahead'")]
    assert len(keys) == 1 and keys[0].endswith(":ahead:2")
