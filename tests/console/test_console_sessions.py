"""Console logins over real HTTP: cookie flags, CSRF and Origin checks, lockout, idle timeout, logout, roles."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.console.conftest import login


async def test_good_login_sets_a_strict_httponly_cookie_and_acts_as_the_user(con):
    r, body = await login(con)
    assert r.status == 200 and body["role"] == "supervisor" and body["name"] == "张主任" and body["csrf"]
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert body["csrf"] not in cookie and "token" not in str(r.url)
    me = await con.client.get("/console/api/me")
    assert (await me.json())["username"] == "zhang"
    # The session reads the hall's API like a supervisor token would, and no more.
    assert (await con.client.get("/api/hall")).status == 200
    assert (await con.client.get("/api/followups")).status == 200
    assert (await con.client.get("/api/audit")).status == 403


async def test_wrong_password_and_unknown_user_are_refused_alike(con):
    r, body = await login(con, password="wrong-password")
    assert r.status == 403 and body["code"] == "bad_credentials"
    r = await con.client.post("/console/api/login", json={"username": "nobody", "password": "whatever-1"},
                              headers={"X-Hallq-Login": "1"})
    assert r.status == 403 and (await r.json())["code"] == "bad_credentials"
    assert (await con.client.get("/console/api/me")).status == 401


async def test_five_wrong_passwords_lock_the_account_even_for_the_right_one_and_survive_a_restart(con):
    for _ in range(5):
        r, body = await login(con, password="nope-nope")
        assert body["code"] == "bad_credentials"
    r, body = await login(con)
    assert r.status == 403 and body["code"] == "locked_out"
    row = con.service.store.conn.execute("SELECT locked_until FROM users WHERE username = 'zhang'").fetchone()
    assert row[0]  # stored, not in memory
    con.clock.advance(minutes=16)
    r, body = await login(con)
    assert r.status == 200
    audit = [a["action"] for a in con.service.store.audit_log()]
    assert "user_locked_out" in audit and "console_login" in audit


async def test_login_needs_the_console_header_and_our_origin(con):
    r = await con.client.post("/console/api/login", json={"username": "zhang", "password": "correct-horse-1"})
    assert r.status == 403
    r = await con.client.post("/console/api/login", json={"username": "zhang", "password": "correct-horse-1"},
                              headers={"X-Hallq-Login": "1", "Origin": "http://evil.example"})
    assert r.status == 403


async def test_a_post_with_the_cookie_alone_is_refused_csrf(con):
    r, body = await login(con)
    csrf = body["csrf"]
    rated = await con.client.post("/console/api/alerts/x/ack", json={"note": "seen"})
    assert rated.status == 403 and (await rated.json())["code"] == "csrf"
    bad = await con.client.post("/console/api/alerts/x/ack", json={"note": "seen"}, headers={"X-CSRF-Token": "nope"})
    assert bad.status == 403
    cross = await con.client.post("/console/api/alerts/x/ack", json={"note": "seen"},
                                  headers={"X-CSRF-Token": csrf, "Origin": "http://evil.example"})
    assert cross.status == 403
    ok = await con.client.post("/console/api/alerts/x/ack", json={"note": "seen"}, headers={"X-CSRF-Token": csrf})
    assert ok.status == 200 and (await ok.json())["actor"] == "supervisor:zhang"
    # The hall's own commands too: a session's POST without the header changes nothing.
    r = await con.client.post("/api/services/social/close", json={"reason": "x"})
    assert r.status == 403


async def test_idle_timeout_ends_the_session_but_background_polls_do_not_keep_it_alive(con):
    await login(con)
    con.clock.advance(minutes=20)
    assert (await con.client.get("/console/api/alerts", headers={"X-Hallq-Background": "1"})).status == 200
    con.clock.advance(minutes=11)  # 31 min since the last user action
    r = await con.client.get("/console/api/me")
    assert r.status == 401
    assert (await con.client.get("/api/hall")).status == 401


async def test_user_activity_keeps_the_session(con):
    await login(con)
    for _ in range(4):
        con.clock.advance(minutes=20)
        assert (await con.client.get("/console/api/me")).status == 200


async def test_logout_ends_the_session_and_its_socket(con):
    r, body = await login(con)
    ws = await con.client.ws_connect("/ws")
    snap = await ws.receive_json()
    assert snap["type"] == "snapshot"
    out = await con.client.post("/console/api/logout", headers={"X-CSRF-Token": body["csrf"]})
    assert out.status == 200
    msg = await ws.receive(timeout=5)
    assert ws.closed or msg.type.name in ("CLOSE", "CLOSING", "CLOSED")
    assert ws.close_code == 4401
    assert (await con.client.get("/console/api/me")).status == 401
    assert (await con.client.get("/api/hall")).status == 401


async def test_the_console_socket_needs_our_origin(con):
    await login(con)
    r = await con.client.get("/ws", headers={"Origin": "http://evil.example", "Upgrade": "websocket",
                                             "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
                                             "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
    assert r.status == 403


async def test_only_admins_add_users_and_the_new_user_can_log_in(con):
    r, body = await login(con)
    new = {"username": "wang", "name": "王值班", "role": "supervisor", "password": "long-enough-9"}
    denied = await con.client.post("/console/api/users", json=new, headers={"X-CSRF-Token": body["csrf"]})
    assert denied.status == 403
    await con.client.post("/console/api/logout", headers={"X-CSRF-Token": body["csrf"]})
    r, body = await login(con, "root")
    assert body["role"] == "admin"
    ok = await con.client.post("/console/api/users", json=new, headers={"X-CSRF-Token": body["csrf"]})
    assert ok.status == 200
    users = await (await con.client.get("/console/api/users")).json()
    assert {u["username"] for u in users} == {"root", "wang", "zhang"}
    assert all("pw_hash" not in u for u in users)
    audit = await (await con.client.get("/api/audit")).json()
    assert any(a["action"] == "user_added" and a["actor"] == "admin:root" for a in audit)
    await con.client.post("/console/api/logout", headers={"X-CSRF-Token": body["csrf"]})
    r, body = await login(con, "wang", "long-enough-9")
    assert r.status == 200 and body["name"] == "王值班"


async def test_a_session_acts_with_its_role_and_the_audit_names_the_person(con):
    r, body = await login(con, "root")
    r = await con.client.post("/api/services/social/close", json={"reason": "系统维护"},
                              headers={"X-CSRF-Token": body["csrf"]})
    assert r.status == 200, await r.text()
    audit = await (await con.client.get("/api/audit")).json()
    assert any(a["actor"] == "admin:root" and "close" in a["action"] for a in audit)


async def test_the_console_page_is_served_without_a_token(con):
    r = await con.client.get("/console")
    assert r.status == 200 and "text/html" in r.headers["Content-Type"]
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]


async def test_a_device_that_heartbeats_then_falls_silent_raises_an_alert(con):
    r, body = await login(con)
    for _ in range(2):  # the same report twice: a heartbeat
        await con.post("/api/devices/report", "kiosk", {"kind": "printer", "state": "ready"})
    data = await (await con.client.get("/console/api/alerts")).json()
    assert "test-kiosk" in data["devices_seen"] and not [a for a in data["alerts"] if a["kind"] == "device_silent"]
    con.clock.advance(seconds=95)
    data = await (await con.client.get("/console/api/alerts")).json()
    silent = [a for a in data["alerts"] if a["kind"] == "device_silent"]
    assert [(a["device"], a["severity"]) for a in silent] == [("test-kiosk", "red")]
    ack = await con.client.post(f"/console/api/alerts/{silent[0]['id']}/ack", json={"note": "已重启"},
                                headers={"X-CSRF-Token": body["csrf"]})
    assert ack.status == 200
    data = await (await con.client.get("/console/api/alerts")).json()
    assert [a["ack"]["note"] for a in data["alerts"] if a["kind"] == "device_silent"] == ["已重启"]


async def test_a_device_reporting_only_changes_is_never_called_silent(con):
    await login(con)
    await con.post("/api/devices/report", "kiosk", {"kind": "printer", "state": "ready"})
    con.clock.advance(minutes=30)
    data = await (await con.client.get("/console/api/alerts")).json()
    assert not [a for a in data["alerts"] if a["kind"] == "device_silent"]


def test_the_console_table_of_the_hall_toml(tmp_path):
    import pytest

    from queuecore.alerts import rules_from
    from queuecore.config import ConfigError, load_config
    from server.console_cli import console_table

    base = Path(__file__).parents[2] / "examples" / "county-hall.toml"
    good = tmp_path / "hall.toml"
    good.write_text(base.read_text(encoding="utf-8") + "\n[console]\nidle_s = 600\n\n[console.alerts]\n"
                    "lead_minutes = 3\nopening = 08:30:00\n", encoding="utf-8")
    load_config(str(good))  # the hall's parser leaves [console] to the server
    table = console_table(good)
    assert table["idle_s"] == 600 and rules_from(table["alerts"]).lead_minutes == 3
    bad = tmp_path / "bad.toml"
    bad.write_text(base.read_text(encoding="utf-8") + "\n[console.alerts]\nleed_minutes = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="leed_minutes"):
        console_table(bad)


async def test_the_devices_list_has_each_devices_heartbeat_version_and_goes_stale_after_three_missed(con):
    await login(con)
    await con.post("/api/devices/report", "kiosk", {"kind": "printer", "state": "paper_near_end", "version": "1.2.3"})
    await con.post("/api/devices/report", "display", {"kind": "display", "state": "ready", "version": "web Chrome/120"})
    data = await (await con.client.get("/console/api/alerts")).json()
    health = data["devices_health"]
    assert (health["test-kiosk"]["status"], health["test-kiosk"]["version"]) == ("paper_near_end", "1.2.3")
    assert health["test-display"]["status"] == "ready" and health["test-display"]["seen"]
    con.clock.advance(seconds=60)
    await con.post("/api/devices/report", "display", {"kind": "display", "state": "ready", "version": "web Chrome/120"})
    con.clock.advance(seconds=30)  # the kiosk: 90 s, 3 heartbeats missed; the display: 30 s
    health = (await (await con.client.get("/console/api/alerts")).json())["devices_health"]
    assert (health["test-kiosk"]["status"], health["test-display"]["status"]) == ("stale", "ready")
