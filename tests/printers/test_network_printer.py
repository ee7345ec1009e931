"""Network transport over real 127.0.0.1 sockets: refused, reset mid-job, never reads, silent."""
from __future__ import annotations

import socket
import time

import pytest

from printer_fakes import free_port, full_ticket
from printers.config import PrinterConfig
from printers.errors import PrinterConnectionLost, PrinterOffline, PrinterUnavailable, PrinterWriteTimeout
from printers.printer import TicketPrinter
from printers.status import PrinterState
from printers.transports import Job

QUERIES = b"\x10\x04\x01\x10\x04\x02\x10\x04\x04"
BIG_JOB = Job(b"\x1b@" + b"x" * 4 * 1024 * 1024)


def printer_at(port: int, **kw) -> TicketPrinter:
    return TicketPrinter(PrinterConfig(transport="network", host="127.0.0.1", port=port, **kw))


def wait_for(predicate, timeout=2.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not predicate():
        time.sleep(0.01)
    return predicate()


def test_ticket_arrives_byte_for_byte_and_is_confirmed(network_printer):
    fake = network_printer()
    printer = printer_at(fake.port)
    result = printer.print_ticket(full_ticket())
    expected = QUERIES + printer.encode(full_ticket()) + b"\x10\x04\x01"
    assert wait_for(lambda: len(fake.received) >= len(expected))
    assert bytes(fake.received) == expected
    assert result.confirmed is True and result.bytes_sent == len(printer.encode(full_ticket()))


def test_refused_connection_is_unreachable_at_once():
    printer = printer_at(free_port())  # nothing listens there
    start = time.monotonic()
    status = printer.status()
    assert status.state is PrinterState.UNREACHABLE and "refused" in status.detail.lower()
    with pytest.raises(PrinterUnavailable) as excinfo:
        printer.print_ticket(full_ticket())
    assert excinfo.value.code == "printer_unreachable"
    assert time.monotonic() - start < 0.5


def test_reset_in_the_middle_of_a_job_is_connection_lost(network_printer):
    fake = network_printer(mode="reset", reset_after=100)
    with pytest.raises(PrinterConnectionLost) as excinfo:
        printer_at(fake.port).print_ticket(full_ticket())
    assert excinfo.value.code == "connection_lost"


def test_printer_that_never_reads_is_offline_and_refused(network_printer):
    fake = network_printer(mode="never_read")
    printer = printer_at(fake.port)
    start = time.monotonic()
    assert printer.status().state is PrinterState.OFFLINE
    assert time.monotonic() - start < 1.1
    with pytest.raises(PrinterOffline):
        printer.print_ticket(full_ticket())


def test_never_reading_printer_without_status_times_out_on_write(network_printer):
    fake = network_printer(mode="never_read")
    printer = printer_at(fake.port, status_queries=False, write_timeout=0.5)
    start = time.monotonic()
    with pytest.raises(PrinterWriteTimeout) as excinfo:
        printer.print_job(BIG_JOB)
    assert excinfo.value.code == "write_timeout"
    assert 0.4 < time.monotonic() - start < 1.5


def test_printer_that_stops_reading_mid_job_times_out(network_printer):
    fake = network_printer(mode="stop_reading", reset_after=1000)
    printer = printer_at(fake.port, write_timeout=0.5)
    start = time.monotonic()
    with pytest.raises(PrinterWriteTimeout):
        printer.print_job(BIG_JOB)
    assert time.monotonic() - start < 2.0
    assert bytes(fake.received).startswith(QUERIES)


def test_silent_printer_gets_only_a_status_query(network_printer):
    fake = network_printer(mode="silent")
    printer = printer_at(fake.port)
    status = printer.status()
    assert status.state is PrinterState.OFFLINE and status.elapsed < 1.05
    with pytest.raises(PrinterOffline):
        printer.print_ticket(full_ticket())
    time.sleep(0.1)
    assert bytes(fake.received) == b"\x10\x04\x01" * 2


def test_connect_timeout_is_short_when_the_printer_accepts_nothing():
    # A listener that never accepts, its backlog full: further SYNs go unanswered.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    try:
        for _ in range(8):  # bounded: fill the backlog
            s = socket.socket()
            s.settimeout(0.2)
            try:
                s.connect(("127.0.0.1", port))
            except TimeoutError:
                s.close()
                break
            fillers.append(s)
        else:
            pytest.skip("the kernel accepted every connection; cannot build a full backlog")
        printer = printer_at(port, connect_timeout=0.3)
        start = time.monotonic()
        status = printer.status()
        assert status.state is PrinterState.UNREACHABLE and "no answer to connect" in status.detail
        assert time.monotonic() - start < 0.6
    finally:
        for s in fillers:
            s.close()
        server.close()


def test_status_is_bounded_to_a_second_even_with_a_slow_connect_setting(network_printer):
    fake = network_printer(mode="silent")
    printer = printer_at(fake.port, connect_timeout=5.0)
    start = time.monotonic()
    printer.status()
    assert time.monotonic() - start < 1.1
