"""The hall display in English shows no Chinese, Qt and browser: the sample hall's names, calls, waiting counts, the
hall's standing notice and a posted notice (a notice posted in Chinese only is not shown on an English screen).

HALLQ_ENGLISH_SHOTS=DIR keeps the screenshots."""
from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from hall_display.app import I18N_DIR
from qtclient.appkit import install_translation
from queuecore import protocol as P
from queuecore.config import load_config
from server.app import ServerConfig
from tests.browser import chromium_path
from tests.english import CJK, chinese
from tests.hall_display.conftest import ok
from tests.qtclient.conftest import ServerThread, loop_thread, provisioned_data  # noqa: F401
from tests.queuecore.conftest import at
from tests.server.conftest import PINS, Clock

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "county-hall.toml"


@pytest.fixture
def county(loop_thread, tmp_path, provisioned_data) -> Iterator[ServerThread]:  # noqa: F811
    """The real server on the sample hall, tickets waiting in four services, three called."""
    data = tmp_path / "county-data"
    shutil.copytree(provisioned_data[0], data)
    srv = ServerThread(loop=loop_thread, config=ServerConfig(hall=load_config(str(SAMPLE)), data_dir=data,
                                                             durable=False),
                       clock=Clock(at("09:00")), tokens=dict(provisioned_data[1]))
    srv.start()
    for service in ("realestate", "realestate", "social", "medical", "tax", "consult", "hukou"):
        ok(srv.execute(P.IssueTicket(service=service), "admin"))
    for window, staff in ((1, "s1"), (2, "s2"), (4, "s4")):
        ok(srv.execute(P.SignIn(staff_id=staff, pin=PINS[staff]), f"window{window}"))
        ok(srv.execute(P.CallNext(), f"window{window}"))
    yield srv
    srv.stop()


def shots() -> Path | None:
    out = os.environ.get("HALLQ_ENGLISH_SHOTS")
    return Path(out) if out else None


@pytest.fixture
def english(qapp):
    translator = install_translation(qapp, "en", I18N_DIR, "hall_display")
    yield
    qapp.removeTranslator(translator)
    install_translation(qapp, "zh", I18N_DIR, "hall_display")


def board_texts(board) -> list[str]:
    """What the board paints: its Text items, list cells and captions, the ticker and the labels."""
    from PySide6.QtWidgets import QLabel

    texts = [w.text() for w in board.findChildren(QLabel) if w.isVisible() and w.text()]
    for obj in board.findChildren(object):
        text = getattr(obj, "text", None)
        if callable(text) and not isinstance(obj, QLabel):
            try:
                value = text()
            except TypeError:
                continue
            if isinstance(value, str) and value and getattr(obj, "isVisible", lambda: True)():
                texts.append(value)
    texts += [cell for row in _rows(board) for cell in row]
    return texts


def _rows(board) -> list[tuple[str, ...]]:
    out = []
    for paged in (board.recent, board.waiting):
        for attr in ("rows", "_rows", "items"):
            rows = getattr(paged, attr, None)
            if rows and not callable(rows):
                out += [tuple(str(c) for c in r) if isinstance(r, (tuple, list)) else (str(r),) for r in rows]
                break
    return out


def test_the_qt_display_in_english_shows_no_chinese(qtbot, english, county, make_display) -> None:
    app = make_display(county, lang="en")
    board = app.board
    board.show()
    hall = load_config(str(SAMPLE))
    qtbot.waitUntil(lambda: hall.display_notice_en in board.ticker.text(), timeout=3000)
    ok(county.execute(P.PostNotice(text_zh="今天下午系统维护", text_en=""), "admin"))  # Chinese only
    ok(county.execute(P.IssueTicket(service="fund"), "admin"))
    qtbot.waitUntil(lambda: any("Housing Provident Fund" in t for t in board_texts(board)), timeout=3000)
    QApplication.processEvents()
    texts = board_texts(board)
    assert any("Real Estate Registration" in t for t in texts) and any("Window 1" in t for t in texts)
    assert chinese(texts) == []
    assert board.ticker.text() == hall.display_notice_en
    ok(county.execute(P.PostNotice(text_zh="今天下午系统维护", text_en="System maintenance this afternoon"), "admin"))
    qtbot.waitUntil(lambda: board.ticker.text().startswith("System maintenance this afternoon"), timeout=3000)
    assert not CJK.search(board.ticker.text())
    if out := shots():
        out.mkdir(parents=True, exist_ok=True)
        board.grab().save(str(out / "display-qt-en.png"))


def test_the_qt_display_in_chinese_keeps_the_halls_chinese_notice(qtbot, county, make_display) -> None:
    app = make_display(county)
    hall = load_config(str(SAMPLE))
    qtbot.waitUntil(lambda: app.board.ticker.text() == hall.display_notice_zh, timeout=3000)


playwright = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")


@pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (Debian's chromium)")
def test_the_browser_display_in_english_shows_no_chinese(county) -> None:
    hall = load_config(str(SAMPLE))
    ok(county.execute(P.PostNotice(text_zh="今天下午系统维护", text_en=""), "admin"))  # Chinese only: not shown
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(f"{county.url}/display?token={county.tokens['display']}&silent=1&lang=en")
        playwright.expect(page.locator("#tickerText span").first).to_have_text(hall.display_notice_en, timeout=5000)
        playwright.expect(page.locator("body")).to_contain_text("Real Estate Registration", timeout=5000)
        text = page.evaluate("document.body.innerText")
        assert "Window 1" in text
        found = [line for line in text.splitlines() if CJK.search(line)]
        assert found == []
        if out := shots():
            out.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out / "display-browser-en.png"))
        zh = browser.new_page(viewport={"width": 1920, "height": 1080})
        zh.goto(f"{county.url}/display?token={county.tokens['display']}&silent=1")
        ticker = zh.locator("#tickerText span").first
        playwright.expect(ticker).to_have_text(re.compile("今天下午系统维护"), timeout=5000)
        browser.close()
