"""Every role tries every route: only the roles a command names get past 401/403, and a refused try changes nothing."""
from __future__ import annotations

import pytest

from queuecore import protocol as P
from server.app import ROUTES
from tests.server.conftest import PINS

BODIES = {
    "issue_ticket": {"service": "social"},
    "issue_bundle": {},
    "check_in": {"code": "NOPE"},
    "create_appointments": {"appointments": [{"code": "R0LE", "service": "estate",
                                              "start": "2026-11-23T10:00:00+08:00",
                                              "end": "2026-11-23T10:30:00+08:00"}]},
    "sign_in": {"staff_id": "s1", "pin": PINS["s1"]},
    "call_ticket": {"number": "B001"},
    "call_by_scan": {"public_id": "NoSuchTicketCode"},
    "transfer": {"service": "tax"},
    "resume": {"number": "B001"},
    "requeue": {"number": "B001"},
    "cancel_ticket": {},
    "rate_visit": {"number": "B001", "level": 5},
    "report_device": {"kind": "printer", "state": "ready"},
    "close_service": {"reason": "test"},
    "advance_followup": {"note": "x"},
    "extend_service": {"until": "2026-11-23T20:00:00+08:00"},
    "change_config": {"base_version": 1, "ops": [{"op": "set", "kind": "rules", "value": {"priority_ratio": 3}}]},
}


def url(route) -> str:
    values = {"window": "1", "number": "B001", "bundle": "startup", "service": "social", "staff_id": "s1", "case_id": "FU-x",
              "action": "contact", "code": "NOPE1"}
    return route.path.format(**values)


@pytest.mark.parametrize("role", ["kiosk", "display", "window1", "admin"])
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: P.command_tag(r.command))
async def test_role_matrix(srv, role: str, route) -> None:
    await srv.post("/api/tickets", "kiosk", {"service": "social"})
    await srv.post("/api/windows/1/sign-in", "window1", {"staff_id": "s1", "pin": PINS["s1"]})
    version = srv.service.hall.version
    tag = P.command_tag(route.command)
    r = await srv.post(url(route), role, BODIES.get(tag, {}))
    body = await r.json()
    base_role = "window" if role.startswith("window") else role
    allowed = base_role == "admin" or base_role in route.command.roles
    if allowed:
        assert r.status not in (401, 403), body
    else:
        assert (r.status, body["code"]) == (403, "forbidden"), body
        assert srv.service.hall.version == version


async def test_a_window_token_acts_only_for_its_own_window(srv) -> None:
    await srv.post("/api/tickets", "kiosk", {"service": "social"})
    r = await srv.post("/api/windows/2/sign-in", "window1", {"staff_id": "s1", "pin": PINS["s1"]})
    assert (r.status, (await r.json())["code"]) == (403, "wrong_window")


async def test_window_actions_need_a_signed_in_clerk_with_the_right_pin(srv) -> None:
    await srv.post("/api/tickets", "kiosk", {"service": "estate"})
    r = await srv.post("/api/windows/1/call-next", "window1")
    assert (r.status, (await r.json())["code"]) == (403, "clerk_not_signed_in")
    r = await srv.post("/api/windows/1/sign-in", "window1", {"staff_id": "s1", "pin": "0000"})
    assert (r.status, (await r.json())["code"]) == (403, "bad_credentials")
    r = await srv.post("/api/windows/1/sign-in", "window1", {"staff_id": "ghost", "pin": "1111"})
    assert (r.status, (await r.json())["code"]) == (403, "bad_credentials")
    r = await srv.post("/api/windows/1/sign-in", "window1", {"staff_id": "s1", "pin": PINS["s1"]})
    assert r.status == 200
    r = await srv.post("/api/windows/1/call-next", "window1")
    assert r.status == 200


async def test_repeated_wrong_pins_lock_the_staff_id(srv) -> None:
    for _ in range(5):
        r = await srv.post("/api/windows/1/sign-in", "window1", {"staff_id": "s1", "pin": "9999"})
        assert (await r.json())["code"] == "bad_credentials"
    r = await srv.post("/api/windows/1/sign-in", "window1", {"staff_id": "s1", "pin": PINS["s1"]})
    assert (r.status, (await r.json())["code"]) == (403, "locked_out")
    srv.clock.advance(minutes=11)
    r = await srv.post("/api/windows/1/sign-in", "window1", {"staff_id": "s1", "pin": PINS["s1"]})
    assert r.status == 200


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}])
async def test_missing_or_unknown_token_is_401(srv, headers) -> None:
    r = await srv.client.post("/api/tickets", json={"service": "social"}, headers=headers)
    assert (r.status, (await r.json())["code"]) == (401, "unauthorized")
    r = await srv.client.get("/api/hall", headers=headers)
    assert r.status == 401


async def test_admin_window_commands_must_name_the_window_and_display_reads_only(srv) -> None:

    ws = await srv.ws("admin")
    await ws.receive_json()  # snapshot
    await ws.send_json({"type": "call_next", "id": "a1"})
    reply = await ws.receive_json()
    assert (reply["type"], reply["id"], reply["code"]) == ("error", "a1", "invalid_format")
    await ws.close()
    assert (await srv.client.get("/api/hall", headers=srv.auth("display"))).status == 200
    r = await srv.client.get("/api/appointments", headers=srv.auth("display"))
    assert r.status == 403


async def test_a_revoked_token_stops_working_and_cli_lists_it(make_server, capsys) -> None:
    from hallq.cli import main

    srv = await make_server(token_cache_s=0)
    assert (await srv.client.get("/api/hall", headers=srv.auth("display"))).status == 200
    assert main(["token", "revoke", "--name", "test-display", "--data", str(srv.data)]) == 0
    r = await srv.client.get("/api/hall", headers=srv.auth("display"))
    assert (r.status, (await r.json())["code"]) == (401, "unauthorized")
    assert main(["token", "revoke", "--name", "test-display", "--data", str(srv.data)]) == 1
    assert main(["token", "list", "--data", str(srv.data)]) == 0
    out = capsys.readouterr().out
    assert "test-display" in out and srv.tokens["display"] not in out  # names, never secrets


async def test_a_token_can_ask_who_it_is(srv) -> None:
    me = await (await srv.client.get("/api/me", headers=srv.auth("window1"))).json()
    assert me == {"role": "window", "name": "test-window1", "window": 1, "clerk": None, "clerk_name": None}
    await srv.post("/api/windows/1/sign-in", "window1", {"staff_id": "s1", "pin": PINS["s1"]})
    me = await (await srv.client.get("/api/me", headers=srv.auth("window1"))).json()
    assert (me["clerk"], me["clerk_name"]) == ("s1", "Clerk s1")  # the terminal's header shows the name
    kiosk = await (await srv.client.get("/api/me", headers=srv.auth("kiosk"))).json()
    assert kiosk == {"role": "kiosk", "name": "test-kiosk", "window": None, "clerk": None, "clerk_name": None}


def test_tokens_never_look_like_a_command_line_option() -> None:
    from server.auth import new_token

    tokens = [new_token() for _ in range(500)]
    assert all(t.startswith("hq") and len(t) >= 40 for t in tokens) and len(set(tokens)) == 500


async def test_a_window_requeues_only_no_shows_of_services_it_serves(srv) -> None:
    await srv.post("/api/tickets", "kiosk", {"service": "estate"})  # A001
    for w, staff in ((1, "s1"), (4, "s4")):
        await srv.post(f"/api/windows/{w}/sign-in", f"window{w}", {"staff_id": staff, "pin": PINS[staff]})
    await srv.post("/api/windows/1/call-next", "window1")
    await srv.post("/api/windows/1/skip", "window1")
    version = srv.service.hall.version
    r = await srv.post("/api/windows/4/requeue", "window4", {"number": "A001"})  # window 4 serves tax only
    assert (r.status, (await r.json())["code"]) == (409, "service_not_served_here")
    assert srv.service.hall.version == version
    r = await srv.post("/api/windows/1/requeue", "window1", {"number": "A001"})
    assert r.status == 200
