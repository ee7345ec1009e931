"""Ships the hall's event log to the city server (central/), at least once, from a durable cursor; the hall never waits.

The event log is the outbox: every change's events are written in the same transaction as the
change (server.store), so nothing is lost between a decision and its forwarding. This worker
runs on a thread of its own (or as its own process: `python -m server.forwarder`) with its own
SQLite connection, reads the events after its cursor, adds the current rows of the tickets they
touch, posts them and, once the centre acknowledged, moves the cursor (a small file beside the
store, replaced atomically). A crash re-sends at most one batch; the centre ignores what it has
(ON CONFLICT on hall, epoch, seq). WAN or centre down: the backlog grows and drains when it is back.

Epoch: a random id kept in the store's meta table the first time it forwards. A rebuilt store
has a new one, so its seq 1, 2 ... never collide with the old store's at the centre.
"""
from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import secrets
import sqlite3
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import msgspec

from central.wire import CURSOR_PATH, INGEST_PATH, TICKET_FIELDS, Ack, Batch
from server.store import DB_NAME

log = logging.getLogger("hallq.forwarder")
CURSOR_FILE = "central-cursor.json"
_STORED_TICKET = ("id", "number", "day", "service", "origin_service", "priority", "status", "issued_at", "called_at",
                  "serving_at", "finished_at", "outcome", "window", "clerk", "transfers", "recalls", "rating",
                  "rated_at")
_LOG_TYPES = ("ticket_called", "ticket_recalled", "ticket_cancelled", "ticket_expired")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


class Forwarder:
    def __init__(self, data_dir: str | Path, url: str, token: str, *, config: dict[str, Any] | None = None,
                 batch: int = 5000, idle_s: float = 0.5, retry_max_s: float = 5.0, timeout_s: float = 10.0) -> None:
        self.data_dir = Path(data_dir)
        self.url, self.token, self.config = url.rstrip("/"), token, config
        self.batch, self.idle_s, self.retry_max_s, self.timeout_s = batch, idle_s, retry_max_s, timeout_s
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._status: dict[str, Any] = {"url": self.url, "state": "starting", "behind": None, "behind_s": None,
                                        "head": None, "sent": 0, "last_ok_at": None, "error": None, "epoch": None}
        self._http: http.client.HTTPConnection | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------ what the hall shows (GET /api/health)

    def status(self) -> dict[str, Any]:
        with self._lock:
            return dict(self._status)

    def _set(self, **kw) -> None:
        with self._lock:
            self._status.update(kw)

    # ------------------------------------------------------------ life

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name="central-forwarder", daemon=True)
        self._thread.start()

    def close(self, wait_s: float = 2.0) -> None:
        self.stop.set()
        if self._thread is not None:
            self._thread.join(wait_s)

    def run(self) -> None:
        conn = sqlite3.connect(self.data_dir / DB_NAME, isolation_level=None, check_same_thread=True)
        conn.execute("PRAGMA busy_timeout=5000")
        try:
            self._loop(conn)
        except Exception:
            log.exception("forwarder stopped")
            self._set(state="stopped", error="crashed; see the log")
        finally:
            conn.close()
            if self._http is not None:
                self._http.close()

    def _loop(self, conn: sqlite3.Connection) -> None:
        epoch = ensure_epoch(conn)
        cursor = self._load_cursor(epoch)
        head = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]
        held = self._centre_holds(epoch)
        if cursor > head or (held is not None and not _same_event(conn, held)):
            # The store went back in time (restored from an older copy): seq the centre holds were used again
            # for other events. A new epoch keeps both histories apart at the centre.
            log.warning("store %s differs from what was forwarded (cursor %d, head %d, centre %s): new epoch",
                        self.data_dir, cursor, head, held)
            epoch, cursor = ensure_epoch(conn, renew=True), 0
        self._set(epoch=epoch)
        send_config, clerks_seen, config_seen, delay = True, None, None, 0.2
        while not self.stop.is_set():
            head = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]
            clerk_mark = conn.execute("SELECT count(*), max(created_at) FROM clerks").fetchone()
            config_mark = _meta(conn, "config_version")  # the configuration changes live (issue 13)
            send_config = send_config or config_mark != config_seen
            self._behind(conn, cursor, head)
            if cursor >= head and not send_config and clerk_mark == clerks_seen:
                self._set(state="caught_up")
                self.stop.wait(self.idle_s)
                continue
            batch = self._read(conn, epoch, cursor, head)
            if send_config:
                stored = _meta(conn, "config")  # the hall's configuration now (the file only seeded it)
                batch.config = msgspec.json.decode(stored) if stored else self.config
            if clerk_mark != clerks_seen:
                batch.clerks = conn.execute("SELECT staff_id, name FROM clerks ORDER BY staff_id").fetchall()
            try:
                ack = self._post(batch)
            except _Gap as gap:  # the centre has less than we thought: send again from there
                log.warning("central holds up to seq %d of epoch %s; resending from there", gap.seq, epoch)
                cursor = gap.seq
                self._save_cursor(epoch, cursor)
                continue
            except (OSError, http.client.HTTPException, _Refused) as exc:
                self._set(state="retrying", error=str(exc) or type(exc).__name__)
                if self._http is not None:
                    self._http.close()
                    self._http = None
                self.stop.wait(delay)
                delay = min(self.retry_max_s, delay * 2)
                continue
            delay = 0.2
            send_config, clerks_seen, config_seen = False, clerk_mark, config_mark
            cursor = max(cursor, ack.seq)
            self._save_cursor(epoch, cursor)
            with self._lock:
                self._status.update(state="sending", error=None, last_ok_at=_now())
                self._status["sent"] += len(batch.events)
            self._behind(conn, cursor, head)

    def _centre_holds(self, epoch: str) -> dict | None:
        """What the centre holds of this epoch (seq, type, at of its last event); None when it cannot say now
        (checked again at the next start)."""
        try:
            status, data = self._request("GET", f"{CURSOR_PATH}?epoch={epoch}")
        except (OSError, http.client.HTTPException):
            if self._http is not None:
                self._http.close()
                self._http = None
            return None
        return json.loads(data) if status == 200 else None

    def _behind(self, conn: sqlite3.Connection, cursor: int, head: int) -> None:
        row = conn.execute("SELECT at FROM events WHERE seq > ? ORDER BY seq LIMIT 1", (cursor,)).fetchone()
        behind_s = None
        if row:
            behind_s = max(0.0, round((datetime.now(timezone.utc) - datetime.fromisoformat(row[0])).total_seconds(), 1))
        self._set(behind=max(0, head - cursor), behind_s=behind_s, head=head, cursor=cursor)

    # ------------------------------------------------------------ reading the log

    def _read(self, conn: sqlite3.Connection, epoch: str, cursor: int, head: int) -> Batch:
        conn.execute("BEGIN")  # one snapshot: the events and the ticket rows agree
        try:
            events = conn.execute("SELECT seq, version, type, at, ticket_id, window, data FROM events "
                                  "WHERE seq > ? ORDER BY seq LIMIT ?", (cursor, self.batch)).fetchall()
            head = max(head, events[-1][0]) if events else head
            ids = sorted({e[4] for e in events if e[4]})
            tickets = ticket_rows(conn, ids)
        finally:
            conn.execute("COMMIT")
        return Batch(epoch=epoch, after=cursor, events=events, tickets=tickets, head=head)

    # ------------------------------------------------------------ the wire

    def _post(self, batch: Batch) -> Ack:
        body = msgspec.json.encode(batch)
        status, data = self._request("POST", INGEST_PATH, body)
        if status == 200:
            return msgspec.json.decode(data, type=Ack)
        if status == 409:
            raise _Gap(json.loads(data)["error"]["seq"])
        raise _Refused(f"central answered {status}: {data[:200].decode(errors='replace')}")

    def _request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        parts = urlsplit(self.url)
        if self._http is None:
            cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
            self._http = cls(parts.hostname, parts.port, timeout=self.timeout_s)
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        self._http.request(method, parts.path.rstrip("/") + path, body=body, headers=headers)
        resp = self._http.getresponse()
        return resp.status, resp.read()

    # ------------------------------------------------------------ the durable cursor

    def _cursor_path(self) -> Path:
        return self.data_dir / CURSOR_FILE

    def _load_cursor(self, epoch: str) -> int:
        try:
            saved = json.loads(self._cursor_path().read_text())
        except (OSError, ValueError):
            return 0
        if saved.get("epoch") != epoch or saved.get("url") != self.url:
            return 0  # a rebuilt store, or another centre: everything is sent (again); the centre skips what it has
        return int(saved.get("seq", 0))

    def _save_cursor(self, epoch: str, seq: int) -> None:
        path = self._cursor_path()
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w") as f:
            json.dump({"epoch": epoch, "url": self.url, "seq": seq}, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)


def _same_event(conn: sqlite3.Connection, held: dict) -> bool:
    """Whether this store's event at the centre's last seq is the one the centre holds (nothing held: yes)."""
    if not held.get("seq"):
        return True
    row = conn.execute("SELECT type, at FROM events WHERE seq = ?", (held["seq"],)).fetchone()
    if row is None or held.get("at") is None:
        return False
    return row[0] == held["type"] and datetime.fromisoformat(row[1]) == datetime.fromisoformat(held["at"])


class _Gap(Exception):
    def __init__(self, seq: int) -> None:
        super().__init__(f"central holds up to {seq}")
        self.seq = seq


class _Refused(Exception):
    pass


def ensure_epoch(conn: sqlite3.Connection, *, renew: bool = False) -> str:
    """This store's epoch, created the first time (a short write of its own; the hall's next write waits at most
    that); `renew`: a new one (the store was restored from an older copy)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone()
    if row and row[0] and not renew:
        return row[0]
    new = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(4)
    if renew:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'epoch'", (new,))
    conn.execute("INSERT INTO meta (key, value) VALUES ('epoch', ?) ON CONFLICT (key) DO NOTHING", (new,))
    return conn.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone()[0]


def ticket_rows(conn: sqlite3.Connection, ids: list[str]) -> list[tuple]:
    """The tickets' stored rows as central.wire.TICKET_FIELDS: recalls, first call and departure read from the log."""
    out = []
    cols = ", ".join(f'"{c}"' for c in _STORED_TICKET)
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ", ".join("?" for _ in chunk)
        first_call: dict[str, str] = {}
        gone: dict[str, str] = {}
        recalls: dict[str, int] = {}
        for tid, kind, at in conn.execute(f"SELECT ticket_id, type, at FROM events WHERE ticket_id IN ({marks}) "
                                          f"AND type IN {_LOG_TYPES} ORDER BY seq", chunk):
            if kind == "ticket_called":
                first_call.setdefault(tid, at)
            elif kind == "ticket_recalled":
                recalls[tid] = recalls.get(tid, 0) + 1
            else:
                gone.setdefault(tid, at)
        for row in conn.execute(f"SELECT {cols} FROM tickets WHERE id IN ({marks})", chunk):
            r = list(row)
            r[_STORED_TICKET.index("recalls")] = recalls.get(r[0], 0)
            out.append((*r, first_call.get(r[0]), gone.get(r[0])))
    assert not out or len(out[0]) == len(TICKET_FIELDS)
    return out


# ------------------------------------------------------------ in the hall server (server.app create_app)


def central_settings(config) -> dict[str, Any] | None:
    """ServerConfig.extra["central"]: {"url": ..., "token": ...} (also batch, idle_s, retry_max_s)."""
    found = config.extra.get("central") if hasattr(config, "extra") else None
    return found if found and found.get("url") else None


def ctx(config):
    """An aiohttp cleanup_ctx: the forwarder's thread lives as long as the app."""
    from aiohttp import web

    settings = dict(central_settings(config))

    async def forwarding(app: web.Application):
        fwd = Forwarder(config.data_dir, settings.pop("url"), settings.pop("token"),
                        config=msgspec.to_builtins(config.hall), **settings)
        app[FORWARDER] = fwd
        fwd.start()
        yield
        fwd.close()

    return forwarding


def _key():
    from aiohttp import web

    return web.AppKey("forwarder", Forwarder)


FORWARDER = _key()


def health_of(app) -> dict[str, Any]:
    """{"central": status} for GET /api/health when the hall forwards; {} otherwise."""
    fwd = app.get(FORWARDER)
    return {"central": fwd.status()} if fwd is not None else {}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m server.forwarder",
                                description="forward a hall store's event log to the city server (own process)")
    p.add_argument("--data", type=Path, required=True, help="the hall's data directory (hallq.db)")
    p.add_argument("--url", required=True)
    p.add_argument("--token", default=os.environ.get("HALLQ_CENTRAL_TOKEN", ""))
    p.add_argument("--config", type=Path, help="hall config TOML: names, targets and outcome classes for the centre")
    p.add_argument("--batch", type=int, default=5000)
    args = p.parse_args(argv)
    config = None
    if args.config:
        from queuecore.config import load_config

        config = msgspec.to_builtins(load_config(str(args.config)))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    fwd = Forwarder(args.data, args.url, args.token, config=config, batch=args.batch, retry_max_s=1.0)
    import signal

    signal.signal(signal.SIGTERM, lambda *_: fwd.stop.set())
    fwd.run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
