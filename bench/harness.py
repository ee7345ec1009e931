"""Benchmark plumbing: a real hall server in its own process on 127.0.0.1, provisioned with tokens and clerks."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from server.cli import add_clerk_in, create_token_in
from server.reports import percentile  # noqa: F401  (the benchmarks' percentile, re-exported)

ROOT = Path(__file__).resolve().parents[1]
OPEN_HALL = ROOT / "tests" / "server" / "data" / "open-hall.toml"


def print_rows(rows: list[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in rows)
    for name, figure in rows:
        print(f"{name:<{width}}  {figure}")


class ServerProcess:
    """`hallq server` on port 0 in a fresh data dir; stops on exit from the with-block."""

    def __init__(self, config: Path = OPEN_HALL, *extra: str) -> None:
        self.tmp = tempfile.TemporaryDirectory(prefix="hallq-bench-")
        self.data = Path(self.tmp.name) / "data"
        self.log = Path(self.tmp.name) / "server.log"
        self.config = config
        self.extra = extra
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def token(self, role: str, name: str, window: int | None = None) -> str:
        return create_token_in(self.data, role, name, window)

    def clerk(self, staff_id: str, pin: str) -> None:
        add_clerk_in(self.data, staff_id, staff_id, pin)

    def start(self) -> "ServerProcess":
        self.data.mkdir(parents=True, exist_ok=True)
        out = open(self.log, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, *(os.environ.get("HALLQ_BENCH_SERVER", "-m hallq").split()), "server", "--config", str(self.config), "--data", str(self.data),
             "--port", "0", "--kiosk-limit", "100000000", *self.extra], stdout=out, stderr=out, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", self.log.read_text(errors="replace"))
            if m:
                self.url = m.group(1)
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            time.sleep(0.05)
        raise RuntimeError("server did not start within 30 s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.tmp.cleanup()

    def __enter__(self) -> "ServerProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
