"""The hall configuration as data on a real server (real SQLite file, real HTTP and WebSocket): a change is a
command, validated in the core, stored with its actor, pushed to every device, applied without a restart; two
admins editing at once; every refused change with its code, nothing changed; restart keeps the stored version."""
from __future__ import annotations

import sqlite3
import tomllib

import msgspec
import pytest

from queuecore.config import export_doc, parse_config
from server.app import ServerConfig, create_app
from tests.queuecore.conftest import make_config
from tests.server.conftest import Hallq, clock, make_server, provisioned, srv  # noqa: F401  (fixtures)


async def get_config(hq: Hallq) -> dict:
    r = await hq.client.get("/api/config", headers=hq.auth("admin"))
    assert r.status == 200, await r.text()
    return await r.json()


async def change(hq: Hallq, ops: list, base: int | None = None, who: str = "admin", **kw):
    if base is None:
        base = (await get_config(hq))["config_version"]
    r = await hq.post("/api/config", who, {"base_version": base, "ops": ops, **kw})
    return r.status, await r.json()


def service_item(code="passport", prefix="P", **kw) -> dict:
    return {"code": code, "prefix": prefix, "name_zh": "出入境", "name_en": "Exit-entry", **kw}


async def issue(hq: Hallq, service: str) -> dict:
    r = await hq.post("/api/tickets", "kiosk", {"service": service})
    assert r.status == 200, await r.text()
    return await r.json()


async def sign_in(hq: Hallq, window: int, staff: str = "s1", pin: str = "1111"):
    r = await hq.post(f"/api/windows/{window}/sign-in", f"window{window}", {"staff_id": staff, "pin": pin})
    assert r.status == 200, await r.text()


def stored_rows(hq: Hallq) -> tuple:
    with sqlite3.connect(hq.data / "hallq.db") as conn:
        return (conn.execute("SELECT value FROM meta WHERE key IN ('config', 'config_version') ORDER BY key").fetchall(),
                conn.execute("SELECT count(*) FROM config_changes").fetchone()[0])


async def test_a_new_hall_is_seeded_from_its_file_as_version_1(srv):
    body = await get_config(srv)
    assert body["config_version"] == 1 and body["pending"] == []
    assert parse_config(body["config"]) == srv.config
    r = await srv.client.get("/api/config/history", headers=srv.auth("admin"))
    [seed] = await r.json()
    assert seed["version"] == 1 and seed["actor"] == "seed" and seed["status"] == "applied"


async def test_a_new_service_reaches_a_connected_kiosk_and_can_be_issued_at_once(srv):
    ws = await srv.ws("kiosk")
    first = msgspec.json.decode((await ws.receive()).data)
    assert first["type"] == "snapshot" and "passport" not in [s["code"] for s in first["hall"]["services"]]
    status, body = await change(srv, [{"op": "put", "kind": "service", "value": service_item()}], note="临时增设")
    assert status == 200, body
    assert body["config_version"] == 2 and body["effective"] == "now" and body["summary"] == ["put service passport"]
    snap = None
    for _ in range(5):  # the change push, then the fresh snapshot every device reloads from
        msg = msgspec.json.decode((await ws.receive(timeout=5)).data)
        if msg["type"] == "snapshot":
            snap = msg
            break
    assert snap is not None and snap["config_version"] == 2
    assert [s["code"] for s in snap["hall"]["services"]][-1] == "passport"
    assert "passport" in [s["code"] for s in snap["services"]]
    ticket = await issue(srv, "passport")
    assert ticket["ticket"]["number"] == "P001"
    await ws.close()


async def test_a_window_given_a_service_while_tickets_wait_calls_it_next(srv):
    await sign_in(srv, 4, "s4", "4444")  # window 4 serves tax only
    estate = await issue(srv, "estate")
    r = await srv.post("/api/windows/4/call-next", "window4")
    assert r.status == 409 and (await r.json())["code"] == "nothing_waiting"
    cfg = (await get_config(srv))["config"]
    w4 = next(w for w in cfg["windows"] if w["id"] == 4)
    status, body = await change(srv, [{"op": "put", "kind": "window", "value": {**w4, "services": ["estate", "tax"]}}])
    assert status == 200, body
    r = await srv.post("/api/windows/4/call-next", "window4")
    assert r.status == 200, await r.text()
    assert (await r.json())["ticket"]["number"] == estate["ticket"]["number"]


async def test_two_admins_editing_at_once_the_second_gets_config_changed_and_nothing_is_lost(srv):
    base = (await get_config(srv))["config_version"]
    ok, first = await change(srv, [{"op": "set", "kind": "rules", "value": {"priority_ratio": 3}}], base=base)
    assert ok == 200, first
    status, second = await change(srv, [{"op": "set", "kind": "rules", "value": {"requeue_places": 5}}], base=base)
    assert status == 409 and second["code"] == "config_changed" and second["details"]["current"] == base + 1
    cfg = (await get_config(srv))["config"]
    assert cfg["rules"]["priority_ratio"] == 3 and cfg["rules"]["requeue_places"] == 3  # the first kept, not mixed
    status, again = await change(srv, [{"op": "set", "kind": "rules", "value": {"requeue_places": 5}}], base=base + 1)
    assert status == 200, again
    cfg = (await get_config(srv))["config"]
    assert (cfg["rules"]["priority_ratio"], cfg["rules"]["requeue_places"]) == (3, 5)


REFUSED = [
    ("prefix mid-day", [{"op": "put", "kind": "service", "value": {
        "code": "estate", "prefix": "Q", "name_zh": "不动产登记", "name_en": "Real estate"}}], "prefix_in_use", 409),
    ("remove a service with waiting tickets", [{"op": "remove", "kind": "window", "key": 4},
                                               {"op": "remove", "kind": "service", "key": "tax"}],
     "service_has_tickets", 409),
    ("window loses the service it serves", [{"op": "put", "kind": "window", "value": {
        "id": 1, "name_zh": "1号窗口", "name_en": "Window 1", "services": ["tax"]}}], "window_serving_service", 409),
    ("remove an open window", [{"op": "remove", "kind": "window", "key": 2}], "window_open", 409),
    ("remove a priority class in use", [{"op": "remove", "kind": "priority", "key": "green"}], "priority_in_use", 409),
    ("timezone mid-day", [{"op": "set", "kind": "timezone", "value": "Asia/Urumqi"}], "timezone_in_use", 409),
    ("an invalid result", [{"op": "put", "kind": "window", "value": {
        "id": 9, "name_zh": "9号窗口", "name_en": "Window 9", "services": ["nope"]}}], "config_invalid", 400),
    ("a duplicate prefix", [{"op": "put", "kind": "service", "value": service_item("x", "B")}], "config_invalid", 400),
    ("renaming a code", [{"op": "put", "kind": "service", "key": "tax", "value": service_item("tax2", "T")}],
     "config_invalid", 400),
    ("an unknown op", [{"op": "frobnicate", "kind": "service"}], "config_invalid", 400),
    ("removing what is not there", [{"op": "remove", "kind": "bundle", "key": "nope"}], "config_invalid", 400),
    ("a list for a table", [{"op": "set", "kind": "rules", "value": [1, 2]}], "config_invalid", 400),
    ("a wrongly typed field", [{"op": "set", "kind": "rules", "value": {"priority_ratio": "two"}}],
     "config_invalid", 400),
]


@pytest.mark.parametrize("ops, code, status", [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
async def test_a_refused_change_has_its_code_and_changes_nothing(srv, ops, code, status):
    await sign_in(srv, 1, "s1", "1111")
    await sign_in(srv, 2, "s2", "2222")
    await issue(srv, "estate")
    await issue(srv, "tax")
    r = await srv.post("/api/tickets", "kiosk", {"service": "estate", "priority": "green"})
    assert r.status == 200
    r = await srv.post("/api/windows/1/call-next", "window1")
    assert r.status == 200
    before = await get_config(srv)
    rows = stored_rows(srv)
    got, body = await change(srv, ops, base=before["config_version"])
    assert (got, body["code"]) == (status, code), body
    assert body["message"]
    if status == 409:
        assert body["details"]["next_day"] is True and body["details"]["conflicts"][0]["code"] == code
    assert await get_config(srv) == before
    assert stored_rows(srv) == rows


async def test_supervisors_and_devices_cannot_read_or_change_the_configuration(srv):
    for who in ("kiosk", "display", "window1"):
        r = await srv.client.get("/api/config", headers=srv.auth(who))
        assert r.status == 403
        r = await srv.post("/api/config", who, {"base_version": 1, "ops": [{"op": "set", "kind": "rules",
                                                                             "value": {"priority_ratio": 9}}]})
        assert r.status == 403
    assert (await get_config(srv))["config"]["rules"]["priority_ratio"] == 2


async def test_a_conflicting_change_scheduled_for_the_next_day_applies_when_the_day_starts(srv):
    await issue(srv, "estate")  # A001: the prefix is in use today
    ops = [{"op": "put", "kind": "service", "value": {
        "code": "estate", "prefix": "Q", "name_zh": "不动产登记", "name_en": "Real estate"}}]
    status, body = await change(srv, ops, effective="next_day", note="新编号规则")
    assert status == 200 and body["effective"] == "next_day" and body["config_version"] == 2, body
    now = await get_config(srv)
    assert next(s for s in now["config"]["services"] if s["code"] == "estate")["prefix"] == "A"
    assert now["pending"][0]["config_version"] == 2
    assert (await issue(srv, "estate"))["ticket"]["number"] == "A002"  # today goes on as it was
    srv.clock.advance(days=1)
    srv.service.tick()
    after = await get_config(srv)
    assert after["pending"] == [] and after["config_version"] == 2
    assert next(s for s in after["config"]["services"] if s["code"] == "estate")["prefix"] == "Q"
    assert (await issue(srv, "estate"))["ticket"]["number"] == "Q001"
    r = await srv.client.get("/api/config/history", headers=srv.auth("admin"))
    latest = (await r.json())[0]
    assert (latest["version"], latest["status"], latest["note"], latest["actor"]) == (2, "applied", "新编号规则",
                                                                                        "admin:test-admin")


async def test_the_change_is_audited_with_its_actor(srv):
    status, _ = await change(srv, [{"op": "put", "kind": "service", "value": service_item()}], note="why")
    assert status == 200
    with sqlite3.connect(srv.data / "hallq.db") as conn:
        actor, action, detail = conn.execute("SELECT actor, action, detail FROM audit ORDER BY rowid DESC").fetchone()
    assert (actor, action) == ("admin:test-admin", "change_config") and "passport" in detail


async def test_a_restart_runs_the_stored_configuration_not_the_file(make_server, tmp_path, clock):
    hq = await make_server()
    status, _ = await change(hq, [{"op": "put", "kind": "service", "value": service_item()}])
    assert status == 200
    app = create_app(ServerConfig(hall=make_config(), data_dir=hq.data), clock=clock)
    await hq.client.close()
    from aiohttp.test_utils import TestClient, TestServer

    async with TestClient(TestServer(app)) as client:
        r = await client.get("/api/config", headers=hq.auth("admin"))
        body = await r.json()
    assert body["config_version"] == 2 and "passport" in [s["code"] for s in body["config"]["services"]]


async def test_export_then_import_round_trips_equal(srv):
    await change(srv, [{"op": "put", "kind": "service", "value": service_item(materials=["护照", "照片"])},
                       {"op": "set", "kind": "calendar", "value": {"holidays": ["2026-12-25"]}}])
    r = await srv.client.get("/api/config/export", headers=srv.auth("admin"))
    assert r.status == 200 and "attachment" in r.headers["Content-Disposition"]
    text = await r.text()
    exported = parse_config(tomllib.loads(text))
    assert exported == srv.service.config
    before = await get_config(srv)
    r = await srv.client.post("/api/config/import", data=text.encode(), headers=srv.auth("admin"))
    assert r.status == 200, await r.text()
    after = await get_config(srv)
    assert after["config_version"] == before["config_version"] + 1 and after["config"] == before["config"]
    assert export_doc(srv.service.config, native=False) == before["config"]


async def test_an_import_that_is_not_toml_or_not_a_hall_is_refused(srv):
    before = await get_config(srv)
    for body, code in ((b"[hall\nname", "config_invalid"), (b"\xff\xfe", "config_invalid"),
                       (b'[hall]\nname_zh = "x"\nname_en = "x"\n', "config_invalid")):
        r = await srv.client.post("/api/config/import", data=body, headers=srv.auth("admin"))
        assert r.status == 400 and (await r.json())["code"] == code
    assert await get_config(srv) == before


async def test_a_withdrawn_change_is_cancelled_in_the_history_and_survives_a_restart(srv):
    await issue(srv, "estate")
    ops = [{"op": "put", "kind": "service", "value": {
        "code": "estate", "prefix": "Q", "name_zh": "不动产登记", "name_en": "Real estate"}}]
    status, body = await change(srv, ops, effective="next_day")
    assert status == 200 and body["config_version"] == 2
    status, body = await change(srv, [{"op": "unschedule", "key": 2}], note="不改了")
    assert status == 200 and body["config_version"] == 3, body
    assert (await get_config(srv))["pending"] == []
    r = await srv.client.get("/api/config/history", headers=srv.auth("admin"))
    rows = {row["version"]: row for row in await r.json()}
    assert rows[2]["status"] == "cancelled" and rows[2]["summary"] == ["put service estate"]
    assert rows[3]["status"] == "applied" and rows[3]["note"] == "不改了"
    srv.service.close()
    srv.service._load()  # as a restart reads the store
    assert srv.service.hall.pending_config == []
