"""The window terminal reports a heartbeat (kind terminal, its window, its version) every heartbeat_seconds."""
from __future__ import annotations

from qtclient.heartbeat import app_version
from tests.qtclient.conftest import device_seen


def test_the_terminal_sends_heartbeats_with_its_version(qtbot, server, make_terminal) -> None:
    make_terminal("window1", heartbeat_seconds=0.2)
    qtbot.waitUntil(lambda: device_seen(server).get("test-window1", (None, 0, ""))[1] >= 3, timeout=5000)
    assert device_seen(server)["test-window1"][2] == app_version()
    d = next(d for d in server.snapshot().devices if d.name == "test-window1")
    assert (d.kind, d.state) == ("terminal", "ready")
