"""Durable hall state in one SQLite file (WAL, fsync on commit): tickets, windows, appointments, the event log, tokens and clerks.

Rule: one command's events and resulting state are written in one transaction, committed
before anyone is told. The event log is append-only; it feeds statistics.
"""
from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import msgspec
import sqlite_utils

from queuecore.events import Event
from queuecore.followup import FollowUp
from queuecore.hall import Changes
from queuecore.model import Appointment, DeviceState, Notice, Ticket, WindowState

log = logging.getLogger(__name__)

DB_NAME = "hallq.db"
_TICKET_FIELDS = list(Ticket.__struct_fields__)
_WINDOW_FIELDS = list(WindowState.__struct_fields__)
_APPT_FIELDS = list(Appointment.__struct_fields__)
_DEVICE_FIELDS = list(DeviceState.__struct_fields__)


class StoreError(RuntimeError):
    """The store could not write; the command was not applied."""

    code = "store_unavailable"


# Migrations are frozen history: they name their columns, never today's struct fields.
_M1_TICKET_FIELDS = (
    "id", "number", "day", "seq", "service", "priority", "status", "issued_at", "arrival_at", "rank",
    "ahead_at_issue", "window", "clerk", "called_at", "recalls", "serving_at", "finished_at", "outcome",
    "skipped_at", "suspended_at", "transfers", "origin_service", "appointment_start",
)


def _m1_initial(db: sqlite_utils.Database) -> None:
    ticket_cols: dict[str, Any] = {name: str for name in _M1_TICKET_FIELDS}
    ticket_cols.update(seq=int, rank=float, ahead_at_issue=int, window=int, recalls=int, transfers=int)
    db["tickets"].create(ticket_cols, pk="id")
    db["tickets"].create_index(["day", "number"], unique=True)
    db["tickets"].create_index(["day", "status"])
    db["windows"].create({"id": int, "status": str, "clerk": str, "current": str, "pause_reason": str,
                          "priority_streak": int, "since": str}, pk="id")
    db["appointments"].create({name: str for name in ("code", "service", "day", "start", "end", "name_masked",
                                                      "ticket_id", "checked_in_at")}, pk="code")
    db["appointments"].create_index(["day"])
    db["events"].create({"seq": int, "version": int, "type": str, "at": str, "ticket_id": str, "window": int,
                         "data": str}, pk="seq")
    db["events"].create_index(["at"])
    db["events"].create_index(["ticket_id"])
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["tokens"].create({"hash": str, "role": str, "name": str, "window": int, "created_at": str,
                         "revoked_at": str}, pk="hash")
    db["clerks"].create({"staff_id": str, "name": str, "pin_hash": str, "created_at": str}, pk="staff_id")


def _m2_replies(db: sqlite_utils.Database) -> None:
    # The reply to each state-changing command with an id, stored with its changes: a client
    # that re-sends the id after a server restart gets this reply, and nothing runs twice.
    db["replies"].create({"token": str, "command_id": str, "reply": str, "at": str}, pk=("token", "command_id"))


def _m3_ratings_devices(db: sqlite_utils.Database) -> None:
    # 好差评 on each ticket; the health each device last reported.
    for name, kind in (("rating", int), ("rating_reason", str), ("rating_comment", str), ("rated_at", str)):
        db["tickets"].add_column(name, kind)
    db["devices"].create({"name": str, "kind": str, "state": str, "detail": str, "since": str}, pk="name")


def _m4_replay_lockouts_audit(db: sqlite_utils.Database) -> None:
    # A replayed id must be the same command: its type and a fingerprint of its arguments.
    db["replies"].add_column("command", str)
    db["replies"].add_column("fingerprint", str)
    db["replies"].create_index(["at"])
    # PIN lockouts survive a restart.
    db["pin_failures"].create({"staff_id": str, "failures": str}, pk="staff_id")
    # Who did what outside the queue's own events (admin commands, lockouts, lifted lockouts).
    db["audit"].create({"seq": int, "at": str, "actor": str, "action": str, "detail": str}, pk="seq")
    db["audit"].create_index(["at"])
    # The unguessable id in a ticket's QR code and status URL.
    db["tickets"].add_column("public_id", str)
    db["tickets"].create_index(["public_id"])


def _m5_followups(db: sqlite_utils.Database) -> None:
    # 差评 follow-up cases (queuecore.followup.FollowUp): typed columns for reports, the whole case in `data`.
    db["followups"].create({"id": str, "ticket_id": str, "day": str, "service": str, "window": int, "clerk": str,
                            "level": int, "status": str, "valid": int, "rated_at": str, "opened_at": str,
                            "contact_due": str, "rectify_due": str, "contacted_at": str, "rectified_at": str,
                            "closed_at": str, "data": str}, pk="id")
    db["followups"].create_index(["day"])
    db["followups"].create_index(["status"])


def _m6_report_index(db: sqlite_utils.Database) -> None:
    # Reports read a day's sign-ins, sign-outs and pauses by type and time (server.reports.facts).
    db["events"].create_index(["type", "at"])


def _m7_console_users(db: sqlite_utils.Database) -> None:
    # People who log in to the console (server.sessions): staff accounts, their server-side sessions
    # (stored as SHA-256 of the cookie), wrong-password lockouts, and acknowledged 超时预警 alerts.
    db["users"].create({"username": str, "name": str, "role": str, "pw_hash": str, "created_at": str,
                        "failures": int, "locked_until": str, "disabled_at": str}, pk="username")
    db["sessions"].create({"hash": str, "username": str, "csrf": str, "created_at": str, "last_seen": str,
                           "ended_at": str}, pk="hash")
    db["sessions"].create_index(["username"])
    db["alert_acks"].create({"alert_id": str, "at": str, "actor": str, "note": str}, pk="alert_id")


def _m8_suspend_kinds(db: sqlite_utils.Database) -> None:
    # The three kinds of 挂起: which, where (持件/等待 resume at that window), what to bring, time away.
    for name, kind in (("suspend_kind", str), ("suspended_window", int), ("bring", str), ("away_s", float)):
        db["tickets"].add_column(name, kind)


def _m9_wait_estimates(db: sqlite_utils.Database) -> None:
    # Each ticket's wait estimate at issue (learned, and today's formula) against its actual wait (server.estimates).
    db["wait_estimates"].create({"ticket_id": str, "day": str, "service": str, "issued_at": str,
                                 "estimated_min": float, "baseline_min": int, "waited_min": float}, pk="ticket_id")
    db["wait_estimates"].create_index(["day"])


def _m10_bundles(db: sqlite_utils.Database) -> None:
    # 一票到底: a ticket's bundle, the step it is at, and the window that finished the step before.
    for name, kind in (("bundle", str), ("step", int), ("step_window", int)):
        db["tickets"].add_column(name, kind)


def _m11_notify_outbox(db: sqlite_utils.Database) -> None:
    # Opt-ins (the number sealed, its masked form, the consent) and the durable outbox (server.notify.outbox).
    db["notify_subscriptions"].create({"ticket_id": str, "day": str, "number": str, "channel": str, "address": str,
                                       "masked": str, "consent_at": str, "consent_text": str}, pk="ticket_id")
    db["notify_subscriptions"].create_index(["day"])
    db["outbox"].create({"key": str, "day": str, "ticket_id": str, "channel": str, "address": str, "template": str,
                         "params": str, "status": str, "attempts": int, "next_at": str, "last_error": str,
                         "created_at": str, "sent_at": str}, pk="key")
    db["outbox"].create_index(["status", "next_at"])
    db["outbox"].create_index(["day"])


def _m12_clerks_disabled_appointments_cancelled(db: sqlite_utils.Database) -> None:
    # Clerks an admin disabled (they cannot sign in; kept for names in reports); appointments cancelled before check-in.
    db["clerks"].add_column("disabled_at", str)
    db["appointments"].add_column("cancelled_at", str)


def _m_config_changes(db: sqlite_utils.Database) -> None:
    # Configuration as data (issue 13): every change an admin made or scheduled, with its ops and actor. The
    # current configuration itself is meta "config" (JSON) at meta "config_version", written in the same
    # transaction as the change's event: a crash leaves the old or the new configuration, never a mix.
    db["config_changes"].create({"version": int, "at": str, "actor": str, "effective": str, "status": str,
                                 "ops": str, "summary": str, "note": str, "applied_at": str, "message": str},
                                pk="version")


def _m_webhooks(db: sqlite_utils.Database) -> None:
    # Webhooks an admin registered (the secret sealed) and each delivery attempt (server.notify.webhooks).
    db["webhooks"].create({"id": str, "url": str, "events": str, "description": str, "secret": str,
                           "created_at": str, "deleted_at": str}, pk="id")
    db["webhook_attempts"].create({"key": str, "webhook": str, "attempt": int, "at": str, "status_code": int,
                                   "outcome": str, "error": str, "took_ms": float})
    db["webhook_attempts"].create_index(["key"])
    db["outbox"].create_index(["channel", "address"])


@contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction on a connection in autocommit mode (`with conn` would not make one): all or nothing."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def stored_config(db_path: str | Path):
    """The hall configuration a store holds (its live version), read-only; None before its first start."""
    from queuecore.model import HallConfig

    try:
        conn = sqlite3.connect(f"file:{Path(db_path)}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return msgspec.json.decode(row[0], type=HallConfig) if row and row[0] else None


# Append only: migration N brings a file from user_version N-1 to N.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_m1_initial, _m2_replies, _m3_ratings_devices,
                                                             _m4_replay_lockouts_audit, _m5_followups,
                                                             _m6_report_index, _m7_console_users, _m8_suspend_kinds,
                                                             _m9_wait_estimates, _m10_bundles, _m11_notify_outbox,
                                                             _m12_clerks_disabled_appointments_cancelled,
                                                             _m_webhooks, _m_config_changes]


def _upsert_sql(table: str, fields: list[str], pk: str) -> str:
    cols = ", ".join(f'"{f}"' for f in fields)
    marks = ", ".join("?" for _ in fields)
    updates = ", ".join(f'"{f}" = excluded."{f}"' for f in fields if f != pk)
    return f'INSERT INTO {table} ({cols}) VALUES ({marks}) ON CONFLICT("{pk}") DO UPDATE SET {updates}'


_TICKET_UPSERT = _upsert_sql("tickets", _TICKET_FIELDS, "id")
_WINDOW_UPSERT = _upsert_sql("windows", _WINDOW_FIELDS, "id")
_APPT_UPSERT = _upsert_sql("appointments", _APPT_FIELDS, "code")
_DEVICE_UPSERT = _upsert_sql("devices", _DEVICE_FIELDS, "name")
_EVENT_INSERT = "INSERT INTO events (version, type, at, ticket_id, window, data) VALUES (?, ?, ?, ?, ?, ?)"
# Never overwritten: the first decision under an id is the only one (a repeat is answered from here).
_REPLY_INSERT = ("INSERT INTO replies (token, command_id, reply, at, command, fingerprint) VALUES (?, ?, ?, ?, ?, ?) "
                 "ON CONFLICT (token, command_id) DO NOTHING")
_AUDIT_INSERT = "INSERT INTO audit (at, actor, action, detail) VALUES (?, ?, ?, ?)"
_FOLLOWUP_FIELDS = ["id", "ticket_id", "day", "service", "window", "clerk", "level", "status", "valid", "rated_at",
                    "opened_at", "contact_due", "rectify_due", "contacted_at", "rectified_at", "closed_at", "data"]
_FOLLOWUP_UPSERT = _upsert_sql("followups", _FOLLOWUP_FIELDS, "id")
_ESTIMATE_UPSERT = _upsert_sql("wait_estimates", ["ticket_id", "day", "service", "issued_at", "estimated_min",
                                                  "baseline_min", "waited_min"], "ticket_id")
# A message is queued once under its key (our out-id), however often its change is replayed.
_OUTBOX_INSERT = ("INSERT INTO outbox (key, day, ticket_id, channel, address, template, params, status, attempts, "
                  "next_at, last_error, created_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                  "ON CONFLICT(key) DO NOTHING")
REPLY_DAYS = 2  # a repeated id is answered from the store for today and yesterday (at least a business day)
CONFIG_FIELDS = ["version", "at", "actor", "effective", "status", "ops", "summary", "note", "applied_at", "message"]
# A later row for the same version (scheduled, then applied or failed) keeps the first's who/when/what.
_CONFIG_UPSERT = (f"INSERT INTO config_changes ({', '.join(CONFIG_FIELDS)}) VALUES ({', '.join('?' * len(CONFIG_FIELDS))}) "
                  "ON CONFLICT(version) DO UPDATE SET status = excluded.status, applied_at = excluded.applied_at, "
                  "message = excluded.message")
_META_UPSERT = "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value"


def _cell(v: Any) -> Any:
    if isinstance(v, datetime | date):
        return v.isoformat()
    return v


def _row(obj: msgspec.Struct, fields: list[str]) -> tuple:
    return tuple(_cell(getattr(obj, f)) for f in fields)


def _from_row(row: dict, cls: type):
    # NULL means "not set": the struct's default applies (also for columns added by a later migration).
    return msgspec.convert({k: v for k, v in row.items() if v is not None}, cls, strict=False)


class Rows(msgspec.Struct):
    """One command's changes as SQL parameter tuples, ready for the store thread."""

    version: int
    tickets: list[tuple]
    windows: list[tuple]
    appointments: list[tuple]
    events: list[tuple]
    replies: list[tuple] = []
    devices: list[tuple] = []
    audit: list[tuple] = []
    followups: list[tuple] = []
    estimates: list[tuple] = []  # server.estimates.Row
    outbox: list[tuple] = []  # server.notify.outbox: messages caused by this change
    config: list[tuple] = []  # config_changes rows (a change made, scheduled, applied or failed)
    meta: list[tuple] = []  # (key, value): the configuration document and version when it changed


class LoadedState(msgspec.Struct):
    day: date | None
    version: int
    closed_services: dict[str, str]
    tickets: list[Ticket]
    windows: list[WindowState]
    appointments: list[Appointment]
    devices: list[DeviceState] = []
    extended_services: dict[str, datetime] = {}  # 延时服务 of the stored business day
    notice: Notice | None = None  # the displays' ticker notice
    config_doc: str = ""  # the hall configuration (JSON of queuecore.config.export_doc); "" before the first start
    config_version: int = 0
    pending_config: list[tuple[int, list]] = []  # (version, ops) scheduled for the next business day


class Store:
    """The hall's SQLite file. Not thread-safe: use it on the thread that opened it."""

    def __init__(self, data_dir: str | Path, *, durable: bool = True) -> None:
        self.path = Path(data_dir) / DB_NAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=True)
        self.db = sqlite_utils.Database(self.conn)
        self.conn.execute("PRAGMA journal_mode=WAL")
        # FULL: the WAL is fsynced at every commit, so an acknowledged ticket survives power loss.
        self.conn.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
        self.conn.execute("PRAGMA busy_timeout=5000")
        self._encoder = msgspec.json.Encoder()
        self.migrate()
        self._meta_written: dict[str, str] = {}

    def close(self) -> None:
        self.conn.close()

    # ------------------------------------------------------------ schema

    def migrate(self) -> None:
        current = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if current > len(MIGRATIONS):
            raise StoreError(f"{self.path} has schema {current}; this hallq knows up to {len(MIGRATIONS)}")
        for number in range(current + 1, len(MIGRATIONS) + 1):
            log.info("store: migrating %s to schema %d", self.path, number)
            with self._transaction():
                MIGRATIONS[number - 1](self.db)
                self.conn.execute(f"PRAGMA user_version={number}")

    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _transaction(self):
        return immediate(self.conn)

    # ------------------------------------------------------------ hall state

    def rows_for(self, changes: Changes, events: Iterable[Event]) -> Rows:
        """Freeze one command's changes into row tuples, on the deciding thread, before anything mutates them."""
        return Rows(
            version=changes.version,
            tickets=[_row(t, _TICKET_FIELDS) for t in changes.tickets],
            windows=[_row(w, _WINDOW_FIELDS) for w in changes.windows],
            appointments=[_row(a, _APPT_FIELDS) for a in changes.appointments],
            devices=[_row(d, _DEVICE_FIELDS) for d in changes.devices],
            events=[self.event_row(changes.version, e) for e in events],
        )

    def event_row(self, version: int, e: Event) -> tuple:
        return (version, e.__struct_config__.tag, e.at.isoformat(), getattr(e, "ticket_id", None),
                getattr(e, "window", None), self._encoder.encode(e).decode())

    def save_batch(self, batch: list[Rows], *, day: date | None, closed_services: dict[str, str],
                   extended_services: dict[str, datetime] | None = None, notice: Notice | None = None) -> None:
        """Write several commands' rows in one transaction: all or none, one fsync, few large calls."""
        meta = {"day": day.isoformat() if day else "",
                "closed_services": msgspec.json.encode(dict(sorted(closed_services.items()))).decode()}
        if extended_services is not None:
            meta["extended_services"] = msgspec.json.encode(dict(sorted(extended_services.items()))).decode()
        meta["notice"] = msgspec.json.encode(notice).decode() if notice is not None else ""
        if batch and not batch[-1].events:  # otherwise the last event row carries the version
            meta["version"] = str(batch[-1].version)
        meta_rows = [(k, v) for k, v in meta.items() if self._meta_written.get(k) != v]
        try:
            with self._transaction():
                ex = self.conn.executemany
                for sql, rows in ((_TICKET_UPSERT, [r for b in batch for r in b.tickets]),
                                  (_WINDOW_UPSERT, [r for b in batch for r in b.windows]),
                                  (_APPT_UPSERT, [r for b in batch for r in b.appointments]),
                                  (_EVENT_INSERT, [r for b in batch for r in b.events]),
                                  (_REPLY_INSERT, [r for b in batch for r in b.replies]),
                                  (_AUDIT_INSERT, [r for b in batch for r in b.audit]),
                                  (_FOLLOWUP_UPSERT, [r for b in batch for r in b.followups]),
                                  (_DEVICE_UPSERT, [r for b in batch for r in b.devices]),
                                  (_ESTIMATE_UPSERT, [r for b in batch for r in b.estimates]),
                                  (_OUTBOX_INSERT, [r for b in batch for r in b.outbox]),
                                  (_CONFIG_UPSERT, [r for b in batch for r in b.config]),
                                  (_META_UPSERT, meta_rows + [r for b in batch for r in b.meta])):
                    if rows:
                        ex(sql, rows)
            self._meta_written.update(meta)
        except sqlite3.Error as exc:
            self._meta_written.clear()
            log.error("store: write failed, command not applied: %s", exc)
            raise StoreError(f"the hall store could not write: {exc}") from exc

    def finished_visits(self, since: date) -> list[tuple[str, str, str, float | None]]:
        """(service, called_at, finished_at, away_s) of the visits finished on `since` or later (wait estimates)."""
        return self.conn.execute("SELECT service, called_at, finished_at, away_s FROM tickets WHERE day >= ? AND "
                                 "status = 'done' AND called_at IS NOT NULL AND finished_at IS NOT NULL",
                                 (since.isoformat(),)).fetchall()

    def wait_estimates(self, start: date, end: date, *, called: bool) -> list[tuple]:
        """The logged wait estimates of days start..end: the called tickets' or the still uncalled ones'."""
        return self.conn.execute("SELECT ticket_id, day, service, issued_at, estimated_min, baseline_min, waited_min "
                                 f"FROM wait_estimates WHERE day BETWEEN ? AND ? AND waited_min IS "
                                 f"{'NOT NULL' if called else 'NULL'} ORDER BY day, issued_at",
                                 (start.isoformat(), end.isoformat())).fetchall()

    def meta(self, key: str, default: str = "") -> str:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def load(self) -> LoadedState:
        """The current business day's tickets, every window, today's and future appointments."""
        meta = dict(self.conn.execute("SELECT key, value FROM meta").fetchall())
        day_text = meta.get("day", "")
        day = date.fromisoformat(day_text) if day_text else None
        last = self.conn.execute("SELECT version FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        version = max(int(meta.get("version", "0")), last[0] if last else 0)
        raw_closed = meta.get("closed_services", "")
        extended = msgspec.json.decode(meta.get("extended_services") or "{}", type=dict[str, datetime])
        notice = msgspec.json.decode(meta["notice"], type=Notice) if meta.get("notice") else None
        self._meta_written = {"version": meta.get("version", "0"), "day": day_text, "closed_services": raw_closed}
        if raw_closed.startswith("{"):
            closed = msgspec.json.decode(raw_closed, type=dict[str, str])
        else:  # schema 1-2 files kept a comma list, without reasons
            closed = {s: "" for s in raw_closed.split(",") if s}
        day_iso = day.isoformat() if day else ""
        tickets = [
            _from_row(row, Ticket)
            for row in self.db.query("SELECT * FROM tickets WHERE day = ? ORDER BY rank", [day_iso])
        ]
        windows = [_from_row(row, WindowState) for row in self.db.query("SELECT * FROM windows")]
        appointments = [
            _from_row(row, Appointment)
            for row in self.db.query("SELECT * FROM appointments WHERE day >= ?", [day_iso])
        ]
        devices = [_from_row(row, DeviceState) for row in self.db.query("SELECT * FROM devices ORDER BY name")]
        pending = [(v, msgspec.json.decode(ops)) for v, ops in self.conn.execute(
            "SELECT version, ops FROM config_changes WHERE status = 'pending' ORDER BY version")]
        return LoadedState(day=day, version=version, closed_services=closed, tickets=tickets, windows=windows,
                           appointments=appointments, devices=devices, extended_services=extended, notice=notice,
                           config_doc=meta.get("config", ""), config_version=int(meta.get("config_version") or 0),
                           pending_config=pending)

    def seed_config(self, doc: str, now: datetime) -> None:
        """A new store's configuration, version 1: the hall file it was started with."""
        with self._transaction():
            self.conn.execute(_CONFIG_UPSERT, (1, now.isoformat(), "seed", "now", "applied", "[]",
                                               '["the hall file"]', "", now.isoformat(), ""))
            self.conn.executemany(_META_UPSERT, [("config", doc), ("config_version", "1")])

    def config_changes(self, limit: int = 200) -> list[dict]:
        """The configuration's history, newest first."""
        rows = self.conn.execute(f"SELECT {', '.join(CONFIG_FIELDS)} FROM config_changes ORDER BY version DESC "
                                 "LIMIT ?", (limit,)).fetchall()
        out = []
        for row in rows:
            item = dict(zip(CONFIG_FIELDS, row))
            item["ops"] = msgspec.json.decode(item["ops"] or "[]")
            item["summary"] = msgspec.json.decode(item["summary"] or "[]")
            out.append(item)
        return out

    def day_closed_at(self, day: date | None) -> datetime | None:
        """When `day` was closed (日终), from its last day_closed event; None while it is open."""
        if day is None:
            return None
        row = self.conn.execute("SELECT at FROM events WHERE type = 'day_closed' AND json_extract(data, '$.day') = ? "
                                "ORDER BY seq DESC LIMIT 1", (day.isoformat(),)).fetchone()
        return datetime.fromisoformat(row[0]) if row else None

    def prune_replies(self, before: date) -> int:
        """Forget replies stored before `before` (their ids may then run again: a new decision)."""
        with self._transaction():
            return self.conn.execute("DELETE FROM replies WHERE at < ?", (before.isoformat(),)).rowcount

    def reply(self, token: str, command_id: str) -> tuple[str, str, str] | None:
        """The stored first reply to (token, id): (command type, fingerprint, reply JSON)."""
        row = self.conn.execute("SELECT command, fingerprint, reply FROM replies WHERE token = ? AND command_id = ?",
                                (token, command_id)).fetchone()
        return (row[0] or "", row[1] or "", row[2]) if row else None

    def write_audit(self, rows: list[tuple]) -> None:
        """Audit rows (at, actor, action, detail JSON) that no queue change carries, in their own transaction."""
        try:
            with self._transaction():
                self.conn.executemany(_AUDIT_INSERT, rows)
        except sqlite3.Error as exc:
            raise StoreError(f"the hall store could not write: {exc}") from exc

    def audit_log(self, since: str = "", until: str = "\uffff", actor: str | None = None, action: str | None = None,
                  limit: int = 5000) -> list[dict]:
        """Audit rows with since <= at < until (ISO texts), newest first; detail decoded."""
        sql = "SELECT at, actor, action, detail FROM audit WHERE at >= ? AND at < ?"
        args: list = [since, until]
        if actor:
            sql, args = sql + " AND actor = ?", [*args, actor]
        if action:
            sql, args = sql + " AND action = ?", [*args, action]
        rows = self.conn.execute(sql + " ORDER BY seq DESC LIMIT ?", [*args, limit]).fetchall()
        return [{"at": at, "actor": who, "action": what, "detail": msgspec.json.decode(detail)}
                for at, who, what, detail in rows]

    # ------------------------------------------------------------ 差评 follow-ups

    def followup_row(self, case: FollowUp, tz) -> tuple:
        """A case as a row: typed columns for reports (local day, step times), the whole case as JSON."""
        step = {s.action: s.at.isoformat() for s in case.steps}
        cells = {"id": case.id, "ticket_id": case.ticket_id, "day": case.rated_at.astimezone(tz).date().isoformat(),
                 "service": case.service, "window": case.window, "clerk": case.clerk, "level": case.level,
                 "status": str(case.status), "valid": None if case.valid is None else int(case.valid),
                 "rated_at": case.rated_at.isoformat(), "opened_at": case.opened_at.isoformat(),
                 "contact_due": case.contact_due.isoformat(), "rectify_due": case.rectify_due.isoformat(),
                 "contacted_at": step.get("contact"), "rectified_at": step.get("rectify"),
                 "closed_at": step.get("close"), "data": self._encoder.encode(case).decode()}
        return tuple(cells[f] for f in _FOLLOWUP_FIELDS)

    def followup(self, case_id: str) -> FollowUp | None:
        row = self.conn.execute("SELECT data FROM followups WHERE id = ?", (case_id,)).fetchone()
        return msgspec.json.decode(row[0], type=FollowUp) if row else None

    def followups(self, first_day: date, last_day: date, status: str | None = None) -> list[FollowUp]:
        """Cases of 差评 given on these days (hall-local), newest first."""
        sql, args = "SELECT data FROM followups WHERE day >= ? AND day <= ?", [first_day.isoformat(),
                                                                             last_day.isoformat()]
        if status:
            sql, args = sql + " AND status = ?", [*args, status]
        return [msgspec.json.decode(d, type=FollowUp) for (d,) in self.conn.execute(sql + " ORDER BY rated_at DESC",
                                                                                      args)]

    def pin_failures(self) -> dict[str, list[str]]:
        return {sid: msgspec.json.decode(f, type=list[str])
                for sid, f in self.conn.execute("SELECT staff_id, failures FROM pin_failures")}

    def set_pin_failures(self, staff_id: str, failures: list[str], audit: list[tuple] = ()) -> None:
        """Record a staff id's recent wrong PINs (none: cleared), with the audit rows of a lockout or its lifting."""
        try:
            with self._transaction():
                if failures:
                    self.conn.execute("INSERT INTO pin_failures (staff_id, failures) VALUES (?, ?) ON CONFLICT "
                                      "(staff_id) DO UPDATE SET failures = excluded.failures",
                                      (staff_id, msgspec.json.encode(failures).decode()))
                else:
                    self.conn.execute("DELETE FROM pin_failures WHERE staff_id = ?", (staff_id,))
                if audit:
                    self.conn.executemany(_AUDIT_INSERT, audit)
        except sqlite3.Error as exc:
            raise StoreError(f"the hall store could not write: {exc}") from exc

    def recent_events(self, types: Iterable[str], limit: int, since: str = "") -> list[str]:
        """The newest `limit` events of these types since `since` (ISO time), oldest first, as JSON."""
        marks = ", ".join("?" for _ in types)
        rows = self.conn.execute(
            f"SELECT data FROM events WHERE type IN ({marks}) AND at >= ? ORDER BY seq DESC LIMIT ?",
            [*types, since, limit],
        ).fetchall()
        return [data for (data,) in reversed(rows)]

    def ticket_day(self, public_id: str) -> date | None:
        """The business day of the ticket with this QR code id, whichever day it was (None: no such ticket)."""
        row = self.conn.execute("SELECT day FROM tickets WHERE public_id = ? LIMIT 1", (public_id,)).fetchone()
        return date.fromisoformat(row[0]) if row else None

    def appointments_for_day(self, day: date) -> list[Appointment]:
        return [_from_row(row, Appointment)
                for row in self.db.query("SELECT * FROM appointments WHERE day = ? ORDER BY start", [day.isoformat()])]

    # ------------------------------------------------------------ tokens and clerks

    def add_token(self, token_hash: str, role: str, name: str, window: int | None, now: datetime) -> None:
        with self._transaction():
            self.db["tokens"].insert({"hash": token_hash, "role": role, "name": name, "window": window,
                                      "created_at": now.isoformat(), "revoked_at": None})

    def find_token(self, token_hash: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM tokens WHERE hash = ? AND revoked_at IS NULL", [token_hash]))
        return rows[0] if rows else None

    def revoked_token_hashes(self) -> set[str]:
        return {h for (h,) in self.conn.execute("SELECT hash FROM tokens WHERE revoked_at IS NOT NULL")}

    def revoke_tokens(self, name: str, now: datetime) -> int:
        with self._transaction():
            cur = self.conn.execute("UPDATE tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                                    (now.isoformat(), name))
        return cur.rowcount

    def tokens(self) -> list[dict]:
        return list(self.db.query("SELECT role, name, window, created_at, revoked_at FROM tokens ORDER BY created_at"))

    def set_clerk(self, staff_id: str, name: str, pin_hash: str, now: datetime) -> None:
        with self._transaction():
            self.db["clerks"].upsert({"staff_id": staff_id, "name": name, "pin_hash": pin_hash,
                                      "created_at": now.isoformat()}, pk="staff_id")

    def clerk(self, staff_id: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM clerks WHERE staff_id = ?", [staff_id]))
        return rows[0] if rows else None

