"""Where a report reads its facts: kept days from the report_* tables, the rest built at request time.

Rule: the report_*_v<FACTS_VERSION> tables are a disposable cache of closed days (drop them and
they are rebuilt), not hall data, so they are created here rather than by a store migration.
A read-only connection (the `hallq report` command on the server host) keeps nothing: it
builds what is missing into temporary tables. Queries read the views v_visits, v_legs, v_duty
and v_pauses, which join both.
"""
from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import msgspec

from queuecore.model import HallConfig
from server.reports.agg import AGG_DIMS, Agg, aggregate, fingerprint
from server.reports.facts import FACTS_VERSION, TABLES, DayFacts, build_day, column_types
from server.store import immediate


def kept(name: str) -> str:
    return f"report_{name}_v{FACTS_VERSION}"


def open_reading(path: Path, *, read_only: bool) -> sqlite3.Connection:
    """A connection of its own for reports (the hall's store connection stays free for commands)."""
    if read_only:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
    else:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout=5000")
    return conn


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


class FactSource:
    """The facts of a period on one connection (use it from one thread at a time)."""

    def __init__(self, conn: sqlite3.Connection, config: HallConfig, *, read_only: bool) -> None:
        self.conn, self.config, self.read_only = conn, config, read_only
        self.tz = ZoneInfo(config.timezone)
        self.fp = fingerprint(config)
        self._ready = False
        self.keeps = False
        # Days not kept in the file (live days; every day on a read-only file): their facts, counted per
        # dimension only when a table asks (a month per clerk counts today's legs by clerk, nothing else) ...
        self.memory: dict[str, DayFacts] = {}
        self._counted: dict[tuple[str, str], dict[tuple, Agg]] = {}
        # ... and written to the temp tables only when a query reads the v_* views.
        self._unwritten: list[DayFacts] = []
        self.stopping = False

    def _setup(self) -> None:
        if self._ready:
            return
        c = self.conn
        has_events = c.execute("SELECT 1 FROM sqlite_master WHERE name = 'events'").fetchone() is not None
        if not has_events:
            raise FileNotFoundError("this file has no hall store tables")
        if not self.read_only:
            with_tx = [f"CREATE TABLE IF NOT EXISTS {kept(n)} ({column_types(cols)})" for n, cols in TABLES.items()]
            with_tx += [f"CREATE INDEX IF NOT EXISTS {kept(n)}_day ON {kept(n)} (day)" for n in TABLES]
            with_tx.append(f"CREATE TABLE IF NOT EXISTS {kept('days')} (day TEXT PRIMARY KEY, built_at TEXT)")
            # Per day, per dimension value: counts (JSON) and the raw waits and service times (float64 seconds),
            # for the config they were counted with (targets and outcome classes: `fp`).
            with_tx.append(f"CREATE TABLE IF NOT EXISTS {kept('daily')} (day TEXT, fp TEXT, dim TEXT, key TEXT, "
                           f"head TEXT, waits BLOB, services BLOB)")
            with_tx.append(f"CREATE INDEX IF NOT EXISTS {kept('daily')}_fp ON {kept('daily')} (fp, dim, day)")
            with immediate(c):
                for sql in with_tx:
                    c.execute(sql)
                # Caches of older fact definitions go.
                old = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                               "name LIKE 'report\\_%\\_v%' ESCAPE '\\' AND name NOT LIKE ?",
                                               (f"%_v{FACTS_VERSION}",))]
                for name in old:
                    c.execute(f'DROP TABLE IF EXISTS "{name}"')
        self.keeps = c.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (kept("days"),)).fetchone() is not None
        for n, cols in TABLES.items():
            c.execute(f"CREATE TEMP TABLE IF NOT EXISTS live_{n} ({column_types(cols)})")
            c.execute(f"DROP VIEW IF EXISTS temp.v_{n}")
            source = f"SELECT * FROM main.{kept(n)} UNION ALL SELECT * FROM temp.live_{n}" if self.keeps \
                else f"SELECT * FROM temp.live_{n}"
            c.execute(f"CREATE TEMP VIEW v_{n} AS {source}")
        self._ready = True

    def store_day(self) -> date | None:
        """The store's current business day: days before it are closed."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'day'").fetchone()
        return date.fromisoformat(row[0]) if row and row[0] else None

    def prepare(self, start: date, end: date, now: datetime) -> dict[str, int]:
        """Make start..end readable: facts through the v_* views, daily counts through daily(); returns what was built."""
        self._setup()
        c = self.conn
        current = self.store_day()
        for n in TABLES:
            c.execute(f"DELETE FROM temp.live_{n}")
        self.memory.clear()
        self._counted.clear()
        self._unwritten.clear()
        have: set[str] = set()
        counted: set[str] = set()
        span = (start.isoformat(), end.isoformat())
        if self.keeps:
            have = {d for (d,) in c.execute(f"SELECT day FROM {kept('days')} WHERE day BETWEEN ? AND ?", span)}
            counted = {d for (d,) in c.execute(f"SELECT DISTINCT day FROM {kept('daily')} WHERE fp = ? AND dim = '' "
                                                f"AND day BETWEEN ? AND ?", (self.fp, *span))}
        built = {"kept": 0, "live": 0, "counted": 0}
        for day in _days(start, end):
            if self.stopping:  # the server is shutting down: a background fill ends between two days
                break
            iso = day.isoformat()
            closed = current is not None and day < current
            if closed and iso in have:
                if iso in counted:
                    continue
                facts = self._kept_facts(day)  # the config changed since: count again
            else:
                facts = self._build(day, closed, now)
                built["kept" if closed and self.keeps and not self.read_only else "live"] += 1
            if closed and self.keeps and not self.read_only:
                self._keep_counts(iso, aggregate(facts.visits, facts.legs, self.config))
                built["counted"] += 1
            else:
                self.memory[iso] = facts
        return built

    def views(self) -> sqlite3.Connection:
        """The connection, with every prepared day readable through v_visits, v_legs, v_duty and v_pauses."""
        for facts in self._unwritten:
            for n, rows in facts.rows().items():
                if rows:
                    marks = ", ".join("?" for _ in TABLES[n])
                    self.conn.executemany(f"INSERT INTO temp.live_{n} VALUES ({marks})", rows)
        self._unwritten.clear()
        return self.conn

    def _build(self, day: date, closed: bool, now: datetime) -> DayFacts:
        c = self.conn
        if not (closed and self.keeps and not self.read_only):
            c.execute("BEGIN")  # a live day is read in one snapshot
            try:
                facts = build_day(c, day, self.tz, None if closed else now)
            finally:
                c.execute("COMMIT")
            self._unwritten.append(facts)
            return facts
        # A kept day is written in a short transaction of its own: the hall's commands never wait long.
        facts = build_day(c, day, self.tz, None)
        with immediate(c):
            for n, rows in facts.rows().items():
                if rows:
                    c.executemany(f"INSERT INTO {kept(n)} VALUES ({', '.join('?' for _ in TABLES[n])})", rows)
            c.execute(f"DELETE FROM {kept('daily')} WHERE day = ?", (day.isoformat(),))
            c.execute(f"INSERT OR REPLACE INTO {kept('days')} (day, built_at) VALUES (?, ?)",
                      (day.isoformat(), now.isoformat()))
        return facts

    def _kept_facts(self, day: date) -> DayFacts:
        facts = DayFacts(day)
        facts.visits = self.conn.execute(f"SELECT * FROM {kept('visits')} WHERE day = ?", (day.isoformat(),)).fetchall()
        facts.legs = self.conn.execute(f"SELECT * FROM {kept('legs')} WHERE day = ?", (day.isoformat(),)).fetchall()
        return facts

    def _keep_counts(self, day: str, aggs: dict[str, dict[tuple, Agg]]) -> None:
        rows = [(day, self.fp, dim, msgspec.json.encode(list(key)).decode(), *agg.encode())
                for dim, groups in aggs.items() for key, agg in groups.items()]
        if not aggs[""]:
            rows.append((day, self.fp, "", "[]", *Agg().encode()))  # a day without visits is counted too
        c = self.conn
        with immediate(c):
            c.execute(f"DELETE FROM {kept('daily')} WHERE day = ?", (day,))  # and counts of an older config
            c.executemany(f"INSERT INTO {kept('daily')} VALUES (?, ?, ?, ?, ?, ?, ?)", rows)

    def daily(self, start: date, end: date, dim: str) -> list[tuple[str, tuple, Agg]]:
        """(day, key, counts) of every day of start..end for one of AGG_DIMS (after prepare)."""
        assert dim in AGG_DIMS
        out = []
        if self.keeps:
            for day, key, head, waits, services in self.conn.execute(
                    f"SELECT day, key, head, waits, services FROM {kept('daily')} WHERE fp = ? AND dim = ? "
                    f"AND day BETWEEN ? AND ?", (self.fp, dim, start.isoformat(), end.isoformat())):
                agg = Agg()
                agg.merge_encoded(head, waits, services)
                out.append((day, tuple(msgspec.json.decode(key)), agg))
        for day, facts in self.memory.items():
            if start.isoformat() <= day <= end.isoformat():
                groups = self._counted.get((day, dim))
                if groups is None:
                    groups = self._counted[(day, dim)] = aggregate(facts.visits, facts.legs, self.config, (dim,))[dim]
                out.extend((day, key, agg) for key, agg in groups.items())
        return out
