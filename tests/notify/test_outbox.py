"""The SMS outbox in the server: opt-in with consent, rows in the change's own commit, a worker that retries, a
dead letter, numbers sealed and masked and gone after the day."""
from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from server.app import SERVICE
from tests.phone.test_phone_api import issue, sign_in

PHONE = "13812345678"


async def opt_in(srv, path: str, phone: str = PHONE, consent: bool = True):
    return await srv.client.post(path + "/notify", json={"phone": phone, "consent": consent})


async def until(check, timeout: float = 3.0) -> None:
    for _ in range(int(timeout / 0.02)):
        if check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("not within the time")


def rows(srv) -> list[tuple]:
    return srv.client.app[SERVICE].store.conn.execute(
        "SELECT key, template, params, status, attempts, address FROM outbox ORDER BY rowid").fetchall()


def notify_server(make_server, gateway, **retry):
    return make_server(extra={"notify": {"sms_url": gateway.url, "sign_name": "测试大厅", "poll_s": 0.05,
                                         "retry": {"base_s": 0.05, "cap_s": 0.1, **retry}}})


async def test_opt_in_needs_consent_and_a_mobile_number_and_keeps_it_sealed(make_server, gateway) -> None:
    srv = await notify_server(make_server, gateway)
    path = await issue(srv)
    assert (await opt_in(srv, path, consent=False)).status == 400
    assert (await opt_in(srv, path, phone="12345")).status == 400
    r = await opt_in(srv, path)
    assert r.status == 200 and (await r.json())["masked"] == "138****5678"
    assert (await (await srv.client.get(path)).json())["sms"] == "138****5678"
    store = srv.client.app[SERVICE].store
    dump = "\n".join(store.conn.iterdump())
    assert PHONE not in dump and "138****5678" in dump  # sealed at rest, masked where shown


async def test_each_change_queues_its_messages_in_its_commit_and_the_worker_sends_them(make_server, gateway) -> None:
    srv = await notify_server(make_server, gateway)
    paths = [await issue(srv) for _ in range(5)]
    assert (await opt_in(srv, paths[4])).status == 200  # A005: 4 ahead
    await sign_in(srv, 1, "s1")
    for _ in range(4):  # A001..A004 called in turn, each skipped: A005 moves up
        assert (await srv.post("/api/windows/1/call-next", "window1")).status == 200
        assert (await srv.post("/api/windows/1/skip", "window1")).status == 200
    await srv.post("/api/windows/1/call-next", "window1")
    await srv.post("/api/windows/1/start", "window1")
    await srv.post("/api/windows/1/finish", "window1")
    kinds = [(r[1], json.loads(r[2]).get("n")) for r in rows(srv)]
    # Positions 5, 3, 1: 4 ahead (under 5 already), 3, 1; then the call and the end.
    assert kinds == [("ahead", "4"), ("ahead", "3"), ("ahead", "1"), ("called", None), ("done", None)]
    await until(lambda: len(gateway.bodies) == 5)
    assert [b["TemplateCode"] for b in gateway.bodies] == ["HALLQ_AHEAD"] * 3 + ["HALLQ_CALLED", "HALLQ_DONE"]
    assert gateway.bodies[3]["TemplateParam"] == '{"number": "A005", "window": "1号窗口"}'
    assert all(b["PhoneNumbers"] == PHONE and b["SignName"] == "测试大厅" for b in gateway.bodies)
    await until(lambda: all(r[3] == "sent" for r in rows(srv)))
    assert sorted(gateway.received.values()) == [1] * 5


async def test_a_failing_gateway_is_retried_and_a_refusing_one_is_a_dead_letter(make_server, gateway, clock) -> None:
    srv = await notify_server(make_server, gateway, max_attempts=3)

    async def time_passes() -> None:  # the hall's clock: retries fall due
        while True:
            await asyncio.sleep(0.02)
            clock.now += timedelta(seconds=1)

    ticking = asyncio.create_task(time_passes())
    path = await issue(srv)
    await opt_in(srv, path)
    gateway.mode = ["fail", "limit"]  # two failures, then it works
    await sign_in(srv, 1, "s1")
    await srv.post("/api/windows/1/call-next", "window1")
    await until(lambda: rows(srv) and rows(srv)[0][3] == "sent")
    assert rows(srv)[0][4] == 3 and gateway.received[rows(srv)[0][0]] == 1
    gateway.mode = ["refuse"]
    await srv.post("/api/windows/1/recall", "window1")
    await until(lambda: len(rows(srv)) == 2 and rows(srv)[1][3] == "dead")
    gateway.mode = ["fail"] * 5
    await srv.post("/api/windows/1/recall", "window1")
    await until(lambda: len(rows(srv)) == 3 and rows(srv)[2][3] == "dead")  # gave up after max_attempts
    assert rows(srv)[2][4] == 3
    ticking.cancel()


async def test_numbers_are_deleted_once_their_day_is_over(make_server, gateway, clock) -> None:
    srv = await notify_server(make_server, gateway)
    path = await issue(srv)
    await opt_in(srv, path)
    await sign_in(srv, 1, "s1")
    await srv.post("/api/windows/1/call-next", "window1")
    await until(lambda: rows(srv) and rows(srv)[0][3] == "sent")
    outbox = srv.client.app[SERVICE].outbox
    assert outbox.purge(clock.now.date()) == 0  # today's stay
    assert outbox.purge(clock.now.date() + timedelta(days=1)) == 1
    conn = srv.client.app[SERVICE].store.conn
    assert conn.execute("SELECT COUNT(*) FROM notify_subscriptions").fetchone() == (0,)
    assert rows(srv)[0][5] == "" and rows(srv)[0][3] == "sent"  # the delivery's record stays, not the number
