"""The admin's hall-configuration screens (server/static/console/config.js) in Debian's Chromium (Playwright) against
a real server on 127.0.0.1: a service added in the form is in the hall's snapshot; a window's services picked and
reordered; a refused remove explained in words and scheduled for the next business day with one button; two admins
at once (the second sees config_changed, its change kept and sent again); rules, calendar and notices; export
downloads a TOML that parses, import applies one and shows a refusal; the history; English shows no Chinese but the
hall's own values. Screenshots go to $HALLQ_SHOTS (default /tmp/hallq-config-shots)."""
from __future__ import annotations

import json
import os
import re
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from queuecore.config import parse_config
from tests.browser import chromium_path
from tests.console.test_console_browser import PASSWORD, hall  # noqa: F401  (fixture: a real server, its accounts)
from tests.server.conftest import PINS

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra: pip install -e .[test]")
expect = playwright.expect
pytestmark = pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (Debian's chromium)")

SHOTS = Path(os.environ.get("HALLQ_SHOTS", "/tmp/hallq-config-shots"))
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def get(hall, path: str):
    req = urllib.request.Request(hall.server.url + path,
                                 headers={"Authorization": f"Bearer {hall.server.tokens['admin']}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


@pytest.fixture(scope="module")
def browser(hall) -> Iterator:
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        yield b
        b.close()


def open_console(browser, hall, lang: str = "zh"):
    ctx = browser.new_context(viewport={"width": 1600, "height": 1000}, accept_downloads=True)
    page = ctx.new_page()
    page.on("pageerror", lambda e: print("page error:", e))
    page.goto(hall.server.url + f"/console?lang={lang}")
    page.evaluate(f"localStorage.setItem('hallq.console.lang', '{lang}')")
    page.fill("#username", "root")
    page.fill("#password", PASSWORD)
    page.click("#loginForm button")
    page.wait_for_selector("#tiles .tile")
    page.click('#tabs button[data-tab="config"]')
    page.wait_for_selector("#cfgServices")
    return ctx, page


@pytest.fixture(scope="module")
def admin(browser, hall):
    ctx, page = open_console(browser, hall)
    yield page
    ctx.close()


def sub(page, name: str) -> None:
    page.click(f'#cfgSubs button[data-sub="{name}"]')
    page.wait_for_selector(f'#cfgPanel[data-sub="{name}"]')


def test_the_tab_is_the_admins_only(browser, hall):
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(hall.server.url + "/console?lang=zh")
    page.fill("#username", "zhang")
    page.fill("#password", PASSWORD)
    page.click("#loginForm button")
    page.wait_for_selector("#tiles .tile")
    expect(page.locator('#tabs button[data-tab="config"]')).to_be_hidden()
    page.goto(hall.server.url + "/console#config")
    page.wait_for_selector("#tiles .tile")
    expect(page.locator("#tab-config")).to_be_hidden()
    ctx.close()


def test_a_service_added_in_the_form_is_in_the_halls_snapshot(admin, hall):
    page = admin
    expect(page.locator('#tabs button[data-tab="config"]')).to_have_text("大厅配置")
    expect(page.locator("#cfgVersion")).to_have_text("当前配置版本 v1")
    page.click("#cfgAddService")
    f = page.locator("#cfgServiceForm")
    f.locator('input[name="code"]').fill("passport")
    f.locator('input[name="prefix"]').fill("p")
    f.locator('input[name="name_zh"]').fill("出入境证件")
    f.locator('input[name="name_en"]').fill("Exit and entry documents")
    f.locator('input[name="category"]').fill("公安")
    f.locator('input[name="category_en"]').fill("Public security")
    f.locator('input[name="daily_cap"]').fill("120")
    f.locator('input[name="hours"]').fill("8:30-11:45，13:30-17:00")
    f.locator('button[type="submit"]').click()
    expect(page.locator("#cfgMsg")).to_contain_text("前缀须为大写英文字母")  # a convenience: checked before it is sent
    f.locator('input[name="prefix"]').fill("P")
    for i, (zh, en) in enumerate((("身份证原件", "ID card (original)"), ("近期照片", "Recent photo"))):
        f.locator(".add-line").click()
        f.locator('input[name="materials_zh"]').nth(i).fill(zh)
        f.locator('input[name="materials_en"]').nth(i).fill(en)
    f.locator('input[name="target_wait_minutes"]').fill("25")
    f.locator('select[name="weekly_sat_mode"]').select_option("own")
    f.locator('input[name="weekly_sat"]').fill("9:00-12:00")
    f.locator('select[name="weekly_sun_mode"]').select_option("none")
    shot(page, "service-form-zh")
    page.fill("#cfgNote", "增设出入境窗口")
    f.locator('button[type="submit"]').click()
    expect(page.locator("#cfgMsg")).to_contain_text("已保存，配置版本 v2")
    expect(page.locator("#cfgVersion")).to_have_text("当前配置版本 v2")
    row = page.locator('#cfgServices tr[data-service="passport"]')
    expect(row).to_contain_text("出入境证件")
    expect(row).to_contain_text("08:30-11:45, 13:30-17:00")
    assert page.input_value("#cfgNote") == ""
    snap = get(hall, "/api/hall")
    svc = next(s for s in snap["hall"]["services"] if s["code"] == "passport")
    assert (svc["prefix"], svc["daily_cap"], svc["target_wait_minutes"]) == ("P", 120, 25)
    assert svc["materials"] == ["身份证原件", "近期照片"] and svc["materials_en"] == ["ID card (original)", "Recent photo"]
    stored = next(s for s in get(hall, "/api/config")["config"]["services"] if s["code"] == "passport")
    assert stored["weekly"] == {"sat": ["09:00-12:00"], "sun": []} and stored["hours"] == ["08:30-11:45", "13:30-17:00"]
    expect(row).to_contain_text("周六 09:00-12:00; 周日 不取号")
    # the kiosk order: moved to the top
    for version in (3, 4, 5):  # each move is a change of its own, made on the version shown
        row.locator('button[data-act="up"]').click()
        expect(page.locator("#cfgVersion")).to_have_text(f"当前配置版本 v{version}")
    expect(page.locator("#cfgServices tr").nth(1)).to_have_attribute("data-service", "passport")
    assert [s["code"] for s in get(hall, "/api/hall")["hall"]["services"]][0] == "passport"
    shot(page, "services-zh")
    # a server refusal in words: a duplicate prefix (the server decides)
    page.click("#cfgAddService")
    f.locator('input[name="code"]').fill("visa")
    f.locator('input[name="prefix"]').fill("A")
    f.locator('input[name="name_zh"]').fill("签证")
    f.locator('input[name="name_en"]').fill("Visa")
    f.locator('button[type="submit"]').click()
    expect(page.locator("#cfgMsg")).to_contain_text("配置有误，未保存")
    expect(page.locator("#cfgMsg li")).to_have_text("前缀“A”已被其他事项使用：每个事项的前缀须不同")
    expect(page.locator("#cfgMsg")).to_contain_text("duplicate service prefix 'A'")  # and the server's own words
    expect(f).to_be_visible()  # the form keeps what was typed
    assert f.locator('input[name="code"]').input_value() == "visa"
    f.locator("button", has_text="取消").click()


def test_a_windows_services_are_picked_and_reordered(admin, hall):
    page = admin
    sub(page, "windows")
    row = page.locator('#cfgWindows tr[data-window="4"]')
    expect(row).to_contain_text("税务")
    expect(page.locator('#cfgWindows tr[data-window="1"] td.today')).to_have_text("未签到")
    row.locator('button[data-act="edit"]').click()
    f = page.locator("#cfgWindowForm")
    f.locator('select[name="pick"]').select_option("passport")
    f.locator('button[data-act="add-service"]').click()
    f.locator('#cfgWindowServices li[data-service="passport"] button[data-act="up"]').click()
    expect(f.locator("#cfgWindowServices li").first).to_have_attribute("data-service", "passport")
    f.locator('input[name="zone"]').fill("B区")
    shot(page, "window-form-zh")
    f.locator('button[type="submit"]').click()
    expect(page.locator("#cfgMsg")).to_contain_text("修改窗口“4号窗口”")
    expect(row).to_contain_text("出入境证件 › 税务")
    w4 = next(w for w in get(hall, "/api/hall")["hall"]["windows"] if w["id"] == 4)
    assert (w4["services"], w4["zone"]) == (["passport", "tax"], "B区")
    # a new window; then removing a window whose clerk is signed in is refused in words
    page.click("#cfgAddWindow")
    f.locator('input[name="id"]').fill("9")
    f.locator('button[type="submit"]').click()
    expect(page.locator("#cfgMsg")).to_contain_text("窗口至少办理一个事项")
    f.locator('select[name="pick"]').select_option("social")
    f.locator('button[data-act="add-service"]').click()
    f.locator('button[type="submit"]').click()
    expect(page.locator('#cfgWindows tr[data-window="9"]')).to_contain_text("9号窗口")
    expect(page.locator('#cfgWindows tr[data-window="9"]')).to_contain_text("社保")
    assert 9 in [w["id"] for w in get(hall, "/api/hall")["hall"]["windows"]]
    # closed in the plan: nobody can sign in there until it is opened again
    w2 = page.locator('#cfgWindows tr[data-window="2"]')
    page.once("dialog", lambda d: d.accept())
    w2.locator('button[data-act="close"]').click()
    expect(page.locator("#cfgMsg")).to_contain_text("关闭窗口“2号窗口”")
    expect(w2).to_contain_text("关闭（不能签到）")
    with pytest.raises(urllib.error.HTTPError) as refused:
        hall.post("/api/windows/2/sign-in", "window2", {"staff_id": "s2", "pin": PINS["s2"]})
    assert json.loads(refused.value.read())["code"] == "window_not_in_use"
    shot(page, "windows-zh")
    w2.locator('button[data-act="open"]').click()
    expect(w2.locator("td.plan-open")).to_have_text("开放")
    hall.post("/api/windows/2/sign-in", "window2", {"staff_id": "s2", "pin": PINS["s2"]})
    expect(w2).to_contain_text("在岗：Clerk s2")
    page.once("dialog", lambda d: d.accept())
    w2.locator('button[data-act="close"]').click()
    expect(page.locator('#cfgMsg li[data-code="window_open"]')).to_contain_text(
        "窗口“2号窗口”有工作人员 Clerk s2 在岗签到：签退后才能关闭")
    page.locator("#cfgMsg button", has_text="知道了").click()
    hall.post("/api/windows/2/sign-out", "window2", {})


def test_a_refused_remove_is_explained_and_scheduled_for_the_next_business_day(admin, hall):
    page = admin
    numbers = [hall.post("/api/tickets", "kiosk", {"service": "passport"})["ticket"]["number"] for _ in range(3)]
    sub(page, "services")
    before = get(hall, "/api/config")
    page.once("dialog", lambda d: d.accept())
    page.locator('#cfgServices tr[data-service="passport"] button[data-act="remove"]').click()
    msg = page.locator("#cfgMsg")
    expect(msg).to_contain_text("今天的大厅不能立即接受这项修改")
    expect(msg.locator('li[data-code="service_has_tickets"]')).to_contain_text(
        "事项“出入境证件 (passport)”今天还有 3 张未办结的号")
    expect(msg).to_contain_text(numbers[0])
    assert get(hall, "/api/config") == before  # nothing changed
    shot(page, "refused-remove-zh")
    page.fill("#cfgNote", "出入境业务移交公安大厅")
    page.click("#cfgNextDay")
    expect(msg).to_contain_text("将于下一个工作日生效")
    expect(page.locator("#cfgPending")).to_contain_text("删除事项“出入境证件 (passport)”")
    after = get(hall, "/api/config")
    [op] = after["pending"][0]["ops"]
    assert (op["op"], op["kind"], op["key"]) == ("remove", "service", "passport")
    assert "passport" in [s["code"] for s in after["config"]["services"]]  # today runs as it was
    sub(page, "history")
    latest = page.locator("#cfgHistory tr").nth(1)
    expect(latest).to_have_attribute("data-status", "pending")
    expect(latest).to_contain_text("下一工作日")
    expect(latest).to_contain_text("出入境业务移交公安大厅")
    expect(latest).to_contain_text("admin:root")
    expect(page.locator('#cfgHistory tr[data-version="1"]')).to_contain_text("初始配置")
    shot(page, "history-zh")
    # Withdrawn before it applied: a change of its own; the scheduled one reads 已撤回 in the history.
    scheduled = after["pending"][0]["config_version"]
    page.locator(f'#cfgPending button[data-withdraw="{scheduled}"]').click()
    expect(msg).to_contain_text(f"撤回待生效的变更 v{scheduled}")
    expect(page.locator("#cfgPending")).to_contain_text("无待生效变更")
    assert get(hall, "/api/config")["pending"] == []
    expect(page.locator(f'#cfgHistory tr[data-version="{scheduled}"]')).to_contain_text("已撤回")
    shot(page, "withdrawn-zh")


def test_two_admins_at_once_the_second_sees_config_changed_and_loses_nothing(admin, browser, hall):
    other_ctx, other = open_console(browser, hall)
    for p in (admin, other):
        p.click('#cfgSubs button[data-sub="rules"]')
        p.wait_for_selector("#cfgRules")
    v = get(hall, "/api/config")["config_version"]
    other.fill('#cfgRules input[name="priority_ratio"]', "3")
    other.click("#cfgSaveRules")
    expect(other.locator("#cfgMsg")).to_contain_text(f"v{v + 1}")
    admin.fill('#cfgRules input[name="requeue_places"]', "5")
    admin.fill("#cfgNote", "过号回队更靠后")
    admin.click("#cfgSaveRules")
    msg = admin.locator("#cfgMsg")
    expect(msg).to_contain_text("配置已被他人修改")
    expect(msg).to_contain_text(f"你载入的是 v{v}，现在已是 v{v + 1}")
    expect(msg).to_contain_text("requeue_places: 最新 3 → 你的 5")
    shot(admin, "config-changed-zh")
    assert get(hall, "/api/config")["config"]["rules"]["requeue_places"] == 3
    msg.locator("button", has_text="重新提交我的修改").click()
    expect(msg).to_contain_text(f"已保存，配置版本 v{v + 2}")
    rules = get(hall, "/api/config")["config"]["rules"]
    assert (rules["priority_ratio"], rules["requeue_places"]) == (3, 5)  # both kept, nothing mixed up or lost
    assert get(hall, "/api/config/history")[0]["note"] == "过号回队更靠后"
    # another change while this page is open: a look at another sub-tab says so before anything is typed
    other.click("#cfgReload")
    expect(other.locator("#cfgVersion")).to_contain_text(f"v{v + 2}")
    other.fill('#cfgRules input[name="skip_grace_minutes"]', "20")
    other.click("#cfgSaveRules")
    expect(other.locator("#cfgMsg")).to_contain_text(f"v{v + 3}")
    sub(admin, "rules")
    expect(admin.locator("#cfgStale")).to_contain_text(f"配置已被他人修改：现在是 v{v + 3}（本页显示的是 v{v + 2}）")
    admin.locator("#cfgStale button").click()
    expect(admin.locator("#cfgVersion")).to_have_text(f"当前配置版本 v{v + 3}")
    expect(admin.locator("#cfgStale")).to_have_count(0)
    other_ctx.close()


def test_a_second_press_while_saving_sends_nothing(admin, hall):
    page = admin
    sub(page, "rules")
    v = get(hall, "/api/config")["config_version"]
    page.fill('#cfgRules input[name="appointment_late_minutes"]', "20")
    posts = []
    page.on("request", lambda r: r.method == "POST" and r.url.endswith("/api/config") and posts.append(r.url))
    page.evaluate("() => { const b = document.getElementById('cfgSaveRules'); b.click(); b.click(); }")  # at once
    expect(page.locator("#cfgMsg")).to_contain_text(f"已保存，配置版本 v{v + 1}")
    page.wait_for_timeout(500)  # a second request, had one gone out, would be back by now
    assert get(hall, "/api/config")["config_version"] == v + 1
    expect(page.locator("#cfgMsg")).not_to_contain_text("配置已被他人修改")
    assert len(posts) == 1, posts


def test_calendar_reasons_and_notices(admin, hall):
    page = admin
    sub(page, "calendar")
    holidays, workdays = page.locator('[data-cal="holidays"]'), page.locator('[data-cal="workdays"]')
    workdays.locator('input[type="date"]').fill("2026-12-30")  # a Wednesday
    workdays.locator('button[data-act="add-date"]').click()
    expect(page.locator("#cfgMsg")).to_contain_text("不是周末")
    holidays.locator('input[type="date"]').fill("2027-01-01")
    holidays.locator('button[data-act="add-date"]').click()
    holidays.locator('input[name="holidays_many"]').fill("2026-10-01~2026-10-03，2026-10-05")  # as the notice lists them
    holidays.locator('button[data-act="add-date"]').click()
    holidays.locator('input[name="holidays_many"]').fill("2026-10-32")
    holidays.locator('button[data-act="add-date"]').click()
    expect(page.locator("#cfgMsg")).to_contain_text("日期格式应为 2026-10-01")
    workdays.locator('input[type="date"]').fill("2027-01-03")
    workdays.locator('button[data-act="add-date"]').click()
    expect(workdays).to_contain_text("2027-01-03 周日")
    expect(page.locator("#cfgCalUnsaved")).to_be_visible()
    page.click("#cfgSaveCalendar")
    expect(page.locator("#cfgMsg")).to_contain_text("修改工作日历")
    expect(page.locator("#cfgCalUnsaved")).to_be_hidden()
    cal = get(hall, "/api/config")["config"]["calendar"]
    assert cal == {"holidays": ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-05", "2027-01-01"],
                   "workdays": ["2027-01-03"]}
    shot(page, "calendar-zh")
    sub(page, "lists")
    pause = page.locator('[data-reasons="pause_reasons"]')
    pause.locator(".add-line").click()
    pause.locator('input[name="pause_reasons_zh"]').last.fill("接听电话")
    pause.locator('input[name="pause_reasons_en"]').last.fill("On the phone")
    pause.locator('button[data-act="save"]').click()
    expect(page.locator("#cfgMsg")).to_contain_text("已保存")
    hall_doc = get(hall, "/api/config")["config"]["hall"]
    assert hall_doc["pause_reasons"][-1] == "接听电话" and hall_doc["pause_reasons_en"][-1] == "On the phone"
    page.fill('input[name="display_notice_zh"]', "今日下午三点系统维护")
    page.fill('input[name="display_notice_en"]', "System maintenance at 3 pm today")
    page.click("#cfgSaveNotices")
    expect(page.locator("#cfgMsg")).to_contain_text("已保存")
    assert get(hall, "/api/hall")["hall"]["display_notice_zh"] == "今日下午三点系统维护"
    new = page.locator("#cfgBundles tr.new-row")  # 一票到底: one ticket through two services
    new.locator('input[name="code"]').fill("estate_tax")
    new.locator('input[name="name_zh"]').fill("不动产登记＋契税")
    new.locator('input[name="steps"]').fill("estate，tax")
    new.locator('button[data-act="add"]').click()
    expect(page.locator('#cfgBundles tr[data-key="estate_tax"] input[name="steps"]')).to_have_value("estate, tax")
    [bundle] = get(hall, "/api/config")["config"]["bundles"]
    assert (bundle["code"], bundle["steps"]) == ("estate_tax", ["estate", "tax"])
    shot(page, "lists-zh")


def test_export_downloads_a_toml_that_parses_and_import_applies_or_refuses_one(admin, hall, tmp_path):
    page = admin
    with page.expect_download() as got:
        page.click("#cfgExport")
    path = tmp_path / "hall.toml"
    got.value.save_as(path)
    text = path.read_text(encoding="utf-8")
    cfg = parse_config(tomllib.loads(text))
    assert cfg.service("passport") is not None and cfg.rules.requeue_places == 5
    v = get(hall, "/api/config")["config_version"]
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('prefix = "P"', 'prefix = "A"'), encoding="utf-8")
    page.once("dialog", lambda d: d.accept())
    page.set_input_files("#cfgFile", str(bad))
    page.click("#cfgImport")
    expect(page.locator("#cfgMsg")).to_contain_text("配置有误，未保存")
    assert get(hall, "/api/config")["config_version"] == v
    good = tmp_path / "good.toml"
    good.write_text(text.replace("今日下午三点系统维护", "欢迎来到示范大厅"), encoding="utf-8")
    page.once("dialog", lambda d: d.accept())
    page.set_input_files("#cfgFile", str(good))
    page.click("#cfgImport")
    expect(page.locator("#cfgMsg")).to_contain_text(f"已导入，配置版本 v{v + 1}")
    assert get(hall, "/api/hall")["hall"]["display_notice_zh"] == "欢迎来到示范大厅"


def test_english_shows_no_chinese_but_the_halls_own_values(browser, hall):
    ctx, page = open_console(browser, hall, "en")
    expect(page.locator('#tabs button[data-tab="config"]')).to_have_text("Hall setup")
    seen = []
    for name in ("services", "windows", "lists", "rules", "calendar", "history"):
        sub(page, name)
        if name == "services":
            page.click("#cfgAddService")
        if name == "windows":
            page.locator('#cfgWindows tr[data-window="4"] button[data-act="edit"]').click()
        if name == "history":
            page.wait_for_selector('#cfgHistory tr[data-version="1"]')
        shot(page, f"{name}-en")
        # Text the page wrote (not the values in inputs; the history's notes are what admins typed).
        text = page.evaluate("""() => {
            const out = [];
            for (const root of [document.getElementById('tab-config'), document.getElementById('tabs')]) {
              const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
              for (let n = w.nextNode(); n; n = w.nextNode()) {
                if (n.parentElement.closest('.val')) continue;
                out.push(n.textContent);
              }
              for (const o of root.querySelectorAll('option')) out.push(o.textContent);
            }
            return out.join(' | ');
        }""")
        seen.append(text)
        assert not CJK.search(text), (name, CJK.findall(text)[:20], text[:2000])
    assert "Exit and entry documents" in seen[0] and "Window 4" in seen[1]
    # a refusal in English
    sub(page, "services")
    page.once("dialog", lambda d: d.accept())
    page.locator('#cfgServices tr[data-service="estate"] button[data-act="remove"]').click()
    msg = page.locator("#cfgMsg")
    expect(msg).to_be_visible()
    assert not CJK.search(msg.text_content())
    expect(msg).to_contain_text('"Window 1" would serve no service: give it another first, or remove the window')
    shot(page, "refused-en")
    page.click("#langBtn")  # back to Chinese from the switch in the header: the tab is drawn again in zh
    expect(page.locator('#tabs button[data-tab="config"]')).to_have_text("大厅配置")
    expect(page.locator('#cfgSubs button[data-sub="services"]')).to_have_text("服务事项")
    expect(page.locator("#cfgServices")).to_contain_text("不动产登记")
    ctx.close()
