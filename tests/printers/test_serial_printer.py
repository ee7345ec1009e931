"""Serial transport over a real pty: a fake printer that answers, stays silent or stops reading."""
from __future__ import annotations

import termios
import time

import pytest

from printer_fakes import full_ticket
from printers.config import PrinterConfig
from printers.errors import PaperOut, PrinterOffline, PrinterUnavailable, PrinterWriteTimeout
from printers.printer import TicketPrinter
from printers.status import PrinterState
from printers.transports import Job, SerialTransport

QUERIES = b"\x10\x04\x01\x10\x04\x02\x10\x04\x04"


def printer_on(path: str, **kw) -> TicketPrinter:
    return TicketPrinter(PrinterConfig(transport="serial", device=path, **kw))


def wait_for(predicate, timeout=2.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not predicate():
        time.sleep(0.01)
    return predicate()


def test_ticket_arrives_byte_for_byte_after_the_status_round(serial_printer):
    fake = serial_printer()
    printer = printer_on(fake.path, baudrate=115200)
    result = printer.print_ticket(full_ticket())
    expected = QUERIES + printer.encode(full_ticket()) + b"\x10\x04\x01"
    assert wait_for(lambda: len(fake.received) >= len(expected))
    assert bytes(fake.received) == expected
    assert result.status.state is PrinterState.READY and result.confirmed is True


def test_out_of_paper_printer_gets_nothing_but_the_queries(serial_printer):
    fake = serial_printer(replies={1: 0x1A, 2: 0x32, 4: 0x7E})
    printer = printer_on(fake.path)
    assert printer.status().state is PrinterState.PAPER_OUT
    with pytest.raises(PaperOut):
        printer.print_ticket(full_ticket())
    time.sleep(0.1)
    assert bytes(fake.received) == QUERIES * 2


def test_silent_printer_is_offline_within_a_second_and_refused(serial_printer):
    fake = serial_printer(replies=None)
    printer = printer_on(fake.path)
    start = time.monotonic()
    status = printer.status()
    assert time.monotonic() - start < 1.1
    assert status.state is PrinterState.OFFLINE and "no reply to DLE EOT 1" in status.detail
    with pytest.raises(PrinterOffline) as excinfo:
        printer.print_ticket(full_ticket())
    assert excinfo.value.code == "printer_offline"
    time.sleep(0.1)
    assert bytes(fake.received) == b"\x10\x04\x01" * 2  # it gave up after the first silence


def test_printer_that_stops_reading_times_out_instead_of_hanging(serial_printer):
    fake = serial_printer(read_limit=len(QUERIES) + 100)
    printer = printer_on(fake.path, baudrate=921600, write_timeout=0.3)
    job = Job(b"\x1b@" + b"x" * 64 * 1024)  # more than the pty buffers hold
    start = time.monotonic()
    with pytest.raises(PrinterWriteTimeout) as excinfo:
        printer.print_job(job)
    elapsed = time.monotonic() - start
    assert excinfo.value.code == "write_timeout"
    # 64 KB at 921600 baud is 0.71 s on the wire; x1.5 + 0.3 s margin = 1.37 s allowed.
    assert 1.0 < elapsed < 2.5


def test_missing_serial_device_is_unreachable_at_once(tmp_path):
    printer = printer_on(str(tmp_path / "ttyUSB9"))
    start = time.monotonic()
    assert printer.status().state is PrinterState.UNREACHABLE
    with pytest.raises(PrinterUnavailable) as excinfo:
        printer.print_ticket(full_ticket())
    assert excinfo.value.code == "printer_unreachable"
    assert time.monotonic() - start < 0.5


@pytest.mark.parametrize(("rtscts", "xonxoff"), [(True, False), (False, True), (False, False)])
def test_flow_control_comes_from_the_config(serial_printer, rtscts, xonxoff):
    fake = serial_printer()
    config = PrinterConfig(transport="serial", device=fake.path, baudrate=19200, rtscts=rtscts, xonxoff=xonxoff)
    transport = SerialTransport(config)
    transport.open(1.0)
    try:
        iflag, _, cflag, _, ispeed, _, _ = termios.tcgetattr(transport._port.fd)
        assert bool(cflag & termios.CRTSCTS) is rtscts
        assert bool(iflag & termios.IXON) is xonxoff
        assert ispeed == termios.B19200
        assert transport._port.dsrdtr is False
    finally:
        transport.close()


def test_the_port_is_held_exclusively_during_a_job(serial_printer):
    fake = serial_printer()
    config = PrinterConfig(transport="serial", device=fake.path)
    first = SerialTransport(config)
    first.open(1.0)
    try:
        with pytest.raises(PrinterUnavailable):
            SerialTransport(config).open(1.0)
    finally:
        first.close()


def test_status_during_a_job_answers_at_once_with_the_last_state(serial_printer):
    import threading

    fake = serial_printer(read_limit=len(QUERIES) + 100)
    printer = printer_on(fake.path, baudrate=921600, write_timeout=0.5)
    outcome = []

    def print_big_job():
        try:
            printer.print_job(Job(b"x" * 64 * 1024))
        except Exception as exc:  # noqa: BLE001 - checked below
            outcome.append(exc)

    job = threading.Thread(target=print_big_job)
    job.start()
    try:
        assert wait_for(lambda: len(fake.received) > len(QUERIES))  # the job is under way
        start = time.monotonic()
        status = printer.status()
        assert time.monotonic() - start < 1.1
        assert status.state is PrinterState.READY and "busy" in status.detail
    finally:
        job.join(5)
    assert not job.is_alive()
    assert [type(e) for e in outcome] == [PrinterWriteTimeout]
