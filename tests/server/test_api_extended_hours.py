"""延时服务 over REST: an admin keeps a service issuing past its hours, today only, across a restart."""
from __future__ import annotations

import json
import sqlite3
from datetime import timedelta

import pytest

from tests.queuecore.conftest import DAY, at

EXTEND = "/api/services/estate/extend"  # estate issues 08:30-12:00 and 13:30-17:00


def until(hhmm: str) -> dict:
    return {"until": at(hhmm).isoformat()}


async def estate(srv, who: str = "display") -> dict:
    snap = await (await srv.client.get("/api/hall", headers=srv.auth(who))).json()
    return next(s for s in snap["services"] if s["code"] == "estate")


async def issue_code(srv) -> str | None:
    r = await srv.post("/api/tickets", "kiosk", {"service": "estate"})
    return None if r.status == 200 else (await r.json())["code"]


async def test_an_admin_extends_a_service_and_tickets_are_issued_after_hours_across_a_restart(make_server) -> None:
    srv = await make_server()
    srv.clock.now = at("18:00")
    assert await issue_code(srv) == "outside_hours"
    ws = await srv.ws("display")
    await ws.receive_json()  # the snapshot
    r = await srv.post(EXTEND, "admin", until("20:00"))
    assert r.status == 200, await r.json()
    (event,) = (await r.json())["events"]
    assert event["type"] == "service_extended" and event["until"] == at("20:00").isoformat()
    change = await ws.receive_json()  # kiosks and displays are told at once
    (pushed,) = change["services"]
    assert pushed["code"] == "estate" and pushed["refusal"] is None and pushed["extended_until"] == at("20:00").isoformat()
    await ws.close()
    assert await issue_code(srv) is None
    await srv.client.close()

    srv = await make_server(data=srv.data, tokens=srv.tokens)  # a restart: still extended
    srv.clock.now = at("19:00")
    assert (await estate(srv))["extended_until"] == at("20:00").isoformat()
    assert await issue_code(srv) is None
    srv.clock.now = at("20:00")
    assert await issue_code(srv) == "outside_hours"
    assert (await estate(srv))["extended_until"] is None


async def test_an_extension_ends_with_the_day(srv) -> None:
    srv.clock.now = at("18:00")
    assert (await srv.post(EXTEND, "admin", until("23:59"))).status == 200
    srv.clock.now = at("18:00", DAY + timedelta(days=1))
    assert await issue_code(srv) == "outside_hours"
    assert (await estate(srv))["extended_until"] is None


async def test_ending_an_extension_restores_the_hours(srv) -> None:
    srv.clock.now = at("18:00")
    await srv.post(EXTEND, "admin", until("20:00"))
    r = await srv.post("/api/services/estate/end-extension", "admin")
    assert [e["type"] for e in (await r.json())["events"]] == ["service_extension_ended"]
    assert await issue_code(srv) == "outside_hours"


@pytest.mark.parametrize("who", ["kiosk", "display", "window1"])
async def test_only_an_admin_may_extend(srv, who: str) -> None:
    srv.clock.now = at("18:00")
    for path, body in ((EXTEND, until("20:00")), ("/api/services/estate/end-extension", None)):
        r = await srv.post(path, who, body)
        assert (r.status, (await r.json())["code"]) == (403, "forbidden")
    assert (await estate(srv))["extended_until"] is None


@pytest.mark.parametrize("path, body, status, code", [
    (EXTEND, until("17:30"), 400, "until_in_past"),
    (EXTEND, {"until": at("00:30", DAY + timedelta(days=1)).isoformat()}, 400, "until_after_day_end"),
    (EXTEND, {"until": f"{DAY}T20:00:00"}, 400, "invalid_format"),  # no offset: whose 20:00?
    (EXTEND, {}, 400, "invalid_format"),
    ("/api/services/nope/extend", until("20:00"), 404, "unknown_service"),
])
async def test_bad_extensions_are_refused_with_a_code(srv, path: str, body: dict, status: int, code: str) -> None:
    srv.clock.now = at("18:00")
    version = srv.service.hall.version
    r = await srv.post(path, "admin", body)
    assert (r.status, (await r.json())["code"]) == (status, code)
    assert srv.service.hall.version == version



async def test_the_extension_is_recorded_with_the_admin_who_made_it(srv) -> None:
    srv.clock.now = at("18:00")
    await srv.post(EXTEND, "admin", until("20:00"))
    with sqlite3.connect(srv.data / "hallq.db") as conn:
        (data,) = conn.execute("SELECT data FROM events WHERE type = 'service_extended'").fetchone()
        audit = conn.execute("SELECT actor, action, detail FROM audit WHERE action = 'extend_service'").fetchall()
    assert json.loads(data)["service"] == "estate"
    ((actor, _, detail),) = audit  # who, and what exactly
    assert actor == "admin:test-admin"
    assert json.loads(detail) == {"service": "estate", "until": at("20:00").isoformat()}


async def cli(srv, *args: str, token: str = "admin") -> int:
    import asyncio

    from hallq.cli import main

    url = str(srv.client.make_url("/")).rstrip("/")
    # urllib blocks: the command runs on a thread while this loop serves it.
    return await asyncio.to_thread(main, ["service", *args, "--server", url, "--token", srv.tokens[token]])


async def test_the_cli_extends_a_service_or_all_and_ends_it(srv, capsys) -> None:
    srv.clock.now = at("18:00")
    assert await cli(srv, "extend", "estate", "--until", "20:00") == 0
    assert "estate (不动产登记): issues tickets until 20:00 today" in capsys.readouterr().out
    assert await issue_code(srv) is None
    assert await cli(srv, "extend", "--all", "--until", "21:30") == 0
    assert srv.service.hall.extended == {code: at("21:30") for code in ("estate", "social", "tax")}
    assert await cli(srv, "end-extension", "estate") == 0
    assert await issue_code(srv) == "outside_hours"


@pytest.mark.parametrize("args, token, rc, message", [
    (("extend", "estate", "--until", "17:00"), "admin", 1, "until_in_past"),
    (("extend", "estate", "--until", "20:00"), "kiosk", 1, "forbidden"),
    (("extend", "nope", "--until", "20:00"), "admin", 1, "unknown_service"),
    (("extend", "--until", "20:00"), "admin", 2, "give a SERVICE or --all"),
    (("extend", "estate", "--until", "8pm"), "admin", 2, "HH:MM"),
])
async def test_the_cli_says_why_an_extension_is_refused(srv, capsys, args, token, rc, message) -> None:
    srv.clock.now = at("18:00")
    assert await cli(srv, *args, token=token) == rc
    assert message in capsys.readouterr().err
    assert srv.service.hall.extended == {}
