"""The hall manager's people and devices over REST: clerks (list, add, disable, enable, reset PIN) and device tokens
(create with a pairing QR code, list, revoke). The appointment import lives in server.routes_appointments.

Rule: admin only, and every change is written with its audit row in one transaction (never a PIN, a token's
secret or its hash). A clerk signed in at a window is not disabled (clerk_signed_in): sign them out first (the
console's tile does it), so a disabled clerk never holds a window and an open visit is never cut off.
"""
from __future__ import annotations

import asyncio
import hashlib
import re
import sqlite3
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from server import auth
from server.service import PIN_FAILURES_ALLOWED, Denied, _audit_row, _pin_pool
from server.store import _AUDIT_INSERT, StoreError

STAFF_ID_RE = re.compile(r"[A-Za-z0-9._-]{1,32}", re.ASCII)
PIN_RE = re.compile(r"[0-9]{4,12}", re.ASCII)
MAX_NAME = 32
MAX_TOKEN_NAME = 64
# Conflicts answer 409 by default (server.app.STATUS); these are not conflicts.
STATUS = {"unknown_clerk": 404, "unknown_token": 404, "clerk_disabled": 403}

_OBJ = {"type": "object"}
_STAFF = [{"name": "staff_id", "in": "path", "required": True, "schema": {"type": "string"}}]
_TOKEN = [{"name": "token_id", "in": "path", "required": True, "schema": {"type": "string"}}]
_EMPTY = {"type": "object"}
OPENAPI_ROUTES: list[dict[str, Any]] = [
    {"path": "/api/clerks", "operationId": "list_clerks", "summary": "Clerks: staff id, name, enabled or disabled, "
     "PIN lockout, the window they are signed in at (admin)", "schema": list[dict[str, Any]]},
    {"path": "/api/clerks", "method": "post", "operationId": "add_clerk", "summary": "Add a clerk with a staff id, "
     "name and initial PIN of 4-12 digits (admin; audited without the PIN); an existing staff id is refused "
     "(clerk_exists)", "body": {"type": "object", "properties": {"staff_id": {"type": "string"}, "name": {
         "type": "string"}, "pin": {"type": "string"}}}, "refusals": (400, 409, 413)},
    {"path": "/api/clerks/{staff_id}/disable", "method": "post", "operationId": "disable_clerk", "summary":
     "Disable a clerk: sign-in is refused with clerk_disabled (admin; audited). Refused while they are signed in "
     "(clerk_signed_in, details.window): sign them out first", "parameters": _STAFF, "body": _EMPTY,
     "refusals": (400, 409, 413)},
    {"path": "/api/clerks/{staff_id}/enable", "method": "post", "operationId": "enable_clerk", "summary":
     "Enable a disabled clerk again (admin; audited)", "parameters": _STAFF, "body": _EMPTY,
     "refusals": (400, 409, 413)},
    {"path": "/api/clerks/{staff_id}/reset-pin", "method": "post", "operationId": "reset_clerk_pin", "summary":
     "Set a clerk's new PIN (4-12 digits) and lift their wrong-PIN lockout (admin; audited without the PIN)",
     "parameters": _STAFF, "body": {"type": "object", "properties": {"pin": {"type": "string"}}},
     "refusals": (400, 409, 413)},
    {"path": "/api/tokens", "operationId": "list_tokens", "summary": "Device tokens: id, name, role, window, "
     "created, revoked; never the secret or its hash (admin)", "schema": list[dict[str, Any]]},
    {"path": "/api/tokens", "method": "post", "operationId": "create_token", "summary": "Create a device token "
     "(role kiosk, window (with its window), display, supervisor or admin; a name no active token has). The "
     "answer holds the secret, once, and a QR code (SVG) of the pairing text: the display page's URL for a "
     "display, else hallq://pair?server=..&token=.. (admin; audited without the secret)",
     "body": {"type": "object", "properties": {"role": {"type": "string"}, "name": {"type": "string"},
                                               "window": {"type": ["integer", "null"]}}},
     "refusals": (400, 404, 409, 413)},
    {"path": "/api/tokens/{token_id}/revoke", "method": "post", "operationId": "revoke_token", "summary":
     "Revoke a device token: it stops working and its open sockets close at once (admin; audited)",
     "parameters": _TOKEN, "body": _EMPTY, "refusals": (400, 409, 413)},
]


class Refused(Denied):
    """A refusal with details (e.g. the window a clerk is signed in at)."""

    def __init__(self, status: int, code: str, message: str, **details: Any) -> None:
        super().__init__(status, code, message)
        self.details = details


def token_id(token_hash: str) -> str:
    """A token's public id: derived from its hash, so the list never shows the hash itself (nor a guessable number)."""
    return hashlib.sha256(b"hallq-token-id:" + token_hash.encode()).hexdigest()[:12]


def clerks(service, staff_id: str | None = None) -> list[dict[str, Any]]:
    """Every clerk, or the one with `staff_id`, with their lockout and the window they are signed in at."""
    now = service.clock()
    at_window = {ws.clerk: ws.id for ws in service.hall.windows.values() if ws.clerk}
    out = []
    where, args = ("WHERE staff_id = ? ", (staff_id,)) if staff_id is not None else ("", ())
    for sid, name, created, disabled in service.store.conn.execute(
            f"SELECT staff_id, name, created_at, disabled_at FROM clerks {where}ORDER BY staff_id", args):
        fails = len(service.recent_pin_failures(sid, now))
        out.append({"staff_id": sid, "name": name, "created_at": created, "disabled": bool(disabled),
                    "disabled_at": disabled, "wrong_pins": fails, "locked_out": fails >= PIN_FAILURES_ALLOWED,
                    "window": at_window.get(sid)})
    return out


def tokens(store) -> list[dict[str, Any]]:
    rows = store.conn.execute("SELECT hash, role, name, window, created_at, revoked_at FROM tokens "
                              "ORDER BY created_at, name").fetchall()
    return [{"id": token_id(h), "role": role, "name": name, "window": window, "created_at": created,
             "revoked_at": revoked, "revoked": revoked is not None} for h, role, name, window, created, revoked in rows]


def pairing_text(origin: str, role: str, token: str, window: int | None) -> str:
    """What the pairing QR code holds: a display opens its page's URL; other devices read server and token."""
    if role == "display":
        return f"{origin}/display?{urlencode({'token': token})}"
    fields = {"server": origin, "token": token, "role": role}
    if window is not None:
        fields["window"] = str(window)
    return "hallq://pair?" + urlencode(fields)


def qr_svg(text: str) -> str:
    import qrcode
    import qrcode.image.svg

    img = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2,
                      error_correction=qrcode.constants.ERROR_CORRECT_M)
    return img.to_string(encoding="unicode")


def _name(value: Any, what: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > limit \
            or any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in value):
        raise Denied(400, "invalid_argument", f"{what}: 1-{limit} characters")
    return value.strip()


def _pin(value: Any) -> str:
    if not isinstance(value, str) or not PIN_RE.fullmatch(value):
        raise Denied(400, "invalid_argument", "pin: 4 to 12 digits")
    return value


def mount(app: web.Application) -> None:
    """Add the routes (before the catch-all)."""
    from server.app import SERVICE, _json, close_revoked, guard, json_body

    guarded = guard({"admin"}, refusal="a {role} may not manage clerks and devices")

    def write(store, sql: str, args: tuple, audit: tuple) -> int:
        """One change and its audit row, in one transaction."""
        try:
            with store._transaction():
                count = store.conn.execute(sql, args).rowcount
                store.conn.execute(_AUDIT_INSERT, audit)
        except sqlite3.Error as exc:
            raise StoreError(str(exc)) from exc
        return count

    def clerk_row(service, staff_id: str) -> dict[str, Any]:
        for row in clerks(service, staff_id):
            return row
        raise Denied(404, "unknown_clerk", f"no clerk with staff id {staff_id!r}")

    # ------------------------------------------------------------ clerks

    @guarded
    async def list_clerks(request: web.Request, p: auth.Principal) -> web.StreamResponse:
        return _json(clerks(request.app[SERVICE]))

    @guarded
    async def add_clerk(request: web.Request, p: auth.Principal) -> web.StreamResponse:
        data = await json_body(request, empty_ok=True)
        staff_id = data.get("staff_id")
        if not isinstance(staff_id, str) or not STAFF_ID_RE.fullmatch(staff_id):
            raise Denied(400, "invalid_argument", "staff_id: 1-32 of A-Z a-z 0-9 . _ -")
        name, pin = _name(data.get("name"), "name", MAX_NAME), _pin(data.get("pin"))
        service = request.app[SERVICE]
        if service.store.clerk(staff_id) is not None:
            raise Denied(409, "clerk_exists", f"staff id {staff_id} exists: reset their PIN instead")
        pin_hash = await asyncio.get_running_loop().run_in_executor(_pin_pool(), auth.hash_pin, pin)
        now = service.clock()
        if service.store.clerk(staff_id) is not None:  # added by another request while we hashed
            raise Denied(409, "clerk_exists", f"staff id {staff_id} exists: reset their PIN instead")
        write(service.store, "INSERT INTO clerks (staff_id, name, pin_hash, created_at) VALUES (?, ?, ?, ?)",
              (staff_id, name, pin_hash, now.isoformat()),
              _audit_row(now, p, "clerk_added", {"staff_id": staff_id, "name": name}))
        return _json(clerk_row(service, staff_id))

    @guarded
    async def disable_clerk(request: web.Request, p: auth.Principal) -> web.StreamResponse:
        await json_body(request, empty_ok=True)
        service = request.app[SERVICE]
        staff_id = request.match_info["staff_id"]
        row = clerk_row(service, staff_id)
        if row["window"] is not None:
            raise Refused(409, "clerk_signed_in", f"{row['name']} is signed in at window {row['window']}: sign them "
                                                  "out first (finish their visit)", window=row["window"])
        if not row["disabled"]:
            now = service.clock()
            write(service.store, "UPDATE clerks SET disabled_at = ? WHERE staff_id = ?", (now.isoformat(), staff_id),
                  _audit_row(now, p, "clerk_disabled", {"staff_id": staff_id}))
        return _json(clerk_row(service, staff_id))

    @guarded
    async def enable_clerk(request: web.Request, p: auth.Principal) -> web.StreamResponse:
        await json_body(request, empty_ok=True)
        service = request.app[SERVICE]
        staff_id = request.match_info["staff_id"]
        if clerk_row(service, staff_id)["disabled"]:
            now = service.clock()
            write(service.store, "UPDATE clerks SET disabled_at = NULL WHERE staff_id = ?", (staff_id,),
                  _audit_row(now, p, "clerk_enabled", {"staff_id": staff_id}))
        return _json(clerk_row(service, staff_id))

    @guarded
    async def reset_pin(request: web.Request, p: auth.Principal) -> web.StreamResponse:
        data = await json_body(request, empty_ok=True)
        service = request.app[SERVICE]
        staff_id = request.match_info["staff_id"]
        clerk_row(service, staff_id)
        pin = _pin(data.get("pin"))
        pin_hash = await asyncio.get_running_loop().run_in_executor(_pin_pool(), auth.hash_pin, pin)
        now = service.clock()

        def store_reset(had: int) -> None:  # the lockout is lifted with the new PIN
            try:
                with service.store._transaction():
                    service.store.conn.execute("UPDATE clerks SET pin_hash = ? WHERE staff_id = ?",
                                               (pin_hash, staff_id))
                    service.store.conn.execute("DELETE FROM pin_failures WHERE staff_id = ?", (staff_id,))
                    service.store.conn.execute(_AUDIT_INSERT, _audit_row(now, p, "clerk_pin_reset", {
                        "staff_id": staff_id, "failures_cleared": had}))
            except sqlite3.Error as exc:
                raise StoreError(str(exc)) from exc

        service.lift_pin_lockout(staff_id, store_reset)
        return _json(clerk_row(service, staff_id))

    # ------------------------------------------------------------ device tokens

    @guarded
    async def list_tokens(request: web.Request, p: auth.Principal) -> web.StreamResponse:
        return _json(tokens(request.app[SERVICE].store))

    @guarded
    async def create_token(request: web.Request, p: auth.Principal) -> web.StreamResponse:
        data = await json_body(request, empty_ok=True)
        role = data.get("role")
        if role not in auth.ROLES:
            raise Denied(400, "invalid_argument", f"role: one of {', '.join(auth.ROLES)}")
        name = _name(data.get("name"), "name", MAX_TOKEN_NAME)
        window = data.get("window")
        service = request.app[SERVICE]
        if role == "window":
            if not isinstance(window, int) or isinstance(window, bool):
                raise Denied(400, "invalid_argument", "window: a window token needs its window's number")
            if window not in service.hall.window_configs:
                raise Denied(404, "unknown_window", f"the hall has no window {window}")
        elif window is not None:
            raise Denied(400, "invalid_argument", "window: only a window token has a window")
        store = service.store
        if store.conn.execute("SELECT 1 FROM tokens WHERE name = ? AND revoked_at IS NULL", (name,)).fetchone():
            raise Denied(409, "token_name_taken", f"an active token is named {name!r}: pick another name or "
                                                  "revoke that one")
        secret = auth.new_token()
        digest = auth.hash_token(secret)
        now = service.clock()
        write(store, "INSERT INTO tokens (hash, role, name, window, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, "
                     "NULL)", (digest, role, name, window, now.isoformat()),
              _audit_row(now, p, "token_created", {"name": name, "role": role, "window": window,
                                                   "id": token_id(digest)}))
        origin = f"{request.scheme}://{request.host}"
        text = pairing_text(origin, role, secret, window)
        return _json({"id": token_id(digest), "role": role, "name": name, "window": window,
                      "created_at": now.isoformat(), "token": secret, "pairing": text, "qr_svg": qr_svg(text)})

    @guarded
    async def revoke_token(request: web.Request, p: auth.Principal) -> web.StreamResponse:
        await json_body(request, empty_ok=True)
        service = request.app[SERVICE]
        wanted = request.match_info["token_id"]
        for h, name, revoked in service.store.conn.execute("SELECT hash, name, revoked_at FROM tokens").fetchall():
            if token_id(h) == wanted:
                break
        else:
            raise Denied(404, "unknown_token", f"no token with id {wanted!r}")
        if revoked is not None:
            raise Denied(409, "token_revoked", f"token {name!r} was revoked at {revoked}")
        now = service.clock()
        write(service.store, "UPDATE tokens SET revoked_at = ? WHERE hash = ?", (now.isoformat(), h),
              _audit_row(now, p, "token_revoked", {"name": name, "id": wanted, "count": 1}))
        closed = close_revoked(request.app)  # the path the CLI's revocations take at the next tick, now
        return _json({"id": wanted, "name": name, "revoked_at": now.isoformat(), "sockets_closed": closed})

    app.router.add_get("/api/clerks", list_clerks)
    app.router.add_post("/api/clerks", add_clerk)
    app.router.add_post("/api/clerks/{staff_id}/disable", disable_clerk)
    app.router.add_post("/api/clerks/{staff_id}/enable", enable_clerk)
    app.router.add_post("/api/clerks/{staff_id}/reset-pin", reset_pin)
    app.router.add_get("/api/tokens", list_tokens)
    app.router.add_post("/api/tokens", create_token)
    app.router.add_post("/api/tokens/{token_id}/revoke", revoke_token)
