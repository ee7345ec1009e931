"""The kiosk's heartbeat carries its printer's state (缺纸 included) and its version, every heartbeat_seconds."""
from __future__ import annotations

from qtclient.heartbeat import app_version
from tests.kiosk.conftest import PAPER_OUT, serial_config
from tests.qtclient.conftest import device_seen


def test_the_kiosk_sends_heartbeats_with_its_printer_state(qtbot, make_kiosk, server, serial_printer) -> None:
    serial_printer.replies = dict(PAPER_OUT)
    kiosk = make_kiosk(serial_config(serial_printer), heartbeat_seconds=0.2)
    qtbot.waitUntil(lambda: kiosk.view.printer_state == "paper_out", timeout=3000)
    qtbot.waitUntil(lambda: kiosk.heartbeat.sent >= 3, timeout=5000)
    qtbot.waitUntil(lambda: device_seen(server).get("test-kiosk", (None, 0, ""))[1] >= 3, timeout=3000)
    assert device_seen(server)["test-kiosk"][2] == app_version()
    d = next(d for d in server.snapshot().devices if d.name == "test-kiosk")
    assert (d.kind, d.state) == ("printer", "paper_out")
