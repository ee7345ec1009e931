"""Report times on the one-year store (bench.store_year): a month per clerk, a year per service, a month's XLSX.

Goals (issue "Statistics and appraisal"): a month's per-clerk report <= 100 ms, a year per service
<= 1 s, a month's XLSX export <= 2 s. The store's current day is the year's last day, so a period
that ends there includes one live day (rebuilt at every request); "closed" periods end before it.
The first report after an upgrade builds the kept facts of every closed day; the server does that
in the background at start (server.routes_reports), and its cost is printed too.
"""
from __future__ import annotations

import os
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.harness import ROOT
from bench.store_year import DAYS, LAST_DAY, build_year
from queuecore.config import load_config
from server.reports.build import build_report
from server.reports.source import FactSource, open_reading
from server.reports.writers import write_xlsx
from server.store import Store

GOALS = {"clerks": 0.1, "services": 1.0, "xlsx": 2.0}


def _timed(fn, runs: int) -> tuple[float, float, float]:
    """Median and max wall time, and median CPU time of this process (the machine may be shared)."""
    times, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(times), max(times), statistics.median(cpu)


def _row(name: str, goal: float | None, median: float, worst: float, cpu: float) -> tuple[str, str]:
    verdict = "" if goal is None else ("  (goal <= %g ms: %s)" % (goal * 1000, "met" if median <= goal else "MISSED"))
    return name, f"median {median * 1000:,.0f} ms (CPU {cpu * 1000:,.0f} ms), max {worst * 1000:,.0f} ms{verdict}"


def run() -> list[tuple[str, str]]:
    hall = load_config(str(ROOT / "examples" / "county-hall.toml"))
    tz = ZoneInfo(hall.timezone)
    now = datetime.combine(LAST_DAY, datetime.min.time(), tz) + timedelta(hours=18)
    with tempfile.TemporaryDirectory(prefix="hallq-reports-") as tmp:
        data = Path(tmp) / "data"
        build_year(data)
        Store(data).close()  # the current schema (migrations run as a server start would)
        source = FactSource(open_reading(data / "hallq.db", read_only=False), hall, read_only=False)
        first = LAST_DAY - timedelta(days=DAYS - 1)
        t = time.perf_counter()
        source.prepare(first, LAST_DAY, now)
        backfill = time.perf_counter() - t

        def report(kind: str, start: date, end: date, **kw):
            return build_report(source, hall, kind, start, end, now=now, **kw)

        closed_month = (date(2026, 10, 1), date(2026, 10, 31))
        live_month = (LAST_DAY - timedelta(days=30), LAST_DAY)
        year = (first, LAST_DAY)
        rows = [(f"reports: kept facts of {DAYS - 1} closed days built once (server start, background)",
                 f"{backfill:,.1f} s"), ("load average while measuring", " ".join(f"{x:.1f}" for x in os.getloadavg()))]
        rows.append(_row("report: a closed month per clerk (October)", GOALS["clerks"],
                         *_timed(lambda: report("clerks", *closed_month), 20)))
        rows.append(_row("report: a month per clerk ending today (today live)", GOALS["clerks"],
                         *_timed(lambda: report("clerks", *live_month), 10)))
        rows.append(_row("report: a year per service (today live)", GOALS["services"],
                         *_timed(lambda: report("services", *year), 5)))
        rows.append(_row("report: a month's XLSX (summary, every cut as a sheet)", GOALS["xlsx"],
                         *_timed(lambda: write_xlsx(report("summary", *closed_month)), 5)))
        rows.append(_row("report: a month's attendance (clerk and day)", None,
                         *_timed(lambda: report("attendance", *closed_month), 5)))
        source.conn.close()
    return rows


def main() -> None:
    from bench.harness import print_rows

    print_rows(run())


if __name__ == "__main__":
    main()
