"""Kiosk fixtures: the real hall server in its own thread, fake printers on a pty and on 127.0.0.1, and a kiosk wired to both."""
from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from kiosk.app import Kiosk
from kiosk.config import KioskConfig
from kiosk.models import Screen
from printers.config import PrinterConfig
from printers.printer import TicketPrinter
from qtclient.link import HallLink
from tests.printers.printer_fakes import STATUS_OK, FakeNetworkPrinter, FakeSerialPrinter
from tests.qtclient.conftest import FAST, loop_thread, make_link, provisioned_data, server  # noqa: F401

PAPER_OUT = {1: 0x12, 2: 0x32, 4: 0x72}  # DLE EOT 2 "stopped by paper end", DLE EOT 4 "paper out"


@pytest.fixture
def serial_printer() -> Iterator[FakeSerialPrinter]:
    fake = FakeSerialPrinter(replies=dict(STATUS_OK))
    yield fake
    fake.close()


@pytest.fixture
def network_printer() -> Iterator[FakeNetworkPrinter]:
    fake = FakeNetworkPrinter()
    yield fake
    fake.close()


def serial_config(fake: FakeSerialPrinter) -> PrinterConfig:
    # A pty has no baud rate; 115200 keeps the printer's own wire-time waits short.
    return PrinterConfig(transport="serial", device=fake.path, baudrate=115200, status_timeout=0.5,
                         name="kiosk-pty")


def network_config(fake: FakeNetworkPrinter) -> PrinterConfig:
    return PrinterConfig(transport="network", host="127.0.0.1", port=fake.port, status_timeout=0.5,
                         name="kiosk-tcp")


@pytest.fixture
def make_kiosk(qtbot, server) -> Iterator[Callable[..., Kiosk]]:  # noqa: F811
    made: list[Kiosk] = []

    def make(printer: PrinterConfig | None, *, online: bool = True, **settings) -> Kiosk:
        settings.setdefault("printer_poll_seconds", 0.3)
        config = KioskConfig(server=server.url, token=server.tokens["kiosk"], windowed=True, **settings)
        link = HallLink(config.server, config.resolve_token(), timings=FAST)
        kiosk = Kiosk(config, link, TicketPrinter(printer) if printer is not None else None)
        made.append(kiosk)
        qtbot.addWidget(kiosk.window)
        kiosk.start()
        if online:
            qtbot.waitUntil(lambda: kiosk.view.screen == Screen.HOME and bool(kiosk.view.buttons), timeout=5000)
        return kiosk

    yield make
    for k in made:
        k.stop()


def tap(qtbot, widget) -> None:
    assert widget.isVisible() and widget.isEnabled(), f"{widget.objectName()} cannot be tapped ({widget.isVisible()=}, {widget.isEnabled()=})"
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def type_on_keypad(qtbot, kiosk: Kiosk, text: str) -> None:
    """Tap the keys, switching between digits and letters as a citizen would."""
    pad = kiosk.window.keypad
    for ch in text:
        key = f"key-{ch.upper()}"
        if pad.findChild(QPushButton, key) is None:
            tap(qtbot, pad.findChild(QPushButton, "key-abc"))
            QApplication.processEvents()  # the new keys show on the next turn of the event loop
        tap(qtbot, pad.findChild(QPushButton, key))
