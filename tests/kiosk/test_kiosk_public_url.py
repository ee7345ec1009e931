"""The printed QR code leads to the hall's public base URL (phones on mobile data), not the kiosk's LAN address."""
from __future__ import annotations

import shutil
from collections.abc import Iterator

import msgspec
import pytest

from server.app import ServerConfig
from tests.kiosk.conftest import network_config, tap
from tests.qtclient.conftest import ServerThread
from tests.queuecore.conftest import at, make_config
from tests.server.conftest import Clock

PUBLIC = "https://zwfw.example.gov.cn/hall1"


@pytest.fixture
def server(loop_thread, tmp_path, provisioned_data) -> Iterator[ServerThread]:
    data = tmp_path / "data"
    shutil.copytree(provisioned_data[0], data)
    hall = msgspec.structs.replace(make_config(), public_base_url=PUBLIC)
    srv = ServerThread(loop=loop_thread, config=ServerConfig(hall=hall, data_dir=data, durable=False),
                       clock=Clock(at("09:00")), tokens=dict(provisioned_data[1]))
    srv.start()
    yield srv
    srv.stop()


def test_the_qr_code_is_the_public_base_url_and_the_status_path(qtbot, make_kiosk, server, network_printer):
    kiosk = make_kiosk(network_config(network_printer))
    with qtbot.waitSignal(kiosk.print_done, timeout=5000):
        tap(qtbot, kiosk.window.home.tiles["social"])
    ticket = next(t for t in server.snapshot().tickets if t.number == "B001")
    assert kiosk.window.ticket.qr.data == f"{PUBLIC}/t/{ticket.public_id}"
    qtbot.waitUntil(lambda: f"{PUBLIC}/t/{ticket.public_id}".encode() in bytes(network_printer.received), timeout=3000)
