"""日终 and 排班推演 in the console, in Debian's Chromium against a real server on 127.0.0.1: an admin replays the
day with another plan and sees the comparison as a chart and a table (zh and en); then closes the day: the
refusal lists the visit still at a window, forcing closes it, and the backup file and the old backup removed show.
Screenshots go to $HALLQ_SHOTS (default /tmp/hallq-console-shots)."""
from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from queuecore import protocol as P
from server.app import ServerConfig
from server.console_cli import add_user_in
from tests.browser import chromium_path
from tests.qtclient.conftest import LoopThread, ServerThread
from tests.queuecore.conftest import DAY, at, make_config
from tests.server.conftest import PINS, Clock, provision

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra: pip install -e .[test]")
expect = playwright.expect
pytestmark = pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (Debian's chromium)")

PASSWORD = "admin-pass-22"
SHOTS = Path(os.environ.get("HALLQ_SHOTS", "/tmp/hallq-console-shots"))
OLD_BACKUP = "hallq-20261001-173000.db"  # older than the 7 days kept: the close removes it


@pytest.fixture(scope="module")
def hall(tmp_path_factory) -> Iterator[ServerThread]:
    data = tmp_path_factory.mktemp("dayops") / "data"
    tokens = provision(data)
    add_user_in(data, "root", "李管理", "admin", PASSWORD)
    add_user_in(data, "zhang", "张主任", "supervisor", PASSWORD)
    (data / "backups").mkdir()
    (data / "backups" / OLD_BACKUP).write_bytes(b"old")
    clock = Clock(at("09:00"))
    loop = LoopThread()
    server = ServerThread(loop=loop, config=ServerConfig(hall=make_config(), data_dir=data, durable=False, tick_s=1,
                                                         backup_days=7), clock=clock, tokens=tokens)
    server.start()
    yield server
    server.stop()
    loop.close()


def ok(reply):
    assert isinstance(reply, P.Result), reply
    return reply


@pytest.fixture(scope="module")
def recorded(hall) -> None:
    """A morning at window 2 (social): six tickets, four served, and one still in service at window 1."""
    ok(hall.execute(P.SignIn(staff_id="s2", pin=PINS["s2"]), "window2"))
    ok(hall.execute(P.SignIn(staff_id="s1", pin=PINS["s1"]), "window1"))
    for _ in range(6):
        ok(hall.execute(P.IssueTicket(service="social"), "kiosk"))
    for minutes in (10, 20, 30, 40):
        hall.clock.now = at(f"09:{minutes:02}")
        ok(hall.execute(P.CallNext(), "window2"))
        ok(hall.execute(P.StartServing(), "window2"))
        hall.clock.now = at(f"09:{minutes + 8:02}")
        ok(hall.execute(P.Finish(), "window2"))
    ok(hall.execute(P.IssueTicket(service="estate"), "kiosk"))
    ok(hall.execute(P.CallNext(), "window1"))
    ok(hall.execute(P.StartServing(), "window1"))  # A001 stays at window 1: the close is refused


@pytest.fixture(scope="module")
def page(hall, recorded) -> Iterator:
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        pg = browser.new_page(viewport={"width": 1366, "height": 900})
        pg.on("pageerror", lambda e: print("page error:", e))
        pg.goto(hall.url + "/console")
        pg.fill("#username", "root")
        pg.fill("#password", PASSWORD)
        pg.click("#loginForm button")
        pg.wait_for_selector("#tiles .tile")
        yield pg
        browser.close()


def shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


PLAN = '''start = "09:00"
serve_until = "17:00"

[[windows]]
id = 2
services = ["social", "estate"]

[[windows]]
id = 3
services = ["social"]
'''


def api_whatif(hall, plan: str) -> dict:
    req = urllib.request.Request(hall.url + "/api/whatif", data=json.dumps({"day": str(DAY), "plan": plan}).encode(),
                                 method="POST", headers={"Authorization": f"Bearer {hall.tokens['admin']}",
                                                         "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def test_an_admin_replays_the_day_with_another_plan_and_sees_the_chart(hall, page) -> None:
    page.click('#tabs button[data-tab="whatif"]')
    expect(page.locator("#whatifDay")).to_have_value(str(DAY))
    page.click("#whatifFill")
    assert '[[windows]]\nid = 4\nservices = ["tax"]' in page.input_value("#whatifPlan")  # the hall's own windows
    page.fill("#whatifPlan", "windows = [")  # not TOML: refused in words
    page.click("#whatifRun")
    expect(page.locator("#whatifStatus")).to_contain_text("方案有误", timeout=5000)
    page.fill("#whatifPlan", PLAN)
    page.click("#whatifRun")
    expect(page.locator("#whatifStatus")).to_contain_text("推演用时", timeout=30_000)
    expected = api_whatif(hall, PLAN)
    social = next(s for s in expected["services"] if s["code"] == "social")
    row = page.locator('#whatifTable tr[data-service="social"] td')
    cells = [row.nth(i).text_content() for i in range(10)]
    one = "{:.1f}".format
    assert cells[:6] == ["社保", "6", one(social["recorded"]["wait_avg"]), one(social["recorded"]["wait_p90"]), "4", "2"]
    assert cells[6:8] == [one(social["plan"]["wait_avg"]), one(social["plan"]["wait_p90"])]
    assert social["plan"]["wait_avg"] < social["recorded"]["wait_avg"]  # two windows for social instead of one
    assert page.locator("#whatifChart canvas").count() >= 1
    title = page.evaluate("echarts.getInstanceByDom(document.getElementById('whatifChart')).getOption().title[0].text")
    assert title == f"{DAY} 按服务事项等候时间：实际 vs 方案（2 个窗口）"
    series = page.evaluate("echarts.getInstanceByDom(document.getElementById('whatifChart')).getOption().series"
                           ".map(s => [s.name, s.data])")
    names = [s[0] for s in series]
    assert names == ["实际平均等候", "方案平均等候", "实际90%等候", "方案90%等候"]
    at_social = [s["code"] for s in expected["services"]].index("social")
    assert series[1][1][at_social] == social["plan"]["wait_avg"]
    shot(page, "whatif-zh-1366")
    page.click("#langBtn")
    expect(page.locator('#tabs button[data-tab="whatif"]')).to_have_text("What-if staffing")
    expect(page.locator("#whatifTable tr.total td").first).to_have_text("Total")
    assert page.locator('#whatifTable tr[data-service="social"] td').first.text_content() == "Social insurance"
    shot(page, "whatif-en-1366")
    page.click("#langBtn")


def test_an_admin_closes_the_day_forcing_past_the_visit_at_a_window(hall, page) -> None:
    page.click('#tabs button[data-tab="dayclose"]')
    page.fill("#dayCloseReason", "下班")
    page.click("#dayCloseBtn")
    expect(page.locator("#dayCloseDialog")).to_be_visible()
    expect(page.locator("#dayCloseDialog .body")).to_contain_text("下班")
    page.click("#dayCloseConfirm")
    expect(page.locator("#dayCloseDialog .refusal")).to_contain_text("A001", timeout=5000)
    assert hall.snapshot().day_closed_at is None  # refused: nothing changed
    shot(page, "dayclose-refused-zh-1366")
    page.click("#dayCloseForce")
    expect(page.locator("#dayCloseResult .ok")).to_contain_text("已日终（强制）：过期 3 张号，签退 2 名坐席", timeout=10_000)
    backup = page.text_content("#dayCloseBackup")
    assert Path(backup).parent == hall.config.data_dir / "backups" and Path(backup).exists()
    assert page.text_content("#dayCloseRemoved") == str(hall.config.data_dir / "backups" / OLD_BACKUP)
    assert not (hall.config.data_dir / "backups" / OLD_BACKUP).exists()
    assert hall.snapshot().day_closed_at is not None
    shot(page, "dayclose-done-zh-1366")
    page.click("#langBtn")
    expect(page.locator("#dayCloseResult .ok")).to_contain_text("closed (forced): 3 tickets expired, 2 clerks signed out")
    shot(page, "dayclose-done-en-1366")
    page.click("#langBtn")


def test_the_day_close_and_what_if_tabs_are_the_admins_only(hall, page) -> None:
    ctx = page.context.browser.new_context()  # a session of its own
    try:
        pg = ctx.new_page()
        pg.goto(hall.url + "/console#dayclose")
        pg.fill("#username", "zhang")
        pg.fill("#password", PASSWORD)
        pg.click("#loginForm button")
        pg.wait_for_selector("#tiles .tile")
        assert pg.locator('#tabs button[data-tab="dayclose"]').is_hidden()
        assert pg.locator('#tabs button[data-tab="whatif"]').is_hidden()
        assert pg.locator("#tab-dayclose").is_hidden() and pg.locator("#tab-live").is_visible()
    finally:
        ctx.close()


def test_every_text_of_the_two_screens_is_in_both_languages() -> None:
    text = (Path(__file__).parents[2] / "server" / "static" / "console" / "dayops_i18n.js").read_text(encoding="utf-8")
    zh = text[text.index("const ZH"):text.index("const EN")]
    en = text[text.index("const EN"):text.index("export const D")]
    import re

    keys = lambda block: set(re.findall(r"^\s+(\w+):", block, re.M)) | set(re.findall(r"[{,]\s*(\w+):", block))
    assert keys(zh) == keys(en)
