"""Kiosk tap -> first byte of the ticket at the printer: median and p90 over 50 tickets, real server process, printer on a pty.

The tap is a real mouse click on the service tile of the real kiosk window (offscreen); the
printer is the far end of a pty that answers status queries like a ready printer and notes
when the first byte arrives (the status query) and when the ticket job itself starts (ESC @).
"""
from __future__ import annotations

import os
import select
import sys
import threading
import time
import tty

from bench.harness import ServerProcess, percentile, print_rows

TICKETS = 50
WARMUP = 3


class PtyPrinter:
    """A ready printer on a pty that timestamps (CLOCK_MONOTONIC) what arrives after mark()."""

    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._buf = bytearray()
        self.first_byte: float | None = None
        self.job_start: float | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def mark(self) -> None:
        with self._lock:
            self._buf.clear()
            self.first_byte = self.job_start = None

    def _run(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self.master, 4096)
            except OSError:
                continue
            now = time.monotonic()
            with self._lock:
                if self.first_byte is None:
                    self.first_byte = now
                start = len(self._buf)
                self._buf += data
                if self.job_start is None and b"\x1b@" in self._buf[max(start - 1, 0):]:
                    self.job_start = now
                # Answer every DLE EOT n like a ready printer (the pattern 0xx1xx10: 0x12).
                answers = data.count(b"\x10\x04")
            if answers:
                os.write(self.master, b"\x12" * answers)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass


def _wait(app, cond, timeout: float) -> None:
    from PySide6.QtCore import QEventLoop

    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise TimeoutError("the kiosk did not get there in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 5)


def run(tickets: int = TICKETS) -> list[tuple[str, str]]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from kiosk.app import Kiosk
    from kiosk.config import KioskConfig
    from kiosk.models import Screen
    from printers.config import PrinterConfig
    from printers.printer import TicketPrinter
    from qtclient.appkit import make_app
    from qtclient.link import HallLink

    app = make_app("hallq-bench-kiosk")
    printer = PtyPrinter()
    try:
        with ServerProcess() as srv:
            token = srv.token("kiosk", "bench-kiosk")
            srv.start()
            config = KioskConfig(server=srv.url, token=token, windowed=True, ticket_seconds=3600,
                                 printer_poll_seconds=3600)
            link = HallLink(srv.url, token)
            kiosk = Kiosk(config, link, TicketPrinter(PrinterConfig(
                transport="serial", device=printer.path, baudrate=115200, name="bench-pty")))
            done: list[str] = []
            kiosk.print_done.connect(lambda number, ok: done.append(number) if ok else None)
            kiosk.start()
            try:
                _wait(app, lambda: kiosk.view.screen == Screen.HOME and "social" in kiosk.window.home.tiles, 15)
                first, job, screen = [], [], []
                shown: list[float] = []
                kiosk.ticket_shown.connect(lambda _n: shown.append(time.monotonic()))
                for i in range(WARMUP + tickets):
                    tile = kiosk.window.home.tiles["social"]
                    printer.mark()
                    before = len(done)
                    t0 = time.monotonic()
                    QTest.mouseClick(tile, Qt.MouseButton.LeftButton)
                    _wait(app, lambda: len(done) > before, 10)
                    if i >= WARMUP:
                        first.append((printer.first_byte - t0) * 1000)
                        job.append((printer.job_start - t0) * 1000)
                        screen.append((shown[-1] - t0) * 1000)
                    kiosk.model.go_home()
                    app.processEvents()
            finally:
                kiosk.stop()
    finally:
        printer.close()
    n = len(job)
    return [
        (f"kiosk tap -> ticket job's first byte at the printer (pty), median of {n}",
         f"{percentile(job, 50):.1f} ms (p90 {percentile(job, 90):.1f} ms)"),
        ("kiosk tap -> first byte at the printer (its status query)",
         f"{percentile(first, 50):.1f} ms (p90 {percentile(first, 90):.1f} ms)"),
        ("kiosk tap -> number on the screen", f"{percentile(screen, 50):.1f} ms (p90 {percentile(screen, 90):.1f} ms)"),
    ]


def main() -> int:
    print_rows(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
