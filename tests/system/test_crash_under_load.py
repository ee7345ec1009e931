"""Kill the server with SIGKILL at random moments under load, several times, with real display processes watching.

Afterwards: every ticket a kiosk was told about (and printed) exists exactly once, numbering
continued after every restart, and every display was resynced within 2 s of each restart.
"""
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
from datetime import datetime
from pathlib import Path

import aiohttp
import pytest

from printers.config import PrinterConfig
from printers.printer import TicketPrinter
from printers.ticket import PrintableTicket
from server.cli import add_clerk_in, create_token_in
from tests.server.test_crash import start_server as start_server_process

DISPLAYS = 3
KILLS = 3
pytestmark = pytest.mark.slow


def start_server(data: Path, log: Path, port: int = 0) -> tuple[subprocess.Popen, int, float]:
    """The server process, its port, and the wall time at which it was listening."""
    proc, url = start_server_process(data, log, port)
    return proc, int(url.rsplit(":", 1)[1]), proc.listening_at


SNAPSHOT_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) INFO hallq\.qtclient: snapshot v(\d+)", re.M)


def snapshots(log: Path) -> list[tuple[float, int]]:
    """(wall time, version) of every snapshot a display received, from its log."""
    out = []
    for stamp, version in SNAPSHOT_LINE.findall(log.read_text(errors="replace")):
        t = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").timestamp()
        out.append((t, int(version)))
    return out


async def load(url: str, kiosks: list[str], window: str, printer: TicketPrinter, printed: dict[str, str],
               stop: asyncio.Event) -> None:
    """Two kiosks issue and print; a clerk calls and finishes; until the server dies or stop is set."""
    async def kiosk(session: aiohttp.ClientSession, token: str, service: str) -> None:
        for _ in range(100_000):
            if stop.is_set():
                return
            try:
                async with session.post(f"{url}/api/tickets", json={"service": service},
                                        headers={"Authorization": f"Bearer {token}"}) as r:
                    if r.status != 200:
                        continue
                    body = await r.json()
            except (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError):
                return
            t = body["ticket"]
            assert t["id"] not in printed, f"{t['id']} handed out twice"
            # The real ticket bytes, as the kiosk's printer gets them (the encoder, not a stand-in).
            printer.encode(PrintableTicket(hall_name="全天测试大厅", number=t["number"], people_ahead=body["people_ahead"],
                                           service_name=body["service_name_zh"], issued_at=datetime.now()))
            printed[t["id"]] = t["number"]

    async def clerk(session: aiohttp.ClientSession) -> None:
        h = {"Authorization": f"Bearer {window}"}
        try:
            for _ in range(100_000):
                if stop.is_set():
                    return
                async with session.post(f"{url}/api/windows/1/sign-in", json={"staff_id": "k1", "pin": "1234"},
                                        headers=h) as r:
                    await r.read()
                async with session.post(f"{url}/api/windows/1/call-next", json={}, headers=h) as r:
                    await r.read()
                async with session.post(f"{url}/api/windows/1/finish", json={}, headers=h) as r:
                    await r.read()
        except (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError):
            return

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
        await asyncio.gather(kiosk(session, kiosks[0], "social"), kiosk(session, kiosks[1], "estate"), clerk(session))


def test_sigkill_under_load_loses_nothing_and_displays_resync_within_2_s(tmp_path: Path) -> None:
    data, log = tmp_path / "data", tmp_path / "server.log"
    kiosks = [create_token_in(data, "kiosk", f"kiosk-{i}", None) for i in range(2)]
    window = create_token_in(data, "window", "window-1", 1)
    display = create_token_in(data, "display", "wall", None)
    add_clerk_in(data, "k1", "Crash Clerk", "1234")
    printer = TicketPrinter(PrinterConfig(width_mm=80))
    rng = random.Random(int(os.environ.get("HALLQ_CRASH_SEED", "11")))
    server, port, _ = start_server(data, log)
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    logs = [tmp_path / f"display{i}.log" for i in range(DISPLAYS)]
    displays = [subprocess.Popen([sys.executable, "-m", "hallq", "display", "--server", url, "--token", display,
                                  "--windowed", "--silent"], stdout=open(p, "w"), stderr=subprocess.STDOUT, env=env)
                for p in logs]
    printed: dict[str, str] = {}
    resync_s: list[float] = []
    try:
        deadline = time.monotonic() + 30
        while not all(snapshots(p) for p in logs):
            assert time.monotonic() < deadline, "displays did not connect: " + logs[0].read_text()[-1000:]
            time.sleep(0.1)
        last_number: dict[str, int] = {}
        for round_ in range(KILLS):
            before = dict(printed)

            async def run_round() -> None:
                stop = asyncio.Event()
                task = asyncio.create_task(load(url, kiosks, window, printer, printed, stop))
                await asyncio.sleep(rng.uniform(0.4, 1.2))
                os.kill(server.pid, signal.SIGKILL)
                await asyncio.wait_for(task, 20)

            asyncio.run(run_round())
            server.wait(10)
            new = {tid: n for tid, n in printed.items() if tid not in before}
            assert new, f"round {round_}: nothing was issued before the kill"
            seqs = [(n.rstrip("0123456789"), int(re.sub(r"^[A-Z]+", "", n))) for n in new.values()]
            for prefix, seq in seqs:  # numbering continued after the previous restart
                assert seq > last_number.get(prefix, 0), f"{prefix}{seq} reused"
            for prefix, seq in seqs:
                last_number[prefix] = max(last_number.get(prefix, 0), seq)
            server, _, listening_at = start_server(data, log, port)
            deadline = time.monotonic() + 15
            for p in logs:
                while not any(t >= listening_at - 0.05 for t, _ in snapshots(p)):
                    assert time.monotonic() < deadline, f"{p.name} never resynced: " + p.read_text()[-1500:]
                    time.sleep(0.05)
                first = min(t for t, _ in snapshots(p) if t >= listening_at - 0.05)
                resync_s.append(first - listening_at)
        with sqlite3.connect(data / "hallq.db") as conn:
            rows = conn.execute("select id, number, day from tickets").fetchall()
        stored = {tid: number for tid, number, _ in rows}
        assert not set(printed) - set(stored), "a printed ticket was lost"
        assert all(stored[tid] == n for tid, n in printed.items())
        assert len({(day, n) for _, n, day in rows}) == len(rows), "a number was issued twice"
        assert max(resync_s) <= 2.0, f"resync took {max(resync_s):.2f} s (all: {resync_s})"
    finally:
        for d in displays:
            d.send_signal(signal.SIGINT)
        for d in displays:
            try:
                d.wait(10)
            except subprocess.TimeoutExpired:
                d.kill()
        server.send_signal(signal.SIGTERM)
        server.wait(10)
    print(f"\n{len(printed)} printed tickets over {KILLS} SIGKILLs, all stored once; "
          f"display resync after restart: max {max(resync_s):.2f} s, mean {sum(resync_s) / len(resync_s):.2f} s")
