"""The city server on PostgreSQL: ingest rate of hall batches, and a city month report over 50 halls.

Goals (issue "Many halls, one city"): ingest >= 50,000 events/s; a city month report over
50 halls x 1 month <= 2 s. A throwaway cluster (central.throwaway) with Debian's defaults
(fsync on) on this machine. The batches are what a hall's forwarder sends: a day of a county hall
simulated against the real hall server and read back by server.forwarder (events, the ticket rows
they touch, configuration and clerks in the first batch), repeated over the following days. Ingest
runs the server's own path (central.ingest: COPY into staging tables, INSERT ... ON CONFLICT DO
NOTHING, one transaction per batch), in process and over HTTP through `hallq central`'s app;
each figure is the median of 3 runs, printed with the machine's load. A retried batch is timed
too. The report reads 50 halls x 30 days of tickets loaded with COPY.
"""
from __future__ import annotations

import asyncio
import os
import random
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import msgspec

from central.throwaway import Cluster
from central.wire import Batch

GOALS = {"ingest": 50_000, "report": 2.0}
CPU: dict[str, list[float]] = {"ingest": [], "report": []}  # load-independent: events per CPU second, CPU seconds
HALLS = 50
DAYS = 30
TICKETS_PER_DAY = 1000  # a city's mix: county centres ~1,500 a day, township halls a few hundred
INGEST_EVENTS = 400_000
HTTP_HALLS, HTTP_EVENTS = 4, 100_000  # per hall
BATCH = 5000  # the forwarder's default
RUNS = 3  # each ingest figure is the median of this many runs, each into a fresh database
HALL_TOML = Path(__file__).resolve().parents[1] / "examples" / "county-hall.toml"
HALL_DAY, HALL_TICKETS = date(2026, 11, 23), 400
MONTH = date(2026, 11, 1)
TZ = ZoneInfo("Asia/Shanghai")
SERVICES = [("social", 15), ("tax", 20), ("realestate", 30), ("business", 30), ("medical", 15), ("police", 20)]
OUTCOMES = [("completed", "completed"), ("accepted", "accepted"), ("incomplete", "incomplete"),
            ("refused", "refused"), ("enquiry", "enquiry")]


def _hall_day(tmp: Path) -> dict:
    """One simulated business day of a county hall (examples/county-hall.toml) run against the real hall server,
    read back as the forwarder reads it: its event rows, the current ticket rows, the configuration and clerks."""
    import sqlite3

    from hallq.simulation import simulate_day
    from queuecore.config import load_config
    from server.forwarder import Forwarder, ensure_epoch

    data = tmp / "hall"
    asyncio.run(simulate_day(HALL_TOML, seed=5, day=HALL_DAY, tickets=HALL_TICKETS, data_dir=data))
    conn = sqlite3.connect(data / "hallq.db", isolation_level=None)
    whole = Forwarder(data, "http://127.0.0.1:1", "", batch=10**9)._read(conn, ensure_epoch(conn), 0, 0)
    clerks = conn.execute("SELECT staff_id, name FROM clerks ORDER BY staff_id").fetchall()
    conn.close()
    return {"events": whole.events, "tickets": whole.tickets, "clerks": clerks,
            "config": msgspec.to_builtins(load_config(str(HALL_TOML)))}


def _shift(value, old: tuple[str, str], new: tuple[str, str]):
    if type(value) is str and (old[0] in value or old[1] in value):
        return value.replace(old[0], new[0]).replace(old[1], new[1])
    return value


def _hall_batches(day: dict, n_events: int, size: int = BATCH) -> list[Batch]:
    """A hall's log of n_events as its forwarder ships it: the simulated day repeated on the following days (dates,
    ticket ids and seq shifted), cut into batches of `size` events, each with the current rows of the tickets its
    events touch; the first batch also carries the hall's configuration and clerks."""
    per_day = len(day["events"])
    events: list[tuple] = []
    tickets: dict[str, tuple] = {}
    old = (HALL_DAY.isoformat(), HALL_DAY.strftime("%Y%m%d"))
    for k in range(-(-n_events // per_day)):
        d = HALL_DAY + timedelta(days=k)
        new = (d.isoformat(), d.strftime("%Y%m%d"))
        base = k * per_day
        for seq, version, kind, at, tid, window, data in day["events"]:
            events.append((seq + base, version + base, kind, _shift(at, old, new), _shift(tid, old, new), window,
                           _shift(data, old, new)))
        for row in day["tickets"]:
            shifted = tuple(_shift(v, old, new) for v in row)
            tickets[shifted[0]] = shifted
    events = events[:n_events]
    batches = []
    for i in range(0, n_events, size):
        chunk = events[i:i + size]
        ids = sorted({e[4] for e in chunk if e[4]})
        batches.append(Batch(epoch="e1", after=i, events=chunk, tickets=[tickets[t] for t in ids if t in tickets],
                             head=n_events, config=day["config"] if i == 0 else None,
                             clerks=day["clerks"] if i == 0 else None))
    return batches


async def _ingest_in_process(dsn: str, batches: list[Batch]) -> tuple[float, float]:
    """One hall's batches, one after another on one connection (central.ingest.ingest, as the server runs it)."""
    import psycopg

    from central.ingest import add_hall, ingest
    from central.schema import create

    with psycopg.connect(dsn, autocommit=True) as conn:
        create(conn)
        add_hall(conn, "bench-hall")
    n = sum(len(b.events) for b in batches)
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        backend = [conn.info.backend_pid]
        t, cpu_py, cpu_pg = time.perf_counter(), time.process_time(), _cpu_of(backend)
        for b in batches:
            await ingest(conn, "bench-hall", b)
        fresh = time.perf_counter() - t
        CPU["ingest"].append(n / (time.process_time() - cpu_py + _cpu_of(backend) - cpu_pg))
        t = time.perf_counter()
        for b in batches[:20]:  # retried batches: every row conflicts, nothing inserted
            ack = await ingest(conn, "bench-hall", b)
            assert ack.inserted == 0
        retried = time.perf_counter() - t
    return n / fresh, sum(len(b.events) for b in batches[:20]) / retried


async def _ingest_http(dsn: str, batches: list[Batch], halls: int = HTTP_HALLS) -> float:
    """Several halls posting at once to the central app (aiohttp + the pool, its roll-up running), as their
    forwarders would: JSON bodies encoded beforehand, each hall's token on each request."""
    import aiohttp
    import psycopg
    from aiohttp import web

    from central.app import CentralConfig, create_app
    from central.ingest import add_hall
    from central.schema import create

    with psycopg.connect(dsn, autocommit=True) as conn:
        create(conn)
        tokens = [add_hall(conn, f"http-{i}") for i in range(halls)]
    bodies = [msgspec.json.encode(b) for b in batches]
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
            return halls * sum(len(b.events) for b in batches) / (time.perf_counter() - t)
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
        backends = _backends(dsn)
        for by in (["hall"], ["hall", "service"], ["day"], ["hall", "clerk"]):
            times = []
            for _ in range(3):
                t, cpu = time.perf_counter(), _cpu_of(backends) + _workers_cpu()
                report = await city_report(conn, MONTH, end, by, pool=pool)
                times.append(time.perf_counter() - t)
                CPU["report"].append(_cpu_of(backends) + _workers_cpu() - cpu)
            assert report["total"]["issued"] == HALLS * DAYS * TICKETS_PER_DAY
            out[",".join(by)] = (statistics.median(times), max(times))
    return out


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_of(pids: list[int]) -> float:
    """CPU seconds (user + system) the processes used so far (PostgreSQL backends: /proc/PID/stat)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / _TICK
    return total


POSTMASTER: list[int] = []  # the cluster's postmaster: parallel workers' CPU lands in its children's times


def _workers_cpu() -> float:
    try:
        fields = Path(f"/proc/{POSTMASTER[0]}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[13]) + int(fields[14])) / _TICK


def _backends(dsn: str) -> list[int]:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        return [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' "
                                           "AND pid <> pg_backend_pid()").fetchall()]


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f}"


def run() -> list[tuple[str, str]]:
    cluster = Cluster(durable=True)
    POSTMASTER[:] = [int((cluster.dir / "pg" / "postmaster.pid").read_text().split()[0])]
    try:
        with tempfile.TemporaryDirectory(prefix="hallq-central-bench-") as tmp:
            day = _hall_day(Path(tmp))
        batches = _hall_batches(day, INGEST_EVENTS)
        http_batches = _hall_batches(day, HTTP_EVENTS)
        shape = (f"{len(day['events']):,} events and {len(day['tickets']):,} visits a day; a batch of {BATCH:,} "
                 f"events carries {statistics.mean(len(b.tickets) for b in batches):,.0f} ticket rows, "
                 f"{statistics.mean(len(msgspec.json.encode(b)) for b in batches[:10]) / 1e6:.1f} MB of JSON")
        fresh, retried, http = [], [], []
        load_before = _load()
        for i in range(RUNS):
            f, r = asyncio.run(_ingest_in_process(cluster.create_db(f"ingest{i}"), batches))
            fresh.append(f)
            retried.append(r)
            http.append(asyncio.run(_ingest_http(cluster.create_db(f"ingest_http{i}"), http_batches)))
        load_after = _load()
        dsn = cluster.create_db("month")
        t = time.perf_counter()
        visits = _load_month(dsn)
        load_s = time.perf_counter() - t
        roll_up_s = asyncio.run(_roll_up(dsn))
        load_reports = _load()
        reports = asyncio.run(_report_times(dsn))
    finally:
        cluster.destroy()

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    def runs(xs: list[float]) -> str:
        return ", ".join(f"{x:,.0f}" for x in xs)

    fresh_m, http_m = statistics.median(fresh), statistics.median(http)
    rows = [
        ("central ingest: the batches", f"a simulated county hall day ({shape}); first batch with config and clerks"),
        (f"central ingest, in process (one hall, {INGEST_EVENTS:,} events, one connection)",
         f"median {fresh_m:,.0f} events/s of {RUNS} runs ({runs(fresh)}) (goal >= {GOALS['ingest']:,}: "
         f"{verdict(fresh_m >= GOALS['ingest'])}); retried batches: {statistics.median(retried):,.0f} events/s, "
         f"0 inserted; {load_before} before, {load_after} after; CPU cost (this process + its PostgreSQL backend): "
         f"median {statistics.median(CPU['ingest']):,.0f} events per CPU second"),
        (f"central ingest over HTTP ({HTTP_HALLS} halls x {HTTP_EVENTS:,} events posting at once)",
         f"median {http_m:,.0f} events/s of {RUNS} runs ({runs(http)}) (goal >= {GOALS['ingest']:,}: "
         f"{verdict(http_m >= GOALS['ingest'])})"),
        ("city month fixture", f"{HALLS} halls x {DAYS} days: {visits:,} visits loaded in {load_s:.0f} s, "
                               f"rolled up per hall, day, service and clerk in {roll_up_s:.1f} s; {load_reports}"),
    ]
    for by, (median, worst) in reports.items():
        rows.append((f"city month report by {by}", f"median {median * 1000:,.0f} ms, max {worst * 1000:,.0f} ms "
                     f"(goal <= {GOALS['report'] * 1000:,.0f} ms: {verdict(median <= GOALS['report'])})"))
    rows.append(("city month report, PostgreSQL CPU", f"median {statistics.median(CPU['report']):.2f} CPU s a report "
                 f"(its 3 queries on 3 connections and their parallel workers); {_load()} after"))
    return rows


def main() -> None:
    from bench.harness import print_rows

    print_rows(run())


if __name__ == "__main__":
    main()
