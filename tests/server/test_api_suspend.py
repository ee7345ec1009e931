"""三种挂起 over REST: the kind and what to bring reach the core and the stored ticket, a 持件 visit resumes
only at its window, and the server's clock tick expires visits not resumed in time."""
from __future__ import annotations

from tests.server.conftest import PINS


async def suspended_at_window_2(srv, body: dict) -> tuple[str, str]:
    r = await srv.post("/api/tickets", "kiosk", {"service": "estate"})
    issued = await r.json()
    for w, staff in ((2, "s2"), (1, "s1")):
        await srv.post(f"/api/windows/{w}/sign-in", f"window{w}", {"staff_id": staff, "pin": PINS[staff]})
    await srv.post("/api/windows/2/call-next", "window2")
    await srv.post("/api/windows/2/start", "window2")
    r = await srv.post("/api/windows/2/suspend", "window2", body)
    assert r.status == 200, await r.json()
    return issued["ticket"]["number"], issued["status_path"]


async def test_an_away_suspension_records_what_to_bring_and_resumes_at_any_window(srv) -> None:
    number, _ = await suspended_at_window_2(srv, {"kind": "away", "bring": ["身份证"]})
    ticket = (await (await srv.client.get(f"/api/tickets/{number}", headers=srv.auth("admin"))).json())["ticket"]
    assert (ticket["status"], ticket["suspend_kind"], ticket["suspended_window"], ticket["bring"]) == (
        "suspended", "away", 2, "身份证")
    r = await srv.post("/api/windows/1/resume-ticket", "window1", {"number": number})
    assert r.status == 200


async def test_a_hold_suspension_resumes_only_at_its_window(srv) -> None:
    number, _ = await suspended_at_window_2(srv, {"kind": "hold"})
    r = await srv.post("/api/windows/1/resume-ticket", "window1", {"number": number})
    assert (r.status, (await r.json())["code"]) == (409, "suspended_at_other_window")
    r = await srv.post("/api/windows/2/resume-ticket", "window2", {"number": number})
    assert r.status == 200


async def test_bad_kinds_and_materials_are_refused(srv) -> None:
    await suspended_at_window_2(srv, {"kind": "away"})
    r = await srv.post("/api/windows/2/suspend", "window2", {"kind": "lunch"})
    assert (r.status, (await r.json())["code"]) == (400, "invalid_format")


async def test_the_clock_tick_expires_a_suspension_not_resumed_in_time(srv) -> None:
    number, _ = await suspended_at_window_2(srv, {"kind": "wait"})
    srv.clock.advance(minutes=119)
    srv.service.tick()
    assert srv.service.hall.by_number[number].status == "suspended"
    srv.clock.advance(minutes=1)
    srv.service.tick()
    srv.service.flush()
    assert srv.service.hall.by_number[number].status == "expired"
    ticket = (await (await srv.client.get(f"/api/tickets/{number}", headers=srv.auth("admin"))).json())["ticket"]
    assert (ticket["status"], ticket["away_s"]) == ("expired", 120 * 60)
