"""Notifications through the durable outbox: 1,000 messages queued as a change's rows, sent by the worker to the
local fake SMS gateway on 127.0.0.1, then 1,000 signed webhook deliveries (goal, issue 14: 1,000 a minute)."""
from __future__ import annotations

import asyncio
import json
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web

from queuecore import notify as N
from server.notify.fake_gateway import FakeGateway
from server.notify.outbox import Cipher, Outbox, run_worker
from server.notify.providers import TemplateSms
from server.store import Rows, Store

MESSAGES = 1000
GOAL_PER_MIN = 1000
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


async def drain(data: Path) -> tuple[float, int, int]:
    fake = FakeGateway()
    runner = web.AppRunner(fake.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    store = Store(data, durable=True)
    cipher = Cipher.from_dir(data)
    outbox = Outbox(store.conn, cipher, NOW.date())
    sealed = cipher.seal("13812345678")
    rows = [(f"t{i}:called:1:0:{NOW.isoformat()}", NOW.date().isoformat(), f"t{i}", "sms", sealed, "called",
             json.dumps({"number": f"A{i:03d}", "window": "1号窗口"}, ensure_ascii=False), "queued", 0,
             NOW.isoformat(), "", NOW.isoformat(), None) for i in range(MESSAGES)]
    # As changes write them: one commit per 50 messages (the group commit of a busy minute).
    for i in range(0, MESSAGES, 50):
        store.save_batch([Rows(version=0, tickets=[], windows=[], appointments=[], events=[],
                               outbox=rows[i:i + 50])], day=NOW.date(), closed_services={})
    provider = TemplateSms(endpoint=f"http://127.0.0.1:{runner.addresses[0][1]}/sms", sign_name="测试",
                           templates={"called": "T1"})
    wake = asyncio.Event()
    started = time.perf_counter()
    task = asyncio.create_task(run_worker(outbox, provider, lambda: NOW, wake, N.Retry(), poll_s=0.01))
    while sum(fake.received.values()) < MESSAGES and time.perf_counter() - started < 120:
        await asyncio.sleep(0.01)
    elapsed = time.perf_counter() - started
    await asyncio.sleep(0.05)
    task.cancel()
    sent = store.conn.execute("SELECT COUNT(*) FROM outbox WHERE status = 'sent'").fetchone()[0]
    store.close()
    await runner.cleanup()
    return elapsed, sum(fake.received.values()), sent


async def drain_webhooks(data: Path) -> tuple[float, int, int]:
    """The same for webhooks: 1,000 signed deliveries to one webhook on 127.0.0.1, each attempt logged."""
    fake = FakeGateway()
    runner = web.AppRunner(fake.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    store = Store(data, durable=True)
    outbox = Outbox(store.conn, Cipher.from_dir(data), NOW.date())
    hook = outbox.webhooks.register(f"http://127.0.0.1:{runner.addresses[0][1]}/hook", ["ticket_called"], "", NOW,
                                    None)
    rows = [(f"wh:{hook['id']}:{i}:0", NOW.date().isoformat(), f"t{i}", "webhook", hook["id"], "ticket_called",
             json.dumps({"type": "ticket_called", "ticket_id": f"t{i}", "window": 1}), "queued", 0, NOW.isoformat(),
             "", NOW.isoformat(), None) for i in range(MESSAGES)]
    for i in range(0, MESSAGES, 50):
        store.save_batch([Rows(version=0, tickets=[], windows=[], appointments=[], events=[],
                               outbox=rows[i:i + 50])], day=NOW.date(), closed_services={})
    wake = asyncio.Event()
    started = time.perf_counter()
    task = asyncio.create_task(run_worker(outbox, None, lambda: NOW, wake, N.Retry(), poll_s=0.01))
    while sum(fake.received.values()) < MESSAGES and time.perf_counter() - started < 120:
        await asyncio.sleep(0.01)
    elapsed = time.perf_counter() - started
    await asyncio.sleep(0.05)
    task.cancel()
    sent = store.conn.execute("SELECT COUNT(*) FROM outbox WHERE status = 'sent'").fetchone()[0]
    store.close()
    await runner.cleanup()
    return elapsed, sum(fake.received.values()), sent


def run() -> list[tuple[str, str]]:
    out = []
    for what, fn in (("SMS to the local gateway", drain), ("webhook deliveries to a 127.0.0.1 receiver", drain_webhooks)):
        with tempfile.TemporaryDirectory(prefix="hallq-notify-") as tmp:
            elapsed, received, sent = asyncio.run(fn(Path(tmp)))
        rate = received / elapsed * 60
        out.append((f"outbox: {MESSAGES} {what}", f"{elapsed:.2f} s, {rate:,.0f} a minute, {received} received, "
                    f"{sent} recorded sent (goal {GOAL_PER_MIN:,}/min: {'met' if rate >= GOAL_PER_MIN else 'NOT met'})"))
    return out


if __name__ == "__main__":
    from bench.harness import print_rows

    print_rows(run())
