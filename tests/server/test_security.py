"""Who may see and do what: revoked tokens lose their sockets, PIN checks cost the same and survive restarts,
public screens see numbers only, QR ids are unguessable."""
from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
import threading

import pytest

from server import auth
from server.cli import revoke_tokens_in
from tests.server.conftest import PINS


def audit(srv) -> list[tuple[str, str]]:
    with sqlite3.connect(srv.data / "hallq.db") as conn:
        return conn.execute("select actor, action from audit order by seq").fetchall()


# ------------------------------------------------------------ 6. revocation


async def test_revoking_a_token_closes_its_open_socket_and_its_commands_stop(make_server) -> None:
    srv = await make_server(tick_s=0.2)
    ws = await srv.ws("kiosk")
    await ws.receive_json()
    other = await srv.ws("display")
    await other.receive_json()
    assert revoke_tokens_in(srv.data, "test-kiosk") == 1
    msg = await ws.receive(timeout=5)  # within one tick, not after the 30 s token cache
    while msg.type.name == "TEXT":
        msg = await ws.receive(timeout=5)
    assert ws.closed and ws.close_code == 4401
    r = await srv.post("/api/tickets", "kiosk", {"service": "social"})
    assert (r.status, (await r.json())["code"]) == (401, "unauthorized")
    assert not srv.service.hall.tickets
    await other.send_str('{"type":"ping","id":"p"}')
    assert (await other.receive_json(timeout=5))["id"] == "p"  # other tokens keep their sockets
    await other.close()


# ------------------------------------------------------------ 7. PIN checks


@pytest.fixture
def scrypt_calls(monkeypatch) -> list[str]:
    """Every scrypt run, by the thread that ran it (a spy around the real function)."""
    calls: list[str] = []
    real = auth.hashlib.scrypt

    def spy(*args, **kw):
        calls.append(threading.current_thread().name)
        return real(*args, **kw)

    auth.decoy_pin_hash()  # made once per process, before counting
    monkeypatch.setattr(auth.hashlib, "scrypt", spy)
    return calls


async def test_a_kiosk_sign_in_is_refused_before_any_pin_is_hashed(srv, scrypt_calls) -> None:
    r = await srv.post("/api/windows/1/sign-in", "kiosk", {"staff_id": "s1", "pin": PINS["s1"]})
    assert (r.status, (await r.json())["code"]) == (403, "forbidden")
    r = await srv.post("/api/windows/2/sign-in", "window1", {"staff_id": "s1", "pin": PINS["s1"]})
    assert (r.status, (await r.json())["code"]) == (403, "wrong_window")
    assert scrypt_calls == []


async def test_known_and_unknown_staff_ids_cost_one_scrypt_each_off_the_event_loop(srv, scrypt_calls) -> None:
    for staff in ("s1", "nobody", "s2", "ghost"):
        r = await srv.post("/api/windows/1/sign-in", "window1", {"staff_id": staff, "pin": "9999"})
        assert (r.status, (await r.json())["code"]) == (403, "bad_credentials")
    assert len(scrypt_calls) == 4
    assert all(name.startswith("pin") for name in scrypt_calls)  # the PIN pool, never the loop's thread


async def test_a_lockout_survives_a_restart_and_an_admin_lifts_it_audited(make_server) -> None:
    srv = await make_server()
    for _ in range(5):
        r = await srv.post("/api/windows/1/sign-in", "window1", {"staff_id": "s1", "pin": "0000"})
        assert (await r.json())["code"] == "bad_credentials"
    r = await srv.post("/api/windows/1/sign-in", "window1", {"staff_id": "s1", "pin": PINS["s1"]})
    assert (await r.json())["code"] == "locked_out"
    await srv.client.close()

    srv = await make_server(data=srv.data, tokens=srv.tokens)
    r = await srv.post("/api/windows/1/sign-in", "window1", {"staff_id": "s1", "pin": PINS["s1"]})
    assert (await r.json())["code"] == "locked_out"
    r = await srv.post("/api/clerks/s1/unlock", "window1", {})
    assert (r.status, (await r.json())["code"]) == (403, "forbidden")
    r = await srv.post("/api/clerks/s1/unlock", "admin", {})
    assert r.status == 200, await r.text()
    r = await srv.post("/api/windows/1/sign-in", "window1", {"staff_id": "s1", "pin": PINS["s1"]})
    assert r.status == 200, await r.text()
    assert ("window:test-window1", "clerk_locked_out") in audit(srv)
    assert ("admin:test-admin", "clerk_unlocked") in audit(srv)


# ------------------------------------------------------------ 8. each role sees what it needs


async def visit_with_rating_and_appointment(srv) -> None:
    await srv.post("/api/windows/1/sign-in", "window1", {"staff_id": "s1", "pin": PINS["s1"]})
    await srv.post("/api/tickets", "kiosk", {"service": "estate"})
    await srv.post("/api/windows/1/call-next", "window1", {})
    await srv.post("/api/windows/1/start", "window1", {})
    await srv.post("/api/windows/1/finish", "window1", {})
    r = await srv.post("/api/windows/1/rate", "window1", {"number": "A001", "level": 1, "reason": "态度差",
                                                         "comment": "SECRET-COMMENT"})
    assert r.status == 200, await r.text()
    r = await srv.post("/api/appointments", "admin", {"appointments": [{
        "code": "CODE7788", "service": "estate", "start": "2026-11-23T09:00:00+08:00",
        "end": "2026-11-23T09:30:00+08:00", "name_masked": "张*明"}]})
    assert r.status == 200, await r.text()
    r = await srv.post("/api/appointments/check-in", "kiosk", {"code": "CODE7788"})
    assert r.status == 200, await r.text()


SECRETS = ("SECRET-COMMENT", "CODE7788", '"s1"', "张*明")


async def test_public_screens_get_numbers_services_windows_and_counts_only(srv, caplog) -> None:
    caplog.set_level(logging.INFO)
    socks = {}
    for who in ("display", "kiosk", "window1", "admin"):
        socks[who] = await srv.ws(who)
    await visit_with_rating_and_appointment(srv)
    texts: dict[str, str] = {}
    for who, ws in socks.items():
        chunks = []
        await ws.send_str('{"type":"get_snapshot","id":"snap"}')
        while True:
            msg = await ws.receive(timeout=5)
            chunks.append(msg.data)
            if '"id":"snap"' in msg.data:
                break
        texts[who] = "\n".join(chunks)
        await ws.close()
    for who in ("display", "kiosk"):
        for secret in (*SECRETS, '"clerk":"s1"'):
            assert secret not in texts[who], (who, secret)
        assert not re.search(r'"public_id":"[^"]', texts[who])  # the QR id stays on paper
        assert '"number":"A001"' in texts[who]
        r = await srv.client.get("/api/tickets/A001", headers=srv.auth(who))
        body = await r.text()
        assert r.status == 200 and "SECRET-COMMENT" not in body and '"clerk":null' in body
        r = await srv.client.get("/api/hall", headers=srv.auth(who))
        body = await r.text()
        assert r.status == 200 and '"clerk":"s1"' not in body and not re.search(r'"public_id":"[^"]', body)
    assert "CODE7788" not in texts["window1"] and '"clerk":"s1"' in texts["window1"]
    assert "CODE7788" in texts["admin"] and "SECRET-COMMENT" in texts["admin"]
    assert re.search(r'"public_id":"[^"]', texts["admin"])  # so the checks above can fail
    assert "CODE7788" not in caplog.text  # check-in codes never reach a log


# ------------------------------------------------------------ 9. unguessable QR ids


async def test_the_qr_id_is_random_and_the_number_does_not_find_the_ticket(srv) -> None:
    paths = []
    for _ in range(3):
        issued = await (await srv.post("/api/tickets", "kiosk", {"service": "social"})).json()
        paths.append(issued["status_path"])
    ids = [p.removeprefix("/t/") for p in paths]
    assert len(set(ids)) == 3 and all(len(i) >= 16 for i in ids)  # >= 96 bits of token_urlsafe
    assert all("B00" not in i and "2026" not in i for i in ids)
    for guess in ("20261123-B001", "B001", "20261123-B002", ""):
        r = await srv.client.get(f"/t/{guess}")
        assert r.status == 404
    r = await srv.client.get(paths[1])
    assert (await r.json())["number"] == "B002"


async def test_the_cli_lifts_a_lockout_through_the_running_server(srv, capsys) -> None:
    from hallq.cli import main

    for _ in range(5):
        await srv.post("/api/windows/1/sign-in", "window1", {"staff_id": "s2", "pin": "0000"})
    url = str(srv.client.make_url("/")).rstrip("/")
    args = ["clerk", "unlock", "s2", "--server", url, "--token"]
    assert await asyncio.to_thread(main, [*args, srv.tokens["kiosk"]]) == 1
    assert "forbidden" in capsys.readouterr().err
    assert await asyncio.to_thread(main, [*args, srv.tokens["admin"]]) == 0
    assert "s2" in capsys.readouterr().out
    r = await srv.post("/api/windows/1/sign-in", "window1", {"staff_id": "s2", "pin": PINS["s2"]})
    assert r.status == 200, await r.text()


# ------------------------------------------------------------ supervisors and the audit trail


async def test_every_admin_action_is_audited_with_its_actor_and_only_admins_read_it(srv) -> None:
    r = await srv.post("/api/services/tax/close", "admin", {"reason": "系统维护"})
    assert r.status == 200, await r.text()
    await srv.post("/api/services/tax/open", "admin", {})
    r = await srv.client.get("/api/audit", headers=srv.auth("admin"))
    rows = await r.json()
    assert [(a["actor"], a["action"]) for a in rows][:2] == [("admin:test-admin", "open_service"),
                                                             ("admin:test-admin", "close_service")]
    assert rows[1]["detail"] == {"service": "tax", "reason": "系统维护"}
    r = await srv.client.get("/api/audit?kind=close_service&actor=admin:test-admin", headers=srv.auth("admin"))
    assert [a["action"] for a in await r.json()] == ["close_service"]
    for who in ("kiosk", "display", "window1"):
        r = await srv.client.get("/api/audit", headers=srv.auth(who))
        assert r.status == 403
    for query, code in (("from=2026-13-01", "invalid_format"), ("from=2026-11-24&to=2026-11-23", "from_after_to")):
        r = await srv.client.get(f"/api/audit?{query}", headers=srv.auth("admin"))
        assert (r.status, (await r.json())["code"]) == (400, code)


async def test_a_supervisor_acts_on_the_day_audited_but_cannot_issue_call_or_configure(make_server) -> None:
    from server.cli import create_token_in

    srv = await make_server()
    srv.tokens["supervisor"] = create_token_in(srv.data, "supervisor", "test-supervisor", None)
    await visit_with_rating_and_appointment(srv)
    r = await srv.client.get("/api/hall", headers=srv.auth("supervisor"))
    text = await r.text()
    assert r.status == 200 and '"clerk":"s1"' in text and "CODE7788" not in text
    for path, body in (("/api/tickets", {"service": "social"}), ("/api/windows/1/call-next", {}),
                       ("/api/windows/1/pause", {"reason": "x"}), ("/api/day/close", {}),
                       ("/api/appointments", {"appointments": [{"code": "ZZZZ9", "service": "estate",
                                                                "start": "2026-11-23T11:00:00+08:00",
                                                                "end": "2026-11-23T11:30:00+08:00"}]})):
        r = await srv.post(path, "supervisor", body)
        assert (r.status, (await r.json())["code"]) == (403, "forbidden"), path
    await srv.post("/api/tickets", "kiosk", {"service": "social"})
    number = srv.service.hall.active_tickets()[-1].number
    allowed = (("/api/services/tax/close", {"reason": "系统维护"}), ("/api/services/tax/open", {}),
               ("/api/services/estate/extend", {"until": "2026-11-23T19:00:00+08:00"}),
               ("/api/services/estate/end-extension", {}), (f"/api/tickets/{number}/cancel", {"reason": "重复取号"}),
               ("/api/clerks/s1/unlock", {}), ("/api/windows/1/sign-out", {}))
    for path, body in allowed:
        r = await srv.post(path, "supervisor", body)
        assert r.status == 200, (path, await r.text())
    assert srv.service.hall.windows[1].clerk is None
    r = await srv.client.get("/api/audit", headers=srv.auth("admin"))
    mine = [(a["action"], a["detail"]) for a in await r.json() if a["actor"] == "supervisor:test-supervisor"]
    actions = [a for a, _ in mine]
    for action in ("close_service", "open_service", "extend_service", "end_service_extension", "cancel_ticket",
                   "clerk_unlocked", "sign_out"):
        assert action in actions, (action, actions)
    assert {"service": "tax", "reason": "系统维护"} in [d for a, d in mine if a == "close_service"]
