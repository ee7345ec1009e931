"""The phone page in English shows no Chinese (Debian's Chromium, 360×640), on the sample hall: the waiting page with
its materials, a 不持件 suspension with what to bring back, and 扫码评价 with the hall's reasons; the reason chosen in
English is stored as the hall lists it in Chinese. Only the language toggle (中文) is Chinese.

HALLQ_ENGLISH_SHOTS=DIR keeps the screenshots."""
from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from queuecore import protocol as P
from queuecore.config import load_config
from server.app import ServerConfig
from tests.browser import chromium_path
from tests.english import chinese
from tests.qtclient.conftest import ServerThread, loop_thread, provisioned_data  # noqa: F401
from tests.queuecore.conftest import at
from tests.server.conftest import PINS, Clock

pytestmark = pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed")
playwright = pytest.importorskip("playwright.sync_api")
SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "county-hall.toml"


def ok(reply) -> P.Result:
    assert isinstance(reply, P.Result), reply
    return reply


@pytest.fixture
def county(loop_thread, tmp_path, provisioned_data) -> Iterator[ServerThread]:  # noqa: F811
    data = tmp_path / "county-data"
    shutil.copytree(provisioned_data[0], data)
    srv = ServerThread(loop=loop_thread, config=ServerConfig(hall=load_config(str(SAMPLE)), data_dir=data,
                                                             durable=False),
                       clock=Clock(at("09:00")), tokens=dict(provisioned_data[1]))
    srv.start()
    ok(srv.execute(P.SignIn(staff_id="s1", pin=PINS["s1"]), "window1"))
    yield srv
    srv.stop()


def body_text(page) -> str:
    return page.evaluate("document.body.innerText")


def look(page, name: str) -> None:
    if out := os.environ.get("HALLQ_ENGLISH_SHOTS"):
        Path(out).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(out) / f"phone-{name}-en.png"), full_page=True)


def test_the_phone_page_in_english_shows_no_chinese(county) -> None:
    paths = [ok(county.execute(P.IssueTicket(service="realestate"), "kiosk")).data["status_path"] for _ in range(3)]
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        ctx = browser.new_context(viewport={"width": 360, "height": 640}, device_scale_factor=2, is_mobile=True,
                                  locale="en-US")
        waiting = ctx.new_page()
        waiting.goto(county.url + paths[2] + "?lang=en")
        waiting.wait_for_function("document.body.dataset.link === 'online'", timeout=10_000)
        text = body_text(waiting)
        assert "Tax payment certificate" in text and "Model County Government Service Center" in text
        assert chinese(text.splitlines()) == []
        look(waiting, "waiting")

        # A001 is called, served and suspended 不持件: two items to bring back (stored in Chinese).
        ok(county.execute(P.CallNext(), "window1"))
        ok(county.execute(P.StartServing(), "window1"))
        ok(county.execute(P.Suspend(kind="away", bring=["完税凭证", "婚姻状况证明"]), "window1"))
        away = ctx.new_page()
        away.goto(county.url + paths[0] + "?lang=en")
        away.wait_for_function("document.body.dataset.status === 'suspended'", timeout=10_000)
        text = body_text(away)
        assert "Tax payment certificate" in text and "Proof of marital status" in text
        assert chinese(text.splitlines()) == []
        look(away, "suspended")

        # A002 is served and finished: the page asks for a rating; a low one shows the hall's reasons.
        ok(county.execute(P.CallNext(), "window1"))
        ok(county.execute(P.StartServing(), "window1"))
        ok(county.execute(P.Finish(), "window1"))
        rate = ctx.new_page()
        rate.goto(county.url + paths[1] + "?lang=en")
        rate.wait_for_selector("button.level")
        rate.click("button.level[data-level='1']")
        rate.wait_for_selector("button.reason")
        text = body_text(rate)
        assert "Unfriendly staff" in text
        assert chinese(text.splitlines()) == []
        look(rate, "rating")
        rate.click("button.reason:has-text('Unfriendly staff')")
        rate.click("#send")
        rate.wait_for_selector("#rated")
        assert chinese(body_text(rate).splitlines()) == []
        browser.close()
    again = county.execute(P.RateVisit(number="A002", level=5), "window1")
    assert isinstance(again, P.Error) and again.code == "already_rated"
    with sqlite3.connect(county.config.data_dir / "hallq.db") as db:  # stored as the hall lists it, in Chinese
        assert db.execute("SELECT rating, rating_reason FROM tickets WHERE number = 'A002'").fetchone() == (1, "服务态度差")
