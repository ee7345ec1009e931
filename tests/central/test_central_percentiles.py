"""central.percentiles against PostgreSQL's own percentile_disc over every value: the same figures to the last bit,
for the total and for cuts, with ties, empty lists and a group of one, on the throwaway cluster."""
from __future__ import annotations

import asyncio
import random
from datetime import date, timedelta

import psycopg

from central import percentiles as P
from central.schema import create

START = date(2026, 11, 1)
CUTS = ([], ["hall"], ["day::text"], ["hall", "service"], ["to_char(day, 'YYYY-MM')"], ["clerk"])


def _fill(dsn: str) -> None:
    rng = random.Random(15)
    rows = []
    for h in range(6):
        for d in range(30):
            for service in ("tax", "social", "estate"):
                for clerk in ("c1", "c2", "c3"):
                    n = rng.choice([0, 1, 5, 20, 60])
                    # Some rows in whole minutes (ties across rows and at the bounds), the others continuous.
                    waits = sorted(float(rng.randrange(0, 40) * 60) if rng.random() < 0.3 else
                                   rng.expovariate(1 / 900) for _ in range(n))
                    services = sorted(rng.expovariate(1 / 600) for _ in range(max(0, n - rng.randrange(3))))
                    rows.append((f"h{h}", START + timedelta(days=d), service, clerk, waits, services))
    rows.append(("lonely", START, "tax", "c9", [42.0], [7.0]))
    with psycopg.connect(dsn, autocommit=True) as conn:
        create(conn)
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO daily (hall, day, service, clerk, waits, services) "
                            "VALUES (%s, %s, %s, %s, %s, %s)", rows)


def test_sliced_percentiles_equal_percentile_disc_over_every_value(dsn):
    _fill(dsn)
    where = "day BETWEEN %(start)s AND %(end)s"
    args = {"start": START, "end": START + timedelta(days=29)}

    async def both():
        async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
            out = []
            for dims in CUTS:
                before = dict(P.STATS)
                sliced = await P.percentiles(conn, dims, where, args)
                used = "sliced" if P.STATS["sliced"] > before["sliced"] else "plain"
                out.append((dims, sliced, await P.plain(conn, dims, where, args), used))
            return out

    for dims, sliced, plain, used in asyncio.run(both()):
        assert sliced.keys() == plain.keys() and len(plain) >= 1, dims
        for key in plain:
            assert sliced[key]["wait_ps"] == plain[key]["wait_ps"], (dims, key)
            assert sliced[key]["service_p90_s"] == plain[key]["service_p90_s"], (dims, key)
        if dims in ([], ["hall"], ["day::text"]):  # big groups: the bounds hold, nothing sorted in full
            assert used == "sliced", dims
