"""The browser display's ticker shows the notice a supervisor posts, before the page's own (Playwright, Debian's Chromium)."""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import pytest

from queuecore import protocol as P
from tests.browser import chromium_path
from tests.hall_display.conftest import ok

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra: pip install -e .[test]")
expect = playwright.expect
pytestmark = pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (Debian's chromium)")


def test_a_posted_notice_scrolls_on_the_browser_display_and_goes_when_taken_down(server) -> None:
    own = "请携带好身份证件"
    posted = P.PostNotice(text_zh="今日15:00起系统维护", text_en="Maintenance from 15:00",
                          until=datetime.fromisoformat("2026-11-23T17:00:00+08:00"))
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(f"{server.url}/display?token={server.tokens['display']}&silent=1&notice={quote(own)}")
        ticker = page.locator("#tickerText span").first
        expect(ticker).to_have_text(own, timeout=5000)
        ok(server.execute(posted, "admin"))
        expect(ticker).to_have_text(f"{posted.text_zh}\u3000\u3000{own}", timeout=2000)
        shots = Path(os.environ.get("HALLQ_SHOTS", "/tmp/hallq-console-shots"))
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / "display-browser-notice-1920.png"))
        en = browser.new_page(viewport={"width": 1366, "height": 768})  # from the snapshot, in English
        en.goto(f"{server.url}/display?token={server.tokens['display']}&silent=1&lang=en")
        expect(en.locator("#tickerText span").first).to_have_text(posted.text_en, timeout=5000)
        ok(server.execute(P.PostNotice(text_zh="", text_en=""), "admin"))
        expect(ticker).to_have_text(own, timeout=2000)
        expect(en.locator("#ticker")).to_be_hidden(timeout=2000)
        browser.close()
