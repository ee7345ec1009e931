"""SIGKILL the real server while it delivers webhooks: after a restart every event of an acknowledged change reaches
the receiver (its signature checked there), and none is taken twice (a resend carries the same Idempotency-Key)."""
from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import sqlite3
import time
from collections import Counter
from pathlib import Path

import aiohttp
from aiohttp import web

from server.cli import create_token_in
from server.notify.providers import verify_signature
from tests.server.test_crash import start_server


def deliveries(data: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(f"file:{data / 'hallq.db'}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT key, status FROM outbox WHERE channel = 'webhook'").fetchall()


class Receiver:
    def __init__(self) -> None:
        self.secret = b""
        self.taken: Counter = Counter()  # delivery id -> times taken as new
        self.repeats: Counter = Counter()  # resends recognised by their Idempotency-Key
        self.bad = 0
        self.tickets: set[str] = set()

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        await asyncio.sleep(0.01)  # a backlog builds up: the kill falls among deliveries
        if not verify_signature(self.secret, request.headers.get("X-Hallq-Signature", ""), body, time.time()):
            self.bad += 1
            return web.Response(status=401)
        key = request.headers["Idempotency-Key"]
        if key in self.taken:
            self.repeats[key] += 1
        else:
            self.taken[key] += 1
            self.tickets.add(json.loads(body)["data"]["ticket_id"])
        return web.Response(status=204)


def test_sigkill_loses_no_webhook_delivery_and_takes_none_twice(tmp_path: Path) -> None:
    data, log = tmp_path / "data", tmp_path / "server.log"
    kiosk = create_token_in(data, "kiosk", "crash-kiosk", None)
    admin = create_token_in(data, "admin", "crash-admin", None)
    rng = random.Random(14)
    receiver = Receiver()
    acked: list[str] = []  # ticket ids whose issue was acknowledged (200)

    async def main() -> None:
        app = web.Application()
        app.router.add_post("/hook", receiver.handle)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        hook_url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
        async with aiohttp.ClientSession() as http:
            for round_ in range(3):
                proc, url = await asyncio.to_thread(start_server, data, log)
                if round_ == 0:
                    async with http.post(f"{url}/api/webhooks", json={"url": hook_url, "events": ["ticket_issued"]},
                                         headers={"Authorization": f"Bearer {admin}"}) as r:
                        assert r.status == 200
                        receiver.secret = (await r.json())["secret"].encode()

                async def traffic() -> None:
                    while True:
                        async with http.post(f"{url}/api/tickets", json={"service": "social"},
                                             headers={"Authorization": f"Bearer {kiosk}"}) as r:
                            if r.status == 200:
                                acked.append((await r.json())["ticket"]["id"])

                task = asyncio.create_task(traffic())
                await asyncio.sleep(rng.uniform(0.4, 0.9))
                os.kill(proc.pid, signal.SIGKILL)  # mid-traffic, mid-delivery: no shutdown handler runs
                await asyncio.gather(task, return_exceptions=True)
                proc.wait(10)
            proc, url = await asyncio.to_thread(start_server, data, log)  # once more, quietly: it drains
            try:
                for _ in range(600):
                    rows = deliveries(data)
                    if rows and all(status == "sent" for _, status in rows):
                        break
                    await asyncio.sleep(0.05)
            finally:
                proc.send_signal(signal.SIGTERM)
                proc.wait(10)
        await runner.cleanup()

    asyncio.run(main())
    rows = deliveries(data)
    assert acked and rows
    assert all(status == "sent" for _, status in rows), sorted(rows)[:5]
    assert receiver.bad == 0
    assert set(acked) <= receiver.tickets  # every acknowledged issue reached the receiver
    assert set(receiver.taken) == {key for key, _ in rows}  # nothing lost, nothing unknown
    assert all(n == 1 for n in receiver.taken.values())  # taken once each
    print(f"\n{len(rows)} webhook deliveries over 3 SIGKILLs; {sum(receiver.repeats.values())} resends recognised")
