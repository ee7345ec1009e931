"""一票到底 in the reports: each step of a bundle ticket is a visit of its own (its service, outcome, window, clerk,
wait, service time and rating), live today and once the day is closed and kept; a real server, real windows."""
from __future__ import annotations

import sqlite3

import msgspec
import pytest

from queuecore.model import Bundle
from server.reports.source import kept
from tests.server.conftest import DAY, PINS, clock, make_config, make_server, provisioned  # noqa: F401

START_UP = Bundle(code="startup", name_zh="企业开办", name_en="Business start-up", steps=("estate", "social", "tax"))
STAFF = {1: "s1", 2: "s2", 4: "s4"}


@pytest.fixture
async def served(make_server):
    """A001 (the bundle) goes estate@1 -> social@2 -> tax@4; B001, a plain social ticket, is served at 2 between."""
    srv = await make_server(msgspec.structs.replace(make_config(), bundles=(START_UP,)))
    c = srv.clock
    for w, staff in STAFF.items():
        assert (await srv.post(f"/api/windows/{w}/sign-in", f"window{w}", {"staff_id": staff, "pin": PINS[staff]})).status == 200

    async def act(w: int, what: str, body: dict | None = None) -> dict:
        r = await srv.post(f"/api/windows/{w}/{what}", f"window{w}", body)
        out = await r.json()
        assert r.status == 200, (what, out)
        return out

    r = await srv.post("/api/bundles/startup/tickets", "kiosk", {})
    assert (await r.json())["ticket"]["number"] == "A001"
    c.advance(minutes=5)
    r = await srv.post("/api/tickets", "kiosk", {"service": "social"})
    assert (await r.json())["ticket"]["number"] == "B001", await r.json()
    c.advance(minutes=5)  # 09:10
    assert (await act(1, "call-next"))["ticket"]["number"] == "A001"
    c.advance(minutes=2)
    await act(1, "start")
    c.advance(minutes=8)  # 09:20: the step took 8 min
    await act(1, "finish", {"outcome": "completed"})
    await act(1, "rate", {"number": "A001", "level": 5})
    c.advance(minutes=5)  # 09:25: A001 waited 5 min for its second step, and goes before B001 (arrival)
    assert (await act(2, "call-next"))["ticket"]["number"] == "A001"
    c.advance(minutes=1)
    await act(2, "start")
    c.advance(minutes=14)  # 09:40
    await act(2, "finish", {"outcome": "accepted"})
    await act(2, "rate", {"number": "A001", "level": 2, "reason": "等候时间长"})  # a 差评 of the second step
    c.advance(minutes=1)  # 09:41: B001 waited 36 min
    assert (await act(2, "call-next"))["ticket"]["number"] == "B001"
    c.advance(minutes=4)
    await act(2, "finish", {"outcome": "completed"})
    c.advance(minutes=5)  # 09:50: A001's third step after a 10 min wait
    assert (await act(4, "call-next"))["ticket"]["number"] == "A001"
    await act(4, "start")
    c.advance(minutes=15)  # 10:05
    await act(4, "finish", {"outcome": "completed"})
    await act(4, "rate", {"number": "A001", "level": 3})
    return srv


async def _report(srv, kind: str, cut: str = "") -> dict:
    r = await srv.client.get(f"/api/reports/{kind}?from={DAY}&to={DAY}&lang=en" + (f"&cut={cut}" if cut else ""),
                             headers=srv.auth("admin"))
    body = await r.json()
    assert r.status == 200, body
    return body["tables"][0]


def _pick(row: dict, *keys: str) -> tuple:
    return tuple(round(row[k], 2) if isinstance(row[k], float) else row[k] for k in keys)


KEYS = ("issued", "served", "out_completed", "out_accepted", "wait_avg", "wait_max", "service_avg", "rated")
BY_SERVICE = {
    "estate": (1, 1, 1, 0, 10.0, 10.0, 8.0, 1),
    "social": (2, 2, 1, 1, 20.5, 36.0, 9.0, 1),  # A001's step (5 min, 14 min) and B001 (36 min, 4 min)
    "tax": (1, 1, 1, 0, 10.0, 10.0, 15.0, 1),
}
LEVELS = ("served", "rated", "r5", "r2", "r3")
RATED_BY_SERVICE = {"estate": (1, 1, 1, 0, 0), "social": (2, 1, 0, 1, 0), "tax": (1, 1, 0, 0, 1)}
BY_CLERK = {"s1": (1, 1, 0, 1), "s2": (2, 1, 1, 1), "s4": (1, 1, 0, 1)}
RATED_BY_CLERK = {"s1": (1, 1, 1, 0, 0), "s2": (2, 1, 0, 1, 0), "s4": (1, 1, 0, 0, 1)}


async def _check(srv) -> None:
    services = await _report(srv, "services")
    assert {row["service"]: _pick(row, *KEYS) for row in services["rows"]} == BY_SERVICE
    assert _pick(services["total"], "issued", "served", "rated", "unserved") == (4, 4, 3, 0)
    ratings = await _report(srv, "ratings", "service")
    assert {row["service"]: _pick(row, *LEVELS) for row in ratings["rows"]} == RATED_BY_SERVICE
    clerks = await _report(srv, "clerks")
    assert {row["clerk"]: _pick(row, "served", "out_completed", "out_accepted", "rated")
            for row in clerks["rows"]} == BY_CLERK
    ratings = await _report(srv, "ratings", "clerk")
    assert {row["clerk"]: _pick(row, *LEVELS) for row in ratings["rows"]} == RATED_BY_CLERK
    r = await srv.client.get(f"/api/reports/ratings?from={DAY}&to={DAY}", headers=srv.auth("admin"))
    low = (await r.json())["tables"][1]
    assert [(x["number"], x["service_name"], x["clerk"], x["level_name"], x["reason"]) for x in low["rows"]] == [
        ("A001", "社保", "s2", "不满意", "等候时间长")]
    windows = await _report(srv, "windows")
    assert {row["window"]: _pick(row, "served", "service_avg") for row in windows["rows"]} == {
        1: (1, 8.0), 2: (2, 9.0), 4: (1, 15.0)}


async def test_each_step_of_a_bundle_ticket_is_a_visit_of_its_own_today(served) -> None:
    await _check(served)


async def test_the_steps_stay_visits_of_their_own_once_the_day_is_closed_and_kept(served) -> None:
    served.clock.advance(days=1)
    r = await served.post("/api/tickets", "kiosk", {"service": "social"})  # the next business day starts
    assert r.status == 200, await r.json()
    await _check(served)
    with sqlite3.connect(served.data / "hallq.db") as conn:
        rows = conn.execute(f"SELECT service, outcome, window, clerk, rating FROM {kept('visits')} "
                            "WHERE number = 'A001'").fetchall()
    assert sorted(rows) == [("estate", "completed", 1, "s1", 5), ("social", "accepted", 2, "s2", 2),
                            ("tax", "completed", 4, "s4", 3)]
