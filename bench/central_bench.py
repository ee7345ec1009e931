"""The city server on PostgreSQL: ingest rate of hall batches, and a city month report over 50 halls.

Goals (issue "Many halls, one city"): ingest >= 50,000 events/s; a city month report over
50 halls x 1 month <= 2 s. A throwaway cluster (central.throwaway) with Debian's defaults
(fsync on) on this machine. Ingest runs the server's own path (central.ingest: COPY into a
staging table, INSERT ... ON CONFLICT DO NOTHING, one transaction per batch), once in process
and once over HTTP through `hallq central`'s app with the forwarder's batch size; a retried
batch is timed too. The report reads 50 halls x 30 days of tickets loaded with COPY.
"""
from __future__ import annotations

import asyncio
import random
import statistics
import time
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import msgspec

from central.throwaway import Cluster
from central.wire import Batch

GOALS = {"ingest": 50_000, "report": 2.0}
HALLS = 50
DAYS = 30
TICKETS_PER_DAY = 1000  # a city's mix: county centres ~1,500 a day, township halls a few hundred
INGEST_EVENTS = 400_000
BATCH = 5000
MONTH = date(2026, 11, 1)
TZ = ZoneInfo("Asia/Shanghai")
SERVICES = [("social", 15), ("tax", 20), ("realestate", 30), ("business", 30), ("medical", 15), ("police", 20)]
OUTCOMES = [("completed", "completed"), ("accepted", "accepted"), ("incomplete", "incomplete"),
            ("refused", "refused"), ("enquiry", "enquiry")]


def _events(n: int, start_seq: int = 1) -> list[tuple]:
    """Event rows shaped like a hall's (the JSON bodies of the sizes a day's events have)."""
    rng = random.Random(7)
    kinds = ["ticket_issued", "ticket_called", "serving_started", "ticket_finished", "visit_rated"]
    base = datetime(2026, 11, 2, 8, 30, tzinfo=TZ)
    out = []
    for i in range(n):
        seq = start_seq + i
        kind = kinds[i % 5]
        at = (base + timedelta(seconds=seq * 3)).isoformat()
        tid = f"20261102-A{seq // 5:04d}"
        window = rng.randint(1, 12)
        data = msgspec.json.encode({"type": kind, "ticket_id": tid, "number": tid[-5:], "service": "social",
                                    "window": window, "clerk": f"c{window}", "at": at}).decode()
        out.append((seq, seq, kind, at, tid, window, data))
    return out


def _tickets(events: list[tuple]) -> list[tuple]:
    """The current rows of the tickets a batch touches (central.wire.TICKET_FIELDS), as a forwarder sends them."""
    out = {}
    for _seq, _v, _kind, at, tid, window, _data in events:
        out[tid] = (tid, tid[-5:], "2026-11-02", "social", None, "normal", "done", at, at, at, at, "completed",
                    window, f"c{window}", 0, 0, 5, at, at, None)
    return list(out.values())


async def _ingest_in_process(dsn: str) -> tuple[float, float]:
    import psycopg

    from central.ingest import add_hall, ingest
    from central.schema import create

    with psycopg.connect(dsn, autocommit=True) as conn:
        create(conn)
        add_hall(conn, "bench-hall")
    rows = _events(INGEST_EVENTS)
    batches = [Batch(epoch="e1", after=rows[i][0] - 1, events=rows[i:i + BATCH], tickets=_tickets(rows[i:i + BATCH]),
                     head=INGEST_EVENTS) for i in range(0, len(rows), BATCH)]
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        t = time.perf_counter()
        for b in batches:
            await ingest(conn, "bench-hall", b)
        fresh = time.perf_counter() - t
        t = time.perf_counter()
        for b in batches[:20]:  # retried batches: every row conflicts, nothing inserted
            ack = await ingest(conn, "bench-hall", b)
            assert ack.inserted == 0
        retried = time.perf_counter() - t
    return INGEST_EVENTS / fresh, 20 * BATCH / retried


async def _ingest_http(dsn: str, halls: int = 4, per_hall: int = 100_000) -> float:
    """Several halls posting at once to the central app (aiohttp + the pool), as their forwarders would."""
    import aiohttp
    import psycopg
    from aiohttp import web

    from central.app import CentralConfig, create_app
    from central.ingest import add_hall
    from central.schema import create

    with psycopg.connect(dsn, autocommit=True) as conn:
        create(conn)
        tokens = [add_hall(conn, f"http-{i}") for i in range(halls)]
    rows = _events(per_hall)
    bodies = [msgspec.json.encode(Batch(epoch="e1", after=rows[i][0] - 1, events=rows[i:i + BATCH],
                                        tickets=_tickets(rows[i:i + BATCH]), head=per_hall))
              for i in range(0, per_hall, BATCH)]
    runner = web.AppRunner(create_app(CentralConfig(dsn=dsn)), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/api/ingest"
    try:
        async with aiohttp.ClientSession() as http:
            async def hall(token: str) -> None:
                for body in bodies:
                    async with http.post(url, data=body, headers={"Authorization": f"Bearer {token}"}) as resp:
                        assert resp.status == 200, await resp.text()

            t = time.perf_counter()
            await asyncio.gather(*(hall(tok) for tok in tokens))
            return halls * per_hall / (time.perf_counter() - t)
    finally:
        await runner.cleanup()


def _day_rows(rng: random.Random) -> str:
    """One hall-day of visits as COPY text, with HALL and DAY / YYYYMMDD placeholders (filled per hall and day)."""
    lines = []
    opening = datetime(2000, 1, 1, 9, tzinfo=TZ)
    for n in range(TICKETS_PER_DAY):
        service = SERVICES[n % len(SERVICES)][0]
        issued = opening + timedelta(seconds=n * 28)
        status = rng.choices(["done", "no_show", "cancelled", "waiting"], [90, 5, 3, 2])[0]
        called = issued + timedelta(seconds=rng.expovariate(1 / 900)) if status != "cancelled" else None
        serving = called + timedelta(seconds=30) if status == "done" else None
        finished = serving + timedelta(seconds=rng.expovariate(1 / 600)) if serving else None
        outcome = rng.choice(OUTCOMES)[0] if status == "done" else None
        rating = rng.choice([5, 5, 5, 4, 3, 2, 1, 0]) if status == "done" else None
        window = rng.randint(1, 12)
        gone = issued + timedelta(hours=1) if status == "cancelled" else None

        def ts(t):
            return t.isoformat().replace("2000-01-01", "DAY") if t else "\\N"

        cells = ["HALL", "e1", f"YYYYMMDD-{n}", f"A{n:03d}", "DAY", service, "\\N", "normal", status, ts(issued),
                 ts(called), ts(serving), ts(finished), outcome or "\\N", str(window), f"c{window}", "0", "0",
                 "\\N" if rating is None else str(rating), ts(finished), ts(called), ts(gone), "1"]
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def _load_month(dsn: str) -> int:
    """50 halls x 30 days of visits, with their services, outcome classes and clerks (COPY of generated days)."""
    import psycopg

    from central.ingest import add_hall
    from central.schema import create

    rng = random.Random(11)
    templates = [_day_rows(rng) for _ in range(7)]
    with psycopg.connect(dsn, autocommit=True) as conn:
        create(conn)
        for h in range(HALLS):
            add_hall(conn, f"hall-{h:02d}", f"第{h + 1}便民服务中心")
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO hall_services VALUES (%s, %s, %s, %s, %s)",
                            [(f"hall-{h:02d}", code, code, code, 60.0 * target)
                             for h in range(HALLS) for code, target in SERVICES])
            cur.executemany("INSERT INTO hall_outcomes VALUES (%s, %s, %s, %s, %s)",
                            [(f"hall-{h:02d}", code, code, code, cls) for h in range(HALLS) for code, cls in OUTCOMES])
            cur.executemany("INSERT INTO clerks VALUES (%s, %s, %s)",
                            [(f"hall-{h:02d}", f"c{w}", f"坐席{w}") for h in range(HALLS) for w in range(1, 13)])
        with conn.cursor() as cur, cur.copy(
                "COPY tickets (hall, epoch, id, number, day, service, origin_service, priority, status, issued_at, "
                "called_at, serving_at, finished_at, outcome, win, clerk, transfers, recalls, rating, rated_at, "
                "first_called_at, gone_at, src_seq) FROM STDIN") as copy:
            for h in range(HALLS):
                for d in range(DAYS):
                    day = MONTH + timedelta(days=d)
                    text = templates[(h + d) % len(templates)]
                    copy.write(text.replace("HALL", f"hall-{h:02d}").replace("YYYYMMDD", f"{day:%Y%m%d}")
                               .replace("DAY", day.isoformat()))
        conn.execute("INSERT INTO dirty_days SELECT DISTINCT hall, day FROM tickets")
        conn.execute("VACUUM ANALYZE tickets")
    return HALLS * DAYS * TICKETS_PER_DAY


async def _roll_up(dsn: str) -> float:
    """The daily rows of the whole month at once (as after a backfill); ingest normally dirties a few days."""
    import psycopg

    from central.reports import refresh

    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        t = time.perf_counter()
        await refresh(conn)
        took = time.perf_counter() - t
        await conn.execute("VACUUM ANALYZE daily")
    return took


async def _report_times(dsn: str) -> dict[str, tuple[float, float]]:
    import psycopg

    from central.reports import city_report

    out = {}
    end = MONTH + timedelta(days=DAYS - 1)
    from psycopg_pool import AsyncConnectionPool

    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn, \
            AsyncConnectionPool(dsn, min_size=2, max_size=2, kwargs={"autocommit": True}) as pool:
        await pool.wait()
        for by in (["hall"], ["hall", "service"], ["day"], ["hall", "clerk"]):
            times = []
            for _ in range(3):
                t = time.perf_counter()
                report = await city_report(conn, MONTH, end, by, pool=pool)
                times.append(time.perf_counter() - t)
            assert report["total"]["issued"] == HALLS * DAYS * TICKETS_PER_DAY
            out[",".join(by)] = (statistics.median(times), max(times))
    return out


def run() -> list[tuple[str, str]]:
    cluster = Cluster(durable=True)
    try:
        fresh, retried = asyncio.run(_ingest_in_process(cluster.create_db("ingest")))
        http_rate = asyncio.run(_ingest_http(cluster.create_db("ingest_http")))
        dsn = cluster.create_db("month")
        t = time.perf_counter()
        visits = _load_month(dsn)
        load_s = time.perf_counter() - t
        roll_up_s = asyncio.run(_roll_up(dsn))
        reports = asyncio.run(_report_times(dsn))
    finally:
        cluster.destroy()

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    rows = [
        ("central ingest, in process (COPY + ON CONFLICT, 5,000 events and their 1,000 tickets a batch)",
         f"{fresh:,.0f} events/s over {INGEST_EVENTS:,} events (goal >= {GOALS['ingest']:,}: "
         f"{verdict(fresh >= GOALS['ingest'])}); a retried batch: {retried:,.0f} events/s, 0 inserted"),
        ("central ingest over HTTP (4 halls posting at once)",
         f"{http_rate:,.0f} events/s (goal >= {GOALS['ingest']:,}: {verdict(http_rate >= GOALS['ingest'])})"),
        ("city month fixture", f"{HALLS} halls x {DAYS} days: {visits:,} visits loaded in {load_s:.0f} s, "
                               f"rolled up per hall, day, service and clerk in {roll_up_s:.1f} s"),
    ]
    for by, (median, worst) in reports.items():
        rows.append((f"city month report by {by}", f"median {median * 1000:,.0f} ms, max {worst * 1000:,.0f} ms "
                     f"(goal <= {GOALS['report'] * 1000:,.0f} ms: {verdict(median <= GOALS['report'])})"))
    return rows


def main() -> None:
    from bench.harness import print_rows

    print_rows(run())


if __name__ == "__main__":
    main()
