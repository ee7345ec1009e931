"""Device-file transport (a FIFO stands in for /dev/usb/lp0) and the virtual folder printer."""
from __future__ import annotations

import os
import threading
import time

import pytest

from printer_fakes import full_ticket
from printers.config import PrinterConfig
from printers.errors import CoverOpen, PaperOut, PrinterUnavailable, PrinterWriteTimeout
from printers.printer import TicketPrinter
from printers.status import PrinterState
from printers.transports import Job


class FifoReader:
    """The "printer" end of a FIFO; reads everything, or stops after `limit` bytes."""

    def __init__(self, path, limit=None):
        self.fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        self.limit = limit
        self.data = bytearray()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.wait(0.01):
            if self.limit is not None and len(self.data) >= self.limit:
                continue
            try:
                chunk = os.read(self.fd, 65536)
            except BlockingIOError:
                continue
            self.data += chunk

    def close(self):
        self._stop.set()
        self._thread.join(2)
        os.close(self.fd)


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "lp0"
    os.mkfifo(path)
    return path


def test_device_file_receives_the_ticket(fifo):
    reader = FifoReader(fifo)
    try:
        printer = TicketPrinter(PrinterConfig(transport="file", device=str(fifo)))
        result = printer.print_ticket(full_ticket())
        expected = printer.encode(full_ticket())
        deadline = time.monotonic() + 2
        while len(reader.data) < len(expected) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert bytes(reader.data) == expected  # no status queries: usblp is write-only for us
        assert result.status.state is PrinterState.UNKNOWN and result.confirmed is None
    finally:
        reader.close()


def test_device_with_nobody_at_the_other_end_is_unreachable(fifo, tmp_path):
    for path in (fifo, tmp_path / "missing"):  # FIFO without reader: ENXIO; missing: ENOENT
        printer = TicketPrinter(PrinterConfig(transport="file", device=str(path)))
        assert printer.status().state is PrinterState.UNREACHABLE
        with pytest.raises(PrinterUnavailable):
            printer.print_ticket(full_ticket())


def test_stuck_device_times_out_instead_of_blocking(fifo):
    reader = FifoReader(fifo, limit=1)
    try:
        printer = TicketPrinter(PrinterConfig(transport="file", device=str(fifo), write_timeout=0.3))
        start = time.monotonic()
        with pytest.raises(PrinterWriteTimeout):
            printer.print_job(Job(b"x" * 1024 * 1024))  # more than a pipe holds
        assert 0.25 < time.monotonic() - start < 1.0
    finally:
        reader.close()


def test_virtual_printer_writes_bin_and_png_per_ticket(tmp_path):
    from PySide6.QtGui import QImage

    folder = tmp_path / "printed"
    printer = TicketPrinter(PrinterConfig(folder=str(folder)))
    ticket = full_ticket()
    printer.print_ticket(ticket)
    printer.print_ticket(full_ticket(number="A013"))
    bins = sorted(folder.glob("*.bin"))
    pngs = sorted(folder.glob("*.png"))
    assert [p.stem.rsplit("-", 1)[-1] for p in bins] == ["A012", "A013"]
    assert bins[0].read_bytes() == printer.encode(ticket)
    assert [p.stem for p in pngs] == [p.stem for p in bins]
    assert QImage(str(pngs[0])).width() == 576
    assert not list(folder.glob("*.tmp"))


@pytest.mark.parametrize(("marker", "error"), [("paper-out", PaperOut), ("cover-open", CoverOpen)])
def test_virtual_printer_faults_from_marker_files(tmp_path, marker, error):
    (tmp_path / marker).touch()
    printer = TicketPrinter(PrinterConfig(folder=str(tmp_path)))
    assert printer.status().state.value == marker.replace("-", "_")
    with pytest.raises(error):
        printer.print_ticket(full_ticket())
    assert not list(tmp_path.glob("*.bin"))


def test_virtual_printer_in_an_impossible_folder_is_unreachable(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    printer = TicketPrinter(PrinterConfig(folder=str(blocker / "printed")))
    assert printer.status().state is PrinterState.UNREACHABLE
    with pytest.raises(PrinterUnavailable):
        printer.print_ticket(full_ticket())
