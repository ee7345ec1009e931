"""Console logins: staff accounts (scrypt passwords), server-side sessions behind an HttpOnly cookie, lockouts.

Rule: people log in, devices don't. A session acts as its user (role supervisor or admin, name the
username, so the audit records the person). A cookie alone never changes anything: every POST also
carries the session's CSRF token in a header, and a request from another origin is refused.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from server import auth
from server.service import Denied, _audit_row, _pin_pool
from server.store import _AUDIT_INSERT, Store

log = logging.getLogger("hallq.sessions")

COOKIE = "hallq_session"
CSRF_HEADER = "X-CSRF-Token"
LOGIN_HEADER = "X-Hallq-Login"  # a custom header: a cross-site form cannot send it (login CSRF)
BACKGROUND_HEADER = "X-Hallq-Background"  # the console's own polling: not the user's activity
USER_ROLES = ("supervisor", "admin")
USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{1,31}", re.ASCII)
MIN_PASSWORD = 8


@dataclass(frozen=True)
class Settings:
    idle: timedelta = timedelta(minutes=30)  # no user action for this long ends the session
    failures_allowed: int = 5  # wrong passwords in a row before the account locks
    lockout: timedelta = timedelta(minutes=15)
    touch_every: timedelta = timedelta(seconds=20)  # last_seen is written at most this often

    @classmethod
    def from_extra(cls, extra: dict[str, Any]) -> Settings:
        c = extra.get("console", {}) if isinstance(extra.get("console"), dict) else {}
        return cls(idle=timedelta(seconds=float(c.get("idle_s", 1800))),
                   failures_allowed=int(c.get("failures_allowed", 5)),
                   lockout=timedelta(seconds=float(c.get("lockout_s", 900))))


def hash_password(password: str) -> str:
    return auth.hash_pin(password)  # scrypt n=2^14, salted: the same slow KDF as clerk PINs


def session_hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


# ------------------------------------------------------------ users (the store's users table)

def check_new_user(username: str, name: str, role: str, password: str) -> None:
    if not USERNAME_RE.fullmatch(username or ""):
        raise Denied(400, "invalid_argument", "username: 2-32 of a-z 0-9 . _ -, starting with a letter or digit")
    if not name or len(name) > 64:
        raise Denied(400, "invalid_argument", "name: 1-64 characters")
    if role not in USER_ROLES:
        raise Denied(400, "invalid_argument", f"role must be one of {', '.join(USER_ROLES)}")
    if len(password or "") < MIN_PASSWORD:
        raise Denied(400, "invalid_argument", f"a password has at least {MIN_PASSWORD} characters")


def add_user(store: Store, username: str, name: str, role: str, pw_hash: str, now: datetime) -> None:
    """Create or replace an account (a new password also lifts its lockout)."""
    with store._transaction():
        store.conn.execute(
            "INSERT INTO users (username, name, role, pw_hash, created_at, failures, locked_until) "
            "VALUES (?, ?, ?, ?, ?, 0, NULL) ON CONFLICT(username) DO UPDATE SET name = excluded.name, "
            "role = excluded.role, pw_hash = excluded.pw_hash, failures = 0, locked_until = NULL, "
            "disabled_at = NULL", (username, name, role, pw_hash, now.isoformat()))


def user(store: Store, username: str) -> dict | None:
    cur = store.conn.execute("SELECT * FROM users WHERE username = ? AND disabled_at IS NULL", (username,))
    row = cur.fetchone()
    return dict(zip([c[0] for c in cur.description], row)) if row else None


def users(store: Store) -> list[dict]:
    cur = store.conn.execute("SELECT username, name, role, created_at, failures, locked_until FROM users "
                             "WHERE disabled_at IS NULL ORDER BY username")
    return [dict(zip([c[0] for c in cur.description], r)) for r in cur.fetchall()]


# ------------------------------------------------------------ login, lookup, logout

@dataclass(frozen=True)
class Session:
    hash: str
    username: str
    name: str
    role: str
    csrf: str

    @property
    def principal(self) -> auth.Principal:
        return auth.Principal(role=self.role, name=self.username, key=f"user:{self.username}",
                              token_hash=f"session:{self.hash}")


async def login(store: Store, settings: Settings, username: str, password: str, now: datetime,
                audit_actor: str = "") -> tuple[str, Session]:
    """(cookie value, session); Denied bad_credentials or locked_out. scrypt runs off the event loop."""
    row = user(store, username) if isinstance(username, str) else None
    if row and row["locked_until"] and datetime.fromisoformat(row["locked_until"]) > now:
        left = int((datetime.fromisoformat(row["locked_until"]) - now).total_seconds() // 60) + 1
        raise Denied(403, "locked_out", f"too many wrong passwords: locked for {left} more min")
    ok = await asyncio.get_running_loop().run_in_executor(
        _pin_pool(), auth.check_pin, password if isinstance(password, str) else "", row["pw_hash"] if row else None)
    if not ok or row is None:
        if row is not None:
            _failed(store, settings, row, now)
        raise Denied(403, "bad_credentials", "unknown user or wrong password")
    sid = secrets.token_urlsafe(32)
    s = Session(hash=session_hash(sid), username=row["username"], name=row["name"], role=row["role"],
                csrf=secrets.token_urlsafe(24))
    with store._transaction():
        store.conn.execute("UPDATE users SET failures = 0, locked_until = NULL WHERE username = ?", (s.username,))
        store.conn.execute("INSERT INTO sessions (hash, username, csrf, created_at, last_seen) VALUES (?, ?, ?, ?, ?)",
                           (s.hash, s.username, s.csrf, now.isoformat(), now.isoformat()))
        store.conn.execute(_AUDIT_INSERT, _audit_row(now, s.principal, "console_login", {}))
    return sid, s


def _failed(store: Store, settings: Settings, row: dict, now: datetime) -> None:
    failures = (row["failures"] or 0) + 1
    locked = failures >= settings.failures_allowed
    with store._transaction():
        store.conn.execute("UPDATE users SET failures = ?, locked_until = ? WHERE username = ?",
                           (0 if locked else failures, (now + settings.lockout).isoformat() if locked else None,
                            row["username"]))
        if locked:
            store.conn.execute(_AUDIT_INSERT, _audit_row(now, auth.Principal(role=row["role"], name=row["username"]),
                                                         "user_locked_out", {"failures": failures}))
    if locked:
        log.warning("console user %s locked out after %d wrong passwords", row["username"], failures)


def lookup(store: Store, settings: Settings, sid: str, now: datetime, *, touch: bool) -> Session | None:
    """The live session of this cookie value, or None (unknown, logged out, idle too long, user removed)."""
    if not sid or len(sid) > 100:
        return None
    h = session_hash(sid)
    row = store.conn.execute(
        "SELECT s.last_seen, s.csrf, u.username, u.name, u.role FROM sessions s JOIN users u ON u.username = "
        "s.username WHERE s.hash = ? AND s.ended_at IS NULL AND u.disabled_at IS NULL", (h,)).fetchone()
    if row is None:
        return None
    last_seen = datetime.fromisoformat(row[0])
    if now - last_seen > settings.idle:
        end(store, h, now)
        return None
    if touch and now - last_seen > settings.touch_every:
        with store._transaction():
            store.conn.execute("UPDATE sessions SET last_seen = ? WHERE hash = ?", (now.isoformat(), h))
    return Session(hash=h, username=row[2], name=row[3], role=row[4], csrf=row[1])


def end(store: Store, h: str, now: datetime) -> None:
    with store._transaction():
        store.conn.execute("UPDATE sessions SET ended_at = ? WHERE hash = ? AND ended_at IS NULL",
                           (now.isoformat(), h))


def live_hashes(store: Store, settings: Settings, now: datetime) -> set[str]:
    """Hashes of the sessions still live (for closing the sockets of ended ones)."""
    since = (now - settings.idle).isoformat()
    return {h for (h,) in store.conn.execute("SELECT hash FROM sessions WHERE ended_at IS NULL AND last_seen >= ?",
                                             (since,))}


# ------------------------------------------------------------ the request side

def same_origin(request: web.Request) -> bool:
    """An Origin header, when sent, names this server (browsers send one on every POST and WebSocket)."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return origin in (f"http://{request.host}", f"https://{request.host}")


def from_cookie(request: web.Request, store: Store, settings: Settings, now: datetime) -> Session | None:
    """The session of the request's cookie, CSRF-checked: None when there is no cookie; Denied when it is bad."""
    sid = request.cookies.get(COOKIE)
    if not sid:
        return None
    if not same_origin(request):
        raise Denied(403, "forbidden", "a console session is used from its own origin only")
    background = request.headers.get(BACKGROUND_HEADER) == "1" or request.method == "GET" and \
        request.headers.get("Upgrade", "").lower() == "websocket"
    s = lookup(store, settings, sid, now, touch=not background)
    if s is None:
        raise Denied(401, "unauthorized", "the console session ended: log in again")
    if request.method not in ("GET", "HEAD") and not hmac.compare_digest(
            request.headers.get(CSRF_HEADER, ""), s.csrf):
        raise Denied(403, "csrf", f"send the session's {CSRF_HEADER} header")
    return s


def set_cookie(response: web.StreamResponse, sid: str, request: web.Request) -> None:
    response.set_cookie(COOKIE, sid, httponly=True, samesite="Strict", path="/", secure=request.secure)


def clear_cookie(response: web.StreamResponse) -> None:
    response.del_cookie(COOKIE, path="/")
