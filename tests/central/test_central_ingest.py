"""The city server against a real PostgreSQL: backfill, idempotent batches, tokens, epochs, reports equal to the hall's."""
from __future__ import annotations

import asyncio
import io
import json
import shutil
import urllib.error
import urllib.request
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import msgspec
import pytest

from central.wire import Batch
from queuecore.config import load_config
from server.forwarder import Forwarder
from server.store import Store
from tests.central.centralkit import (DAY, HALL_TOML, add_hall, central_counts, hall_counts, logged_in_reader,
                                      shift_day, wait_for)

HALL = load_config(str(HALL_TOML))
CONFIG = msgspec.to_builtins(HALL)


def forward_all(data, url: str, token: str) -> dict:
    fwd = Forwarder(data, url, token, config=CONFIG, batch=250)
    fwd.start()
    try:
        return wait_for(lambda: fwd.status()["state"] == "caught_up" and fwd.status(), 20, "the forwarder to catch up")
    finally:
        fwd.close()


def post(url: str, token: str, body: bytes) -> tuple[int, dict]:
    req = urllib.request.Request(url + "/api/ingest", data=body, method="POST",
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.load(resp)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def test_backfill_counts_and_city_figures_equal_the_halls_own(central, dsn, hall_copy):
    from server.reports.build import build_report
    from server.reports.source import FactSource, open_reading

    data = hall_copy("h1")
    token = add_hall(dsn, "h1")
    status = forward_all(data, central.url, token)
    get = logged_in_reader(dsn, central.url).get
    hall, city = hall_counts(data), central_counts(dsn, "h1")
    assert status["behind"] == 0 and status["cursor"] == hall["head"]
    assert city["events"] == hall["events"] and city["tickets"] == hall["tickets"]
    assert city["distinct_seq"] == sum(hall["events"].values()) == hall["head"]

    # The city's figures of this hall are the hall's own summary report's, to the last digit.
    now = datetime.combine(DAY, datetime.min.time(), ZoneInfo(HALL.timezone)) + timedelta(hours=20)
    source = FactSource(open_reading(data / "hallq.db", read_only=True), HALL, read_only=True)
    own = build_report(source, HALL, "summary", DAY, DAY, cut="service", now=now).tables[0]
    report = json.loads(get("/api/reports/city?from=2026-11-01&to=2026-11-30&by=hall"))
    assert [r["hall"] for r in report["rows"]] == ["h1"]
    mine = report["rows"][0]
    assert mine["hall_name"] == HALL.name_zh
    for key in ("issued", "called", "served", "completed", "no_shows", "cancelled", "unserved", "transfers",
                "recalls", "rated", "unrated", "bad", "completion_rate", "no_show_rate", "wait_avg", "wait_p50",
                "wait_p90", "wait_max", "service_level", "service_avg", "service_p90", "service_max", "rating_rate",
                "good_rate"):
        assert mine[key] == pytest.approx(own.total[key], rel=1e-9, abs=1e-9), key
    by_service = json.loads(get("/api/reports/city?from=2026-11-23&to=2026-11-23&by=service"))
    theirs = {r["service"]: r for r in own.rows}
    assert {r["service"] for r in by_service["rows"]} == set(theirs)
    for r in by_service["rows"]:
        for key in ("issued", "served", "completed", "wait_avg", "wait_p90", "service_avg", "good_rate"):
            assert r[key] == pytest.approx(theirs[r["service"]][key], rel=1e-9, abs=1e-9), (r["service"], key)

    # The XLSX export opens and carries the same totals.
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(get("/api/reports/city?from=2026-11-01&to=2026-11-30"
                                         "&by=hall,month&format=xlsx"))).active
    header = [c.value for c in sheet[2]]
    last = [c.value for c in sheet[sheet.max_row]]
    assert last[0] == "合计" and last[header.index("取号数")] == hall["tickets"].get("done", 0) + \
        hall["tickets"].get("no_show", 0) + hall["tickets"].get("cancelled", 0)
    page = get("/").decode()
    assert "echarts" in page and "/api/reports/city" in get("/static/city.js").decode()
    assert len(get("/static/vendor/echarts.min.js")) > 500_000


def test_a_batch_sent_twice_counts_once_and_tokens_are_per_hall(central, dsn, hall_copy):
    import sqlite3

    data = hall_copy("h2")
    token, other = add_hall(dsn, "h2"), add_hall(dsn, "h3")
    conn = sqlite3.connect(data / "hallq.db", isolation_level=None)
    from server.forwarder import ensure_epoch

    epoch = ensure_epoch(conn)
    batch = Forwarder(data, central.url, token, batch=400)._read(conn, epoch, 0, 0)
    body = msgspec.json.encode(batch)
    assert post(central.url, token, body) == (200, {"hall": "h2", "epoch": epoch, "seq": 400, "inserted": 400})
    assert post(central.url, token, body) == (200, {"hall": "h2", "epoch": epoch, "seq": 400, "inserted": 0})
    # The fast path (COPY of the events after the epoch's last_seq) relies on the centre holding 1..last_seq; with
    # that broken by hand, the batch is stored the slow way (ON CONFLICT DO NOTHING) and still counts once.
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as pg:
        pg.execute("UPDATE hall_epochs SET last_seq = 150 WHERE hall = 'h2'")
    assert post(central.url, token, body) == (200, {"hall": "h2", "epoch": epoch, "seq": 400, "inserted": 0})
    # The other hall's token files the same rows under that hall, never under h2.
    assert post(central.url, other, body)[1]["hall"] == "h3"
    assert post(central.url, "not-a-token", body)[0] == 401
    twice = msgspec.structs.replace(batch, tickets=batch.tickets + batch.tickets[:1])
    assert post(central.url, token, msgspec.json.encode(twice))[1]["error"]["code"] == "invalid_batch"
    # A batch that starts past what the centre holds is refused with the centre's seq (the forwarder rewinds).
    later = Forwarder(data, central.url, token, batch=100)._read(conn, epoch, 600, 0)
    status, reply = post(central.url, token, msgspec.json.encode(later))
    assert status == 409 and reply["error"]["seq"] == 400
    assert central_counts(dsn, "h2")["distinct_seq"] == 400
    conn.close()


def test_a_rebuilt_store_is_a_new_epoch_and_collides_with_nothing(central, dsn, hall_copy, tmp_path):
    data = hall_copy("h4")
    token = add_hall(dsn, "h4")
    forward_all(data, central.url, token)
    old = hall_counts(data)
    # The hall's disk is replaced: a new, empty store (the cursor file survived), then a new day's business.
    for p in data.glob("hallq.db*"):
        p.unlink()
    Store(data).close()
    shift_day(data, hall_copy("day-source"), date(2026, 11, 24))
    forward_all(data, central.url, token)
    new = hall_counts(data)
    assert new["epoch"] != old["epoch"] and new["head"] > 0
    assert central_counts(dsn, "h4", old["epoch"])["events"] == old["events"]
    assert central_counts(dsn, "h4", new["epoch"])["events"] == new["events"]
    both = central_counts(dsn, "h4")
    assert both["distinct_seq"] == old["head"] + new["head"]
    assert both["tickets"] == {k: old["tickets"].get(k, 0) + new["tickets"].get(k, 0)
                               for k in old["tickets"].keys() | new["tickets"].keys()}
    halls = json.loads(logged_in_reader(dsn, central.url).get("/api/halls"))
    assert sorted((h["epoch"], h["seq"]) for h in halls) == sorted([(old["epoch"], old["head"]),
                                                                      (new["epoch"], new["head"])])


def test_a_store_restored_from_an_older_copy_starts_a_new_epoch(central, dsn, hall_copy):
    import sqlite3

    data = hall_copy("h6")
    token = add_hall(dsn, "h6")
    forward_all(data, central.url, token)
    before = hall_counts(data)
    # Restored from a copy taken mid-day: the last 300 events are gone, and the day goes on differently.
    conn = sqlite3.connect(data / "hallq.db", isolation_level=None)
    conn.execute("DELETE FROM events WHERE seq > ?", (before["head"] - 300,))
    conn.close()
    (data / "central-cursor.json").unlink()  # the cursor file went with the old disk too
    shift_day(data, hall_copy("day-source"), date(2026, 11, 24))
    forward_all(data, central.url, token)
    after = hall_counts(data)
    assert after["epoch"] != before["epoch"]
    assert central_counts(dsn, "h6", before["epoch"])["events"] == before["events"]  # nothing overwritten
    assert central_counts(dsn, "h6", after["epoch"])["events"] == after["events"]
    # Each visit is counted once, though the history before the restore point came twice.
    conn = sqlite3.connect(data / "hallq.db")
    visits = conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
    conn.close()
    report = json.loads(logged_in_reader(dsn, central.url).get("/api/reports/city?from=2026-11-01&to=2026-11-30&by=hall"))
    assert report["total"]["issued"] == visits


async def test_the_hall_serves_while_the_centre_is_away_and_shows_how_far_behind(dsn, hall_copy):
    import aiohttp

    from server.app import ServerConfig
    from server.cli import issue_token
    from server.runner import start
    from tests.central.centralkit import CentralProcess

    data = hall_copy("h5")
    store = Store(data)
    kiosk = issue_token(store, "kiosk", "k1", None)
    admin = issue_token(store, "admin", "a1", None)
    store.close()
    token = add_hall(dsn, "h5")
    centre = CentralProcess(dsn)  # its port is reserved, nothing listens there yet: the WAN is down
    cfg = ServerConfig(hall=HALL, data_dir=data, durable=False,
                       extra={"central": {"url": centre.url, "token": token, "retry_max_s": 0.3, "idle_s": 0.1}})
    runner, port = await start(cfg, "127.0.0.1", 0)
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            # The stored hall keeps its issuing hours (the store's configuration, not the file's): issue at any
            # hour of the real clock, as an admin would from the console.
            admin_h = {"Authorization": f"Bearer {admin}"}
            async with http.get(base + "/api/config", headers=admin_h) as resp:
                current = await resp.json()
            first = {**current["config"]["services"][0], "hours": [], "weekly": {}}
            async with http.post(base + "/api/config", headers=admin_h, json={
                    "base_version": current["config_version"], "ops": [{"op": "put", "kind": "service", "value": first}]}) as resp:
                assert resp.status == 200, await resp.text()
            for _ in range(5):  # the hall issues while the centre is away
                async with http.post(base + "/api/tickets", json={"service": first["code"]},
                                     headers={"Authorization": f"Bearer {kiosk}"}) as resp:
                    assert resp.status == 200, await resp.text()
            head = hall_counts(data)["head"]
            for _ in range(30):  # the worker looks again at its next retry (every 0.3 s here)
                async with http.get(base + "/api/health") as resp:
                    health = await resp.json()
                if health["central"]["behind"] == head:
                    break
                await asyncio.sleep(0.1)
            assert health["central"]["state"] == "retrying" and health["central"]["error"]
            assert health["central"]["behind"] == head and health["central"]["behind_s"] > 0
            centre.start()  # the link is back: the backlog drains
            try:
                for _ in range(100):
                    async with http.get(base + "/api/health") as resp:
                        health = await resp.json()
                    if health["central"]["behind"] == 0:
                        break
                    await asyncio.sleep(0.1)
                assert health["central"]["behind"] == 0 and health["central"]["error"] is None
            finally:
                centre.kill()
    finally:
        await runner.cleanup()
    assert central_counts(dsn, "h5")["events"] == hall_counts(data)["events"]
    shutil.rmtree(data)
