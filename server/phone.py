"""The citizen's phone: /t/<public_id> (page or JSON), its live updates over SSE, and 扫码评价.

Rule: one public view per change. The hub listens to the hall like any public display; when a
stored change is published it rebuilds the view of the tickets that have phones open (once per
change, never a query per phone) and hands each phone its ticket's entry, only when it changed.
A phone is authorised by the unguessable public id alone and sees numbers, services and windows,
nothing personal.
"""
from __future__ import annotations

import asyncio
import functools
import logging
import math
import time
from pathlib import Path
from typing import Any

import msgspec
from aiohttp import web

from queuecore import protocol as P
from queuecore.model import ACTIVE_STATUSES, RATING_LEVELS, Ticket
from queuecore.notify import CONSENT_ZH, PHONE_RE
from queuecore.policy import queue_positions
from server import views
from server.auth import Principal
from server.service import PUBLIC_ID_MIN_LENGTH, HallService

log = logging.getLogger("hallq.phone")

PAGE = Path(__file__).with_name("static") / "phone" / "index.html"
HEARTBEAT_S = 15.0
RECENT_CALLS = 6  # the last calls a phone lists (numbers and windows only)
RETRY_MS = 2000  # EventSource reconnect delay


class RatingBody(msgspec.Struct, forbid_unknown_fields=True):
    level: int
    reason: str = ""


OUTBOX_BYTES = 64 << 10  # unsent bytes a page may have queued before it is cut off as too slow


def sse_chunk(entry: bytes) -> bytes:
    """One SSE event as one HTTP/1.1 chunk (the stream is chunked): written to the transport in one go."""
    body = b"data: " + entry + b"\n\n"
    return b"%x\r\n%b\r\n" % (len(body), body)


class Phone:
    """One open page. Once its stream is set up a push is written straight into its transport, synchronously
    (no task wakes per page); before that, the newest entry waits (older ones are superseded, never queued)."""

    def __init__(self, ticket_id: str) -> None:
        self.ticket_id = ticket_id
        self.sent: bytes = b""
        self.pending: bytes | None = None
        self.wake = asyncio.Event()
        self.closed = False
        self.transport: asyncio.Transport | None = None

    def push(self, entry: bytes, chunk: bytes | None = None) -> None:
        if entry == self.sent or entry == self.pending:
            return
        t = self.transport
        if t is None:
            self.pending = entry
            self.wake.set()
        elif t.is_closing() or t.get_write_buffer_size() > OUTBOX_BYTES:
            self.closed = True  # gone, or too far behind: the page reconnects and starts afresh
            self.wake.set()
        else:
            t.write(chunk or sse_chunk(entry))
            self.sent = entry


class PhoneHub:
    """A public subscriber of the hall service that fans its ticket entries out to the phones."""

    audience = views.PUBLIC

    def __init__(self, service: HallService) -> None:
        self.service = service
        self.phones: dict[str, set[Phone]] = {}  # ticket id -> its open pages
        self.entries: dict[str, bytes] = {}  # ticket id -> its entry at `version`
        self.version = -1
        self.builds = 0  # views built (a test checks one per change, not one per phone)

    # -- the Subscriber protocol: a stored change was published
    def offer(self, payload: bytes) -> bool:
        if self.service.hall.version != self.version:
            self.rebuild()
        return True

    def drop(self, reason: str) -> None:  # never too slow: it only marks entries
        pass

    # -- phones
    def attach(self, ticket: Ticket) -> Phone:
        if not self.phones:
            self.service.subscribe(self)
        phone = Phone(ticket.id)
        self.phones.setdefault(ticket.id, set()).add(phone)
        entry = self.entries.get(ticket.id) if self.version == self.service.hall.version else None
        if entry is None:  # a page opened between changes: its entry joins the view now
            entry = self.entries[ticket.id] = P.encode(self.view_of([ticket])[ticket.id])
        phone.push(entry)
        return phone

    def refresh(self, ticket: Ticket) -> None:
        """A change outside the hall's versions (an SMS opt-in): this ticket's entry afresh, to its pages."""
        entry = P.encode(self.view_of([ticket])[ticket.id])
        if ticket.id in self.phones:
            self.entries[ticket.id] = entry
            for phone in self.phones[ticket.id]:
                phone.push(entry)

    def detach(self, phone: Phone) -> None:
        pages = self.phones.get(phone.ticket_id)
        if pages is not None:
            pages.discard(phone)
            if not pages:
                del self.phones[phone.ticket_id]
                self.entries.pop(phone.ticket_id, None)
        if not self.phones:
            self.service.unsubscribe(self)

    def close_all(self) -> None:
        """Server shutdown: every stream ends now (the pages reconnect by themselves)."""
        for pages in self.phones.values():
            for phone in pages:
                phone.closed = True
                phone.wake.set()

    def rebuild(self) -> None:
        started, wall = time.perf_counter(), time.time()  # wall: the benchmark sets it against the pages' receipt
        hall = self.service.hall
        self.version = hall.version
        self.builds += 1
        tickets = [t for tid in self.phones if (t := hall.tickets.get(tid)) is not None]
        view = self.view_of(tickets)
        self.entries = {tid: P.encode(entry) for tid, entry in view.items()}
        built = time.perf_counter()
        for tid, pages in self.phones.items():
            entry = self.entries.get(tid)
            if entry is None:  # the ticket left memory (a new business day)
                entry = self.entries[tid] = P.encode({"status": "expired", "number": ""})
            chunk = sse_chunk(entry)  # framed once per ticket, written to each of its pages
            for phone in pages:
                phone.push(entry, chunk)
        took = (time.perf_counter() - started) * 1000
        pages = sum(len(p) for p in self.phones.values())
        if took > 50 or pages >= 1000:  # the view once, then one write per page (the socket's send)
            log.info("phone view v%d: %d tickets to %d pages in %.0f ms (view %.0f ms, writes %.0f ms; wall %.6f to "
                     "%.6f)", hall.version, len(self.phones), pages, took, (built - started) * 1000,
                     took - (built - started) * 1000, wall, wall + took / 1000)

    def view_of(self, tickets: list[Ticket]) -> dict[str, dict[str, Any]]:
        """The public entries of these tickets: the shared parts (queue order, estimates, last calls) once."""
        return public_view(self.service, tickets)


def public_view(service: HallService, tickets: list[Ticket]) -> dict[str, dict[str, Any]]:
    hall, config = service.hall, service.config
    now = service.clock()
    names = {w.id: (w.name_zh, w.name_en) for w in config.windows}
    calls = [{"number": c.number, "window": c.window, "window_name_zh": names.get(c.window, ("", ""))[0],
              "window_name_en": names.get(c.window, ("", ""))[1]}
             for c in list(service.recent_calls)[::-1][:RECENT_CALLS]]
    # 扫码评价: the window's levels and reasons (the reasons are what is sent back, and stored); from the config
    # alone: built once per view, when a ticket first shows them, and shared by the entries (encoded, never changed).
    rating_choices = functools.cache(lambda: {
        "rating_levels": [[k, zh, en] for k, (zh, en) in sorted(RATING_LEVELS.items(), reverse=True) if k > 0],
        "rating_reasons": list(config.rating_reasons),
        "rating_reasons_en": [config.rating_reason(r, "en") for r in config.rating_reasons]})
    order: dict[str, dict[str, int]] = {}  # service -> ticket id -> people ahead
    for code in {t.service for t in tickets if t.status == "waiting"}:
        order[code] = queue_positions(hall.waiting.get(code, {}).values(), hall.priorities, now)
    # The learned estimate (server.estimates): recent service times, the windows open now, 绿色通道; taken once.
    minutes = service.estimates.minutes_for(hall, now) if order else None
    out = {}
    for t in tickets:
        svc = hall.services.get(t.service)
        ahead = order.get(t.service, {}).get(t.id, 0) if t.status == "waiting" else 0
        wc = hall.window_configs.get(t.window) if t.window else None
        estimate = round(minutes(t.service, ahead)) if minutes and svc and t.status == "waiting" else None
        out[t.id] = {
            "number": t.number, "recalls": t.recalls, "service": t.service,
            "service_name_zh": svc.name_zh if svc else t.service, "service_name_en": svc.name_en if svc else t.service,
            "status": str(t.status), "people_ahead": ahead, "estimated_wait_minutes": estimate,
            "wait_range": wait_range(estimate, ahead) if estimate is not None else None,
            "window": t.window, "window_name_zh": wc.name_zh if wc else None, "window_name_en": wc.name_en if wc else None,
            "materials": list(svc.materials) if svc else [], "recent_calls": calls,
            "materials_en": list(svc.materials_in("en")) if svc else [],
            "hall_name_zh": config.name_zh, "hall_name_en": config.name_en,
            "rated": bool(t.rating), "rating": t.rating or None, "sms": service.outbox.masked.get(t.id),
            "sms_available": service.sms_available,
        }
        if t.bundle:  # 一票到底: every step, and which are done, current, still to come, or not reached
            out[t.id].update(bundle_steps(config, t))
            if t.step > 0 and t.status == "waiting":  # 扫码评价 of the step just finished, while the next one waits
                done = config.service(out[t.id]["steps"][t.step - 1]["service"]) if out[t.id].get("steps") else None
                if done is not None:
                    out[t.id]["rate_step"] = {"service": done.code, "name_zh": done.name_zh, "name_en": done.name("en")}
                    if not t.rating:
                        out[t.id].update(rating_choices())
        if t.status == "suspended":  # 挂起: which kind says where to come back; 不持件 lists what to bring
            kind = getattr(t, "suspend_kind", None)
            back = hall.window_configs.get(getattr(t, "suspended_window", None) or t.window)
            out[t.id].update(suspend_kind=str(kind) if kind else "away",
                             bring=(bring := [b for b in (getattr(t, "bring", "") or "").splitlines() if b.strip()]),
                             # The items are stored as the hall lists them in Chinese: their English by lookup.
                             bring_en=[svc.material_in(b, "en") if svc else b for b in bring],
                             window_name_zh=back.name_zh if back else None, window_name_en=back.name_en if back else None)
        if t.status == "done" and not t.rating:  # 扫码评价: the window's levels and reasons
            out[t.id].update(rating_choices())
    return out


def bundle_steps(config, t: Ticket) -> dict[str, Any]:
    """A bundle ticket's steps for the phone: before its step, done; its step, current (done once the ticket is);
    after it, next (off once the ticket has ended: a step finished 补正 or 不予受理 ends the bundle there)."""
    bundle = next((b for b in config.bundles if b.code == t.bundle), None)
    if bundle is None:
        return {}
    ended = t.status not in ACTIVE_STATUSES
    steps = []
    for i, code in enumerate(bundle.steps):
        svc = config.service(code)
        state = "done" if i < t.step or (i == t.step and str(t.status) == "done") else \
            "current" if i == t.step and not ended else "off" if ended else "next"
        steps.append({"service": code, "name_zh": svc.name_zh if svc else code,
                      "name_en": svc.name("en") if svc else code, "state": state})
    return {"bundle": bundle.code, "bundle_name_zh": bundle.name_zh, "bundle_name_en": bundle.name("en", config),
            "step": t.step, "steps": steps}


def wait_range(minutes: int, ahead: int) -> list[int]:
    """An estimate shown as a range: ±25 % (at least ±2 min), never below zero; nobody ahead is 0-2 min."""
    if ahead == 0:
        return [0, 2]
    spread = max(2, math.ceil(minutes * 0.25))
    return [max(0, minutes - spread), minutes + spread]


def _ticket(request: web.Request) -> Ticket | None:
    pid = request.match_info["ticket_id"]
    hall = request.app[HUB].service.hall
    return hall.by_public_id.get(pid) if len(pid) >= PUBLIC_ID_MIN_LENGTH else None


def _refusal(code: str, message: str, status: int) -> web.Response:
    return web.Response(body=P.encode(P.Error(code=code, message=message)), status=status,
                        content_type="application/json")


async def public_ticket(request: web.Request) -> web.StreamResponse:
    """The QR code's target: the phone page for browsers, the ticket's public entry as JSON otherwise."""
    t = _ticket(request)
    if t is None:
        return _refusal("unknown_ticket", "no such ticket today", 404)
    entry = P.encode(request.app[HUB].view_of([t])[t.id])
    if "text/html" in request.headers.get("Accept", ""):
        # The entry rides in the page: the first paint needs no second round trip on a slow phone.
        inline = entry.replace(b"<", b"\\u003c").decode()
        page = _page().replace("<!--INITIAL-->", f'<script id="initial" type="application/json">{inline}</script>')
        return web.Response(text=page, content_type="text/html", headers={
            "Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"})
    return web.Response(body=entry, content_type="application/json", headers={"Cache-Control": "no-store"})


@functools.cache
def _page() -> str:
    return PAGE.read_text(encoding="utf-8")


async def ticket_events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: the ticket's entry now, then each time a change alters it."""
    t = _ticket(request)
    if t is None:
        return _refusal("unknown_ticket", "no such ticket today", 404)
    hub: PhoneHub = request.app[HUB]
    resp = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store",
                                       "X-Accel-Buffering": "no"})
    await resp.prepare(request)
    phone = hub.attach(t)
    try:
        await resp.write(f"retry: {RETRY_MS}\n\n".encode())
        if resp.headers.get("Transfer-Encoding", "").lower() == "chunked" and request.transport is not None:
            # From here on pushes go straight to the socket (see Phone.push); what waited goes first.
            if phone.pending is not None:
                entry, phone.pending = phone.pending, None
                phone.sent = entry
                await resp.write(b"data: " + entry + b"\n\n")
            phone.transport = request.transport
        while True:
            try:
                await asyncio.wait_for(phone.wake.wait(), HEARTBEAT_S)
            except TimeoutError:
                await resp.write(b": ping\n\n")
                continue
            if phone.closed:
                break
            phone.wake.clear()
            entry, phone.pending = phone.pending, None
            if entry is None:
                continue
            phone.sent = entry
            await resp.write(b"data: " + entry + b"\n\n")
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        hub.detach(phone)
    return resp


async def rate_by_phone(request: web.Request) -> web.Response:
    """扫码评价: the same levels and reasons as the window's rating view, once per visit (the core refuses a second)."""
    t = _ticket(request)
    if t is None:
        return _refusal("unknown_ticket", "no such ticket today", 404)
    try:
        body = msgspec.json.decode(await request.read(), type=RatingBody)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        return _refusal("invalid_format", str(exc), 400)
    if body.level not in RATING_LEVELS or body.level == 0:
        return _refusal("invalid_argument", "level must be 1..5", 400)
    # 一票到底: between two steps the visit to rate is the step just finished, at the window that finished it.
    window = t.step_window if t.bundle and t.step > 0 and t.status == "waiting" else t.window
    if window is None:
        return _refusal("illegal_transition", f"{t.number} has not been served yet", 409)
    # Authorised by the public id alone: it acts as the window that served the visit, without a clerk.
    who = Principal(role="window", name="phone", window=window, key=f"phone:{t.public_id}")
    cmd = P.RateVisit(window=window, number=t.number, level=body.level, reason=body.reason)
    reply = await request.app[HUB].service.submit(cmd, who)
    if isinstance(reply, P.Error):
        status = {"invalid_argument": 400, "invalid_format": 400}.get(reply.code, 409)
        return _refusal(reply.code, reply.message, status)
    return web.Response(body=P.encode({"rated": True, "level": body.level}), content_type="application/json")


class NotifyBody(msgspec.Struct, forbid_unknown_fields=True):
    phone: str
    consent: bool = False


async def notify_by_sms(request: web.Request) -> web.Response:
    """Opt in to SMS for this visit (前面还有 N 人, 请到 X 号窗口, suspended, done): consent required; the number
    is stored sealed, shown masked, and deleted when the day is over."""
    t = _ticket(request)
    if t is None:
        return _refusal("unknown_ticket", "no such ticket today", 404)
    try:
        body = msgspec.json.decode(await request.read(), type=NotifyBody)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        return _refusal("invalid_format", str(exc), 400)
    phone_number = body.phone.replace(" ", "").replace("-", "")
    if not body.consent:
        return _refusal("consent_required", "tick the consent line to get messages", 400)
    if not PHONE_RE.fullmatch(phone_number):
        return _refusal("invalid_argument", "a mobile number has 11 digits and starts with 1", 400)
    if t.status not in ACTIVE_STATUSES:
        return _refusal("ticket_ended", f"{t.number} is {t.status}", 409)
    service = request.app[HUB].service
    if not service.sms_available:
        return _refusal("sms_unavailable", "this hall sends no text messages", 409)
    masked = service.outbox.subscribe(t.id, t.number, t.day, phone_number, service.clock())
    request.app[HUB].refresh(t)
    log.info("sms opt-in for %s: %s", t.number, masked)
    return web.Response(body=P.encode({"masked": masked, "consent": CONSENT_ZH}), content_type="application/json")


HUB = web.AppKey("phone_hub", PhoneHub)

READ_ROUTES: list[dict[str, Any]] = [
    {"path": "/t/{ticket_id}", "operationId": "public_ticket", "summary": "A ticket's public entry for the citizen's "
     "phone (the QR code's target; no token; JSON, or the phone page for browsers)", "auth": False,
     "response_content": {"application/json": {"schema": {"type": "object"}},  # Accept: text/html: the page
                          "text/html": {"schema": {"type": "string"}}},
     "parameters": [{"name": "ticket_id", "in": "path", "required": True, "schema": {"type": "string"}}]},
    {"path": "/t/{ticket_id}/events", "operationId": "public_ticket_events", "summary": "Server-sent events: the "
     "ticket's public entry now and after every change that alters it (no token)", "auth": False,
     "response_content": {"text/event-stream": {"schema": {"type": "string"}}},
     "parameters": [{"name": "ticket_id", "in": "path", "required": True, "schema": {"type": "string"}}]},
    {"path": "/t/{ticket_id}/rate", "method": "post", "operationId": "rate_by_phone", "summary": "扫码评价: rate "
     "the finished visit, 5..1 with a reason for 2 and 1 (the window's levels and reasons); once per visit, "
     "shared with the window's rating view (already_rated)", "auth": False,
     "parameters": [{"name": "ticket_id", "in": "path", "required": True, "schema": {"type": "string"}}],
     "body": {"type": "object", "required": ["level"], "additionalProperties": False, "properties": {
         "level": {"type": "integer", "minimum": 1, "maximum": 5}, "reason": {"type": "string"}}},
     "refusals": (400, 409)},
    {"path": "/t/{ticket_id}/notify", "method": "post", "operationId": "notify_by_sms", "summary": "Opt in to SMS "
     "for this visit (前面还有 N 人, 请到 X 号窗口, suspended, done) with consent; the number is stored sealed, shown "
     "masked, deleted after the day", "auth": False,
     "parameters": [{"name": "ticket_id", "in": "path", "required": True, "schema": {"type": "string"}}],
     "body": {"type": "object", "required": ["phone", "consent"], "additionalProperties": False, "properties": {
         "phone": {"type": "string"}, "consent": {"type": "boolean"}}},
     "refusals": (400, 409)},
]


def mount(app: web.Application, service_key: web.AppKey) -> None:
    """Add the phone's routes; call after the hall's cleanup context (the hub needs its service)."""

    async def hub_ctx(app: web.Application):
        app[HUB] = PhoneHub(app[service_key])
        yield
        app[service_key].unsubscribe(app[HUB])

    async def close_streams(app: web.Application) -> None:
        app[HUB].close_all()

    app.cleanup_ctx.append(hub_ctx)
    app.on_shutdown.append(close_streams)
    app.router.add_get("/t/{ticket_id}", public_ticket)
    app.router.add_get("/t/{ticket_id}/events", ticket_events)
    app.router.add_post("/t/{ticket_id}/rate", rate_by_phone)
    app.router.add_post("/t/{ticket_id}/notify", notify_by_sms)
