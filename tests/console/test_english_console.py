"""The console offers the hall's close reasons (zh/en, its configuration) when a supervisor closes a service: the
reason is stored as the hall lists it in Chinese, the English console shows its English, and the English kiosk then
finds it; a window paused for one of the hall's pause reasons reads in English too (Debian's Chromium against the
real server on the sample hall)."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from queuecore import protocol as P
from queuecore.config import load_config
from server.app import ServerConfig
from server.console_cli import add_user_in
from tests.browser import chromium_path
from tests.qtclient.conftest import LoopThread, ServerThread
from tests.queuecore.conftest import at
from tests.server.conftest import PINS, Clock, provision

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")
expect = playwright.expect
pytestmark = pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (Debian's chromium)")
SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "county-hall.toml"
PASSWORD = "correct-horse-2"


@pytest.fixture
def county(tmp_path) -> Iterator[ServerThread]:
    data = tmp_path / "data"
    tokens = provision(data)
    add_user_in(data, "zhang", "张主任", "supervisor", PASSWORD)
    loop = LoopThread()
    server = ServerThread(loop=loop, config=ServerConfig(hall=load_config(str(SAMPLE)), data_dir=data, durable=False),
                          clock=Clock(at("10:30")), tokens=tokens)
    server.start()
    yield server
    server.stop()
    loop.close()


def test_a_service_closed_with_a_listed_reason_reads_in_english(county) -> None:
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(county.url + "/console?lang=en")
        page.fill("#username", "zhang")
        page.fill("#password", PASSWORD)
        page.click("#loginForm button")
        page.click('#tabs button[data-tab="actions"]')
        row = page.locator('#serviceActions tr[data-service="social"]')
        expect(row).to_be_visible(timeout=5000)
        options = page.eval_on_selector_all("#closeReasons option", "os => os.map(o => [o.value, o.label])")
        assert ["人员不足", "Short of staff"] in options
        assert row.locator('input[type="text"]').get_attribute("list") == "closeReasons"
        row.locator('input[type="text"]').fill("人员不足")  # what picking "Short of staff" from the list puts in
        row.locator("button").first.click()
        expect(row).to_contain_text("(Short of staff)", timeout=3000)
        # A window paused for a listed reason (stored in Chinese, with the clerk's note) reads in English.
        assert isinstance(county.execute(P.SignIn(staff_id="s1", pin=PINS["s1"]), "window1"), P.Result)
        assert isinstance(county.execute(P.PauseWindow(reason="培训：两点回来"), "window1"), P.Result)
        page.click('#tabs button[data-tab="live"]')
        expect(page.locator('#tiles .tile[data-window="1"]')).to_contain_text("(Training: 两点回来)", timeout=3000)
        browser.close()
    snap = county.snapshot()
    social = next(s for s in snap.services if s.code == "social")
    assert social.closed_reason == "人员不足"  # stored as the hall lists it
    assert snap.hall.close_reason(social.closed_reason, "en") == "Short of staff"  # what an English kiosk shows
