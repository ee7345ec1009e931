"""Fixtures for the printer tests: sample ticket, fake printers (pty, 127.0.0.1, pyusb) and emupos."""
from __future__ import annotations

import pytest

from printer_fakes import EMUPOS, Emupos, FakeNetworkPrinter, FakeSerialPrinter, full_ticket
from printers.ticket import PrintableTicket


@pytest.fixture
def ticket() -> PrintableTicket:
    return full_ticket()


@pytest.fixture
def serial_printer():
    made: list[FakeSerialPrinter] = []

    def make(**kwargs) -> FakeSerialPrinter:
        printer = FakeSerialPrinter(**kwargs)
        made.append(printer)
        return printer

    yield make
    for printer in made:
        printer.close()


@pytest.fixture
def network_printer():
    made: list[FakeNetworkPrinter] = []

    def make(**kwargs) -> FakeNetworkPrinter:
        printer = FakeNetworkPrinter(**kwargs)
        made.append(printer)
        return printer

    yield make
    for printer in made:
        printer.close()


@pytest.fixture(scope="module")
def emupos(tmp_path_factory):
    if not EMUPOS.exists():
        pytest.skip(f"emupos is not installed at {EMUPOS} (needs Python >= 3.13: run scripts/setup.d/emupos.sh)")
    emu = Emupos(tmp_path_factory.mktemp("emupos"))
    emu.start()
    yield emu
    emu.stop()
