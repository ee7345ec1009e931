"""create_app(config): wires the REST routes, the WebSocket and the store; decides nothing itself."""
from __future__ import annotations

import asyncio
import functools
import logging
import re
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
from aiohttp import WSCloseCode, WSMsgType, web

from queuecore import protocol as P
from queuecore.errors import QueueError
from queuecore.model import Appointment, HallConfig
from queuecore.followup import FollowUp, FollowUpStatus
from server import (appointments_import, auth, estimates, followups, forwarder, logs, phone, routes_console,
                    routes_people, routes_reports, views)
from server.notify import outbox as notify_outbox
from server import routes_webhooks
from server import routes_config
from server import whatif as whatif_routes
from server.openapi import build_openapi, schema_json
from server.reports import DayReport, day_report
from server.service import Denied, HallService
from server.store import Store, StoreError
from server.ws import WsSubscriber

log = logging.getLogger("hallq.server")


@dataclass(frozen=True)
class ServerConfig:
    hall: HallConfig
    data_dir: Path
    outbox_bytes: int = 1 << 20  # unsent bytes queued for one client before it is dropped as too slow
    durable: bool = True  # fsync every commit
    kiosk_issue_limit: int = 60  # tickets per kiosk per minute
    backup_days: int = 30  # 日终 backups in <data_dir>/backups older than this are removed
    token_cache_s: float = 30.0  # how long a token check is trusted (revocation delay)
    tick_s: float = 10.0  # how often the server looks at the clock (issuing hours, a new day)
    heartbeat_s: float = 15.0
    # A connection must send complete request headers within idle_timeout_s of connecting or of its
    # last response (slow-header and idle sockets are closed), and a body within body_timeout_s.
    idle_timeout_s: float = 15.0
    body_timeout_s: float = 10.0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    path: str
    command: type[P.Command]
    summary: str

    @property
    def path_params(self) -> list[str]:
        return [part[1:-1] for part in self.path.split("/") if part.startswith("{")]


W = "/api/windows/{window}"
ROUTES: list[Route] = [
    Route("/api/tickets", P.IssueTicket, "Issue a walk-in ticket (取号)"),
    Route("/api/appointments/check-in", P.CheckIn, "Check in an appointment by its code (预约取号)"),
    Route("/api/bundles/{bundle}/tickets", P.IssueBundle, "Issue one ticket for a bundle of services (一票到底): "
          "it goes step to step keeping its number"),
    Route("/api/appointments", P.CreateAppointments, "Create or import appointments"),
    Route(f"{W}/sign-in", P.SignIn, "Clerk signs in at the window (签到)"),
    Route(f"{W}/sign-out", P.SignOut, "Clerk signs out (签退); a supervisor or admin signs a window's clerk out remotely (audited)"),
    Route(f"{W}/call-next", P.CallNext, "Call the next ticket by the call order (叫号)"),
    Route(f"{W}/call", P.CallTicket, "Call a specific ticket by number (指呼)"),
    Route(f"{W}/call-by-scan", P.CallByScan, "Call (or resume) the ticket whose QR code was scanned (扫码叫号); "
          "refused with why: ticket_of_another_day, service_not_served_here, ticket_at_window, ticket_ended"),
    Route(f"{W}/recall", P.Recall, "Call the current ticket again (重呼)"),
    Route(f"{W}/start", P.StartServing, "Start serving the current ticket"),
    Route(f"{W}/skip", P.Skip, "Mark the current ticket as no-show (过号)"),
    Route(f"{W}/finish", P.Finish, "Finish the current visit with an outcome (办结)"),
    Route(f"{W}/transfer", P.Transfer, "Transfer the current visit to another service (转移)"),
    Route(f"{W}/suspend", P.Suspend, "Suspend the current visit (挂起)"),
    Route(f"{W}/resume-ticket", P.Resume, "Resume a suspended visit at this window"),
    Route(f"{W}/requeue", P.Requeue, "Put a late no-show back into the queue"),
    Route(f"{W}/pause", P.PauseWindow, "Pause the window with a reason (暂停)"),
    Route(f"{W}/resume", P.ResumeWindow, "Resume the paused window"),
    Route(f"{W}/rate", P.RateVisit, "Record the citizen's rating of a finished visit (好差评)"),
    Route("/api/devices/report", P.ReportDevice, "Report this device's health (e.g. the kiosk printer)"),
    Route("/api/tickets/{number}/cancel", P.CancelTicket, "Cancel a ticket (supervisor, admin; audited)"),
    Route("/api/day/start", P.StartDay, "Start today's business day (admin; also automatic)"),
    Route("/api/day/close", P.CloseDay, "日终: expire open tickets with a reason, sign clerks out, make every "
          "device reload, back the store up (admin; refused with visits at windows unless force)"),
    Route("/api/services/{service}/open", P.OpenService, "Open a service for issuing (supervisor, admin; audited)"),
    Route("/api/services/{service}/close", P.CloseService, "Close a service for issuing with a reason (supervisor, admin; audited)"),
    Route("/api/services/{service}/extend", P.ExtendService, "Keep a service issuing until a time later today "
          "(延时服务; supervisor, admin; audited)"),
    Route("/api/services/{service}/end-extension", P.EndServiceExtension, "End a service's extended hours (supervisor, admin; audited)"),
    Route("/api/followups/{case_id}/{action}", P.AdvanceFollowUp, "One step of a 差评 follow-up case: contact, "
          "verify (with valid: true/false), rectify or close, with a note (supervisor, admin; audited)"),
    Route("/api/notice", P.PostNotice, "Post a notice to the displays' ticker (text_zh, text_en, until; empty texts "
          "take it down; supervisor, admin; audited)"),
    Route("/api/config", P.ChangeConfig, "Change the hall's configuration live (admin; audited): ops on base_version, "
          "now or from the next business day; every device takes it within a second. Refused config_changed (someone "
          "changed it since), config_invalid, or a conflict with today's hall (details.next_day). "
          "POST /api/config/import takes a whole TOML file as one change"),
    Route("/api/clerks/{staff_id}/unlock", P.UnlockClerk, "Lift a clerk's wrong-PIN lockout (supervisor, admin; audited)"),
    Route("/api/appointments/{code}/cancel", P.CancelAppointment, "Cancel an appointment before its check-in (admin; "
          "audited): a checked-in one is refused (appointment_used), a cancelled one cannot check in"),
]
READ_ROUTES: list[dict[str, Any]] = [
    {"path": "/api/health", "operationId": "health", "summary": "Liveness and basic figures", "auth": False},
    {"path": "/api/openapi.json", "operationId": "openapi", "summary": "This document", "auth": False},
    {"path": "/api/hall", "operationId": "hall_snapshot", "summary": "Full versioned snapshot of the hall",
     "schema": P.Snapshot},
    {"path": "/api/me", "operationId": "whoami", "summary": "This token's role, name and window (and its clerk)"},
    {"path": "/api/tickets/{number}", "operationId": "ticket_status", "summary": "One ticket and people ahead",
     "parameters": [{"name": "number", "in": "path", "required": True, "schema": {"type": "string"}}]},
    {"path": "/api/appointments", "operationId": "list_appointments", "summary": "Appointments of a day (admin)",
     "schema": list[Appointment],
     "parameters": [{"name": "day", "in": "query", "required": False, "schema": {"type": "string",
                                                                                  "format": "date"}}]},
    {"path": "/api/reports/day", "operationId": "day_report", "summary": "A day's figures: counts, waits, "
     "service times, ratings and the low ratings to follow up (admin)", "schema": DayReport,
     "parameters": [{"name": "day", "in": "query", "required": False, "schema": {"type": "string",
                                                                                  "format": "date"}}]},
    {"path": "/api/audit", "operationId": "audit_log", "summary": "Who did what: admin commands, supervisor "
     "actions, PIN lockouts and their lifting, token revocations; newest first (admin)",
     "schema": list[dict[str, Any]],
     "parameters": [{"name": n, "in": "query", "required": False, "schema": {"type": "string", "format": "date"}}
                    for n in ("from", "to")] + [{"name": n, "in": "query", "required": False,
                                                 "schema": {"type": "string"}} for n in ("actor", "kind")]},
    routes_reports.READ_ROUTE,
    *routes_console.OPENAPI_ROUTES,
    *routes_people.OPENAPI_ROUTES, appointments_import.OPENAPI_ROUTE,  # clerks, device tokens, the import
    {"path": "/api/followups", "operationId": "list_followups", "summary": "差评 follow-up cases of the 差评 "
     "given from..to (days, default today), each with its overdue deadlines and time left (supervisor, admin)",
     "schema": list[dict[str, Any]],
     "parameters": [{"name": n, "in": "query", "required": False, "schema": {"type": "string", "format": "date"}}
                    for n in ("from", "to")] + [{"name": "status", "in": "query", "required": False, "schema": {
                        "type": "string", "enum": [str(s) for s in FollowUpStatus]}}]},
    {"path": "/api/followups/{case_id}", "operationId": "get_followup", "summary": "One 差评 follow-up case "
     "(supervisor, admin)",
     "parameters": [{"name": "case_id", "in": "path", "required": True, "schema": {"type": "string"}}]},
    {"path": "/api/estimates/accuracy", "operationId": "estimate_accuracy", "summary": "Wait estimates against "
     "the actual waits, per day from..to (default today): the called tickets, the median absolute error of the "
     "learned estimate and of people ahead × average ÷ open windows, in minutes (supervisor, admin)",
     "schema": list[dict[str, Any]],
     "parameters": [{"name": n, "in": "query", "required": False, "schema": {"type": "string", "format": "date"}}
                    for n in ("from", "to")]},
    *routes_config.OPENAPI_ROUTES,  # the configuration as data: read, history, export
    whatif_routes.OPENAPI_ROUTE,  # what-if staffing over a recorded day
    *phone.READ_ROUTES,  # the citizen's phone: /t/<public id>, its events, 扫码评价
    *routes_webhooks.OPENAPI_ROUTES,  # /api/webhooks: register, list, delete, delivery log (admin)
]
RESULT_TYPES: dict[type, type] = {**{r.command: P.CommandResult for r in ROUTES},
                                  P.IssueTicket: P.IssuedTicket, P.IssueBundle: P.IssuedTicket, P.CheckIn: P.IssuedTicket,
                                  P.AdvanceFollowUp: FollowUp,
                                  P.CloseDay: P.DayCloseResult, P.ChangeConfig: P.ConfigChangeResult}

WS_TOKEN_REVOKED = 4401  # close code (application range): the token was revoked; do not reconnect with it

STATUS = {
    "invalid_json": 400, "invalid_format": 400, "invalid_argument": 400, "config_invalid": 400,
    "from_after_to": 400, "range_too_long": 400,
    "until_in_past": 400, "until_after_day_end": 400,
    "unauthorized": 401,
    "forbidden": 403, "wrong_window": 403, "clerk_not_signed_in": 403, "bad_credentials": 403, "locked_out": 403,
    "rate_limited": 429,
    "unknown_service": 404, "unknown_window": 404, "unknown_ticket": 404, "unknown_appointment": 404,
    "unknown_priority": 404, "unknown_followup": 404, "unknown_bundle": 404,
    "store_unavailable": 503, **routes_people.STATUS,
}

SERVICE = web.AppKey("service", HallService)
CONFIG = web.AppKey("config", ServerConfig)
TOKENS = web.AppKey("tokens", dict)
STARTED = web.AppKey("started", float)


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(body=P.encode(data), status=status, content_type="application/json")


def _error(code: str, message: str, details: dict | None = None, status: int | None = None,
           id: str | None = None) -> web.Response:
    """A refusal: the protocol's Error, as a WebSocket client would get it (`type` "error", the command's id)."""
    return _json(P.Error(id=id, code=code, message=message, details=details or {}), status or STATUS.get(code, 409))


def _refused(exc: Denied | QueueError | P.ProtocolError) -> web.Response:
    """A refusal as JSON with its stable code (and its status: 401/403 for Denied, by code otherwise)."""
    return _error(exc.code, exc.message, getattr(exc, "details", None), getattr(exc, "status", None),
                  getattr(exc, "id", None))


def authenticate(request: web.Request, *, allow_query: bool = False) -> auth.Principal:
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    if not token and allow_query:
        token = request.query.get("token", "")
    if not token:
        session = routes_console.cookie_principal(request)  # a person logged in to the console
        if session is not None:
            return session
        raise Denied(401, "unauthorized", "send Authorization: Bearer <token>")
    digest = auth.hash_token(token)
    cache: dict = request.app[TOKENS]
    hit = cache.get(digest)
    now = time.monotonic()
    if hit is not None and hit[1] > now:
        return hit[0]
    row = request.app[SERVICE].store.find_token(digest)
    if row is None:
        cache.pop(digest, None)
        raise Denied(401, "unauthorized", "unknown or revoked token")
    who = auth.Principal(role=row["role"], name=row["name"], window=row["window"], key=digest[:16],
                         token_hash=digest)
    # Cached briefly: a revoked token stops working within token_cache_s.
    cache[digest] = (who, now + request.app[CONFIG].token_cache_s)
    return who


def close_revoked(app: web.Application) -> int:
    """End the sockets of revoked tokens (the CLI revokes in the store, maybe from another process) and forget
    their cached checks: a revoked token loses its power within one tick."""
    service = app[SERVICE]
    revoked = service.store.revoked_token_hashes()
    cache: dict = app[TOKENS]
    for digest in revoked & cache.keys():
        del cache[digest]
    gone = [s for s in service.subscribers if isinstance(s, WsSubscriber) and s.token_hash in revoked]
    for sub in gone:
        log.warning("closing %s: its token was revoked", sub.name)
    return close_subscribers(service, gone, WS_TOKEN_REVOKED, b"token revoked")


def close_subscribers(service: HallService, gone: list[WsSubscriber], code: int, reason: bytes) -> int:
    """Unsubscribe these sockets and close them with `code` (a revoked token, an ended console session):
    they hear nothing more from the moment of the call."""
    for sub in gone:
        sub.revoked = True
        service.unsubscribe(sub)
        asyncio.ensure_future(sub.close(code, reason))
    return len(gone)


async def run_command(app: web.Application, cmd: P.Command, who: auth.Principal) -> P.Result | P.Error:
    return await app[SERVICE].submit(cmd, who)


_ID_RE = re.compile(P.ID_CHARS + "{1,64}", re.ASCII)  # the same rule as a command's `id`


def _command_handler(route: Route) -> Callable:
    async def handler(request: web.Request) -> web.Response:
        try:
            who = authenticate(request)
            path: dict[str, Any] = {}
            for name in route.path_params:
                raw = request.match_info[name]
                if name == "window":
                    if not raw.isdigit():
                        return _error("invalid_format", f"window must be a number, got {raw!r}")
                    path[name] = int(raw)
                else:
                    path[name] = raw
            try:
                async with asyncio.timeout(request.app[CONFIG].body_timeout_s):
                    body = await request.read()
            except web.HTTPRequestEntityTooLarge:
                return _error("too_large", f"the body is over {request.client_max_size} bytes", status=413)
            except TimeoutError:
                slow = _error("body_timeout", f"the body did not arrive within {request.app[CONFIG].body_timeout_s:g} s",
                              status=408)
                slow.force_close()  # the rest of that body may still trickle in: hang up
                return slow
            cmd = P.command_from_body(route.command, body, **path)
        except (Denied, P.ProtocolError) as exc:
            return _refused(exc)
        key = request.headers.get("Idempotency-Key")
        if key is not None:
            if not _ID_RE.fullmatch(key):
                return _error("invalid_format", "Idempotency-Key must be 1-64 visible ASCII characters")
            if cmd.id is None:
                cmd = msgspec.structs.replace(cmd, id=key)
            elif cmd.id != key:
                return _error("invalid_format", "the body's `id` and the Idempotency-Key header disagree")
        reply = await run_command(request.app, cmd, who)
        if isinstance(reply, P.Error):
            return _error(reply.code, reply.message, reply.details, id=reply.id)
        return _json(reply.data)

    handler.__name__ = f"post_{P.command_tag(route.command)}"
    return handler


async def health(request: web.Request) -> web.Response:
    service = request.app[SERVICE]
    return _json({"status": "ok", "version": service.hall.version, "day": service.hall.day,
                  "clients": len(service.subscribers), "schema": service.store.schema_version(),
                  "uptime_s": round(time.monotonic() - request.app[STARTED], 1), "now": service.clock(),
                  **forwarder.health_of(request.app)})


@functools.cache
def _openapi_document() -> bytes:
    return schema_json(build_openapi(ROUTES, READ_ROUTES, RESULT_TYPES, STATUS))  # built once: the routes are fixed


async def openapi(request: web.Request) -> web.Response:
    return web.Response(body=_openapi_document(), content_type="application/json")


def guard(roles: Collection[str] | None = None, *, refusal: str = "a {role} token may not read this",
          errors: tuple[type[Exception], ...] = (), token: bool = True) -> Callable:
    """A route that is not a hall command: `fn(request, who)` runs for a principal of `roles` (None: any), and
    a refusal becomes its JSON Error: Denied, QueueError and ProtocolError with their status, StoreError as
    503, and `errors` (types with .code, .message and .status, e.g. WebhookError). `refusal`: the 403's
    message ({role}). `token=False`: the handler authenticates in its own way (console login) and gets
    who=None."""
    def wrap(fn: Callable) -> Callable:
        async def handler(request: web.Request) -> web.StreamResponse:
            try:
                who = authenticate(request) if token else None
                if who is not None and roles and who.role not in roles:
                    raise Denied(403, "forbidden", refusal.format(role=who.role))
                return await fn(request, who)
            except (Denied, QueueError, P.ProtocolError) as exc:
                return _refused(exc)
            except StoreError as exc:
                return _refused(Denied(503, exc.code, "the hall store could not write; nothing changed, try again"))
            except errors as exc:
                return _error(exc.code, exc.message, status=exc.status)

        handler.__name__ = fn.__name__
        return handler

    return wrap


_reader = guard  # the reads' name (server.routes_config and server.whatif import it)


async def json_body(request: web.Request, *, empty_ok: bool = False) -> dict[str, Any]:
    """A request's JSON object (`empty_ok`: an empty body is {}); refused as too_large, invalid_json or
    invalid_format."""
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise Denied(413, "too_large", f"the body is over {request.client_max_size} bytes") from None
    if empty_ok and not raw.strip():
        return {}
    try:
        data = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        raise Denied(400, "invalid_json", "send a JSON object") from None
    if not isinstance(data, dict):
        raise Denied(400, "invalid_format", "send a JSON object")
    return data


@guard()
async def hall_snapshot(request: web.Request, who: auth.Principal) -> web.Response:
    # Nothing not yet stored, and only what this role may see.
    return _json(await request.app[SERVICE].durable_snapshot(views.audience(who.role)))


@guard()
async def whoami(request: web.Request, who: auth.Principal) -> web.Response:
    """Which device this token is: a window terminal learns its window (and clerk) before signing in."""
    ws = request.app[SERVICE].hall.windows.get(who.window) if who.window else None
    clerk = ws.clerk if ws is not None else None
    row = request.app[SERVICE].store.clerk(clerk) if clerk else None  # the terminal's header shows the name
    return _json({"role": who.role, "name": who.name, "window": who.window, "clerk": clerk,
                  "clerk_name": row["name"] if row else None})


@guard()
async def ticket_status(request: web.Request, who: auth.Principal) -> web.Response:
    return _json(request.app[SERVICE].ticket_status(request.match_info["number"], views.audience(who.role)))


def _day(request: web.Request, name: str = "day", default: date | None = None) -> date:
    """A ?day=YYYY-MM-DD parameter, today by default; a bad one is refused with invalid_format."""
    raw = request.query.get(name)
    try:
        return date.fromisoformat(raw) if raw else default or request.app[SERVICE].clock().date()
    except ValueError:
        raise P.ProtocolError("invalid_format", f"{name} must be YYYY-MM-DD, got {raw!r}") from None


@guard({"admin"})
async def list_appointments(request: web.Request, who: auth.Principal) -> web.Response:
    return _json(request.app[SERVICE].store.appointments_for_day(_day(request)))


def _period(request: web.Request) -> tuple[date, date]:
    """?from=&to= days (today by default): from <= to, at most 366 days; refused with the reports' codes."""
    today = request.app[SERVICE].clock().date()
    start, end = _day(request, "from", today), _day(request, "to", today)
    if start > end:
        raise P.ProtocolError("from_after_to", f"from ({start}) is after to ({end})")
    if (end - start).days > 366:
        raise P.ProtocolError("range_too_long", "a period is at most 366 days")
    return start, end


@guard({"admin"})
async def audit_log(request: web.Request, who: auth.Principal) -> web.Response:
    """Who did what: admin commands, supervisor actions, lockouts, revocations (?from=&to= days, &actor=, &kind=)."""
    service = request.app[SERVICE]
    start, end = _period(request)
    tz = service.tz
    since = datetime.combine(start, datetime.min.time(), tz).isoformat()
    until = datetime.combine(end + timedelta(days=1), datetime.min.time(), tz).isoformat()
    return _json(service.store.audit_log(since, until, request.query.get("actor") or None,
                                         request.query.get("kind") or None))


@guard({"supervisor", "admin"})
async def list_followups(request: web.Request, who: auth.Principal) -> web.Response:
    service = request.app[SERVICE]
    start, end = _period(request)
    status = request.query.get("status") or None
    if status is not None and status not in set(FollowUpStatus):
        raise P.ProtocolError("invalid_format", f"status must be one of {', '.join(FollowUpStatus)}")
    now = service.clock()
    return _json([followups.view(c, now, service.config) for c in service.store.followups(start, end, status)])


@guard({"supervisor", "admin"})
async def get_followup(request: web.Request, who: auth.Principal) -> web.Response:
    service = request.app[SERVICE]
    case = service.followups.get(request.match_info["case_id"])
    return _json(followups.view(case, service.clock(), service.config))


@guard({"supervisor", "admin"})
async def estimate_accuracy(request: web.Request, who: auth.Principal) -> web.Response:
    start, end = _period(request)
    rows = request.app[SERVICE].store.wait_estimates(start, end, called=True)
    return _json(estimates.accuracy([(r[1], r[4], r[5], r[6]) for r in rows]))


@guard({"admin"})
async def get_day_report(request: web.Request, who: auth.Principal) -> web.Response:
    return _json(day_report(request.app[SERVICE].store.conn, _day(request)))


async def websocket(request: web.Request) -> web.StreamResponse:
    service = request.app[SERVICE]
    try:
        who = authenticate(request, allow_query=True)
    except Denied as exc:
        return _refused(exc)
    # No permessage-deflate: pushes are pre-encoded plain frames written straight to the transport.
    ws = web.WebSocketResponse(heartbeat=request.app[CONFIG].heartbeat_s, max_msg_size=1 << 20, compress=False)
    try:
        await ws.prepare(request)
    except web.HTTPException as exc:  # not a WebSocket handshake: refused as JSON like the rest
        return _error("invalid_format", f"GET /ws opens a WebSocket: {exc.text}", status=exc.status)
    sub = WsSubscriber(ws, request.transport, f"{who.role}:{who.name}@{request.remote}",
                       request.app[CONFIG].outbox_bytes, audience=views.audience(who.role), token_hash=who.token_hash)
    service.subscribe(sub)  # snapshot sent and broadcast joined with no await between
    log.info("ws connected: %s (%d clients)", sub.name, len(service.subscribers))
    try:
        async for msg in ws:
            if sub.revoked:
                break
            if msg.type == WSMsgType.TEXT:
                try:
                    cmd = P.decode_command(msg.data)
                except P.ProtocolError as exc:
                    reply = P.Error(id=exc.id, code=exc.code, message=exc.message)
                else:
                    reply = await run_command(request.app, cmd, who)
            else:
                reply = P.Error(code="invalid_format", message="send JSON as text frames")
            if not sub.offer(P.encode(reply)):
                service.drop(sub)
                break
    finally:
        service.unsubscribe(sub)
        log.info("ws closed: %s (%d clients)", sub.name, len(service.subscribers))
    return ws


STATIC_DIR = Path(__file__).with_name("static")

async def no_route(request: web.Request) -> web.Response:
    """Registered last for every path and method: no such route (404), or not with this method (405), as JSON."""
    allowed: set[str] = set()
    for resource in request.app.router.resources():
        if resource is request.match_info.route.resource:
            continue
        match, methods = await resource.resolve(request)
        allowed |= methods
    if allowed:
        return _error("method_not_allowed", f"{request.method} {request.path}: use {', '.join(sorted(allowed))}",
                      status=405)
    return _error("not_found", f"no such route: {request.method} {request.path}", status=404)


async def display_page(request: web.Request) -> web.StreamResponse:
    """The wall display for TVs that only run a browser (token and zone come in the query string)."""
    page = STATIC_DIR / "display.html"
    if not page.exists():
        return _error("not_found", "this server has no browser display page", status=404)
    return web.FileResponse(page, headers={"Cache-Control": "no-cache"})


def create_app(config: ServerConfig, *, clock: Callable[[], datetime] | None = None) -> web.Application:
    # No middleware on purpose: one costs ~8 % of the issue throughput; refusals are JSON anyway
    # (the catch-all route below, and the handlers themselves).
    logs.install()  # a malformed request is a short warning, not a traceback
    app = web.Application(client_max_size=2 << 20)
    app[CONFIG] = config
    app[TOKENS] = {}
    app[STARTED] = time.monotonic()

    async def hall_ctx(app: web.Application):
        # The store lives on the event loop's thread: SQLite objects are thread-bound.
        store = Store(config.data_dir, durable=config.durable)
        service = app[SERVICE] = HallService(config.hall, store, clock, kiosk_issue_limit=config.kiosk_issue_limit,
                                             backup_days=config.backup_days)
        log.info("hall %s: store %s, configuration version %d", service.config.name_zh, store.path,
                 service.hall.config_version)

        async def ticker() -> None:
            while True:
                await asyncio.sleep(config.tick_s)
                try:
                    service.tick()
                    close_revoked(app)
                except Exception:  # a bad tick must not stop the next ones
                    log.exception("clock tick failed")

        ticking = asyncio.create_task(ticker())
        yield
        ticking.cancel()
        app[SERVICE].close()
        store.close()

    async def close_sockets(app: web.Application) -> None:
        subs = [s for s in app[SERVICE].subscribers if isinstance(s, WsSubscriber)]
        await asyncio.gather(*(s.close(WSCloseCode.GOING_AWAY, b"server shutdown") for s in subs),
                             return_exceptions=True)

    app.cleanup_ctx.append(hall_ctx)
    if forwarder.central_settings(config):  # ships the event log to the city server, off the hot path
        app.cleanup_ctx.append(forwarder.ctx(config))
    # SMS and webhooks from the durable outbox (server.notify.outbox; the [notify] table)
    app.cleanup_ctx.append(notify_outbox.ctx(SERVICE, notify_outbox.settings(config)))
    app.on_shutdown.append(close_sockets)
    for r in ROUTES:
        app.router.add_post(r.path, _command_handler(r))
    app.router.add_get("/api/health", health)
    app.router.add_get("/api/openapi.json", openapi)
    app.router.add_get("/api/hall", hall_snapshot)
    app.router.add_get("/api/me", whoami)
    app.router.add_get("/api/tickets/{number}", ticket_status)
    app.router.add_get("/api/appointments", list_appointments)
    app.router.add_get("/api/reports/day", get_day_report)
    app.router.add_get("/api/estimates/accuracy", estimate_accuracy)
    routes_reports.mount(app)  # /api/reports/{kind}
    routes_console.mount(app)  # /console, its login and alerts
    routes_webhooks.mount(app)  # /api/webhooks (admin)
    routes_config.mount(app)  # /api/config: read, history, export, import
    whatif_routes.mount(app)  # /api/whatif: what-if staffing (admin)
    routes_people.mount(app)  # /api/clerks, /api/tokens: the manager's people and devices
    appointments_import.mount(app)  # /api/appointments/import (CSV, XLSX)
    app.router.add_get("/api/audit", audit_log)
    app.router.add_get("/api/followups", list_followups)
    app.router.add_get("/api/followups/{case_id}", get_followup)
    app.router.add_get("/ws", websocket)
    app.router.add_get("/display", display_page)
    phone.mount(app, SERVICE)  # /t/<public id>: the page behind the QR, its live events, 扫码评价
    if STATIC_DIR.is_dir():  # shipped with the package; never created at run time (it may be read-only)
        app.router.add_static("/static/", STATIC_DIR, show_index=False)
    app.router.add_route("*", "/{tail:.*}", no_route)
    return app
