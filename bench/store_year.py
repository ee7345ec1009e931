"""Store size and day-report query time after one simulated year (~550k tickets with their event log).

One business day is simulated for real (server, HTTP, store); its rows are then copied to the
364 days before it, dates rewritten, so the file holds a year of realistic rows.
"""
from __future__ import annotations

import asyncio
import sqlite3
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.harness import ROOT, print_rows
from hallq.simulation import simulate_day
from server.reports import day_report
from server.store import Store

DAYS = 365
TICKETS_PER_DAY = 1500
LAST_DAY = date(2026, 11, 23)


def _shift(row: tuple, old: tuple[str, str], new: tuple[str, str]) -> tuple:
    return tuple(v.replace(old[0], new[0]).replace(old[1], new[1]) if isinstance(v, str) else v for v in row)


def build_year(data: Path) -> tuple[int, float]:
    asyncio.run(simulate_day(ROOT / "examples" / "county-hall.toml", seed=11, day=LAST_DAY,
                             tickets=TICKETS_PER_DAY, data_dir=data))
    started = time.perf_counter()
    conn = sqlite3.connect(data / "hallq.db", isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")  # bulk load of a benchmark fixture, not hall data
    cols = [r[1] for r in conn.execute("PRAGMA table_info(tickets)")]
    tickets = conn.execute(f"SELECT {', '.join(cols)} FROM tickets").fetchall()
    events = conn.execute("SELECT version, type, at, ticket_id, window, data FROM events").fetchall()
    old = (LAST_DAY.isoformat(), LAST_DAY.strftime("%Y%m%d"))
    ticket_sql = f"INSERT INTO tickets ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
    for back in range(1, DAYS):
        d = LAST_DAY - timedelta(days=back)
        new = (d.isoformat(), d.strftime("%Y%m%d"))
        conn.execute("BEGIN")
        conn.executemany(ticket_sql, [_shift(r, old, new) for r in tickets])
        conn.executemany("INSERT INTO events (version, type, at, ticket_id, window, data) VALUES (?, ?, ?, ?, ?, ?)",
                         [_shift(r, old, new) for r in events])
        conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    total = conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
    conn.close()
    return total, time.perf_counter() - started


def run() -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory(prefix="hallq-year-") as tmp:
        data = Path(tmp) / "data"
        total, build_s = build_year(data)
        db = data / "hallq.db"
        size = sum(p.stat().st_size for p in data.glob("hallq.db*"))
        events = sqlite3.connect(db).execute("SELECT count(*) FROM events").fetchone()[0]
        conn = sqlite3.connect(db)
        timings = []
        for back in range(0, 300, 15):  # 20 different days
            t = time.perf_counter()
            report = day_report(conn, LAST_DAY - timedelta(days=back))
            timings.append((time.perf_counter() - t) * 1000)
            assert report.services, "the day report found no tickets"
        conn.close()
        t = time.perf_counter()
        store = Store(data)
        state = store.load()
        load_ms = (time.perf_counter() - t) * 1000
        store.close()
    return [
        (f"store after one simulated year ({DAYS} days)",
         f"{total:,} tickets, {events:,} events, {size / 2**20:,.0f} MiB (built in {build_s:.0f} s)"),
        ("day report query (one day of that year)",
         f"median {statistics.median(timings):.1f} ms, max {max(timings):.1f} ms over {len(timings)} days"),
        ("server start: open store + load today's state", f"{load_ms:.0f} ms ({len(state.tickets):,} tickets today)"),
    ]


def main() -> None:
    print_rows(run())


if __name__ == "__main__":
    main()
