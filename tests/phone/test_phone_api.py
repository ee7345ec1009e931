"""The citizen's phone over HTTP: the public entry, live events from one view per change, 扫码评价 once per visit."""
from __future__ import annotations

import asyncio
import json

from server.app import SERVICE
from server.phone import HUB, wait_range


async def issue(srv, service: str = "estate") -> str:
    return (await (await srv.post("/api/tickets", "kiosk", {"service": service})).json())["status_path"]


async def sign_in(srv, window: int, staff: str) -> None:
    from tests.server.conftest import PINS

    r = await srv.post(f"/api/windows/{window}/sign-in", f"window{window}", {"staff_id": staff, "pin": PINS[staff]})
    assert r.status == 200, await r.text()


async def next_event(resp, timeout: float = 2.0) -> dict:
    """The next `data:` line of an SSE stream."""
    async def read() -> dict:
        while True:
            line = (await resp.content.readline()).decode()
            if line.startswith("data: "):
                return json.loads(line[6:])
    return await asyncio.wait_for(read(), timeout)


async def test_the_entry_has_the_queue_the_estimate_as_a_range_and_the_materials(srv) -> None:
    await issue(srv)
    path = await issue(srv)
    e = await (await srv.client.get(path)).json()
    assert (e["number"], e["status"], e["people_ahead"], e["service_name_en"]) == ("A002", "waiting", 1, "Real estate")
    assert e["materials"] == ["身份证"] and e["wait_range"][0] <= e["estimated_wait_minutes"] <= e["wait_range"][1]
    assert "public_id" not in json.dumps(e) and "clerk" not in e


async def test_the_page_carries_its_entry_and_a_serving_ticket_no_longer_says_go_to_the_window(srv) -> None:
    path = await issue(srv)
    await sign_in(srv, 1, "s1")
    await srv.post("/api/windows/1/call-next", "window1")
    page = await (await srv.client.get(path, headers={"Accept": "text/html"})).text()
    assert '<script id="initial" type="application/json">' in page and '"number":"A001"' in page
    assert '"status":"called"' in page and "/static/phone/main.js" in page
    await srv.post("/api/windows/1/start", "window1")
    e = await (await srv.client.get(path)).json()
    assert (e["status"], e["window_name_zh"], e["window_name_en"]) == ("serving", "1号窗口", "Window 1")


async def test_a_call_reaches_the_open_pages_from_one_view_per_change(srv) -> None:
    paths = [await issue(srv) for _ in range(3)]
    await sign_in(srv, 1, "s1")
    streams = [await srv.client.get(p + "/events") for p in paths for _ in range(2)]  # two pages per ticket
    firsts = [await next_event(s) for s in streams]
    assert [f["people_ahead"] for f in firsts] == [0, 0, 1, 1, 2, 2]
    hub = srv.client.app[HUB]
    # Every page's pushes go straight into its socket, framed as an HTTP chunk (no task wakes per page).
    assert all(p.transport is not None for pages in hub.phones.values() for p in pages)
    builds = hub.builds
    await srv.post("/api/windows/1/call-next", "window1")
    after = [await next_event(s) for s in streams]
    assert [(a["status"], a["people_ahead"]) for a in after] == [("called", 0)] * 2 + [("waiting", 0)] * 2 + [
        ("waiting", 1)] * 2
    assert after[0]["window_name_zh"] == "1号窗口"
    assert after[2]["recent_calls"] == [{"number": "A001", "window": 1, "window_name_zh": "1号窗口",
                                         "window_name_en": "Window 1"}]
    assert hub.builds == builds + 1  # one view for the six pages
    for s in streams:
        s.close()
    for _ in range(50):
        if not hub.phones:
            break
        await asyncio.sleep(0.02)
    assert not hub.phones and hub not in srv.client.app[SERVICE].subscribers


async def test_a_change_that_does_not_alter_a_ticket_sends_its_page_nothing(srv) -> None:
    path = await issue(srv, "estate")
    await sign_in(srv, 1, "s1")
    stream = await srv.client.get(path + "/events")
    await next_event(stream)
    await issue(srv, "tax")  # another service's queue
    try:
        await next_event(stream, timeout=0.3)
        raise AssertionError("an unchanged entry was sent")
    except TimeoutError:
        pass
    stream.close()


async def test_the_visit_is_rated_once_from_the_phone_and_the_window_cannot_rate_it_again(srv) -> None:
    path = await issue(srv)
    await sign_in(srv, 1, "s1")
    r = await srv.client.post(path + "/rate", json={"level": 5})
    assert (r.status, (await r.json())["code"]) == (409, "illegal_transition")  # not served yet
    for step in ("call-next", "start", "finish"):
        assert (await srv.post(f"/api/windows/1/{step}", "window1")).status == 200
    e = await (await srv.client.get(path)).json()
    assert e["status"] == "done" and not e["rated"] and [lv[0] for lv in e["rating_levels"]] == [5, 4, 3, 2, 1]
    assert "服务态度差" in e["rating_reasons"]
    r = await srv.client.post(path + "/rate", json={"level": 2})
    assert (r.status, (await r.json())["code"]) == (409, "rating_reason_required")  # as at the window
    r = await srv.client.post(path + "/rate", json={"level": 9})
    assert r.status == 400
    r = await srv.client.post(path + "/rate", json={"level": 2, "reason": "等候时间长"})
    assert r.status == 200, await r.text()
    r = await srv.client.post(path + "/rate", json={"level": 5})
    assert (r.status, (await r.json())["code"]) == (409, "already_rated")
    r = await srv.post("/api/windows/1/rate", "window1", {"number": "A001", "level": 5})
    assert (r.status, (await r.json())["code"]) == (409, "already_rated")
    e = await (await srv.client.get(path)).json()
    assert e["rated"] and "rating_levels" not in e
    t = srv.client.app[SERVICE].hall.ticket("A001")
    assert (t.rating, t.rating_reason, t.window) == (2, "等候时间长", 1)


async def test_an_unknown_id_is_refused_everywhere(srv) -> None:
    for path in ("/t/NoSuchTicket000000", "/t/NoSuchTicket000000/events"):
        r = await srv.client.get(path)
        assert (r.status, (await r.json())["code"]) == (404, "unknown_ticket")
    r = await srv.client.post("/t/NoSuchTicket000000/rate", json={"level": 5})
    assert r.status == 404


def test_the_range_spreads_a_quarter_and_at_least_two_minutes() -> None:
    assert wait_range(0, 0) == [0, 2]
    assert wait_range(10, 1) == [7, 13]
    assert wait_range(40, 4) == [30, 50]
    assert wait_range(1, 1) == [0, 3]


async def test_a_suspended_visit_says_where_to_come_back_by_its_kind(srv) -> None:
    path = await issue(srv)
    await sign_in(srv, 1, "s1")
    for step in ("call-next", "start"):
        await srv.post(f"/api/windows/1/{step}", "window1")
    r = await srv.post("/api/windows/1/suspend", "window1", {"kind": "away", "bring": ["身份证"]})
    assert r.status == 200, await r.text()
    e = await (await srv.client.get(path)).json()
    assert (e["status"], e["suspend_kind"], e["bring"], e["window_name_zh"]) == ("suspended", "away", ["身份证"],
                                                                                   "1号窗口")
    await srv.post("/api/windows/1/resume-ticket", "window1", {"number": "A001"})
    await srv.post("/api/windows/1/start", "window1")
    await srv.post("/api/windows/1/suspend", "window1", {"kind": "hold"})
    e = await (await srv.client.get(path)).json()
    assert (e["suspend_kind"], e["bring"], e["window_name_en"]) == ("hold", [], "Window 1")
