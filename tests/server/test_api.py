"""REST API against the real app and a real SQLite file: issuing, clerk actions, bad input, restart, day change."""
from __future__ import annotations

import sqlite3

import msgspec
import pytest

from server.app import READ_ROUTES, ROUTES
from server.store import MIGRATIONS
from tests.server.conftest import PINS, at


def ticket_count(srv) -> int:
    with sqlite3.connect(srv.data / "hallq.db") as conn:
        return conn.execute("select count(*) from tickets").fetchone()[0]


async def sign_in(srv, window: int, staff: str) -> None:
    r = await srv.post(f"/api/windows/{window}/sign-in", f"window{window}", {"staff_id": staff, "pin": PINS[staff]})
    assert r.status == 200, await r.text()


async def test_health_needs_no_token(srv) -> None:
    r = await srv.client.get("/api/health")
    body = await r.json()
    assert r.status == 200 and body["status"] == "ok" and body["schema"] == len(MIGRATIONS)


async def test_openapi_documents_every_rest_route(srv) -> None:
    r = await srv.client.get("/api/openapi.json")
    doc = await r.json()
    assert doc["openapi"].startswith("3.")
    for route in ROUTES:
        assert "post" in doc["paths"][route.path], route.path
    for rr in READ_ROUTES:
        assert rr.get("method", "get") in doc["paths"][rr["path"]]
    # every $ref points at a component that exists
    text = msgspec.json.encode(doc).decode()
    import re

    for name in set(re.findall(r'#/components/schemas/([A-Za-z0-9_]+)', text)):
        assert name in doc["components"]["schemas"], name
    issue = doc["paths"]["/api/tickets"]["post"]
    assert issue["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/IssueTicketBody")


async def test_issue_ticket_returns_number_service_and_people_ahead(srv) -> None:
    r = await srv.post("/api/tickets", "kiosk", {"service": "estate"})
    first = await r.json()
    assert r.status == 200, first
    assert first["ticket"]["number"] == "A001" and first["people_ahead"] == 0
    assert first["service_name_zh"] == "不动产登记" and first["materials"] == ["身份证"]
    assert first["ticket"]["issued_at"].startswith("2026-11-23T09:00:00")
    second = await (await srv.post("/api/tickets", "kiosk", {"service": "estate"})).json()
    assert second["ticket"]["number"] == "A002" and second["people_ahead"] == 1
    green = await (await srv.post("/api/tickets", "kiosk", {"service": "estate", "priority": "green"})).json()
    assert green["ticket"]["priority"] == "green" and green["people_ahead"] == 0


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "invalid_json"),
        (b"[1, 2]", 400, "invalid_format"),
        ({"service": "estate", "colour": "red"}, 400, "invalid_format"),
        ({"service": 12}, 400, "invalid_format"),
        ({}, 400, "invalid_format"),
        ({"service": "estate", "type": "call_next"}, 400, "invalid_format"),
        ({"service": "nope"}, 404, "unknown_service"),
        ({"service": "estate", "priority": "vip"}, 404, "unknown_priority"),
    ],
)
async def test_bad_input_is_refused_with_a_code_and_nothing_changes(srv, body, status, code) -> None:
    await srv.post("/api/tickets", "kiosk", {"service": "estate"})
    version = srv.service.hall.version
    r = await srv.post("/api/tickets", "kiosk", body)
    err = await r.json()
    assert (r.status, err["code"]) == (status, code), err
    assert err["message"]
    assert ticket_count(srv) == 1 and srv.service.hall.version == version


async def test_outside_hours_and_cap_are_refused_with_codes(srv) -> None:
    srv.clock.now = at("12:10")
    r = await srv.post("/api/tickets", "kiosk", {"service": "estate"})
    assert (r.status, (await r.json())["code"]) == (409, "outside_hours")
    srv.clock.now = at("14:00")
    for _ in range(5):
        assert (await srv.post("/api/tickets", "kiosk", {"service": "estate"})).status == 200
    r = await srv.post("/api/tickets", "kiosk", {"service": "estate"})
    assert (r.status, (await r.json())["code"]) == (409, "daily_cap_reached")


async def test_a_whole_visit_over_rest(srv) -> None:
    for _ in range(2):
        await srv.post("/api/tickets", "kiosk", {"service": "estate"})
    await sign_in(srv, 1, "s1")
    called = await (await srv.post("/api/windows/1/call-next", "window1")).json()
    assert called["ticket"]["number"] == "A001" and called["window"]["current"] == called["ticket"]["id"]
    recall = await (await srv.post("/api/windows/1/recall", "window1")).json()
    assert recall["ticket"]["recalls"] == 1
    await srv.post("/api/windows/1/start", "window1")
    done = await (await srv.post("/api/windows/1/finish", "window1", {"outcome": "completed"})).json()
    assert done["ticket"]["status"] == "done" and done["ticket"]["outcome"] == "completed"
    r = await srv.post("/api/windows/1/call", "window1", {"number": "A002"})
    assert (await r.json())["ticket"]["number"] == "A002"
    tr = await (await srv.post("/api/windows/1/transfer", "window1", {"service": "social"})).json()
    assert tr["ticket"]["service"] == "social" and tr["ticket"]["status"] == "waiting"
    await srv.post("/api/windows/1/pause", "window1", {"reason": "休息"})
    r = await srv.post("/api/windows/1/call-next", "window1")
    assert (await r.json())["code"] == "window_paused"
    await srv.post("/api/windows/1/resume", "window1")
    r = await srv.post("/api/windows/1/sign-out", "window1")
    assert r.status == 200
    status = await (await srv.client.get("/api/tickets/A002", headers=srv.auth("display"))).json()
    assert status["ticket"]["service"] == "social"


async def test_suspend_at_one_window_resume_at_another(srv) -> None:
    await srv.post("/api/tickets", "kiosk", {"service": "estate"})
    await sign_in(srv, 1, "s1")
    await sign_in(srv, 2, "s2")
    await srv.post("/api/windows/1/call-next", "window1")
    await srv.post("/api/windows/1/start", "window1")
    assert (await srv.post("/api/windows/1/suspend", "window1")).status == 200
    r = await srv.post("/api/windows/2/resume-ticket", "window2", {"number": "A001"})
    body = await r.json()
    assert body["ticket"]["window"] == 2 and body["ticket"]["status"] == "called"


async def test_idempotent_retry_returns_the_first_reply(srv) -> None:
    r1 = await (await srv.post("/api/tickets", "kiosk", {"service": "estate", "id": "tap-7"})).json()
    r2 = await (await srv.post("/api/tickets", "kiosk", {"service": "estate", "id": "tap-7"})).json()
    h = {"Idempotency-Key": "tap-8"}
    r3 = await (await srv.post("/api/tickets", "kiosk", {"service": "estate"}, headers=h)).json()
    r4 = await (await srv.post("/api/tickets", "kiosk", {"service": "estate"}, headers=h)).json()
    assert r1 == r2 and r3 == r4 and r1["ticket"]["number"] != r3["ticket"]["number"]
    assert ticket_count(srv) == 2


async def test_appointments_import_list_and_check_in(srv) -> None:
    body = {"appointments": [
        {"code": "K7Q2", "service": "estate", "start": "2026-11-23T09:15:00+08:00", "end": "2026-11-23T09:45:00+08:00",
         "name_masked": "张*明"},
        {"code": "M3X9", "service": "social", "start": "2026-11-23T15:00:00+08:00", "end": "2026-11-23T15:30:00+08:00"},
    ]}
    r = await srv.post("/api/appointments", "admin", body)
    assert r.status == 200, await r.text()
    listed = await (await srv.client.get("/api/appointments?day=2026-11-23", headers=srv.auth("admin"))).json()
    assert [a["code"] for a in listed] == ["K7Q2", "M3X9"]
    ok = await (await srv.post("/api/appointments/check-in", "kiosk", {"code": "k7q2"})).json()
    assert ok["ticket"]["priority"] == "appt"
    for code, expected in (("K7Q2", "appointment_used"), ("M3X9", "appointment_too_early"),
                           ("ZZZZ", "unknown_appointment")):
        r = await srv.post("/api/appointments/check-in", "kiosk", {"code": code})
        assert (await r.json())["code"] == expected
    r = await srv.post("/api/appointments", "admin", {"appointments": [{"code": "K7Q2", "service": "estate",
                       "start": "2026-11-23T10:00:00+08:00", "end": "2026-11-23T10:30:00+08:00"}]})
    assert (r.status, (await r.json())["code"]) == (409, "duplicate_appointment")


async def test_restart_keeps_everything_and_numbering_continues(make_server, tmp_path) -> None:
    first = await make_server()
    for _ in range(3):
        await first.post("/api/tickets", "kiosk", {"service": "estate"})
    await first.post("/api/windows/1/sign-in", "window1", {"staff_id": "s1", "pin": PINS["s1"]})
    await first.post("/api/windows/1/call-next", "window1")
    version = first.service.hall.version
    await first.client.close()  # runs cleanup: store closed

    second = await make_server(data=first.data, tokens=first.tokens)
    snap = await (await second.client.get("/api/hall", headers=second.auth("admin"))).json()
    assert snap["version"] == version
    assert [t["number"] for t in snap["tickets"]] == ["A001", "A002", "A003"]
    assert snap["windows"][0]["clerk"] == "s1" and snap["recent_calls"][-1]["number"] == "A001"
    nxt = await (await second.post("/api/tickets", "kiosk", {"service": "estate"})).json()
    assert nxt["ticket"]["number"] == "A004"


async def test_a_new_day_restarts_numbering_and_keeps_history(srv) -> None:
    await srv.post("/api/tickets", "kiosk", {"service": "estate"})
    srv.clock.advance(days=1)
    r = await (await srv.post("/api/tickets", "kiosk", {"service": "estate"})).json()
    assert r["ticket"]["number"] == "A001" and r["ticket"]["day"] == "2026-11-24"
    with sqlite3.connect(srv.data / "hallq.db") as conn:
        rows = conn.execute("select id, status from tickets order by id").fetchall()
    assert rows == [("20261123-A001", "expired"), ("20261124-A001", "waiting")]


async def test_a_retried_command_id_is_answered_from_the_store_after_a_restart(make_server) -> None:
    first = await make_server()
    issued = await (await first.post("/api/tickets", "kiosk", {"service": "estate", "id": "tap-9"})).json()
    await first.post("/api/tickets", "kiosk", {"service": "estate"})
    await first.post("/api/windows/1/sign-in", "window1", {"staff_id": "s1", "pin": PINS["s1"]})
    called = await (await first.post("/api/windows/1/call-next", "window1", {"id": "call-1"})).json()
    await first.client.close()

    second = await make_server(data=first.data, tokens=first.tokens)
    again = await (await second.post("/api/tickets", "kiosk", {"service": "estate", "id": "tap-9"})).json()
    assert again == issued
    recalled = await (await second.post("/api/windows/1/call-next", "window1", {"id": "call-1"})).json()
    assert recalled == called  # not a second call: A002 is still waiting
    assert second.service.hall.ticket("A002").status == "waiting"
    assert ticket_count(second) == 2


async def test_a_low_rating_reaches_supervisors_at_once_and_is_stored(srv) -> None:
    admin = await srv.ws("admin")
    await admin.receive_json()
    await srv.post("/api/tickets", "kiosk", {"service": "estate"})
    await sign_in(srv, 1, "s1")
    await srv.post("/api/windows/1/call-next", "window1")
    await srv.post("/api/windows/1/finish", "window1")
    r = await srv.post("/api/windows/1/rate", "window1", {"number": "A001", "level": 2})
    assert (r.status, (await r.json())["code"]) == (409, "rating_reason_required")
    r = await srv.post("/api/windows/1/rate", "window1", {"number": "A001", "level": 2, "reason": "等候时间长",
                                                          "comment": "排了一小时"})
    assert r.status == 200, await r.text()
    while True:
        msg = await admin.receive_json(timeout=5)
        rated = [e for e in msg.get("events", []) if e["type"] == "visit_rated"]
        if rated:
            break
    assert (rated[0]["level"], rated[0]["reason"], rated[0]["clerk"], rated[0]["window"]) == (2, "等候时间长", "s1", 1)
    with sqlite3.connect(srv.data / "hallq.db") as conn:
        row = conn.execute("select rating, rating_reason, rating_comment from tickets").fetchone()
    assert row == (2, "等候时间长", "排了一小时")


async def test_device_health_is_in_the_snapshot_and_pushed_on_change(srv) -> None:
    r = await srv.post("/api/devices/report", "kiosk", {"kind": "printer", "state": "paper_out", "detail": "纸将尽"})
    assert r.status == 200
    snap = await (await srv.client.get("/api/hall", headers=srv.auth("admin"))).json()
    assert snap["devices"] == [{**snap["devices"][0], "name": "test-kiosk", "kind": "printer", "state": "paper_out"}]
    version = snap["version"]
    await srv.post("/api/devices/report", "kiosk", {"kind": "printer", "state": "paper_out", "detail": "纸将尽"})
    assert srv.service.hall.version == version  # the same state again is not a change


async def test_a_kiosk_is_rate_limited(make_server) -> None:
    srv = await make_server(kiosk_issue_limit=3)
    for _ in range(3):
        assert (await srv.post("/api/tickets", "kiosk", {"service": "social"})).status == 200
    r = await srv.post("/api/tickets", "kiosk", {"service": "social"})
    assert (r.status, (await r.json())["code"]) == (429, "rate_limited")
    srv.clock.advance(seconds=61)
    assert (await srv.post("/api/tickets", "kiosk", {"service": "social"})).status == 200
    assert (await srv.post("/api/tickets", "admin", {"service": "social"})).status == 200  # admins are not limited


async def test_a_closed_service_shows_its_reason_to_kiosks(srv) -> None:
    await srv.post("/api/services/estate/close", "admin", {"reason": "系统升级"})
    snap = await (await srv.client.get("/api/hall", headers=srv.auth("kiosk"))).json()
    estate = next(s for s in snap["services"] if s["code"] == "estate")
    assert (estate["open"], estate["refusal"], estate["closed_reason"]) == (False, "service_closed", "系统升级")


@pytest.mark.parametrize(("method", "path", "status", "code"), [
    ("GET", "/api/nope", 404, "not_found"), ("DELETE", "/api/tickets", 405, "method_not_allowed"),
])
async def test_unknown_routes_and_methods_answer_json_with_a_code(srv, method, path, status, code) -> None:
    r = await srv.client.request(method, path, headers=srv.auth("admin"))
    assert (r.status, (await r.json())["code"]) == (status, code)


async def test_a_body_over_the_limit_is_refused_as_too_large(srv) -> None:
    r = await srv.post("/api/tickets", "kiosk", b'{"service": "' + b"x" * (3 << 20) + b'"}')
    assert (r.status, (await r.json())["code"]) == (413, "too_large")


async def test_the_day_report_counts_waits_and_low_ratings(srv) -> None:
    for _ in range(3):
        await srv.post("/api/tickets", "kiosk", {"service": "estate"})
    await sign_in(srv, 1, "s1")
    srv.clock.advance(minutes=10)
    await srv.post("/api/windows/1/call-next", "window1")  # A001 waited 10 min
    await srv.post("/api/windows/1/start", "window1")
    srv.clock.advance(minutes=6)
    await srv.post("/api/windows/1/finish", "window1")
    await srv.post("/api/windows/1/rate", "window1", {"number": "A001", "level": 1, "reason": "服务态度差"})
    srv.clock.advance(minutes=4)
    await srv.post("/api/windows/1/call-next", "window1")  # A002 waited 20 min
    await srv.post("/api/windows/1/skip", "window1")
    r = await srv.client.get("/api/reports/day?day=2026-11-23", headers=srv.auth("admin"))
    report = await r.json()
    assert r.status == 200, report
    (estate,) = report["services"]
    assert (estate["issued"], estate["served"], estate["no_shows"], estate["unfinished"]) == (3, 1, 1, 1)
    assert (estate["avg_wait_min"], estate["p90_wait_min"], estate["avg_service_min"]) == (15.0, 20.0, 6.0)
    assert report["windows"] == [{"window": 1, "served": 1, "avg_service_min": 6.0}]
    assert report["ratings"] == {"1": 1}
    assert report["low_ratings"][0] == {"number": "A001", "window": 1, "clerk": "s1", "level": 1,
                                        "reason": "服务态度差", "comment": None}
    assert (await srv.client.get("/api/reports/day", headers=srv.auth("display"))).status == 403


async def test_the_qr_page_shows_a_ticket_without_a_token(srv) -> None:
    issued = await (await srv.post("/api/tickets", "kiosk", {"service": "estate"})).json()
    second_issued = await (await srv.post("/api/tickets", "kiosk", {"service": "estate"})).json()
    path = issued["status_path"]
    second = await (await srv.client.get(second_issued["status_path"])).json()
    assert (second["number"], second["status"], second["people_ahead"]) == ("A002", "waiting", 1)
    await sign_in(srv, 1, "s1")
    await srv.post("/api/windows/1/call-next", "window1")
    page = await (await srv.client.get(path, headers={"Accept": "text/html"})).text()
    assert '"number":"A001"' in page and '"status":"called"' in page and '"window_name_zh":"1号窗口"' in page
    r = await srv.client.get("/t/20261123-Z999")
    assert (r.status, (await r.json())["code"]) == (404, "unknown_ticket")


@pytest.mark.parametrize("path", ["/api/appointments?day=tomorrow", "/api/reports/day?day=2026-13-01"])
async def test_a_bad_day_parameter_is_invalid_format(srv, path) -> None:
    r = await srv.client.get(path, headers=srv.auth("admin"))
    body = await r.json()
    assert (r.status, body["code"]) == (400, "invalid_format") and "YYYY-MM-DD" in body["message"]
