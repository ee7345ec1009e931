"""The city page in Debian's Chromium against `hallq central` on the throwaway cluster: the login form (a wrong
password refused), then charts, the table by the chosen cut and its XLSX export read back with openpyxl, in Chinese
and English; logging out returns to the form. Screenshots go to $HALLQ_SHOTS (default /tmp/hallq-central-shots)."""
from __future__ import annotations

import os
from pathlib import Path

import msgspec
import pytest

from queuecore.config import load_config
from tests.browser import chromium_path
from tests.central.centralkit import HALL_TOML, add_hall, add_reader, ship_day

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra: pip install -e .[test]")
expect = playwright.expect
pytestmark = pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (Debian's chromium)")
SHOTS = Path(os.environ.get("HALLQ_SHOTS", "/tmp/hallq-central-shots"))


def test_log_in_then_charts_table_and_export_in_both_languages(central, dsn, day_store, tmp_path):
    from openpyxl import load_workbook

    config = msgspec.to_builtins(load_config(str(HALL_TOML)))
    east, west = add_hall(dsn, "east"), add_hall(dsn, "west")
    ship_day(central.url, day_store, east, west, configs={
        east: config, west: config | {"name_zh": "西城便民服务中心", "name_en": "West Town Service Centre"}})
    add_reader(dsn, "city", "city-pass-7", name="市数据局")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(central.url + "/")
        expect(page.locator("#loginView")).to_be_visible()
        page.fill("#username", "city")
        page.fill("#password", "wrong-password")
        page.click("#loginBtn")
        expect(page.locator("#loginError")).to_have_text("用户名或密码错误")
        shot = SHOTS / "city-login-zh.png"
        page.screenshot(path=str(shot))
        page.fill("#password", "city-pass-7")
        page.click("#loginBtn")
        expect(page.locator("#appView")).to_be_visible()
        expect(page.locator("#loginView")).to_be_hidden()
        expect(page.locator("#userName")).to_have_text("市数据局 (全部大厅)")

        def show(cut: str) -> None:
            page.fill("#from", "2026-11-01")
            page.fill("#to", "2026-11-30")
            page.select_option("#cut", cut)
            page.click("#load")
            page.wait_for_function(f"document.body.dataset.loaded === '{cut}' && "
                                   "document.querySelector('#tableTitle').textContent.includes('2026-11-01')")

        show("hall")
        rows = page.locator("#table tr")
        expect(rows).to_have_count(4)  # header, two halls, total
        assert page.locator("#table tr").nth(1).locator("td").first.text_content() == "示范县政务服务中心"
        assert page.locator("#table tr").nth(2).locator("td").first.text_content() == "西城便民服务中心"
        assert page.locator("#table tr.total td").first.text_content() == "合计"
        for chart in ("volume", "waits", "rates", "days"):
            expect(page.locator(f"#{chart} canvas")).to_have_count(1)
        assert page.locator("#halls tr").count() == 3
        page.screenshot(path=str(SHOTS / "city-page-zh.png"), full_page=True)

        show("hall,service")
        assert page.locator("#table tr").count() > 4
        with page.expect_download() as info:
            page.click("#xlsx")
        download = info.value
        path = tmp_path / download.suggested_filename
        download.save_as(path)
        assert download.suggested_filename == "city-2026-11-01-2026-11-30.xlsx"
        sheet = load_workbook(path).active
        assert sheet["A1"].value == "全市统计 2026-11-01 – 2026-11-30"
        header = [c.value for c in sheet[2]]
        assert header[:3] == ["大厅", "服务事项", "取号数"]
        body = list(sheet.iter_rows(min_row=3, values_only=True))
        assert {r[0] for r in body[:-1]} == {"示范县政务服务中心", "西城便民服务中心"}
        total = body[-1]
        assert total[0] == "合计" and total[2] == sum(r[2] for r in body[:-1]) > 0
        page_total = page.locator("#table tr.total td").nth(2).text_content()
        assert page_total.replace(",", "") == str(total[2])

        page.goto(central.url + "/?lang=en")  # the session goes on; the page speaks English
        expect(page.locator("#appView")).to_be_visible()
        show("hall")
        assert page.locator("#appView h1").text_content() == "City service halls"
        assert page.locator("#table tr").first.locator("th").nth(1).text_content() == "Issued"
        assert page.locator("#table tr").nth(2).locator("td").first.text_content() == "West Town Service Centre"
        assert page.locator("#table tr.total td").first.text_content() == "Total"
        page.screenshot(path=str(SHOTS / "city-page-en.png"), full_page=True)
        page.click("#logout")
        expect(page.locator("#loginView")).to_be_visible()
        expect(page.locator("#appView")).to_be_hidden()
        page.reload()
        expect(page.locator("#loginView")).to_be_visible()
        assert errors == []
        browser.close()
