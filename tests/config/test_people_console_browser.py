"""The admin's clerks, device-token and appointment screens in Debian's Chromium (Playwright) against a real server on
127.0.0.1: add and disable a clerk (with the refusals shown), create a window token (its QR code, the token works),
revoke it, import an XLSX written by openpyxl (a refused file's row report, then a good one), cancel an appointment;
zh and en; hidden from a supervisor. Screenshots go to $HALLQ_SHOTS (default /tmp/hallq-people-shots)."""
from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from datetime import time, timedelta
from pathlib import Path

import openpyxl
import pytest

from tests.console.test_console_browser import PASSWORD, hall, page  # noqa: F401  (fixtures: server, browser)
from tests.browser import chromium_path
from tests.server.conftest import PINS

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra: pip install -e .[test]")
expect = playwright.expect
pytestmark = pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (Debian's chromium)")

SHOTS = Path(os.environ.get("HALLQ_SHOTS", "/tmp/hallq-people-shots"))


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def me(hall, token: str) -> tuple[int, dict]:
    req = urllib.request.Request(hall.server.url + "/api/me", headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def booking(path: Path, day, bad: bool) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["预约码", "事项", "日期", "开始时间", "结束时间", "姓名"])
    ws.append(["P0001", "estate", day, time(11, 0), time(11, 30), "张三丰"])
    ws.append(["P0002", "社保", day, time(14, 0), time(14, 30), "欧阳修文"])
    if bad:
        ws.append(["P3", "parking", day - timedelta(days=1), "25:00", time(9, 0), "李雷"])
    wb.save(path)
    return path


def admin_login(page, hall) -> None:
    page.goto(hall.server.url + "/console")
    page.evaluate("localStorage.clear()")
    page.goto(hall.server.url + "/console")
    page.fill("#username", "root")
    page.fill("#password", PASSWORD)
    page.click("#loginForm button")
    page.wait_for_selector("#tiles .tile")


def test_clerks_tokens_and_appointments_from_the_console(hall, page, tmp_path):
    admin_login(page, hall)
    for tab, label in (("clerks", "坐席"), ("tokens", "设备令牌"), ("appointments", "预约")):
        expect(page.locator(f'#tabs button[data-tab="{tab}"]')).to_have_text(label)

    # ---- clerks: a refused add, an add, a refused disable (signed in), a disable
    page.click('#tabs button[data-tab="clerks"]')
    row = page.locator('#clerkList tr[data-staff="s1"]')
    row.wait_for()
    form = page.locator("#clerkForm")
    form.locator('input[name="staff_id"]').fill("s1")
    form.locator('input[name="name"]').fill("重名")
    form.locator('input[name="pin"]').fill("1234")
    form.locator('button[type="submit"]').click()
    expect(page.locator("#clerkMsg")).to_contain_text("工号已存在")
    form.locator('input[name="staff_id"]').fill("z201")
    form.locator('input[name="name"]').fill("王小红")
    form.locator('input[name="pin"]').fill("12")
    form.locator('button[type="submit"]').click()
    expect(page.locator("#clerkMsg")).to_contain_text("4-12 位数字")  # checked before it is sent
    form.locator('input[name="pin"]').fill("246810")
    form.locator('button[type="submit"]').click()
    expect(page.locator('#clerkList tr[data-staff="z201"]')).to_contain_text("王小红")
    hall.post("/api/windows/1/sign-in", "window1", {"staff_id": "s1", "pin": PINS["s1"]})
    page.click('#tabs button[data-tab="clerks"]')  # shown again: s1 is at window 1 now
    expect(row).to_contain_text("1号窗口")
    page.once("dialog", lambda d: d.accept())
    row.locator('button[data-act="disable"]').click()
    expect(page.locator("#clerkMsg")).to_contain_text("请先在实时大厅签退")
    page.once("dialog", lambda d: d.accept())
    page.locator('#clerkList tr[data-staff="z201"] button[data-act="disable"]').click()
    expect(page.locator('#clerkList tr[data-staff="z201"]')).to_contain_text("已停用")
    shot(page, "clerks-zh")
    status, refused = 0, {}
    try:
        hall.post("/api/windows/2/sign-in", "window2", {"staff_id": "z201", "pin": "246810"})
    except urllib.error.HTTPError as exc:
        status, refused = exc.code, json.loads(exc.read())
    assert (status, refused["code"]) == (403, "clerk_disabled")

    # ---- device tokens: create a window token, see its QR code once, revoke it
    page.click('#tabs button[data-tab="tokens"]')
    tf = page.locator("#tokenForm")
    tf.locator('select[name="role"]').select_option("window")
    tf.locator('select[name="window"]').select_option("2")
    tf.locator('input[name="name"]').fill("2号窗口终端")
    tf.locator('button[type="submit"]').click()
    secret_box = page.locator("#tokenSecret")
    expect(secret_box.locator("svg.qr")).to_be_visible()
    token = page.text_content("#tokenValue")
    assert token.startswith("hq")
    assert "hallq://pair?server=" in secret_box.text_content() and "只显示这一次" in secret_box.text_content()
    assert me(hall, token)[1]["window"] == 2
    expect(page.locator('#tokenList tr[data-name="2号窗口终端"]')).to_contain_text("有效")
    shot(page, "tokens-zh")
    secret_box.locator("button").click()
    expect(secret_box).to_be_hidden()
    assert token not in page.content()  # gone with the panel: the list never shows it
    page.once("dialog", lambda d: d.accept())
    page.locator('#tokenList tr[data-name="2号窗口终端"] button[data-act="revoke"]').click()
    expect(page.locator('#tokenList tr[data-name="2号窗口终端"]')).to_contain_text("已吊销")
    assert me(hall, token)[0] == 401

    # ---- appointments: a refused file with its row report, then a good one, then a cancel
    day = hall.clock.now.date()
    page.click('#tabs button[data-tab="appointments"]')
    page.set_input_files('#apptImport input[type="file"]', str(booking(tmp_path / "bad.xlsx", day, bad=True)))
    page.click('#apptImport button[type="submit"]')
    expect(page.locator("#apptMsg")).to_contain_text("未导入任何预约")
    assert page.locator('#apptErrors tr[data-row="4"]').count() == 4  # code, service, date, start of row 4
    assert "无此事项：parking" in page.text_content("#apptErrors")
    assert "the hall has no service" not in page.text_content("#apptErrors")  # zh: our words and the cell
    shot(page, "appointments-refused-zh")
    page.set_input_files('#apptImport input[type="file"]', str(booking(tmp_path / "good.xlsx", day, bad=False)))
    page.click('#apptImport button[type="submit"]')
    expect(page.locator("#apptMsg")).to_contain_text("已导入 2 条预约")
    expect(page.locator("#apptErrors tr")).to_have_count(0)
    expect(page.locator('#apptList tr[data-code="P0001"]')).to_contain_text("张*丰")
    assert "张三丰" not in page.content()
    page.once("dialog", lambda d: d.accept("本人来电取消"))
    page.locator('#apptList tr[data-code="P0002"] button[data-act="cancel"]').click()
    expect(page.locator('#apptList tr[data-code="P0002"]')).to_contain_text("已取消")
    shot(page, "appointments-zh")

    # ---- English: every screen's own words
    page.click("#langBtn")
    expect(page.locator('#tabs button[data-tab="appointments"]')).to_have_text("Appointments")
    expect(page.locator('#apptList tr[data-code="P0002"]')).to_contain_text("Cancelled")
    expect(page.locator('#apptList tr[data-code="P0001"]')).to_contain_text("Booked")
    shot(page, "appointments-en")
    page.click('#tabs button[data-tab="clerks"]')
    expect(page.locator('#clerkList tr[data-staff="z201"]')).to_contain_text("Disabled")
    expect(page.locator("#clerkList th").first).to_have_text("Staff ID")
    shot(page, "clerks-en")
    page.click('#tabs button[data-tab="tokens"]')
    expect(page.locator('#tokenList tr[data-name="2号窗口终端"]')).to_contain_text("Revoked")
    expect(page.locator("#tokenForm button")).to_have_text("Create token")
    shot(page, "tokens-en")
    page.click("#langBtn")  # back to zh for the next test


def test_a_supervisor_does_not_see_the_admin_screens(hall, page):
    page.click("#logoutBtn")
    page.fill("#username", "zhang")
    page.fill("#password", PASSWORD)
    page.click("#loginForm button")
    page.wait_for_selector("#tiles .tile")
    for tab in ("clerks", "tokens", "appointments"):
        expect(page.locator(f'#tabs button[data-tab="{tab}"]')).to_be_hidden()
    page.goto(hall.server.url + "/console#clerks")
    page.wait_for_selector("#tiles .tile")
    expect(page.locator("#tab-clerks")).to_be_hidden()
    expect(page.locator("#tab-live")).to_be_visible()
