"""A live configuration change reaching every device (issue 13: "a kiosk shows a new, renamed or closed service
within 1 s"): an admin's POST /api/config, timed from just before it is sent until each connected device's
socket delivers the fresh snapshot carrying the new config_version.

A `hallq server` process with DEVICES WebSocket clients (kiosks, terminals, displays of a big hall) in this
process; CHANGES changes, alternately renaming a service and adding/removing one. Bounded in count and time.
"""
from __future__ import annotations

import asyncio
import json
import time

import aiohttp

from bench.harness import ServerProcess, percentile, print_rows

DEVICES = 200
CHANGES = 30


def run(devices: int = DEVICES, changes: int = CHANGES) -> list[tuple[str, str]]:
    with ServerProcess() as srv:
        admin = srv.token("admin", "bench-admin")
        kiosk = srv.token("kiosk", "bench-kiosk")
        srv.start()
        return asyncio.run(_drive(srv.url, admin, kiosk, devices, changes))


async def _drive(url: str, admin: str, kiosk: str, devices: int, changes: int) -> list[tuple[str, str]]:
    h = {"Authorization": f"Bearer {admin}"}
    seen: dict[int, list[int]] = {}  # config version -> monotonic ns at each device
    ready = asyncio.Event()
    connected = 0

    async def device(session: aiohttp.ClientSession) -> None:
        nonlocal connected
        async with session.ws_connect(f"{url}/ws?token={kiosk}", max_msg_size=0) as ws:
            first = True
            async for msg in ws:
                now = time.monotonic_ns()
                if msg.type is not aiohttp.WSMsgType.TEXT or not msg.data.startswith('{"type":"snapshot"'):
                    continue
                if first:
                    first = False
                    connected += 1
                    if connected == devices:
                        ready.set()
                    continue
                version = json.loads(msg.data).get("config_version", 0)
                seen.setdefault(version, []).append(now)

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        tasks = [asyncio.create_task(device(session)) for _ in range(devices)]
        await asyncio.wait_for(ready.wait(), 60)
        async with session.get(f"{url}/api/config", headers=h) as r:
            body = await r.json()
        version = body["config_version"]
        first_service = body["config"]["services"][0]
        sent: dict[int, int] = {}
        answered_ms: list[float] = []
        for i in range(changes):
            if i % 3 == 0:
                ops = [{"op": "put", "kind": "service", "value": {**first_service, "name_zh": f"{first_service['name_zh']}{i}"}}]
            elif i % 3 == 1:
                ops = [{"op": "put", "kind": "service", "value": {"code": "bench", "prefix": "Q", "name_zh": "临时事项",
                                                                  "name_en": "Temporary"}}]
            else:
                ops = [{"op": "remove", "kind": "service", "key": "bench"}]
            t0 = time.monotonic_ns()
            async with session.post(f"{url}/api/config", json={"base_version": version, "ops": ops}, headers=h) as r:
                reply = await r.json()
                assert r.status == 200, reply
            answered_ms.append((time.monotonic_ns() - t0) / 1e6)
            version = reply["config_version"]
            sent[version] = t0
            deadline = time.monotonic() + 10
            while len(seen.get(version, ())) < devices and time.monotonic() < deadline:
                await asyncio.sleep(0.005)
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    latencies = [(t - sent[v]) / 1e6 for v, times in seen.items() if v in sent for t in times]
    last_device = [(max(times) - sent[v]) / 1e6 for v, times in seen.items() if v in sent]
    delivered = sum(len(times) for v, times in seen.items() if v in sent)
    return [
        (f"config change -> fresh snapshot at each of {devices} devices, {changes} changes",
         f"p50 {percentile(latencies, 50):.0f} ms / p99 {percentile(latencies, 99):.0f} ms"),
        ("config change -> the last device has it", f"p50 {percentile(last_device, 50):.0f} ms / "
                                                      f"max {max(last_device):.0f} ms"),
        ("config change answered (stored, fsync)", f"p50 {percentile(answered_ms, 50):.1f} ms"),
        ("snapshots delivered", f"{delivered:,} of {devices * changes:,}"),
    ]


def main() -> None:
    print_rows(run())


if __name__ == "__main__":
    main()
