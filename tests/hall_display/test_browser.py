"""The browser display (/display) in Debian's headless Chromium (Playwright) against the real server: calls,
reconnect, zone, clips."""
from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from hall_display.speech import announcement_parts
from tests.browser import FLAGS, chromium_path
from tests.hall_display.conftest import call_next, issue, sign_in

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra: pip install -e .[test]")
pytestmark = pytest.mark.skipif(chromium_path() is None,
                                reason="chromium is not installed (scripts/setup.sh installs Debian's chromium)")

# The calls on the wall, newest first: the large one (blinking while fresh), then the recent list (every page).
ROWS = ("JSON.stringify([...(document.getElementById('call').hidden ? [] : [[document.getElementById('number').textContent,"
        " document.getElementById('window').textContent, document.getElementById('hero').classList.contains('fresh')]]),"
        " ...[...document.querySelectorAll('#recent .n')].map(n => [n.textContent, n.nextSibling.textContent, false])])")
SPOKEN = "JSON.stringify(hallqDisplay.state.spoken.map(s => [s.number, s.recall]))"
BANNER = "document.getElementById('banner').hidden ? '' : document.getElementById('banner').textContent"


def shot_dir(tmp_path: Path) -> Path:
    return Path(os.environ.get("HALLQ_SCREENSHOTS", tmp_path))


@pytest.fixture
def page() -> Iterator:
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=FLAGS)
        pg = browser.new_page(viewport={"width": 1920, "height": 1080})
        yield pg
        browser.close()


def wait_for(page, expression: str, timeout: float = 10.0):
    """Poll until `expression` is truthy; returns its value."""
    return page.wait_for_function(expression, timeout=timeout * 1000, polling=100).json_value()


def test_the_page_shows_a_call_and_speaks_it_with_the_same_clips(server, page, tmp_path: Path) -> None:
    sign_in(server, 1)
    issue(server)
    issue(server)
    notice = "请携带好身份证件，按号码顺序办理。"
    page.goto(f"{server.url}/display?token={server.tokens['display']}&repeat=1&notice={notice}")
    wait_for(page, "document.body.dataset.link === 'online'")
    assert page.evaluate("document.getElementById('hallName').textContent") == "测试大厅"
    assert page.evaluate("!document.getElementById('empty').hidden")
    counts = page.evaluate("[...document.querySelectorAll('#services .count')].map(c => c.textContent)")
    assert counts == ["2 人", "0 人", "0 人"]
    assert page.evaluate("document.querySelector('#tickerText span').textContent") == notice

    call_next(server, 1)
    wait_for(page, f"{ROWS}.includes('A001')")
    assert json.loads(page.evaluate(ROWS)) == [["A001", "1号窗口", True]]  # big row, blinking
    wait_for(page, "document.querySelector('#services .count').textContent === '1 人'")
    assert json.loads(page.evaluate(SPOKEN)) == [["A001", 0]]
    # The page reads numbers exactly as the Qt display does, from the same clip files.
    for number, window in (("A001", 1), ("A012", 3), ("C0001", 12), ("B100", 20)):
        js = page.evaluate(f"hallqDisplay.clipSequence({json.dumps(number)}, {window}, 2)")
        assert js == announcement_parts(number, window, 2), number
    wait_for(page, "performance.getEntriesByType('resource').filter(e => e.name.includes('/static/clips/qing.wav')).length > 0")
    wait_for(page, "hallqDisplay.state.played >= 1", timeout=15)
    # It really played through Web Audio (not skipped for want of a user gesture), for the clips' length.
    assert page.evaluate("hallqDisplay.audioState()") == "running"
    assert page.evaluate("hallqDisplay.state.spoken[0].duration") > 3.0
    path = shot_dir(tmp_path) / "browser-1080p.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))


def test_the_page_shows_the_banner_while_offline_and_resyncs_without_repeating(server, page, tmp_path: Path) -> None:
    sign_in(server, 1)
    for _ in range(3):
        issue(server)
    page.goto(f"{server.url}/display?token={server.tokens['display']}&silent=1")
    wait_for(page, "document.body.dataset.link === 'online'")
    call_next(server, 1)
    wait_for(page, f"{ROWS}.includes('A001')")

    server.stop()
    banner = wait_for(page, BANNER)
    assert banner.startswith("连接中断 · 最后更新 ") and len(banner.split()[-1]) == 8  # hh:mm:ss
    assert page.evaluate("document.getElementById('body').classList.contains('stale')")
    path = shot_dir(tmp_path) / "browser-1080p-offline.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))

    server.start()
    wait_for(page, f"({BANNER}) === ''", timeout=15)
    call_next(server, 1)
    wait_for(page, f"{ROWS}.includes('A002')")
    assert json.loads(page.evaluate(SPOKEN)) == [["A001", 0], ["A002", 0]]  # A001 not again


def test_a_zone_page_shows_only_its_windows_and_services(zoned_server, page) -> None:
    srv = zoned_server
    sign_in(srv, 1)
    sign_in(srv, 4)
    issue(srv, "tax")
    issue(srv, "estate")
    page.goto(f"{srv.url}/display?token={srv.tokens['display']}&zone=A区&silent=1")
    wait_for(page, "document.body.dataset.link === 'online'")
    names = page.evaluate("[...document.querySelectorAll('#services .name')].map(c => c.textContent)")
    assert names == ["不动产登记", "社保"]
    call_next(srv, 4)
    call_next(srv, 1)
    wait_for(page, f"{ROWS}.includes('A001')")
    assert json.loads(page.evaluate(ROWS)) == [["A001", "1号窗口", True]]
    assert json.loads(page.evaluate(SPOKEN)) == [["A001", 0]]
