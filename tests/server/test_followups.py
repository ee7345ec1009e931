"""差评 follow-up in the server: a low rating opens its case in the same commit; supervisors move it step by step,
audited; deadlines in working days; cases survive a restart."""
from __future__ import annotations

import sqlite3

import pytest

from server.cli import create_token_in
from tests.server.conftest import PINS


@pytest.fixture
async def hall(make_server):
    srv = await make_server()
    srv.tokens["supervisor"] = create_token_in(srv.data, "supervisor", "张主任", None)
    return srv


async def rated_visit(srv, level: int, reason: str = "等候时间长") -> str:
    await srv.post("/api/windows/1/sign-in", "window1", {"staff_id": "s1", "pin": PINS["s1"]})
    issued = await (await srv.post("/api/tickets", "kiosk", {"service": "estate"})).json()
    number = issued["ticket"]["number"]
    await srv.post("/api/windows/1/call-next", "window1", {})
    await srv.post("/api/windows/1/start", "window1", {})
    await srv.post("/api/windows/1/finish", "window1", {})
    r = await srv.post("/api/windows/1/rate", "window1", {"number": number, "level": level, "reason": reason,
                                                         "comment": "窗口人员态度冷淡"})
    assert r.status == 200, await r.text()
    return f"FU-{issued['ticket']['id']}"


async def cases(srv, who: str = "supervisor", query: str = "") -> list[dict]:
    r = await srv.client.get(f"/api/followups{query}", headers=srv.auth(who))
    assert r.status == 200, await r.text()
    return await r.json()


async def test_a_low_rating_opens_a_case_with_working_day_deadlines_and_a_good_one_does_not(hall) -> None:
    await rated_visit(hall, 5, "")
    case_id = await rated_visit(hall, 1)
    listed = await cases(hall)
    assert [c["case"]["id"] for c in listed] == [case_id]
    case = listed[0]["case"]
    assert (case["status"], case["level"], case["reason"], case["comment"]) == ("open", 1, "等候时间长", "窗口人员态度冷淡")
    # Rated Monday 2026-11-23: contact by the end of the next working day, rectify within five.
    assert case["contact_due"].startswith("2026-11-24") and case["rectify_due"].startswith("2026-11-30")
    assert listed[0]["overdue"] == [] and listed[0]["seconds_left"] > 0
    with sqlite3.connect(hall.data / "hallq.db") as conn:  # stored with the rating, not later
        assert conn.execute("select status from followups").fetchall() == [("open",)]


async def test_a_case_runs_open_contacted_verified_rectified_closed_audited(hall) -> None:
    case_id = await rated_visit(hall, 2)
    steps = [("contact", {"note": "电话联系群众，已致歉"}), ("verify", {"note": "调取录像，情况属实", "valid": True}),
             ("rectify", {"note": "窗口人员已批评教育"}), ("close", {"note": "已向群众反馈整改结果"})]
    for action, body in steps:
        hall.clock.advance(hours=1)
        r = await hall.post(f"/api/followups/{case_id}/{action}", "supervisor", body)
        assert r.status == 200, await r.text()
    case = (await (await hall.client.get(f"/api/followups/{case_id}", headers=hall.auth("supervisor"))).json())
    assert case["case"]["status"] == "closed" and case["case"]["valid"] is True
    assert [(s["action"], s["actor"]) for s in case["case"]["steps"]] == [
        (a, "supervisor:张主任") for a, _ in steps]
    r = await hall.client.get("/api/audit?kind=advance_followup", headers=hall.auth("admin"))
    assert len(await r.json()) == 4


@pytest.mark.parametrize("action, body, status, code", [
    ("verify", {"note": "x", "valid": True}, 409, "illegal_transition"),  # not contacted yet
    ("contact", {}, 400, "invalid_format"),  # a step needs a note
    ("fly", {"note": "x"}, 400, "invalid_format"),
    ("close", {"note": "x"}, 409, "illegal_transition"),
])
async def test_illegal_steps_are_refused_and_change_nothing(hall, action, body, status, code) -> None:
    case_id = await rated_visit(hall, 1)
    r = await hall.post(f"/api/followups/{case_id}/{action}", "supervisor", body)
    assert (r.status, (await r.json())["code"]) == (status, code)
    assert (await cases(hall))[0]["case"]["status"] == "open"


async def test_only_supervisors_and_admins_follow_up(hall) -> None:
    case_id = await rated_visit(hall, 1)
    for who in ("kiosk", "display", "window1"):
        r = await hall.post(f"/api/followups/{case_id}/contact", who, {"note": "x"})
        assert (r.status, (await r.json())["code"]) == (403, "forbidden")
        r = await hall.client.get("/api/followups", headers=hall.auth(who))
        assert r.status == 403
    r = await hall.post("/api/followups/FU-nope/contact", "supervisor", {"note": "x"})
    assert (r.status, (await r.json())["code"]) == (404, "unknown_followup")


async def test_an_uncontacted_case_turns_overdue_and_cases_survive_a_restart(hall, make_server) -> None:
    case_id = await rated_visit(hall, 1)
    hall.clock.advance(days=2)  # Wednesday: the contact deadline (Tuesday) has passed
    listed = await cases(hall, query="?from=2026-11-23&to=2026-11-25")
    assert listed[0]["overdue"] == ["contact"] and listed[0]["seconds_left"] < 0
    await hall.client.close()
    again = await make_server(data=hall.data, tokens=hall.tokens)
    r = await again.post(f"/api/followups/{case_id}/contact", "supervisor", {"note": "补联系"})
    assert r.status == 200, await r.text()
    listed = await cases(again, query="?from=2026-11-23&to=2026-11-25&status=contacted")
    assert listed[0]["overdue"] == ["contact"]  # met late: still counted as missed


@pytest.mark.parametrize("query, code", [("?from=2026-11-30&to=2026-11-01", "from_after_to"),
                                         ("?from=2025-01-01&to=2026-11-01", "range_too_long"),
                                         ("?from=yesterday", "invalid_format"), ("?status=lost", "invalid_format")])
async def test_bad_periods_are_refused(hall, query, code) -> None:
    r = await hall.client.get(f"/api/followups{query}", headers=hall.auth("supervisor"))
    assert (r.status, (await r.json())["code"]) == (400, code)
