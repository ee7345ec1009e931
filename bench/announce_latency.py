"""Call -> announcement latency with 1,000 connected WebSocket displays (p50/p99 over every display and call).

A clerk calls (REST POST call-next); the time is taken just before the request is sent and
compared with the moment each display's socket delivers the announcement (CLOCK_MONOTONIC is
shared by all processes). The displays are bare clients in two processes (bench.ws_swarm).
"""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

from bench.harness import ServerProcess, percentile, print_rows

CLIENTS = 1000
PROCESSES = 4  # 250 bare clients each: fewer processes measure their own parsing, more their scheduling
CALLS = 100
GAP_S = 0.05


def run(clients: int = CLIENTS, calls: int = CALLS) -> list[tuple[str, str]]:
    with ServerProcess() as srv:
        kiosk, display = srv.token("kiosk", "bench-kiosk"), srv.token("display", "bench-display")
        window = srv.token("window", "bench-window", 1)
        srv.clerk("b1", "1234")
        srv.start()
        host, port = srv.url.removeprefix("http://").split(":")

        async def prepare() -> None:
            async with aiohttp.ClientSession() as s:
                for _ in range(calls):
                    async with s.post(f"{srv.url}/api/tickets", json={"service": "social"},
                                      headers={"Authorization": f"Bearer {kiosk}"}) as r:
                        assert r.status == 200, await r.text()
                async with s.post(f"{srv.url}/api/windows/1/sign-in", json={"staff_id": "b1", "pin": "1234"},
                                  headers={"Authorization": f"Bearer {window}"}) as r:
                    assert r.status == 200, await r.text()

        asyncio.run(prepare())
        outs = [Path(srv.tmp.name) / f"swarm{i}.json" for i in range(PROCESSES)]
        swarms = [subprocess.Popen([sys.executable, "-m", "bench.ws_swarm", host, port, display,
                                    str(clients // PROCESSES), str(out)], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, text=True) for out in outs]
        try:
            for p in swarms:
                line = p.stdout.readline()
                if line.strip() != "ready":
                    raise RuntimeError(f"swarm did not get ready: {line!r}")
            sent: dict[str, int] = {}

            async def drive() -> None:
                h = {"Authorization": f"Bearer {window}"}
                async with aiohttp.ClientSession() as s:
                    for _ in range(calls):
                        t0 = time.monotonic_ns()
                        async with s.post(f"{srv.url}/api/windows/1/call-next", json={}, headers=h) as r:
                            body = await r.json()
                        sent[body["ticket"]["number"]] = t0
                        await asyncio.sleep(GAP_S)
                        async with s.post(f"{srv.url}/api/windows/1/finish", json={}, headers=h) as r:
                            await r.read()
                    await asyncio.sleep(0.5)

            asyncio.run(drive())
        finally:
            for p in swarms:
                p.stdin.close()
            for p in swarms:
                p.wait(60)
        latencies: list[float] = []
        snapshots = 0
        for out in outs:
            data = json.loads(out.read_text())
            snapshots += data["snapshots"]
            for number, recall, t in data["samples"]:
                if number in sent and recall == 0:
                    latencies.append((t - sent[number]) / 1e6)
        expected = clients * calls
    return [
        (f"call -> announcement, {snapshots} WebSocket displays, {calls} calls",
         f"p50 {percentile(latencies, 50):.1f} ms / p99 {percentile(latencies, 99):.1f} ms"),
        ("announcements delivered", f"{len(latencies):,} of {expected:,}"),
    ]


def main() -> None:
    print_rows(run())


if __name__ == "__main__":
    main()
