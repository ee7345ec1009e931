"""一票到底 on the citizen's phone: the entry lists the bundle's steps, which are done, which is current, which are
still to come, and which were not reached when a step ended the bundle; the page shows them in zh and en."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import msgspec
import pytest

from queuecore.model import Bundle
from tests.browser import chromium_path
from tests.server.conftest import PINS, make_config

START_UP = Bundle(code="startup", name_zh="企业开办", name_en="Business start-up", steps=("estate", "social", "tax"))
STAFF = {1: "s1", 2: "s2", 4: "s4"}


@pytest.fixture
async def bsrv(make_server):
    srv = await make_server(msgspec.structs.replace(make_config(), bundles=(START_UP,)))
    for w, staff in STAFF.items():
        r = await srv.post(f"/api/windows/{w}/sign-in", f"window{w}", {"staff_id": staff, "pin": PINS[staff]})
        assert r.status == 200
    return srv


async def serve(srv, window: int, outcome: str = "completed") -> None:
    for what, body in (("call-next", None), ("start", None), ("finish", {"outcome": outcome})):
        r = await srv.post(f"/api/windows/{window}/{what}", f"window{window}", body)
        assert r.status == 200, await r.json()


def states(entry: dict) -> list[tuple[str, str]]:
    return [(s["service"], s["state"]) for s in entry["steps"]]


async def test_the_entry_follows_the_ticket_from_step_to_step(bsrv) -> None:
    path = (await (await bsrv.post("/api/bundles/startup/tickets", "kiosk", {})).json())["status_path"]
    plain = (await (await bsrv.post("/api/tickets", "kiosk", {"service": "social"})).json())["status_path"]

    async def entry(p: str = path) -> dict:
        return await (await bsrv.client.get(p)).json()

    first = await entry()
    assert (first["bundle"], first["bundle_name_zh"], first["bundle_name_en"]) == (
        "startup", "企业开办", "Business start-up")
    assert [(s["name_zh"], s["name_en"]) for s in first["steps"]] == [
        ("不动产登记", "Real estate"), ("社保", "Social insurance"), ("税务", "Tax")]
    assert states(first) == [("estate", "current"), ("social", "next"), ("tax", "next")]
    assert "steps" not in await entry(plain)
    await serve(bsrv, 1)
    e = await entry()
    assert (e["status"], e["service"]) == ("waiting", "social")
    assert states(e) == [("estate", "done"), ("social", "current"), ("tax", "next")]
    await serve(bsrv, 2)
    await serve(bsrv, 2)  # the plain social ticket
    await serve(bsrv, 4)
    e = await entry()
    assert e["status"] == "done" and states(e) == [("estate", "done"), ("social", "done"), ("tax", "done")]


async def test_each_step_is_rated_by_phone_while_the_next_one_waits(bsrv) -> None:
    path = (await (await bsrv.post("/api/bundles/startup/tickets", "kiosk", {})).json())["status_path"]

    async def entry() -> dict:
        return await (await bsrv.client.get(path)).json()

    assert "rate_step" not in await entry()  # nothing finished yet
    await serve(bsrv, 1)
    e = await entry()
    assert (e["rate_step"]["name_zh"], e["rated"], e["step"]) == ("不动产登记", False, 1) and e["rating_levels"]
    r = await bsrv.client.post(path + "/rate", json={"level": 2, "reason": "等候时间长"})
    assert r.status == 200, await r.json()
    assert (await entry())["rated"] is True
    r = await bsrv.client.post(path + "/rate", json={"level": 5})
    assert (r.status, (await r.json())["code"]) == (409, "already_rated")
    await serve(bsrv, 2)
    e = await entry()
    assert (e["rate_step"]["service"], e["rated"], e["step"]) == ("social", False, 2)  # the next step: its own
    r = await bsrv.client.post(path + "/rate", json={"level": 4})
    assert r.status == 200
    await serve(bsrv, 4)
    r = await bsrv.client.post(path + "/rate", json={"level": 5})  # the last step, done: rated as any visit
    assert r.status == 200
    with sqlite3.connect(bsrv.data / "hallq.db") as conn:
        rated = conn.execute("SELECT json_extract(data, '$.service'), window, json_extract(data, '$.level') "
                             "FROM events WHERE type = 'visit_rated' ORDER BY seq").fetchall()
    assert rated == [("estate", 1, 2), ("social", 2, 4), ("tax", 4, 5)]


async def test_a_step_that_ends_the_bundle_leaves_the_rest_not_reached(bsrv) -> None:
    path = (await (await bsrv.post("/api/bundles/startup/tickets", "kiosk", {})).json())["status_path"]
    await serve(bsrv, 1)
    await serve(bsrv, 2, "incomplete")  # 补正: the bundle ends at its second step
    e = await (await bsrv.client.get(path)).json()
    assert e["status"] == "done" and states(e) == [("estate", "done"), ("social", "done"), ("tax", "off")]


# ------------------------------------------------------------ the page, in Chromium

@pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed")
async def test_the_page_lists_the_steps_in_zh_and_en(bsrv, tmp_path) -> None:
    playwright = pytest.importorskip("playwright.async_api")
    out = Path(os.environ.get("HALLQ_SCREENSHOTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    path = (await (await bsrv.post("/api/bundles/startup/tickets", "kiosk", {})).json())["status_path"]
    await serve(bsrv, 1)
    base = str(bsrv.client.make_url(path))
    async with playwright.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        try:
            ctx = await browser.new_context(viewport={"width": 360, "height": 640}, device_scale_factor=2,
                                            is_mobile=True)
            page = await ctx.new_page()
            await page.goto(base)
            await page.wait_for_selector("#steps")
            assert "企业开办" in await page.text_content("#steps h2")
            rows = await page.eval_on_selector_all("#steps li", "els => els.map(e => [e.dataset.state, e.innerText])")
            assert [s for s, _ in rows] == ["done", "current", "next"]
            assert "1. 不动产登记" in rows[0][1] and "已办结" in rows[0][1]
            assert "2. 社保" in rows[1][1] and "当前步骤" in rows[1][1] and "待办理" in rows[2][1]
            assert await page.evaluate("document.documentElement.scrollWidth") <= 360
            assert await page.text_content(".rating h2") == "请为刚办完的“不动产登记”评价"
            await page.screenshot(path=str(out / "phone-bundle-zh.png"), full_page=True)
            await page.click('button[data-level="5"]')
            await page.click("#send")
            await page.wait_for_selector("#rated")
            assert await page.text_content("#rated") == "感谢您的评价"
            await page.goto(base + "?lang=en")
            await page.wait_for_selector("#steps")
            assert "Business start-up" in await page.text_content("#steps h2")
            rows = await page.eval_on_selector_all("#steps li", "els => els.map(e => e.innerText)")
            assert "Real estate" in rows[0] and "Done" in rows[0] and "Now" in rows[1] and "Next" in rows[2]
            assert await page.text_content("#rated") == "This visit has been rated"
            await serve(bsrv, 2)  # the next step: a fresh form for it
            await page.wait_for_function("document.querySelector('.rating h2')?.textContent.includes('Social insurance')")
            await page.screenshot(path=str(out / "phone-bundle-en.png"), full_page=True)
        finally:
            await browser.close()


def test_every_phone_text_key_is_in_both_languages() -> None:
    """The steps' words exist in zh and en (the page's i18n.js)."""
    text = (Path(__file__).parents[2] / "server" / "static" / "phone" / "i18n.js").read_text(encoding="utf-8")
    for key in ("stepsTitle", "stepState", "stepMark"):
        assert text.count(f"{key}:") == 2, key
