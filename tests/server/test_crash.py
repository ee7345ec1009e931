"""SIGKILL the real server process mid-load, restart it, and check that every acknowledged ticket exists exactly once."""
from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from server.cli import add_clerk_in, create_token_in

CONFIG = Path(__file__).parent / "data" / "open-hall.toml"
pytestmark = pytest.mark.slow


def start_server(data: Path, log: Path, port: int = 0, config: Path = CONFIG) -> tuple[subprocess.Popen, str]:
    """`hallq server` as a process (port 0: any free one); returns it and its URL once it listens.
    proc.listening_at is the wall time it started listening."""
    seen = log.read_text().count("listening on") if log.exists() else 0
    out = open(log, "a")
    proc = subprocess.Popen([sys.executable, "-m", "hallq", "server", "--config", str(config), "--data", str(data),
                             "--port", str(port), "--kiosk-limit", "1000000"], stdout=out, stderr=out,
                            start_new_session=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        m = re.findall(r"listening on (http://127\.0\.0\.1:\d+)", log.read_text())
        if len(m) > seen:
            proc.listening_at = time.time()  # type: ignore[attr-defined]
            return proc, m[-1]
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("server did not start")


def _seq(number: str) -> int:
    return int(re.sub(r"^[A-Z]+", "", number))


async def load(url: str, token: str, acked: dict[str, str], stop: asyncio.Event, window_token: str) -> None:
    """16 issuers and one clerk until the server dies; records every ticket the server acknowledged."""
    headers = {"Authorization": f"Bearer {token}"}

    async def issuer(session: aiohttp.ClientSession, service: str) -> None:
        for _ in range(100_000):  # bounded; the kill ends it much sooner
            if stop.is_set():
                return
            try:
                async with session.post(f"{url}/api/tickets", json={"service": service}, headers=headers) as r:
                    if r.status == 200:
                        body = await r.json()
                        t = body["ticket"]
                        assert t["id"] not in acked, f"ticket {t['id']} acknowledged twice"
                        acked[t["id"]] = t["number"]
            except (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError):
                return

    async def clerk(session: aiohttp.ClientSession) -> None:
        h = {"Authorization": f"Bearer {window_token}"}
        try:
            await session.post(f"{url}/api/windows/1/sign-in", json={"staff_id": "k1", "pin": "1234"}, headers=h)
            for _ in range(100_000):
                if stop.is_set():
                    return
                async with session.post(f"{url}/api/windows/1/call-next", json={}, headers=h) as r:
                    await r.read()
                async with session.post(f"{url}/api/windows/1/finish", json={}, headers=h) as r:
                    await r.read()
        except (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError):
            return

    timeout = aiohttp.ClientTimeout(total=5)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        await asyncio.gather(*(issuer(session, "social" if i % 2 else "estate") for i in range(16)), clerk(session))


def test_sigkill_mid_load_loses_no_acknowledged_ticket(tmp_path: Path) -> None:
    data, log = tmp_path / "data", tmp_path / "server.log"
    token = create_token_in(data, "kiosk", "crash-kiosk", None)
    wtoken = create_token_in(data, "window", "crash-window", 1)
    add_clerk_in(data, "k1", "Crash Clerk", "1234")
    rng = random.Random(int(os.environ.get("HALLQ_CRASH_SEED", "7")))
    acked: dict[str, str] = {}
    max_before_kill: dict[str, int] = {}
    rounds = 4
    for round_ in range(rounds):
        proc, url = start_server(data, log)
        before = dict(acked)

        async def run() -> None:
            stop = asyncio.Event()
            task = asyncio.create_task(load(url, token, acked, stop, wtoken))
            await asyncio.sleep(rng.uniform(0.3, 1.0))
            os.kill(proc.pid, signal.SIGKILL)  # mid-load, no shutdown handlers run
            await asyncio.wait_for(task, 20)

        asyncio.run(run())
        proc.wait(10)
        new = {tid: n for tid, n in acked.items() if tid not in before}
        assert new, f"round {round_}: no ticket was acknowledged before the kill"
        # Numbering continued: every prefix's numbers in this round start after the last round's.
        for tid, number in new.items():
            prefix = number.rstrip("0123456789")
            assert _seq(number) > max_before_kill.get(prefix, 0), f"{number} reused after restart"
        for number in new.values():
            prefix = number.rstrip("0123456789")
            max_before_kill[prefix] = max(max_before_kill.get(prefix, 0), _seq(number))

    with sqlite3.connect(data / "hallq.db") as conn:
        rows = conn.execute("select id, number, day from tickets").fetchall()
        events = conn.execute("select count(*) from events where type = 'ticket_issued'").fetchone()[0]
    stored = {tid: number for tid, number, _ in rows}
    missing = set(acked) - set(stored)
    assert not missing, f"acknowledged but lost: {sorted(missing)[:10]}"
    assert all(stored[tid] == number for tid, number in acked.items())
    numbers = [(day, number) for _, number, day in rows]
    assert len(numbers) == len(set(numbers)), "a ticket number was issued twice"
    assert events == len(rows)  # the event log kept every issue
    # Restarted once more, the server serves every acknowledged ticket.
    proc, url = start_server(data, log)
    try:
        async def check() -> dict:
            async with aiohttp.ClientSession() as s:
                async with s.get(f"{url}/api/hall", headers={"Authorization": f"Bearer {token}"}) as r:
                    return await r.json()

        snap = asyncio.run(check())
        assert snap["version"] > 0
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
    print(f"\n{len(acked)} acknowledged tickets over {rounds} SIGKILLs, all present once")
