"""The browser display reports a heartbeat (kind display, its browser version) every ?heartbeat= seconds."""
from __future__ import annotations

import time

import pytest

from tests.browser import chromium_path
from tests.qtclient.conftest import device_seen

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra: pip install -e .[test]")
pytestmark = pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (Debian's chromium)")


def test_the_browser_display_sends_heartbeats_with_its_version(server) -> None:
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(f"{server.url}/display?token={server.tokens['display']}&silent=1&heartbeat=0.2")
        deadline = time.monotonic() + 5
        while device_seen(server).get("test-display", (None, 0, ""))[1] < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        browser.close()
    _, reports, version = device_seen(server)["test-display"]
    assert reports >= 3 and version.startswith("web Chrome/"), (reports, version)
    d = next(d for d in server.snapshot().devices if d.name == "test-display")
    assert (d.kind, d.state, d.detail) == ("display", "ready", "browser")
