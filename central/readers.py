"""City readers: people who read the city page and reports. Accounts (scrypt passwords), sessions behind an
HttpOnly cookie, lockout after wrong passwords, and an audit row for every login, failure, lockout and logout.

Rule: halls push events with their own token (central.ingest); people log in. A hall token opens no report,
a reader's session pushes nothing. A reader bound to a hall sees that hall only; others see every hall.
Accounts are made with `hallq central user add` (central.cli); the password never leaves this module unhashed.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

COOKIE = "hallq_city"
LOGIN_HEADER = "X-Hallq-City"  # a custom header: a cross-site form cannot send it (login and logout CSRF)
USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{1,31}", re.ASCII)
MIN_PASSWORD = 8
FAILURES_ALLOWED = 5  # wrong passwords in a row before the account locks
LOCKOUT = timedelta(minutes=15)
IDLE = timedelta(minutes=60)  # no request for this long ends a session
LONGEST = timedelta(hours=12)  # and none lives longer than a working day
TOUCH_EVERY = timedelta(seconds=30)
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class ReaderError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class Reader:
    username: str
    name: str
    hall: str | None  # None: every hall

    def as_json(self) -> dict:
        return {"username": self.username, "name": self.name, "hall": self.hall}


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${salt.hex()}${digest.hex()}"


_DECOY = hash_password(secrets.token_hex(8))  # unknown usernames cost one scrypt too (no timing oracle)


def verify_password(password: str, stored: str | None) -> bool:
    try:
        scheme, n, salt, digest = (stored or _DECOY).split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), dklen=32, n=int(n), r=8, p=1)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest) and stored is not None


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


_AUDIT = "INSERT INTO reader_audit (username, action, remote, detail) VALUES (%s, %s, %s, %s)"


# ------------------------------------------------------------ accounts (sync: the CLI)

def check_new(username: str, name: str, password: str) -> None:
    if not USERNAME_RE.fullmatch(username or ""):
        raise ReaderError(400, "invalid_argument", "username: 2-32 of a-z 0-9 . _ -, starting with a letter or digit")
    if not name or len(name) > 64:
        raise ReaderError(400, "invalid_argument", "name: 1-64 characters")
    if len(password or "") < MIN_PASSWORD:
        raise ReaderError(400, "invalid_argument", f"a password has at least {MIN_PASSWORD} characters")


def add_reader(conn, username: str, name: str, password: str, hall: str | None, actor: str = "cli") -> None:
    """Create or replace an account (a new password lifts a lockout and ends its sessions); audited."""
    check_new(username, name, password)
    with conn.transaction():
        if hall is not None and conn.execute("SELECT 1 FROM halls WHERE hall = %s", (hall,)).fetchone() is None:
            raise ReaderError(400, "unknown_hall", f"hall {hall!r} is not registered (hallq central --add-hall)")
        existed = conn.execute("SELECT 1 FROM readers WHERE username = %s", (username,)).fetchone() is not None
        conn.execute("INSERT INTO readers (username, name, hall, pw_hash) VALUES (%s, %s, %s, %s) "
                     "ON CONFLICT (username) DO UPDATE SET name = excluded.name, hall = excluded.hall, "
                     "pw_hash = excluded.pw_hash, failures = 0, locked_until = NULL, disabled_at = NULL",
                     (username, name, hall, hash_password(password)))
        conn.execute("UPDATE reader_sessions SET ended_at = now() WHERE username = %s AND ended_at IS NULL",
                     (username,))
        conn.execute(_AUDIT, (username, "reader_replaced" if existed else "reader_added", actor,
                              json.dumps({"hall": hall, "name": name}, ensure_ascii=False)))


def remove_reader(conn, username: str, actor: str = "cli") -> bool:
    with conn.transaction():
        cur = conn.execute("UPDATE readers SET disabled_at = now() WHERE username = %s AND disabled_at IS NULL",
                           (username,))
        if cur.rowcount == 0:
            return False
        conn.execute("UPDATE reader_sessions SET ended_at = now() WHERE username = %s AND ended_at IS NULL",
                     (username,))
        conn.execute(_AUDIT, (username, "reader_removed", actor, "{}"))
    return True


def list_readers(conn) -> list[dict]:
    cur = conn.execute("SELECT username, name, hall, created_at, failures, locked_until FROM readers "
                       "WHERE disabled_at IS NULL ORDER BY username")
    names = [c.name for c in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


# ------------------------------------------------------------ login, lookup, logout (async: the server)

async def login(conn, username: str, password: str, remote: str) -> tuple[str, Reader]:
    """(cookie value, reader); ReaderError bad_credentials (401) or locked_out (403). Every outcome is audited."""
    username = username if isinstance(username, str) else ""
    password = password if isinstance(password, str) else ""
    now = datetime.now(timezone.utc)
    cur = await conn.execute("SELECT username, name, hall, pw_hash, failures, locked_until FROM readers "
                             "WHERE username = %s AND disabled_at IS NULL", (username[:64],))
    row = await cur.fetchone()
    if row and row[5] and row[5] > now:
        left = int((row[5] - now).total_seconds() // 60) + 1
        await conn.execute(_AUDIT, (row[0], "login_refused_locked", remote, "{}"))
        raise ReaderError(403, "locked_out", f"too many wrong passwords: locked for {left} more min")
    ok = await asyncio.to_thread(verify_password, password, row[3] if row else None)
    if not ok or row is None:
        async with conn.transaction():
            if row is None:
                await conn.execute(_AUDIT, (username[:64], "login_failed", remote, '{"known": false}'))
            else:
                failures = (row[4] or 0) + 1
                locked = failures >= FAILURES_ALLOWED
                await conn.execute("UPDATE readers SET failures = %s, locked_until = %s WHERE username = %s",
                                   (0 if locked else failures, now + LOCKOUT if locked else None, row[0]))
                await conn.execute(_AUDIT, (row[0], "login_failed", remote, json.dumps({"failures": failures})))
                if locked:
                    await conn.execute(_AUDIT, (row[0], "locked_out", remote,
                                                json.dumps({"until": (now + LOCKOUT).isoformat()})))
        raise ReaderError(401, "bad_credentials", "unknown user or wrong password")
    sid = secrets.token_urlsafe(32)
    async with conn.transaction():
        await conn.execute("UPDATE readers SET failures = 0, locked_until = NULL WHERE username = %s", (row[0],))
        await conn.execute("INSERT INTO reader_sessions (hash, username) VALUES (%s, %s)", (_sha(sid), row[0]))
        await conn.execute(_AUDIT, (row[0], "login", remote, "{}"))
    return sid, Reader(row[0], row[1], row[2])


async def lookup(conn, sid: str | None) -> Reader | None:
    """The live session's reader, or None (unknown, ended, idle or too old, account removed)."""
    if not sid or len(sid) > 100:
        return None
    cur = await conn.execute(
        "SELECT r.username, r.name, r.hall, s.created_at, s.last_seen, now() FROM reader_sessions s "
        "JOIN readers r USING (username) WHERE s.hash = %s AND s.ended_at IS NULL AND r.disabled_at IS NULL",
        (_sha(sid),))
    row = await cur.fetchone()
    if row is None:
        return None
    username, name, hall, created, seen, now = row
    if now - seen > IDLE or now - created > LONGEST:
        await conn.execute("UPDATE reader_sessions SET ended_at = now() WHERE hash = %s", (_sha(sid),))
        return None
    if now - seen > TOUCH_EVERY:
        await conn.execute("UPDATE reader_sessions SET last_seen = now() WHERE hash = %s", (_sha(sid),))
    return Reader(username, name, hall)


async def logout(conn, sid: str, remote: str) -> None:
    async with conn.transaction():
        cur = await conn.execute("UPDATE reader_sessions SET ended_at = now() WHERE hash = %s AND ended_at IS NULL "
                                 "RETURNING username", (_sha(sid or ""),))
        row = await cur.fetchone()
        if row:
            await conn.execute(_AUDIT, (row[0], "logout", remote, "{}"))
