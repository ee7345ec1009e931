"""The supervisor console's surface: /console, login/logout, accounts, 超时预警 alerts and their acks, /vendor/echarts/.

Rule: this module only translates HTTP to sessions, queries and audit rows; the console reads the
hall through the same /api routes and /ws as every app, authenticated by its session cookie
(server.app.authenticate asks cookie_principal when no token is sent).
"""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import msgspec
from aiohttp import web

from queuecore import alerts as A
from server import auth, sessions
from server.service import Denied, _audit_row
from server.store import _AUDIT_INSERT

log = logging.getLogger("hallq.console")

SETTINGS = web.AppKey("console_settings", sessions.Settings)
ALERT_RULES = web.AppKey("console_alert_rules", A.AlertRules)
CONSOLE_DIR = Path(__file__).with_name("static") / "console"
ECHARTS_DIR = Path(__file__).resolve().parents[1] / "node_modules" / "echarts" / "dist"
ECHARTS_FILES = frozenset({"echarts.min.js", "echarts.esm.min.mjs", "echarts.js"})
SESSION_CLOSED = 4401  # close code: the session ended (logout, idle, account removed): log in again
ROLES = frozenset(sessions.USER_ROLES)
_OBJ = {"type": "object"}
_PATH_ID = [{"name": "alert_id", "in": "path", "required": True, "schema": {"type": "string"}}]
# The console's operations in the OpenAPI document (server.openapi reads them with the app's READ_ROUTES).
OPENAPI_ROUTES: list[dict[str, Any]] = [
    {"path": "/console", "operationId": "console_page", "summary": "The supervisor console (a page; it logs in "
     "with a password, never a token in the URL)", "auth": False, "html": True},
    {"path": "/console/api/login", "method": "post", "operationId": "console_login", "auth": False,
     "summary": "Log in to the console: sets the HttpOnly, SameSite=Strict session cookie and answers the CSRF "
     "token that every POST of the session sends as X-CSRF-Token. Needs the header X-Hallq-Login: 1. Five wrong "
     "passwords lock the account (locked_out)", "body": {"type": "object", "properties": {
         "username": {"type": "string"}, "password": {"type": "string"}}}, "refusals": (400, 403)},
    {"path": "/console/api/logout", "method": "post", "operationId": "console_logout", "auth": False,
     "summary": "End the console session (its sockets close with 4401)", "refusals": (401, 403)},
    {"path": "/console/api/me", "operationId": "console_me", "summary": "This console session: user, role, "
     "CSRF token, idle timeout", "auth": False, "refusals": (401, 403)},
    {"path": "/console/api/users", "operationId": "console_users", "summary": "Console accounts (admin)",
     "schema": list[dict[str, Any]]},
    {"path": "/console/api/users", "method": "post", "operationId": "console_add_user", "summary": "Add a console "
     "account or set its password (admin; audited)", "body": {"type": "object", "properties": {
         "username": {"type": "string"}, "name": {"type": "string"}, "role": {"type": "string"},
         "password": {"type": "string"}}}, "refusals": (400,)},
    {"path": "/console/api/clerks", "operationId": "console_clerks", "summary": "Clerks' names by staff id "
     "(supervisor, admin)", "schema": dict[str, str]},
    {"path": "/console/api/alerts", "operationId": "console_alerts", "summary": "超时预警: the alerts that hold "
     "now, each with its acknowledgement (supervisor, admin)"},
    {"path": "/console/api/alerts/{alert_id}/ack", "method": "post", "operationId": "console_ack_alert",
     "summary": "Acknowledge an alert with a note (supervisor, admin; audited)", "parameters": _PATH_ID,
     "body": {"type": "object", "properties": {"note": {"type": "string"}}}, "refusals": (400,)},
    {"path": "/vendor/echarts/{name}", "operationId": "echarts_file", "summary": "Apache ECharts, as installed "
     "by npm ci (scripts/setup.sh)", "auth": False, "refusals": (404,),
     "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}]},
]


def cookie_principal(request: web.Request) -> auth.Principal | None:
    """The console session's principal for a request without a token (None: no session cookie)."""
    from server.app import SERVICE

    service = request.app[SERVICE]
    settings = request.app.get(SETTINGS) or sessions.Settings()
    s = sessions.from_cookie(request, service.store, settings, service.clock())
    return s.principal if s is not None else None


def device_health(service, now, rules: A.AlertRules) -> dict[str, dict[str, Any]]:
    """Each device's last heartbeat, version and status for the console's list: its reported state, or "stale"
    after 3 missed heartbeats (counted from the server's start for a device not heard from since)."""
    out = {}
    for name, d in service.hall.devices.items():
        at, _, version = service.device_seen.get(name, (None, 0, ""))
        since = at or max(service.started_at, d.since)
        status = "stale" if A.is_stale(since, now, rules.stale_seconds() / A.HEARTBEAT_MISSES) else d.state
        out[name] = {"seen": at, "version": version, "status": status}
    return out


def mount(app: web.Application) -> None:
    """Add the console's routes and its session sweeper to the app (call before the catch-all route)."""
    from server.app import CONFIG, SERVICE, _error, _json, close_subscribers, guard, json_body
    from server.ws import WsSubscriber

    def settings(request: web.Request) -> sessions.Settings:
        return request.app[SETTINGS]

    session = guard(token=False)  # login, logout, me: the session cookie itself, or nothing yet
    staff = guard(ROLES, refusal="a {role} may not do this")
    admin = guard({"admin"}, refusal="a {role} may not do this")

    async def page(request: web.Request) -> web.StreamResponse:
        return web.FileResponse(CONSOLE_DIR / "index.html", headers={
            "Cache-Control": "no-cache", "X-Frame-Options": "DENY",
            "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                                       "connect-src 'self' ws: wss:; frame-ancestors 'none'"})

    @session
    async def login(request: web.Request, _: None) -> web.StreamResponse:
        if request.headers.get(sessions.LOGIN_HEADER) != "1" or not sessions.same_origin(request):
            raise Denied(403, "forbidden", f"log in from the console page (with {sessions.LOGIN_HEADER}: 1)")
        data = await json_body(request)
        service = request.app[SERVICE]
        sid, s = await sessions.login(service.store, settings(request), str(data.get("username", "")),
                                      str(data.get("password", "")), service.clock())
        log.info("console: %s (%s) logged in from %s", s.username, s.role, request.remote)
        resp = _json({"username": s.username, "name": s.name, "role": s.role, "csrf": s.csrf})
        sessions.set_cookie(resp, sid, request)
        return resp

    @session
    async def logout(request: web.Request, _: None) -> web.StreamResponse:
        service = request.app[SERVICE]
        s = sessions.from_cookie(request, service.store, settings(request), service.clock())
        if s is None:
            raise Denied(401, "unauthorized", "no console session")
        now = service.clock()
        sessions.end(service.store, s.hash, now)
        service.store.write_audit([_audit_row(now, s.principal, "console_logout", {})])
        close_ended(request.app)
        resp = _json({"ok": True})
        sessions.clear_cookie(resp)
        return resp

    @session
    async def me(request: web.Request, _: None) -> web.StreamResponse:
        service = request.app[SERVICE]
        s = sessions.from_cookie(request, service.store, settings(request), service.clock())
        if s is None:
            raise Denied(401, "unauthorized", "log in")
        return _json({"username": s.username, "name": s.name, "role": s.role, "csrf": s.csrf,
                      "idle_s": settings(request).idle.total_seconds()})

    @admin
    async def list_users(request: web.Request, p: auth.Principal) -> web.StreamResponse:
        return _json(sessions.users(request.app[SERVICE].store))

    @admin
    async def add_user(request: web.Request, p: auth.Principal) -> web.StreamResponse:
        data = await json_body(request)
        username, name = str(data.get("username", "")), str(data.get("name", ""))
        role, password = str(data.get("role", "")), str(data.get("password", ""))
        sessions.check_new_user(username, name, role, password)
        service = request.app[SERVICE]
        pw_hash = await asyncio.get_running_loop().run_in_executor(None, sessions.hash_password, password)
        now = service.clock()
        sessions.add_user(service.store, username, name, role, pw_hash, now)
        service.store.write_audit([_audit_row(now, p, "user_added", {"username": username, "role": role})])
        return _json({"username": username, "name": name, "role": role})

    @staff
    async def clerks(request: web.Request, p: auth.Principal) -> web.StreamResponse:
        rows = request.app[SERVICE].store.conn.execute("SELECT staff_id, name FROM clerks").fetchall()
        return _json({sid: name for sid, name in rows})

    @staff
    async def list_alerts(request: web.Request, p: auth.Principal) -> web.StreamResponse:
        service = request.app[SERVICE]
        now = service.clock()
        seen = service.device_seen
        heartbeats = {name: at for name, (at, reports, _) in seen.items() if reports >= 2}
        found = A.evaluate(service.snapshot(), service.config, now, request.app[ALERT_RULES], heartbeats)
        ids = [a.id for a in found]
        acks: dict[str, dict] = {}
        if ids:
            marks = ",".join("?" for _ in ids)
            for aid, at, actor, note in service.store.conn.execute(
                    f"SELECT alert_id, at, actor, note FROM alert_acks WHERE alert_id IN ({marks})", ids):
                acks[aid] = {"at": at, "actor": actor, "note": note}
        return _json({"now": now, "alerts": [{**msgspec.structs.asdict(a), "ack": acks.get(a.id)} for a in found],
                      "devices_seen": {name: at for name, (at, _, _) in seen.items()},
                      "devices_health": device_health(service, now, request.app[ALERT_RULES])})

    @staff
    async def ack_alert(request: web.Request, p: auth.Principal) -> web.StreamResponse:
        data = await json_body(request)
        note = str(data.get("note", "")).strip()
        if not note or len(note) > 500:
            raise Denied(400, "invalid_argument", "acknowledge with a note of 1-500 characters")
        alert_id = request.match_info["alert_id"]
        if len(alert_id) > 200:
            raise Denied(400, "invalid_argument", "no such alert id")
        service = request.app[SERVICE]
        now = service.clock()
        actor = f"{p.role}:{p.name}"
        store = service.store
        with store._transaction():
            store.conn.execute("INSERT OR IGNORE INTO alert_acks (alert_id, at, actor, note) VALUES (?, ?, ?, ?)",
                               (alert_id, now.isoformat(), actor, note))
            store.conn.execute(_AUDIT_INSERT, _audit_row(now, p, "alert_acknowledged", {"alert": alert_id, "note": note}))
        return _json({"alert_id": alert_id, "at": now, "actor": actor, "note": note})

    async def echarts(request: web.Request) -> web.StreamResponse:
        """ECharts' dist files, installed by `npm ci` (scripts/setup.sh); never copied into the repo."""
        name = request.match_info["name"]
        path = ECHARTS_DIR / name
        if name not in ECHARTS_FILES or not path.is_file():
            return _error("not_found", f"no ECharts file {name!r} (run scripts/setup.sh: npm ci)", status=404)
        return web.FileResponse(path, headers={"Content-Type": "text/javascript; charset=utf-8",
                                               "Cache-Control": "max-age=86400"})

    def close_ended(app: web.Application) -> int:
        """Close the console sockets whose session ended (logout, idle timeout)."""
        service = app[SERVICE]
        subs = [s for s in service.subscribers if isinstance(s, WsSubscriber)
                and (s.token_hash or "").startswith("session:")]
        if not subs:
            return 0
        live = sessions.live_hashes(service.store, app[SETTINGS], service.clock())
        gone = [s for s in subs if s.token_hash.removeprefix("session:") not in live]
        return close_subscribers(service, gone, SESSION_CLOSED, b"session ended")

    async def sweeper(app: web.Application):
        async def run() -> None:
            while True:
                await asyncio.sleep(min(5.0, app[CONFIG].tick_s))
                try:
                    close_ended(app)
                except Exception:
                    log.exception("console: session sweep failed")

        task = asyncio.create_task(run())
        yield
        task.cancel()

    extra = app[CONFIG].extra if CONFIG in app else {}
    app[SETTINGS] = sessions.Settings.from_extra(extra)
    console = extra.get("console") if isinstance(extra.get("console"), dict) else {}
    app[ALERT_RULES] = A.rules_from(console.get("alerts"))
    app.cleanup_ctx.append(sweeper)
    app.router.add_get("/console", page)
    app.router.add_post("/console/api/login", login)
    app.router.add_post("/console/api/logout", logout)
    app.router.add_get("/console/api/me", me)
    app.router.add_get("/console/api/users", list_users)
    app.router.add_post("/console/api/users", add_user)
    app.router.add_get("/console/api/clerks", clerks)
    app.router.add_get("/console/api/alerts", list_alerts)
    app.router.add_post("/console/api/alerts/{alert_id}/ack", ack_alert)
    app.router.add_get("/vendor/echarts/{name}", echarts)
