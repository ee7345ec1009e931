"""The console's city badge in Debian's Chromium, against a real hall server whose forwarder ships to a real
`hallq central` on the throwaway cluster: green when caught up; red "未连接市级平台" with how many events and how
long behind once the city server is SIGKILLed and the hall keeps issuing; green again when it is back; hidden on a
hall that does not forward. Screenshots (zh and en) go to $HALLQ_SHOTS (default /tmp/hallq-central-shots)."""
from __future__ import annotations

import json
import os
import re
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from queuecore.config import issuing_at_any_hour
from server.app import ServerConfig
from server.console_cli import add_user_in
from tests.browser import chromium_path
from tests.central.centralkit import CentralProcess, add_hall, central_counts, hall_counts, wait_for
from tests.qtclient.conftest import LoopThread, ServerThread
from tests.queuecore.conftest import make_config
from tests.server.conftest import Clock, provision

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra: pip install -e .[test]")
expect = playwright.expect
pytestmark = pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (Debian's chromium)")

SHOTS = Path(os.environ.get("HALLQ_SHOTS", "/tmp/hallq-central-shots"))
PASSWORD = "correct-horse-1"
BADGE = "#centralBadge"


def hall_server(data: Path, loop: LoopThread, central: dict | None) -> ServerThread:
    tokens = provision(data)
    add_user_in(data, "zhang", "张主任", "supervisor", PASSWORD)
    # The hall's clock runs four minutes behind the real one: a new event is already four minutes old.
    clock = Clock(datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(minutes=4))
    extra = {"central": central} if central else {}
    server = ServerThread(loop=loop, config=ServerConfig(hall=issuing_at_any_hour(make_config()), data_dir=data,
                                                         durable=False, tick_s=1, extra=extra),
                          clock=clock, tokens=tokens)
    server.start()
    return server


def issue(server: ServerThread, n: int) -> None:
    for _ in range(n):
        req = urllib.request.Request(server.url + "/api/tickets", data=json.dumps({"service": "social"}).encode(),
                                     method="POST", headers={"Authorization": f"Bearer {server.tokens['kiosk']}",
                                                             "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            assert r.status == 200


def health(server: ServerThread) -> dict:
    with urllib.request.urlopen(server.url + "/api/health", timeout=10) as r:
        return json.loads(r.read())


@pytest.fixture
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        yield b
        b.close()


def log_in(browser, server: ServerThread, lang: str = "zh"):
    page = browser.new_page(viewport={"width": 1600, "height": 900})
    page.on("pageerror", lambda e: print("page error:", e))
    page.goto(server.url + f"/console?lang={lang}")
    page.fill("#username", "zhang")
    page.fill("#password", PASSWORD)
    page.click("#loginForm button")
    page.wait_for_selector("#tiles .tile")
    return page


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_the_badge_shows_how_far_behind_and_when_the_city_is_unreachable(dsn, tmp_path, browser):
    centre = CentralProcess(dsn)
    centre.start()
    loop = LoopThread()
    data = tmp_path / "data"
    server = hall_server(data, loop, {"url": centre.url, "token": add_hall(dsn, "h9"), "retry_max_s": 0.3,
                                      "idle_s": 0.1})
    try:
        issue(server, 3)
        page = log_in(browser, server)
        badge = page.locator(BADGE)
        expect(badge).to_have_text("市级平台已同步", timeout=15_000)
        assert badge.get_attribute("data-level") == "green"

        # The city server dies; the hall goes on issuing, and its backlog grows.
        shipped = hall_counts(data)["head"]
        centre.kill()
        issue(server, 4)
        behind = hall_counts(data)["head"] - shipped
        assert behind >= 4

        def backlog() -> bool:
            c = health(server)["central"]
            return c["state"] == "retrying" and c["behind"] == behind

        wait_for(backlog, 15, "the forwarder to see the whole backlog while the city is away")
        # The hall's clock is 4 minutes behind the real one (5 once this test has run a minute).
        expect(badge).to_have_text(re.compile(rf"未连接市级平台 · 落后 {behind} 条（[45]分）"), timeout=15_000)
        assert badge.get_attribute("data-level") == "red"
        shot(page, "console-badge-down-zh")
        page.click("#langBtn")
        expect(badge).to_have_text(re.compile(rf"Not connected to the city · {behind} events \([45] min\) behind"))
        shot(page, "console-badge-down-en")
        page.click("#langBtn")

        # The city is back: the backlog drains and the badge turns green again.
        centre.start()
        expect(badge).to_have_text("市级平台已同步", timeout=20_000)
        assert badge.get_attribute("data-level") == "green"
        assert central_counts(dsn, "h9")["events"] == hall_counts(data)["events"]
        shot(page, "console-badge-synced-zh")

        # Thresholds of the pure rule, in the same browser: amber from a minute behind, red from ten.
        levels = page.evaluate("""async () => {
            const { badgeOf } = await import("/static/console/central.js");
            const at = (s) => badgeOf({state: "sending", behind: 120, behind_s: s, url: "x"}).level;
            return [at(5), at(90), at(900), badgeOf(null), badgeOf({state: "starting", behind: 0}).level,
                    badgeOf({state: "sending", behind: 12, behind_s: 7.4}).text];
        }""")
        assert levels == ["green", "amber", "red", None, "amber", "市级平台 · 落后 12 条（7秒）"]
        page.close()
    finally:
        server.stop()
        centre.kill()
        loop.close()


def test_no_badge_on_a_hall_that_does_not_forward(tmp_path, browser):
    loop = LoopThread()
    server = hall_server(tmp_path / "data", loop, None)
    try:
        assert "central" not in health(server)
        page = browser.new_page()
        page.goto(server.url + "/console")
        page.fill("#username", "zhang")
        page.fill("#password", PASSWORD)
        with page.expect_response(lambda r: r.url.endswith("/api/health")) as answered:
            page.click("#loginForm button")
        assert "central" not in answered.value.json()
        page.wait_for_selector("#tiles .tile")
        assert page.locator(BADGE).is_hidden()
        page.close()
    finally:
        server.stop()
        loop.close()
