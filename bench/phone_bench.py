"""Phone pages on one hall server: N open SSE pages (/t/<id>/events), one call, how soon each page hears of it
(goal, issue 14: 10,000 pages, p99 <= 1 s), and the server's memory before and after the pages opened.

The pages share 500 waiting tickets (20 pages each): a call moves every queue position, so every page gets a new
entry from the one view the server builds per change (one encoded frame per ticket, written to each of its
pages). Three figures, all on one wall clock (time.time() in every process of this machine):
  * end to end: from just before the call is POSTed to the moment a page's new entry is read by its client;
  * the server's part: the call's arrival is not visible, so from the POST to the end of the server's fan-out
    (its log line "phone view ... (wall <start> to <end>)": every page's bytes handed to the kernel);
  * the clients' part: a page's receipt minus the end of that fan-out (the kernel, and the load generator
    reading 10,000 sockets on the same cores as the server).
The load generator is CLIENTS processes, each one epoll loop over its sockets (no per-page task): a page's time
is taken when its client reads the bytes, so a slow client shows as client-side delay, not as server time.
"""
from __future__ import annotations

import os
import re
import resource
import selectors
import socket
import statistics
import time

from bench.harness import ServerProcess, percentile

PAGES = int(os.environ.get("HALLQ_PHONE_PAGES", "10000"))
CLIENTS = int(os.environ.get("HALLQ_PHONE_CLIENTS", "4"))
TICKETS = 500
GOAL_P99_S = 1.0


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def client(port: int, paths: list[str], ready, out) -> None:
    """One client process: open its pages (raw HTTP/1.1 over epoll), say ready once each has its first entry,
    then stamp the first new entry each page reads after the call."""
    sel = selectors.DefaultSelector()
    seen: dict[socket.socket, int] = {}  # data events read so far per page
    heard: list[float] = []
    for i, path in enumerate(paths):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(f"GET {path}/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode())
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
        seen[s] = 0
        if i % 250 == 249:
            time.sleep(0.05)  # open them in waves, as phones would
    deadline = time.monotonic() + 120
    opened = 0
    while opened < len(paths) and time.monotonic() < deadline:
        for key, _ in sel.select(1.0):
            data = key.fileobj.recv(65536)
            if data.count(b"data: ") and seen[key.fileobj] == 0:
                opened += 1
            seen[key.fileobj] += data.count(b"data: ")
    ready.put(opened)
    deadline = time.monotonic() + 40
    waiting = {s for s, n in seen.items() if n <= 1}
    while waiting and time.monotonic() < deadline:
        for key, _ in sel.select(1.0):
            s = key.fileobj
            data = s.recv(65536)
            now = time.time()
            if b"data: " in data and s in waiting:
                heard.append(now)
                waiting.discard(s)
    out.put(heard)
    for s in seen:
        s.close()


def measure(srv: ServerProcess, kiosk: str, window: str) -> tuple[list[float], float, float, float, float]:
    import json
    import multiprocessing as mp
    import urllib.request

    def post(path: str, token: str, body: bytes = b"{}") -> dict:
        req = urllib.request.Request(srv.url + path, data=body, method="POST", headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req) as r:
            return json.loads(r.read())

    paths = [post("/api/tickets", kiosk, b'{"service": "social"}')["status_path"] for _ in range(TICKETS)]
    post("/api/windows/1/sign-in", window, b'{"staff_id": "b1", "pin": "1357"}')
    before = rss_mib(srv.proc.pid)
    port = int(srv.url.rsplit(":", 1)[1])
    ctx = mp.get_context("fork")
    ready, out = ctx.Queue(), ctx.Queue()
    pages = [paths[i % TICKETS] for i in range(PAGES)]
    procs = [ctx.Process(target=client, args=(port, pages[k::CLIENTS], ready, out)) for k in range(CLIENTS)]
    for p in procs:
        p.start()
    opened = sum(ready.get(timeout=180) for _ in procs)
    assert opened == PAGES, f"only {opened} of {PAGES} pages opened"
    after = rss_mib(srv.proc.pid)
    time.sleep(1.0)  # settled: no page is still being set up
    t0 = time.time()
    post("/api/windows/1/call-next", window)
    heard: list[float] = []
    for _ in procs:
        heard += out.get(timeout=60)
    for p in procs:
        p.join(10)
    return heard, t0, before, after, opened


def run() -> list[tuple[str, str]]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, PAGES + 1000)), hard))
    with ServerProcess() as srv:
        kiosk, window = srv.token("kiosk", "bench-kiosk"), srv.token("window", "bench-window", 1)
        srv.clerk("b1", "1357")
        srv.start()
        heard, t0, before, after, _ = measure(srv, kiosk, window)
        time.sleep(0.2)
        log = srv.log.read_text(errors="replace")
    fanouts = [m for m in re.finditer(r"phone view v\d+: (\d+) tickets to (\d+) pages in (\d+) ms \(view (\d+) ms, "
                                      r"writes (\d+) ms; wall ([\d.]+) to ([\d.]+)\)", log)
               if float(m.group(6)) >= t0 - 0.001]
    heard = sorted(h - t0 for h in heard)
    p50, p99 = (statistics.median(heard), percentile(heard, 99)) if heard else (float("nan"), float("nan"))
    ok = len(heard) == PAGES and p99 <= GOAL_P99_S
    rows = [(f"phone pages: {PAGES} open over SSE, one call (end to end)",
             f"{len(heard)} heard it: p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, last "
             f"{heard[-1] * 1000 if heard else 0:.0f} ms (goal p99 <= {GOAL_P99_S:g} s: {'met' if ok else 'NOT met'}; "
             f"{CLIENTS} client processes on the same cores)")]
    if fanouts:
        f = fanouts[0]
        start, end = float(f.group(6)) - t0, float(f.group(7)) - t0
        client_part = sorted(h - end for h in heard)
        rows += [("phone pages: the server's part", f"POST to the last of {f.group(2)} pages written: {end * 1000:.0f} ms "
                                                    f"(the change stored and published by {start * 1000:.0f} ms; the "
                                                    f"view of {f.group(1)} tickets {f.group(4)} ms, then "
                                                    f"{f.group(2)} socket writes {f.group(5)} ms)"),
                 ("phone pages: the clients' part", f"receipt minus the fan-out's end: p50 "
                                                    f"{statistics.median(client_part) * 1000:+.0f} ms (read while the "
                                                    f"server still wrote), p99 {percentile(client_part, 99) * 1000:+.0f}"
                                                    f" ms, last {client_part[-1] * 1000:+.0f} ms")]
    else:
        rows.append(("phone pages: the server's part", "no fan-out line in the server's log"))
    rows.append(("phone pages: server memory", f"{before:.0f} MiB before the pages, {after:.0f} MiB with {PAGES} "
                 f"open ({(after - before) * 1024 / max(1, PAGES):.1f} KiB a page)"))
    return rows


if __name__ == "__main__":
    from bench.harness import print_rows

    print_rows(run())
