"""Learned wait estimates in the server: logged at issue in the same commit, closed by the first call, reported
per day against today's formula, and kept across a restart."""
from __future__ import annotations

from datetime import timedelta

import pytest

from server.app import SERVICE
from tests.phone.test_phone_api import issue, sign_in


async def test_each_ticket_logs_its_estimate_and_its_actual_wait_and_the_day_reports_both_errors(
        make_server, clock) -> None:
    srv = await make_server()
    await sign_in(srv, 1, "s1")
    for _ in range(3):
        await issue(srv)
    store = srv.client.app[SERVICE].store
    day = clock.now.date()
    logged = store.wait_estimates(day, day, called=False)
    assert [r[0][-4:] for r in logged] == ["A001", "A002", "A003"] and all(r[6] is None for r in logged)
    assert [r[5] for r in logged] == [0, 10, 20]  # today's formula: ahead × 10 min ÷ 1 window
    # Visits of 20 minutes (not the configured 10): the learned estimate follows them.
    for _ in range(2):
        assert (await srv.post("/api/windows/1/call-next", "window1")).status == 200
        await srv.post("/api/windows/1/start", "window1")
        clock.now += timedelta(minutes=20)
        assert (await srv.post("/api/windows/1/finish", "window1")).status == 200
    assert (await srv.post("/api/windows/1/call-next", "window1")).status == 200  # A003, after 40 min
    called = {r[0][-4:]: r for r in store.wait_estimates(day, day, called=True)}
    assert (called["A001"][6], called["A002"][6], called["A003"][6]) == (0, 20, 40)
    r = await srv.client.get("/api/estimates/accuracy", headers=srv.auth("admin"))
    [figures] = await r.json()
    assert figures["day"] == day.isoformat() and figures["tickets"] == 3
    assert figures["baseline_median_abs_error_min"] == 10.0  # |0-0|, |10-20|, |20-40|
    assert (await srv.client.get("/api/estimates/accuracy", headers=srv.auth("kiosk"))).status == 403
    learned = srv.client.app[SERVICE].estimates
    # 1.5 visits, each (20 + 20 + 10) / 3 min: two visits of today blended with the configured 10 (cold start).
    assert learned.minutes(srv.client.app[SERVICE].hall, "estate", 1, clock.now) == pytest.approx(25.0)


async def test_the_learned_state_comes_back_after_a_restart(make_server, clock, tmp_path) -> None:
    srv = await make_server()
    await sign_in(srv, 1, "s1")
    await issue(srv)
    await issue(srv)
    await srv.post("/api/windows/1/call-next", "window1")
    clock.now += timedelta(minutes=30)
    await srv.post("/api/windows/1/finish", "window1")
    before = srv.client.app[SERVICE].estimates
    await srv.client.close()
    again = await make_server(data=srv.data, tokens=srv.tokens)
    after = again.client.app[SERVICE].estimates
    assert after.learned.samples == before.learned.samples == {"estate": 1}
    assert list(after.pending) == list(before.pending) and len(after.pending) == 1  # A002 not called yet
