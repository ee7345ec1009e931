"""SIGKILL the real server while it queues and sends SMS: after a restart every message of an acknowledged change
reaches the gateway, and none is sent twice (a resend after the kill carries the same out-id)."""
from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
from pathlib import Path

import aiohttp
from aiohttp import web

from server.cli import add_clerk_in, create_token_in
from server.notify.fake_gateway import FakeGateway
from tests.server.test_crash import start_server


def outbox(data: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(f"file:{data / 'hallq.db'}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT key, status FROM outbox").fetchall()


def test_sigkill_loses_no_message_and_sends_none_twice(tmp_path: Path, monkeypatch) -> None:
    data, log = tmp_path / "data", tmp_path / "server.log"
    kiosk = create_token_in(data, "kiosk", "crash-kiosk", None)
    window = create_token_in(data, "window", "crash-window", 1)
    add_clerk_in(data, "k1", "Crash Clerk", "1234")
    rng = random.Random(14)
    gateway = FakeGateway(delay_s=0.02)  # a backlog builds up: the kill falls among sends
    acked_calls: list[str] = []  # ticket ids whose call was acknowledged (200)
    subscribed: dict[str, str] = {}  # ticket ids whose opt-in was acknowledged

    async def main() -> None:
        runner = web.AppRunner(gateway.app())
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        monkeypatch.setenv("HALLQ_NOTIFY_SMS_URL", f"http://127.0.0.1:{runner.addresses[0][1]}/sms")
        async with aiohttp.ClientSession() as http:
            for round_ in range(3):
                proc, url = await asyncio.to_thread(start_server, data, log)
                h = {"Authorization": f"Bearer {window}"}

                async def traffic() -> None:
                    if round_ == 0:
                        await http.post(f"{url}/api/windows/1/sign-in", json={"staff_id": "k1", "pin": "1234"},
                                        headers=h)
                    for _ in range(12):
                        async with http.post(f"{url}/api/tickets", json={"service": "social"},
                                             headers={"Authorization": f"Bearer {kiosk}"}) as r:
                            issued = await r.json()
                        async with http.post(url + issued["status_path"] + "/notify",
                                             json={"phone": "13912345678", "consent": True}) as r:
                            if r.status == 200:
                                subscribed[issued["ticket"]["id"]] = issued["ticket"]["number"]
                    while True:
                        async with http.post(f"{url}/api/windows/1/call-next", headers=h) as r:
                            body = await r.json()
                            if r.status == 200:
                                acked_calls.append(body["ticket"]["id"])
                            elif body.get("code") == "window_busy":
                                await http.post(f"{url}/api/windows/1/skip", headers=h)
                        await asyncio.sleep(0.005)

                task = asyncio.create_task(traffic())
                await asyncio.sleep(rng.uniform(0.4, 0.9))
                os.kill(proc.pid, signal.SIGKILL)  # mid-traffic, mid-sending: no shutdown handler runs
                await asyncio.gather(task, return_exceptions=True)
                proc.wait(10)
            # Once more, quietly: the restarted worker drains what is left.
            proc, url = await asyncio.to_thread(start_server, data, log)
            try:
                for _ in range(300):
                    rows = outbox(data)
                    if rows and all(status == "sent" for _, status in rows):
                        break
                    await asyncio.sleep(0.05)
            finally:
                proc.send_signal(signal.SIGTERM)
                proc.wait(10)
        await runner.cleanup()
        assert subscribed and acked_calls

    asyncio.run(main())
    rows = outbox(data)
    keys = {key for key, _ in rows}
    assert all(status == "sent" for _, status in rows), sorted(rows)[:5]
    # Every acknowledged call of a subscribed ticket has its message, and the gateway got it.
    for tid in (t for t in acked_calls if t in subscribed):
        assert any(k.startswith(f"{tid}:called:") for k in keys), f"the call of {tid} has no message"
    assert set(gateway.received) == keys  # nothing lost, nothing unknown
    assert all(n == 1 for n in gateway.received.values())  # never sent twice
    print(f"\n{len(keys)} messages over 3 SIGKILLs; {sum(gateway.repeats.values())} resends recognised by out-id")
