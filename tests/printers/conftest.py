"""Fixtures for the printer tests: sample ticket, fake printers (pty, 127.0.0.1, pyusb) and emupos."""
from __future__ import annotations

import pytest

from printer_fakes import EMUPOS, Emupos, FakeNetworkPrinter, FakeSerialPrinter, full_ticket
from printers.ticket import PrintableTicket


@pytest.fixture
def ticket() -> PrintableTicket:
    return full_ticket()


def _closing_factory(cls):
    """Yield a maker of fake printers; close every one it made at teardown."""
    made = []

    def make(**kwargs):
        printer = cls(**kwargs)
        made.append(printer)
        return printer

    yield make
    for printer in made:
        printer.close()


@pytest.fixture
def serial_printer():
    yield from _closing_factory(FakeSerialPrinter)


@pytest.fixture
def network_printer():
    yield from _closing_factory(FakeNetworkPrinter)


@pytest.fixture(scope="module")
def emupos(tmp_path_factory):
    if not EMUPOS.exists():
        pytest.skip(f"emupos is not installed at {EMUPOS} (needs Python >= 3.13: run scripts/setup.d/emupos.sh)")
    emu = Emupos(tmp_path_factory.mktemp("emupos"))
    emu.start()
    yield emu
    emu.stop()
