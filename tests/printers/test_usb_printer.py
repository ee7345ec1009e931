"""USB transport: python-escpos's Usb printer driven through a fake pyusb backend."""
from __future__ import annotations

import pytest

from printer_fakes import full_ticket, make_usb_backend
from printers.config import PrinterConfig
from printers.errors import PaperOut, PrinterUnavailable, PrinterWriteTimeout
from printers.printer import TicketPrinter
from printers.status import PrinterState

QUERIES = b"\x10\x04\x01\x10\x04\x02\x10\x04\x04"


def usb_printer(backend, **kw) -> TicketPrinter:
    config = PrinterConfig(transport="usb", usb_vendor_id=0x0416, usb_product_id=0x5011, **kw)
    return TicketPrinter(config, usb_backend=backend)


def test_ticket_goes_to_the_bulk_out_endpoint_and_is_confirmed():
    backend = make_usb_backend()
    printer = usb_printer(backend)
    result = printer.print_ticket(full_ticket())
    assert bytes(backend.written) == QUERIES + printer.encode(full_ticket()) + b"\x10\x04\x01"
    assert result.status.state is PrinterState.READY and result.confirmed is True
    assert backend.opened == backend.closed >= 1  # every handle released after the job


def test_status_is_read_from_the_bulk_in_endpoint():
    printer = usb_printer(make_usb_backend(replies={1: 0x1A, 2: 0x16, 4: 0x12}))
    assert printer.status().state is PrinterState.COVER_OPEN


def test_out_of_paper_usb_printer_gets_no_job():
    backend = make_usb_backend(replies={1: 0x1A, 2: 0x32, 4: 0x7E})
    with pytest.raises(PaperOut):
        usb_printer(backend).print_ticket(full_ticket())
    assert bytes(backend.written) == QUERIES


def test_unplugged_printer_is_unreachable():
    printer = usb_printer(make_usb_backend(present=False))
    status = printer.status()
    assert status.state is PrinterState.UNREACHABLE and "0416:5011" in status.detail
    with pytest.raises(PrinterUnavailable) as excinfo:
        printer.print_ticket(full_ticket())
    assert excinfo.value.code == "printer_unreachable"


def test_other_usb_device_is_not_taken_for_the_printer():
    printer = usb_printer(make_usb_backend(vendor=0x1234, product=0x0001))
    assert printer.status().state is PrinterState.UNREACHABLE


def test_stalled_endpoint_is_a_write_timeout_with_our_timeout():
    backend = make_usb_backend(stall_writes=True)
    printer = usb_printer(backend, status_queries=False, write_timeout=2.5)
    with pytest.raises(PrinterWriteTimeout) as excinfo:
        printer.print_ticket(full_ticket())
    assert excinfo.value.code == "write_timeout"
    assert backend.write_timeouts == [2500]  # milliseconds, as pyusb wants them


def test_silent_usb_printer_is_offline():
    printer = usb_printer(make_usb_backend(replies=None))
    assert printer.status().state is PrinterState.OFFLINE
