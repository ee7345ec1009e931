"""Tickets issued per second over HTTP at concurrency 16 against the real server with fsync on, with p50/p99 latency.

Load comes from `wrk` (Debian package) when installed: a C load generator leaves the CPU to
the server. Otherwise a Python generator in a second process does the same, less sharply.
"""
from __future__ import annotations

import asyncio
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from bench.harness import ServerProcess, percentile, print_rows

CONCURRENCY = 16
SECONDS = 8
WARMUP_SECONDS = 2  # the first seconds of a fresh process run slower (caches, page faults)


def _wrk(url: str, token: str, seconds: int = SECONDS) -> tuple[float, float, float, int]:
    script = Path(tempfile.mkdtemp()) / "post.lua"
    script.write_text('wrk.method = "POST"\nwrk.body = \'{"service":"social"}\'\n'
                      'wrk.headers["Content-Type"] = "application/json"\n'
                      f'wrk.headers["Authorization"] = "Bearer {token}"\n')
    out = subprocess.run(["wrk", "-t1", f"-c{CONCURRENCY}", f"-d{seconds}s", "--latency", "-s", str(script),
                          f"{url}/api/tickets"], capture_output=True, text=True, timeout=seconds + 30).stdout
    def ms(label: str) -> float:
        m = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)\b", out)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, ms("50"), ms("99"), int(non2xx.group(1)) if non2xx else 0


def _python_load(url: str, token: str, seconds: int = SECONDS) -> tuple[float, float, float, int]:
    import aiohttp

    latencies: list[float] = []
    errors = 0

    async def worker(session: aiohttp.ClientSession, stop_at: float) -> None:
        nonlocal errors
        while time.monotonic() < stop_at:
            t0 = time.perf_counter()
            async with session.post(f"{url}/api/tickets", data=b'{"service":"social"}',
                                    headers={"Authorization": f"Bearer {token}"}) as r:
                await r.read()
                if r.status != 200:
                    errors += 1
            latencies.append((time.perf_counter() - t0) * 1000)

    async def main() -> float:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONCURRENCY)) as s:
            start = time.monotonic()
            await asyncio.gather(*(worker(s, start + seconds) for _ in range(CONCURRENCY)))
            return time.monotonic() - start

    elapsed = asyncio.run(main())
    return len(latencies) / elapsed, percentile(latencies, 50), percentile(latencies, 99), errors


def run() -> list[tuple[str, str]]:
    with ServerProcess() as srv:
        token = srv.token("kiosk", "bench-kiosk")
        srv.start()
        tool = "wrk" if shutil.which("wrk") else "python"
        load = _wrk if tool == "wrk" else _python_load
        load(srv.url, token, WARMUP_SECONDS)
        rate, p50, p99, errors = load(srv.url, token)
        srv.proc.terminate()
        srv.proc.wait(15)
        with sqlite3.connect(srv.data / "hallq.db") as conn:
            stored = conn.execute("select count(*), count(distinct number) from tickets").fetchone()
    return [
        (f"issue ticket over HTTP, c={CONCURRENCY}, fsync ({tool})", f"{rate:,.0f} tickets/s"),
        ("issue latency p50 / p99", f"{p50:.2f} ms / {p99:.2f} ms"),
        ("tickets stored / distinct numbers / refused", f"{stored[0]:,} / {stored[1]:,} / {errors}"),
    ]


def main() -> None:
    print_rows(run())


if __name__ == "__main__":
    main()
