"""The displays' ticker notice over the API: posted by a supervisor or admin (audited), pushed to every screen,
in the snapshot, kept across a restart, taken down with empty texts."""
from __future__ import annotations

from server.cli import create_token_in


async def _change_with_notice(ws) -> dict:
    while True:
        msg = await ws.receive_json(timeout=5)
        if msg["type"] == "change" and msg.get("notice") is not None:
            return msg


async def test_a_notice_reaches_the_displays_is_audited_and_survives_a_restart(make_server) -> None:
    srv = await make_server()
    srv.tokens["supervisor"] = create_token_in(srv.data, "supervisor", "test-supervisor", None)
    display = await srv.ws("display")
    assert (await display.receive_json())["notice"] is None  # the snapshot: nothing posted yet
    for who in ("kiosk", "display", "window1"):
        r = await srv.post("/api/notice", who, {"text_zh": "x"})
        assert (r.status, (await r.json())["code"]) == (403, "forbidden"), who
    body = {"text_zh": "今日下午3点起系统维护", "text_en": "System maintenance from 3 pm", "until": "2026-11-23T18:00:00+08:00"}
    r = await srv.post("/api/notice", "supervisor", body)
    assert r.status == 200, await r.text()
    change = await _change_with_notice(display)
    assert {k: change["notice"][k] for k in ("text_zh", "text_en")} == {k: body[k] for k in ("text_zh", "text_en")}
    assert change["notice"]["until"].startswith("2026-11-23T18:00:00")
    assert change["events"] == []  # public screens hear of the notice through `notice`, not the event
    r = await srv.client.get("/api/hall", headers=srv.auth("display"))
    assert (await r.json())["notice"]["text_zh"] == body["text_zh"]
    r = await srv.client.get("/api/audit", headers=srv.auth("admin"))
    row = next(a for a in await r.json() if a["action"] == "post_notice")
    assert row["actor"] == "supervisor:test-supervisor" and row["detail"]["text_zh"] == body["text_zh"]
    r = await srv.post("/api/notice", "admin", {"text_zh": "通知", "until": "2026-11-23T08:00:00+08:00"})
    assert (await r.json())["code"] == "until_in_past" and r.status >= 400
    await display.close()

    again = await make_server(data=srv.data, tokens=srv.tokens)  # a restart: the notice is still up
    r = await again.client.get("/api/hall", headers=again.auth("display"))
    assert (await r.json())["notice"]["text_en"] == body["text_en"]
    display = await again.ws("display")
    await display.receive_json()
    r = await again.post("/api/notice", "admin", {"text_zh": "", "text_en": ""})
    assert r.status == 200, await r.text()
    change = await _change_with_notice(display)
    assert (change["notice"]["text_zh"], change["notice"]["text_en"]) == ("", "")
    r = await again.client.get("/api/hall", headers=again.auth("display"))
    assert (await r.json())["notice"] is None
    await display.close()
