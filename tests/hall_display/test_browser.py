"""The browser display (/display) in Debian's headless Chromium against the real server: calls, reconnect, zone, clips."""
from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from hall_display.speech import announcement_parts
from tests.hall_display.cdp import Chromium, chromium_path
from tests.hall_display.conftest import call_next, issue, sign_in

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


async def off_thread(fn, *args):
    """Server helpers block on the server's own loop thread: keep our loop (and the CDP socket) free."""
    return await asyncio.to_thread(fn, *args)


async def test_the_page_shows_a_call_and_speaks_it_with_the_same_clips(server, tmp_path: Path) -> None:
    await off_thread(sign_in, server, 1)
    await off_thread(issue, server)
    await off_thread(issue, server)
    notice = "请携带好身份证件，按号码顺序办理。"
    async with Chromium() as browser:
        await browser.goto(f"{server.url}/display?token={server.tokens['display']}&repeat=1&notice={notice}")
        await browser.wait_for("document.body.dataset.link === 'online'")
        assert await browser.eval("document.getElementById('hallName').textContent") == "测试大厅"
        assert await browser.eval("!document.getElementById('empty').hidden")
        counts = await browser.eval("[...document.querySelectorAll('#services .count')].map(c => c.textContent)")
        assert counts == ["2 人", "0 人", "0 人"]

        await off_thread(call_next, server, 1)
        await browser.wait_for(f"{ROWS}.includes('A001')")
        assert json.loads(await browser.eval(ROWS)) == [["A001", "1号窗口", True]]  # big row, blinking
        await browser.wait_for("document.querySelector('#services .count').textContent === '1 人'")
        assert json.loads(await browser.eval(SPOKEN)) == [["A001", 0]]
        # The page reads numbers exactly as the Qt display does, from the same clip files.
        for number, window in (("A001", 1), ("A012", 3), ("C0001", 12), ("B100", 20)):
            js = await browser.eval(f"hallqDisplay.clipSequence({json.dumps(number)}, {window}, 2)")
            assert js == announcement_parts(number, window, 2), number
        await browser.wait_for("performance.getEntriesByType('resource').filter(e => e.name.includes('/static/clips/qing.wav')).length > 0")
        await browser.wait_for("hallqDisplay.state.played >= 1", timeout=15)
        # It really played through Web Audio (not skipped for want of a user gesture), for the clips' length.
        assert await browser.eval("hallqDisplay.audioState()") == "running"
        assert await browser.eval("hallqDisplay.state.spoken[0].duration") > 3.0
        await browser.screenshot(shot_dir(tmp_path) / "browser-1080p.png", 1920, 1080)


async def test_the_page_shows_the_banner_while_offline_and_resyncs_without_repeating(server, tmp_path: Path) -> None:
    await off_thread(sign_in, server, 1)
    for _ in range(3):
        await off_thread(issue, server)
    async with Chromium() as browser:
        await browser.goto(f"{server.url}/display?token={server.tokens['display']}&silent=1")
        await browser.wait_for("document.body.dataset.link === 'online'")
        await off_thread(call_next, server, 1)
        await browser.wait_for(f"{ROWS}.includes('A001')")

        await off_thread(server.stop)
        banner = await browser.wait_for(BANNER)
        assert banner.startswith("连接中断 · 最后更新 ") and len(banner.split()[-1]) == 8  # hh:mm:ss
        assert await browser.eval("document.getElementById('body').classList.contains('stale')")
        await browser.screenshot(shot_dir(tmp_path) / "browser-1080p-offline.png", 1920, 1080)

        await off_thread(server.start)
        await browser.wait_for(f"({BANNER}) === ''", timeout=15)
        await off_thread(call_next, server, 1)
        await browser.wait_for(f"{ROWS}.includes('A002')")
        assert json.loads(await browser.eval(SPOKEN)) == [["A001", 0], ["A002", 0]]  # A001 not again


async def test_a_zone_page_shows_only_its_windows_and_services(zoned_server) -> None:
    srv = zoned_server
    await off_thread(sign_in, srv, 1)
    await off_thread(sign_in, srv, 4)
    await off_thread(issue, srv, "tax")
    await off_thread(issue, srv, "estate")
    async with Chromium() as browser:
        await browser.goto(f"{srv.url}/display?token={srv.tokens['display']}&zone=A区&silent=1")
        await browser.wait_for("document.body.dataset.link === 'online'")
        names = await browser.eval("[...document.querySelectorAll('#services .name')].map(c => c.textContent)")
        assert names == ["不动产登记", "社保"]
        await off_thread(call_next, srv, 4)
        await off_thread(call_next, srv, 1)
        await browser.wait_for(f"{ROWS}.includes('A001')")
        assert json.loads(await browser.eval(ROWS)) == [["A001", "1号窗口", True]]
        assert json.loads(await browser.eval(SPOKEN)) == [["A001", 0]]
