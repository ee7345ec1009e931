"""The Qt wall display reports a heartbeat (kind display, its version) every heartbeat_seconds while online."""
from __future__ import annotations

from qtclient.heartbeat import app_version
from tests.qtclient.conftest import device_seen


def test_the_display_sends_heartbeats_with_its_version(qtbot, server, make_display) -> None:
    app = make_display(server, heartbeat_seconds=0.2)
    qtbot.waitUntil(lambda: device_seen(server).get("test-display", (None, 0, ""))[1] >= 3, timeout=5000)
    _, _, version = device_seen(server)["test-display"]
    assert version == app_version() and version
    d = next(d for d in server.snapshot().devices if d.name == "test-display")
    assert (d.kind, d.state) == ("display", "ready")
    app.stop()
    count = device_seen(server)["test-display"][1]
    qtbot.wait(600)
    assert device_seen(server)["test-display"][1] == count  # stopped: no more beats
