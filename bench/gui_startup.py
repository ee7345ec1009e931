"""Cold start and memory of each Qt app: process start -> first snapshot from the server, and RSS once it shows it."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import ServerProcess, print_rows

RUNS = 3


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _start(cmd: list[str], log: Path, env: dict[str, str]) -> tuple[float, float]:
    """Seconds until the app logged its first snapshot, and its RSS (MiB) a second later."""
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=open(log, "w"), stderr=subprocess.STDOUT, env=env)
    try:
        deadline = t0 + 30
        while "INFO hallq.qtclient: snapshot v" not in log.read_text(errors="replace"):
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"{cmd[3]} did not start: {log.read_text()[-800:]}")
            time.sleep(0.01)
        started = time.monotonic() - t0
        time.sleep(1.0)
        return started, _rss_mib(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def run() -> list[tuple[str, str]]:
    rows = []
    with ServerProcess() as srv, tempfile.TemporaryDirectory() as tmp:
        kiosk, display = srv.token("kiosk", "bench-kiosk"), srv.token("display", "bench-display")
        window = srv.token("window", "bench-window", 1)
        srv.start()
        printer = Path(tmp) / "printer.toml"
        printer.write_text(f'[printer]\ntransport = "virtual"\nfolder = "{tmp}/tickets"\n', encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        env["QT_QPA_PLATFORM"] = "offscreen"
        hallq = [sys.executable, "-m", "hallq"]
        apps = {
            "kiosk": [*hallq, "kiosk", "--server", srv.url, "--token", kiosk, "--printer", str(printer), "--windowed"],
            "window terminal": [*hallq, "window", "--server", srv.url, "--token", window],
            "hall display": [*hallq, "display", "--server", srv.url, "--token", display, "--windowed", "--silent"],
        }
        for name, cmd in apps.items():
            results = [_start(cmd, Path(tmp) / f"{name}.log", env) for _ in range(RUNS)]
            starts, rss = [r[0] for r in results], [r[1] for r in results]
            rows.append((f"{name}: cold start to first snapshot (offscreen, median of {RUNS})",
                         f"{statistics.median(starts):.2f} s, RSS {statistics.median(rss):.0f} MiB"))
    return rows


def main() -> None:
    print_rows(run())


if __name__ == "__main__":
    main()
