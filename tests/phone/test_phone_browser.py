"""The phone page in Debian's Chromium at 360×640 with the CPU slowed 4×: zh and en, a call within ~1 s, 扫码评价."""
from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

from queuecore import protocol as P
from tests.browser import chromium_path
from tests.qtclient.conftest import loop_thread, provisioned_data, sms_server  # noqa: F401
from tests.server.conftest import PINS

pytestmark = pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed")
playwright = pytest.importorskip("playwright.async_api")


@pytest.fixture
def server(sms_server):  # this hall sends SMS: its phone pages offer the opt-in
    return sms_server

# Records what the page asks of the vibration motor (headless Chromium has none).
VIBRATE_SPY = "window.__vibrations = []; navigator.vibrate = p => { window.__vibrations.push(p); return true; };"


def ok(reply) -> P.Result:
    assert isinstance(reply, P.Result), reply
    return reply


def shots(tmp_path: Path) -> Path:
    d = Path(os.environ.get("HALLQ_SCREENSHOTS", tmp_path))
    d.mkdir(parents=True, exist_ok=True)
    return d


async def run(fn, *args):
    """Server helpers block on the server's loop thread: keep this loop (and the browser) free."""
    return await asyncio.to_thread(fn, *args)


# WeChat's in-app browser on a cheap Android phone (its XWeb engine is Chromium): the page behind a scanned QR.
WECHAT_UA = ("Mozilla/5.0 (Linux; Android 10; M2006C3LC Build/QP1A.190711.020; wv) AppleWebKit/537.36 (KHTML, like "
             "Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5023 MMWEBSDK/20230202 "
             "MMWEBID/2585 MicroMessenger/8.0.33.2320(0x28002135) WeChat/arm64 Weixin NetType/4G Language/zh_CN "
             "ABI/arm64")


async def phone(browser, url: str, lang: str = "zh"):
    ctx = await browser.new_context(viewport={"width": 360, "height": 640}, device_scale_factor=2, is_mobile=True,
                                    has_touch=True, locale="zh-CN" if lang == "zh" else "en-US", user_agent=WECHAT_UA)
    page = await ctx.new_page()
    await page.add_init_script(VIBRATE_SPY)
    cdp = await ctx.new_cdp_session(page)
    await cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})  # a cheap Android phone
    await page.goto(url + ("?lang=en" if lang == "en" else ""))
    await page.wait_for_function("document.body.dataset.link === 'online'", timeout=10_000)
    return page


async def fits(page) -> None:
    """Nothing wider than the screen; the number in large type."""
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
    size = await page.evaluate("parseFloat(getComputedStyle(document.getElementById('number')).fontSize)")
    assert size >= 60


async def called_within(page, srv, command: P.Command, expected: str) -> float:
    started = time.monotonic()
    await run(lambda: ok(srv.execute(command, "window1")))
    await page.wait_for_function(f"document.getElementById('goto')?.textContent.includes({expected!r})",
                                 timeout=5_000)
    return time.monotonic() - started


async def test_a_waiting_citizen_sees_the_queue_then_the_call_then_rates_the_visit(server, tmp_path) -> None:
    out = shots(tmp_path)
    srv = server
    await run(lambda: ok(srv.execute(P.SignIn(staff_id="s1", pin=PINS["s1"]), "window1")))
    paths = [(await run(lambda: ok(srv.execute(P.IssueTicket(service="estate"), "kiosk")))).data["status_path"]
             for _ in range(3)]
    await run(lambda: ok(srv.execute(P.CallNext(), "window1")))  # A001: the page lists it among the last calls
    async with playwright.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        page = await phone(browser, srv.url + paths[2])
        assert await page.text_content("#number") == "A003"
        assert await page.text_content("#status") == "等候中"
        assert await page.text_content("#ahead") == "前面还有 1 人"
        assert "分钟" in await page.text_content("#estimate")
        assert "身份证" in await page.text_content(".materials")
        assert await page.eval_on_selector_all(".recent li", "ls => ls.map(l => l.textContent)") == ["A0011号窗口"]
        await fits(page)
        await page.screenshot(path=out / "phone-waiting-zh.png")

        await run(lambda: ok(srv.execute(P.Skip(), "window1")))
        await run(lambda: ok(srv.execute(P.CallNext(), "window1")))  # A002
        await page.wait_for_function("document.getElementById('ahead')?.textContent === '下一个就是您'", timeout=5_000)
        await run(lambda: ok(srv.execute(P.Skip(), "window1")))
        took = await called_within(page, srv, P.CallNext(), "1号窗口")
        assert took < 1.0, f"the call reached the phone after {took:.2f} s"
        assert await page.text_content("#goto") == "请到 1号窗口"
        assert await page.evaluate("document.body.dataset.status") == "called"
        assert await page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(230, 81, 0)"
        assert len(await page.evaluate("window.__vibrations")) == 1
        await page.screenshot(path=out / "phone-called-zh.png")
        await run(lambda: ok(srv.execute(P.Recall(), "window1")))
        await page.wait_for_function("window.__vibrations.length === 2", timeout=5_000)  # a recall alerts again

        await run(lambda: ok(srv.execute(P.StartServing(), "window1")))
        await page.wait_for_function("document.getElementById('where')?.textContent === '正在 1号窗口 办理'",
                                     timeout=5_000)
        assert await page.text_content("#status") == "办理中"
        await run(lambda: ok(srv.execute(P.Finish(), "window1")))
        await page.wait_for_selector("button.level")
        assert await page.eval_on_selector_all("button.level", "bs => bs.map(b => b.dataset.level)") == [
            "5", "4", "3", "2", "1"]
        await page.click("button.level[data-level='2']")
        assert await page.is_disabled("#send")  # a low rating needs its reason first
        await page.click("button.reason[data-reason='等候时间长']")
        await page.screenshot(path=out / "phone-rate-zh.png")
        await page.click("#send")
        await page.wait_for_selector("#rated")
        assert await page.text_content("#rated") == "感谢您的评价"
        refused = await run(lambda: srv.execute(P.RateVisit(number="A003", level=5), "window1"))
        assert isinstance(refused, P.Error) and refused.code == "already_rated"
        await browser.close()


async def test_the_page_in_english_and_a_suspended_visit(server, tmp_path) -> None:
    out = shots(tmp_path)
    srv = server
    await run(lambda: ok(srv.execute(P.SignIn(staff_id="s1", pin=PINS["s1"]), "window1")))
    paths = [(await run(lambda: ok(srv.execute(P.IssueTicket(service="estate"), "kiosk")))).data["status_path"]
             for _ in range(3)]
    async with playwright.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        page = await phone(browser, srv.url + paths[1], "en")
        assert await page.text_content("#status") == "Waiting"
        assert await page.text_content("#ahead") == "1 person ahead of you"
        assert await page.text_content("#lang") == "中文"
        # Every word exists in both languages (nested ones too).
        missing = await page.evaluate("""import('/static/phone/i18n.js').then(({ TEXTS }) => {
            const keys = o => Object.entries(o).flatMap(([k, v]) => typeof v === 'object' ? keys(v).map(s => k + '.' + s) : [k]);
            const zh = keys(TEXTS.zh), en = keys(TEXTS.en);
            return [zh.filter(k => !en.includes(k)), en.filter(k => !zh.includes(k))]; })""")
        assert missing == [[], []]
        await fits(page)
        await page.screenshot(path=out / "phone-waiting-en.png")
        await run(lambda: ok(srv.execute(P.CallNext(), "window1")))
        await run(lambda: ok(srv.execute(P.Skip(), "window1")))
        took = await called_within(page, srv, P.CallNext(), "Window 1")
        assert took < 1.0, f"the call reached the phone after {took:.2f} s"
        assert await page.text_content("#goto") == "Please go to Window 1"
        await page.screenshot(path=out / "phone-called-en.png")
        await run(lambda: ok(srv.execute(P.StartServing(), "window1")))
        await run(lambda: ok(srv.execute(P.Suspend(), "window1")))
        await page.wait_for_function("document.body.dataset.status === 'suspended'", timeout=5_000)
        assert "Come back to Window 1" in await page.text_content("#where")
        await page.click("#lang")  # to Chinese, remembered
        assert "请备齐材料后回到 1号窗口" in await page.text_content("#where")
        await page.screenshot(path=out / "phone-suspended-zh.png")
        await browser.close()


async def test_texts_are_opt_in_with_the_consent_line_and_shown_masked(server, tmp_path) -> None:
    out = shots(tmp_path)
    srv = server
    paths = [(await run(lambda: ok(srv.execute(P.IssueTicket(service="estate"), "kiosk")))).data["status_path"]
             for _ in range(2)]
    async with playwright.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        page = await phone(browser, srv.url + paths[1])
        assert "加密保存，当天结束后删除" in await page.text_content("#smsConsentText")
        await page.fill("#smsPhone", "139 1234 5678")
        await page.click("#smsSend")  # no consent ticked yet
        assert await page.text_content("#smsError") == "请输入 11 位手机号并勾选同意"
        await page.check("#smsConsent")
        await page.screenshot(path=out / "phone-sms-form-zh.png", full_page=True)
        await page.click("#smsSend")
        await page.wait_for_selector("#smsOn:not([hidden])")
        assert (await page.text_content("#smsOn")).startswith("短信提醒已开启：139****5678")
        assert await page.is_hidden("#smsForm")
        await page.screenshot(path=out / "phone-sms-on-zh.png", full_page=True)
        await page.reload()  # the opt-in is the server's: it comes back with the page
        await page.wait_for_selector("#smsOn:not([hidden])")
        await browser.close()
