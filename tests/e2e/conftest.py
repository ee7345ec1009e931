"""Fixtures of the e2e tests: the processes a test starts (all killed at teardown, pass or fail),
the provisioned hall server, the app launcher and a serial printer on a real pty."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.hallproc import Apps, Hall, Processes
from tests.printers.printer_fakes import STATUS_OK, FakeSerialPrinter


@pytest.fixture
def procs() -> Iterator[Processes]:
    p = Processes()
    try:
        yield p
    finally:
        p.stop_all()


@pytest.fixture
def hall(tmp_path: Path, procs: Processes) -> Hall:
    for tool in ("Xvfb", "xdotool"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: run scripts/setup.sh", pytrace=False)
    h = Hall(tmp_path, procs)
    h.provision()
    h.start()
    return h


@pytest.fixture
def apps(hall: Hall, procs: Processes) -> Iterator[Apps]:
    a = Apps(hall, procs)
    try:
        yield a
    finally:
        a.save_screens()  # before `procs` stops the X servers


@pytest.fixture
def pty_printer(tmp_path: Path) -> Iterator[tuple[FakeSerialPrinter, Path]]:
    """A printer at the far end of a real pty, and the printer TOML that points the kiosk at it."""
    fake = FakeSerialPrinter(replies=dict(STATUS_OK))
    toml = tmp_path / "printer.toml"
    # A pty has no baud rate; 115200 keeps the printer's own wire-time waits short.
    toml.write_text(f'[printer]\nname = "kiosk-pty"\ntransport = "serial"\ndevice = "{fake.path}"\n'
                    f'baudrate = 115200\nprofile = "gb18030"\nstatus_timeout = 1.0\n')
    try:
        yield fake, toml
    finally:
        fake.close()
