"""The console in Debian's Chromium (Playwright, headless) against a real server on 127.0.0.1: log in, a call on
its tile within 1 s, a 差评 in the inbox within 1 s and its follow-up carried to closed, an alert acknowledged,
a printer's paper-out in devices, a chart drawn, zh and en. Screenshots go to $HALLQ_SHOTS (default: tmp)."""
from __future__ import annotations

import json
import os
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.app import ServerConfig
from server.console_cli import add_user_in
from tests.browser import chromium_path
from tests.qtclient.conftest import LoopThread, ServerThread
from tests.queuecore.conftest import at, make_config
from tests.server.conftest import PINS, Clock, provision

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra: pip install -e .[test]")
expect = playwright.expect
pytestmark = pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (Debian's chromium)")

PASSWORD = "correct-horse-1"


class Hall:
    def __init__(self, server: ServerThread, clock: Clock) -> None:
        self.server, self.clock = server, clock

    def post(self, path: str, token: str, body: dict | None = None) -> dict:
        req = urllib.request.Request(self.server.url + path, data=json.dumps(body or {}).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {self.server.tokens[token]}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())


@pytest.fixture(scope="module")
def hall(tmp_path_factory) -> Iterator[Hall]:
    data = tmp_path_factory.mktemp("console") / "data"
    tokens = provision(data)
    add_user_in(data, "zhang", "张主任", "supervisor", PASSWORD)
    add_user_in(data, "root", "李管理", "admin", PASSWORD)
    clock = Clock(at("10:30"))
    loop = LoopThread()
    server = ServerThread(loop=loop, config=ServerConfig(hall=make_config(), data_dir=data, durable=False, tick_s=1),
                          clock=clock, tokens=tokens)
    server.start()
    yield Hall(server, clock)
    server.stop()
    loop.close()


@pytest.fixture(scope="module")
def page(hall) -> Iterator:
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"])
        pg = browser.new_page(viewport={"width": 1920, "height": 1080})
        pg.on("pageerror", lambda e: print("page error:", e))
        pg.on("console", lambda m: m.type == "warning" and print("console:", m.text))
        pg.on("response", lambda r: r.status >= 400 and print("http", r.status, r.url))
        yield pg
        browser.close()


SHOTS = Path(os.environ.get("HALLQ_SHOTS", "/tmp/hallq-console-shots"))


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_login_wrong_then_right(hall, page):
    page.goto(hall.server.url + "/console")
    page.fill("#username", "zhang")
    page.fill("#password", "wrong-password")
    page.click("#loginForm button")
    page.wait_for_selector("#loginError:not([hidden])")
    assert "错误" in page.text_content("#loginError")
    page.fill("#password", PASSWORD)
    page.click("#loginForm button")
    page.wait_for_selector("#tiles .tile")
    assert "token" not in page.url
    assert page.locator("#tiles .tile").count() == 4
    assert "未签到" in page.text_content('#tiles .tile[data-window="1"]')
    assert page.evaluate("document.cookie") == ""  # HttpOnly: the script cannot read the session


def test_a_call_shows_on_its_tile_within_one_second(hall, page):
    hall.post("/api/windows/1/sign-in", "window1", {"staff_id": "s1", "pin": PINS["s1"]})
    expect(page.locator('#tiles .tile[data-window="1"] .clerk')).to_have_text("Clerk s1", timeout=1000)
    number = hall.post("/api/tickets", "kiosk", {"service": "estate"})["ticket"]["number"]
    t0 = time.monotonic()
    hall.post("/api/windows/1/call-next", "window1")
    expect(page.locator('#tiles .tile[data-window="1"] .num')).to_have_text(number, timeout=1000)
    assert time.monotonic() - t0 < 1.0
    hall.post("/api/windows/1/start", "window1")
    page.wait_for_selector('#tiles .tile.serving[data-window="1"] .timer[data-since]', timeout=1000)
    assert "办理中" in page.text_content('#tiles .tile[data-window="1"]')
    shot(page, "live-zh-1920")


def test_a_bad_rating_appears_in_the_inbox_at_once_and_is_followed_up_to_closed(hall, page):
    page.click('#tabs button[data-tab="inbox"]')
    beeps = page.evaluate("window.hallqBeeps || 0")
    done = hall.post("/api/windows/1/finish", "window1")
    number = done["ticket"]["number"]
    t0 = time.monotonic()
    hall.post("/api/windows/1/rate", "window1", {"number": number, "level": 1, "reason": "等候时间长",
                                                 "comment": "排了很久"})
    case = page.locator(f'#caseList .case[data-case="FU-{done["ticket"]["id"]}"]')
    case.wait_for(timeout=1000)
    assert time.monotonic() - t0 < 1.0
    text = case.text_content()
    for part in (number, "不动产登记", "1号窗口", "Clerk s1", "非常不满意", "等候时间长", "排了很久", "等候", "办理时长"):
        assert part in text, part
    assert page.evaluate("window.hallqBeeps || 0") > beeps
    shot(page, "inbox-zh-1920")
    for action, extra in (("contact", None), ("verify", "true"), ("rectify", None), ("close", None)):
        row = page.locator(f'#caseList .case[data-case="FU-{done["ticket"]["id"]}"]')
        row.locator("input").fill(f"{action} 记录")
        if extra:
            row.locator("select").select_option(extra)
        row.locator(f'button[data-action="{action}"]').click()
        expect(row).to_contain_text(f"{action} 记录", timeout=3000)
    assert "已办结" in page.locator(f'#caseList .case[data-case="FU-{done["ticket"]["id"]}"]').text_content()


def test_an_alert_beeps_raises_the_badge_and_is_acknowledged_with_a_note(hall, page):
    page.click('#tabs button[data-tab="alerts"]')
    beeps = page.evaluate("window.hallqBeeps || 0")
    hall.post("/api/tickets", "kiosk", {"service": "tax"})  # window 4 (tax) has nobody: a queue no one serves
    row = page.locator('#alertList .alert[data-alert^="unserved:tax"]')
    row.wait_for(timeout=3000)
    assert page.evaluate("window.hallqBeeps || 0") > beeps
    assert int(page.text_content("#alertBadge")) >= 1
    assert "队列无窗口办理" in row.text_content()
    shot(page, "alerts-zh-1920")
    row.locator("input").fill("已安排4号窗口上岗")
    row.locator("button").click()
    page.wait_for_selector('#alertList .alert.acked[data-alert^="unserved:tax"]', timeout=3000)
    audit = hall.server.loop.run(_audit(hall))
    assert any(a["action"] == "alert_acknowledged" and a["actor"] == "supervisor:zhang"
               and a["detail"]["note"] == "已安排4号窗口上岗" for a in audit)


async def _audit(hall):
    from server.app import SERVICE

    return hall.server._runner.app[SERVICE].store.audit_log()


def test_a_printer_out_of_paper_shows_in_devices(hall, page):
    hall.post("/api/devices/report", "kiosk", {"kind": "printer", "state": "paper_out", "detail": "打印机缺纸"})
    page.click('#tabs button[data-tab="devices"]')
    row = page.locator('#deviceList tr[data-device="test-kiosk"]')
    row.wait_for(timeout=2000)
    assert "缺纸" in row.text_content()


def test_reports_draw_charts(hall, page):
    page.click('#tabs button[data-tab="reports"]')
    page.wait_for_selector("#charts[data-ready]", timeout=15000)
    assert page.locator("#charts canvas").count() >= 6
    painted = page.evaluate("""() => [...document.querySelectorAll('#charts canvas')].map(c => {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; })""")
    assert all(n > 500 for n in painted), painted
    assert page.locator("#exportXlsx").get_attribute("href").endswith("format=xlsx&lang=zh") or \
        "format=xlsx" in page.locator("#exportXlsx").get_attribute("href")
    page.wait_for_selector("#reportTable table")
    shot(page, "reports-zh-1920")


def test_an_export_downloads_and_opens(hall, page, tmp_path):
    import openpyxl

    with page.expect_download() as info:
        page.click("#exportXlsx")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.suffix == ".xlsx"
    book = openpyxl.load_workbook(path)
    assert len(book.sheetnames) >= 2 and any("合计" in str(c.value) for ws in book for row in ws.iter_rows()
                                              for c in row if c.value)
    page.click('#tabs button[data-tab="inbox"]')
    with page.expect_download() as info:
        page.click("#inboxFilter a:nth-of-type(2)")  # CSV
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert "不动产登记" in text


def test_english_at_1366(hall, page):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.click("#langBtn")
    page.click('#tabs button[data-tab="live"]')
    assert page.text_content('#tabs button[data-tab="live"]') == "Live hall"
    assert "Serving" in page.text_content('#tiles .tile[data-window="1"]') or \
        "Idle" in page.text_content('#tiles .tile[data-window="1"]')
    assert "Not signed in" in page.text_content('#tiles .tile[data-window="4"]')
    shot(page, "live-en-1366")
    page.click('#tabs button[data-tab="reports"]')
    page.wait_for_selector("#charts[data-ready]", timeout=15000)
    assert page.text_content("#exportXlsx") == "Export Excel"
    expect(page.locator("#reportTable h3").first).to_have_text("All", timeout=5000)  # zh: 总计
    shot(page, "reports-en-1366")
    page.click("#langBtn")


def test_a_supervisor_cancels_a_ticket_and_lifts_a_lockout_audited_with_their_name(hall, page):
    assert page.locator('#tabs button[data-tab="audit"]').is_hidden()  # the audit viewer stays admin-only
    page.click('#tabs button[data-tab="live"]')
    expect(page.locator('#tiles .tile[data-window="1"] button.signout')).to_be_visible()  # remote 签退
    number = hall.post("/api/tickets", "kiosk", {"service": "social"})["ticket"]["number"]
    page.click('#tabs button[data-tab="actions"]')
    expect(page.locator('#serviceActions tr[data-service="social"]')).to_be_visible()
    form = page.locator("#cancelForm")
    form.locator("input").nth(0).fill(number)
    form.locator("input").nth(1).fill("群众放弃办理")
    form.locator("button").click()
    expect(page.locator("#toast")).to_be_visible(timeout=2000)
    page.locator("#unlockForm input").fill("s2")
    page.locator("#unlockForm button").click()
    shot(page, "actions-supervisor-zh-1920")
    deadline = time.monotonic() + 3
    while True:
        audit = hall.server.loop.run(_audit(hall))
        mine = {a["action"]: a["detail"] for a in audit if a["actor"] == "supervisor:zhang"}
        if {"cancel_ticket", "clerk_unlocked"} <= set(mine) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert mine["cancel_ticket"] == {"number": number, "reason": "群众放弃办理"}
    assert mine["clerk_unlocked"]["staff_id"] == "s2"


def test_a_supervisor_posts_a_notice_to_the_displays_ticker_and_takes_it_down(hall, page):
    page.click('#tabs button[data-tab="actions"]')
    form = page.locator("#noticeForm")
    form.locator("input").nth(0).fill("今日15:00起系统维护")
    form.locator("input").nth(1).fill("Maintenance from 15:00")
    form.locator('input[type="time"]').fill("17:00")
    form.locator("button").nth(0).click()
    expect(page.locator("#noticeNow")).to_contain_text("今日15:00起系统维护 / Maintenance from 15:00 (→ 17:00)",
                                                       timeout=2000)
    shot(page, "actions-notice-zh")
    snap = hall.server.loop.run(_snapshot(hall))
    assert (snap.notice.text_zh, snap.notice.until.isoformat()) == ("今日15:00起系统维护", "2026-11-23T17:00:00+08:00")
    audit = hall.server.loop.run(_audit(hall))
    assert any(a["action"] == "post_notice" and a["actor"] == "supervisor:zhang" for a in audit)
    form.locator("button").nth(1).click()
    expect(page.locator("#noticeNow")).to_have_text("当前无通知", timeout=2000)


async def _snapshot(hall):
    from server.app import SERVICE

    return hall.server._runner.app[SERVICE].snapshot()


def test_logout_returns_to_the_login(hall, page):
    page.click("#logoutBtn")
    page.wait_for_selector("#loginView:not([hidden])")
    r = page.request.get(hall.server.url + "/console/api/me")
    assert r.status == 401


def test_an_admin_closes_a_service_with_a_reason_and_sees_it_in_the_audit(hall, page):
    page.fill("#username", "root")
    page.fill("#password", PASSWORD)
    page.click("#loginForm button")
    page.click('#tabs button[data-tab="actions"]')
    row = page.locator('#serviceActions tr[data-service="social"]')
    row.locator('input[type="text"]').fill("系统维护")
    row.locator("button").first.click()
    expect(row).to_contain_text("已停止取号（系统维护）", timeout=2000)
    row.locator('input[type="time"]').fill("20:00")
    page.locator('#serviceActions tr[data-service="estate"] input[type="time"]').fill("20:00")
    page.locator('#serviceActions tr[data-service="estate"] button', has_text="延时至").click()
    expect(page.locator('#serviceActions tr[data-service="estate"]')).to_contain_text("延时服务至 20:00", timeout=2000)
    shot(page, "actions-zh-1920")
    page.click('#tabs button[data-tab="audit"]')
    expect(page.locator("#auditList")).to_contain_text("admin:root", timeout=2000)
    assert "系统维护" in page.text_content("#auditList")
    shot(page, "audit-zh-1920")


def test_an_admin_prints_the_monthly_appraisal_sheet_and_signs_a_clerk_out(hall, page):
    page.click('#tabs button[data-tab="reports"]')
    page.evaluate("() => { window.print = () => { window.hallqPrinted = (window.hallqPrinted || 0) + 1; }; }")
    page.click("#sheetBtn")
    expect(page.locator("#sheet h2")).to_contain_text("2026年11月 窗口工作人员月度考核表", timeout=5000)
    assert "Clerk s1" in page.text_content("#sheet table")
    assert page.evaluate("window.hallqPrinted") == 1
    page.evaluate("document.body.classList.add('printing')")
    page.emulate_media(media="print")
    page.pdf(path=str(SHOTS / "appraisal-sheet.pdf"), format="A4", landscape=True)
    shot(page, "appraisal-sheet-print")
    page.emulate_media(media="screen")
    page.evaluate("document.body.classList.remove('printing')")
    page.click('#tabs button[data-tab="live"]')
    page.once("dialog", lambda d: d.accept())
    page.locator('#tiles .tile[data-window="1"] button.signout').click()
    expect(page.locator('#tiles .tile[data-window="1"] .state')).to_have_text("未签到", timeout=2000)


def test_devices_show_their_heartbeat_version_and_go_stale_after_three_missed(hall, page):
    hall.post("/api/devices/report", "display", {"kind": "display", "state": "ready", "version": "web Chrome/120"})
    page.click('#tabs button[data-tab="devices"]')
    row = page.locator('#deviceList tr[data-device="test-display"]')
    expect(row).to_contain_text("web Chrome/120", timeout=3000)
    assert "正常" in row.text_content()
    hall.clock.advance(seconds=95)  # the kiosk last reported 95 s ago: 3 heartbeats missed
    hall.post("/api/devices/report", "display", {"kind": "display", "state": "ready", "version": "web Chrome/120"})
    expect(page.locator('#deviceList tr[data-device="test-kiosk"]')).to_have_attribute("data-status", "stale",
                                                                                    timeout=3000)
    assert "失联" in page.locator('#deviceList tr[data-device="test-kiosk"]').text_content()
    assert page.locator('#deviceList tr[data-device="test-display"]').get_attribute("data-status") == "ready"
    shot(page, "devices-zh-1920")
