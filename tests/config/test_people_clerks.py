"""Clerks from the console's REST side: add, list, disable (refused while signed in), enable, reset PIN (lifts a
lockout); admin only; every change audited without the PIN; bad input changes nothing. A real server on a real
SQLite file, real HTTP (aiohttp test client)."""
from __future__ import annotations

import sqlite3

from tests.console.conftest import con, login  # noqa: F401  (fixtures)
from tests.server.conftest import Hallq, clock, make_server, provisioned, srv  # noqa: F401  (fixtures)

ADMIN = "admin"


async def call(hq: Hallq, method: str, path: str, body=None, who: str = ADMIN):
    if method == "GET":
        r = await hq.client.get(path, headers=hq.auth(who))
    else:
        r = await hq.post(path, who, body if body is not None else {})
    return r.status, await r.json()


def db(hq: Hallq) -> sqlite3.Connection:
    return sqlite3.connect(hq.data / "hallq.db")


def stored(hq: Hallq) -> tuple:
    with db(hq) as conn:
        return (conn.execute("SELECT * FROM clerks ORDER BY staff_id").fetchall(),
                conn.execute("SELECT count(*) FROM audit").fetchone()[0])


async def sign_in(hq: Hallq, staff: str, pin: str, window: int = 1):
    r = await hq.post(f"/api/windows/{window}/sign-in", f"window{window}", {"staff_id": staff, "pin": pin})
    return r.status, await r.json()


async def test_an_added_clerk_is_listed_signs_in_and_is_named_in_the_attendance_report(srv) -> None:
    status, clerk = await call(srv, "POST", "/api/clerks", {"staff_id": "z101", "name": "王小红", "pin": "246810"})
    assert status == 200
    assert clerk == {"staff_id": "z101", "name": "王小红", "created_at": srv.clock.now.isoformat(), "disabled": False,
                     "disabled_at": None, "wrong_pins": 0, "locked_out": False, "window": None}
    assert (await sign_in(srv, "z101", "246810"))[0] == 200
    status, rows = await call(srv, "GET", "/api/clerks")
    mine = next(r for r in rows if r["staff_id"] == "z101")
    assert mine["window"] == 1 and {r["staff_id"] for r in rows} == {"s1", "s2", "s4", "z101"}
    srv.clock.advance(minutes=30)
    assert (await srv.post("/api/windows/1/sign-out", "window1", {})).status == 200
    day = srv.clock.now.date().isoformat()
    status, report = await call(srv, "GET", f"/api/reports/attendance?from={day}&to={day}")
    assert status == 200
    assert "王小红" in [r.get("clerk_name") for t in report["tables"] for r in t["rows"]]
    r = await srv.client.get("/console/api/clerks", headers=srv.auth(ADMIN))  # the console's tiles' names
    assert (await r.json())["z101"] == "王小红"


async def test_disable_is_refused_while_signed_in_then_sign_in_is_refused_until_enabled(srv) -> None:
    assert (await sign_in(srv, "s1", "1111"))[0] == 200
    before = stored(srv)
    status, err = await call(srv, "POST", "/api/clerks/s1/disable")
    assert (status, err["code"], err["details"]) == (409, "clerk_signed_in", {"window": 1})
    assert stored(srv) == before  # nothing changed, nothing audited
    assert (await srv.post("/api/windows/1/sign-out", "window1", {})).status == 200
    status, clerk = await call(srv, "POST", "/api/clerks/s1/disable")
    assert status == 200 and clerk["disabled"] and clerk["disabled_at"] == srv.clock.now.isoformat()
    status, err = await sign_in(srv, "s1", "1111")
    assert (status, err["code"]) == (403, "clerk_disabled")
    status, err = await sign_in(srv, "s1", "9999")  # a wrong PIN says no more than it does for anyone
    assert (status, err["code"]) == (403, "bad_credentials")
    assert srv.service.hall.windows[1].clerk is None
    status, clerk = await call(srv, "POST", "/api/clerks/s1/enable")
    assert status == 200 and not clerk["disabled"]
    assert (await sign_in(srv, "s1", "1111"))[0] == 200


async def test_reset_pin_sets_the_new_pin_and_lifts_the_lockout(srv) -> None:
    for _ in range(5):
        await sign_in(srv, "s2", "0000", window=2)
    assert (await sign_in(srv, "s2", "2222", window=2))[1]["code"] == "locked_out"
    status, rows = await call(srv, "GET", "/api/clerks")
    s2 = next(r for r in rows if r["staff_id"] == "s2")
    assert (s2["wrong_pins"], s2["locked_out"]) == (5, True)
    status, clerk = await call(srv, "POST", "/api/clerks/s2/reset-pin", {"pin": "86420"})
    assert status == 200 and (clerk["wrong_pins"], clerk["locked_out"]) == (0, False)
    assert (await sign_in(srv, "s2", "2222", window=2))[1]["code"] == "bad_credentials"
    assert (await sign_in(srv, "s2", "86420", window=2))[0] == 200
    with db(srv) as conn:  # the lockout is gone from the store too (a restart does not bring it back)
        assert conn.execute("SELECT count(*) FROM pin_failures WHERE staff_id = 's2'").fetchone()[0] == 0


async def test_every_change_is_audited_and_never_holds_the_pin(srv) -> None:
    await call(srv, "POST", "/api/clerks", {"staff_id": "z7", "name": "赵六", "pin": "13579"})
    await call(srv, "POST", "/api/clerks/z7/disable")
    await call(srv, "POST", "/api/clerks/z7/enable")
    await call(srv, "POST", "/api/clerks/z7/reset-pin", {"pin": "97531"})
    with db(srv) as conn:
        rows = conn.execute("SELECT actor, action, detail FROM audit ORDER BY seq").fetchall()
        pin_hash = conn.execute("SELECT pin_hash FROM clerks WHERE staff_id = 'z7'").fetchone()[0]
    mine = [(a, act) for a, act, d in rows if '"z7"' in d]
    assert mine == [("admin:test-admin", "clerk_added"), ("admin:test-admin", "clerk_disabled"),
                    ("admin:test-admin", "clerk_enabled"), ("admin:test-admin", "clerk_pin_reset")]
    text = repr(rows)
    assert "13579" not in text and "97531" not in text and pin_hash not in text


BAD = [
    ({"staff_id": "", "name": "王五", "pin": "1234"}, "invalid_argument"),
    ({"staff_id": "a b", "name": "王五", "pin": "1234"}, "invalid_argument"),
    ({"staff_id": "z9", "name": "  ", "pin": "1234"}, "invalid_argument"),
    ({"staff_id": "z9", "name": "王五", "pin": "12a4"}, "invalid_argument"),
    ({"staff_id": "z9", "name": "王五", "pin": "123"}, "invalid_argument"),
    ({"staff_id": "z9", "name": "王五"}, "invalid_argument"),
    ({"staff_id": "s1", "name": "重名", "pin": "1234"}, "clerk_exists"),
]


async def test_bad_input_is_refused_with_its_code_and_changes_nothing(srv) -> None:
    before = stored(srv)
    for body, code in BAD:
        status, err = await call(srv, "POST", "/api/clerks", body)
        assert (err["type"], err["code"]) == ("error", code), body
        assert status == (409 if code == "clerk_exists" else 400)
    for path, body, code, status_wanted in [
            ("/api/clerks/nobody/disable", {}, "unknown_clerk", 404),
            ("/api/clerks/nobody/reset-pin", {"pin": "1234"}, "unknown_clerk", 404),
            ("/api/clerks/s1/reset-pin", {"pin": "1"}, "invalid_argument", 400),
            ("/api/clerks/s1/enable", b"[1]", "invalid_format", 400),
            ("/api/clerks/s1/enable", b"{nope", "invalid_json", 400)]:
        status, err = await call(srv, "POST", path, body)
        assert (status, err["code"]) == (status_wanted, code), path
    assert stored(srv) == before


async def test_only_an_admin_manages_clerks(con) -> None:
    for who in ("kiosk", "window1", "display"):
        status, err = await call(con, "POST", "/api/clerks", {"staff_id": "z1", "name": "钱七", "pin": "1234"}, who)
        assert (status, err["code"]) == (403, "forbidden")
        assert (await call(con, "GET", "/api/clerks", who=who))[0] == 403
    r, me = await login(con, "zhang")  # a supervisor's console session
    r = await con.client.get("/api/clerks")
    assert (r.status, (await r.json())["code"]) == (403, "forbidden")
    r = await con.client.post("/api/clerks/s1/disable", json={}, headers={"X-CSRF-Token": me["csrf"]})
    assert r.status == 403
    r, me = await login(con, "root")  # an admin's console session: cookie + CSRF header
    r = await con.client.post("/api/clerks", json={"staff_id": "z1", "name": "钱七", "pin": "1234"})
    assert (r.status, (await r.json())["code"]) == (403, "csrf")
    r = await con.client.post("/api/clerks", json={"staff_id": "z1", "name": "钱七", "pin": "1234"},
                              headers={"X-CSRF-Token": me["csrf"]})
    assert r.status == 200
    with db(con) as conn:
        assert conn.execute("SELECT actor FROM audit WHERE action = 'clerk_added'").fetchall() == [("admin:root",)]
