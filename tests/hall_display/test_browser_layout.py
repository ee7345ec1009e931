"""The browser wall display (/display) read from 10 m, in Debian's Chromium driven by Playwright: sizes,
the window's name on one line where it fits at 8%, pages as full as the panels allow, nothing cut or
elided, every service and call on some page, pages that turn, the hall's clock and windows named (and
spoken) as their signs read. Against the real server on the sample county hall and
a 30-service/40-window hall, in zh and en, landscape and portrait."""
from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hall_display.speech import call_parts
from tests.hall_display import halls
from tests.browser import chromium_path
from tests.qtclient.conftest import LoopThread, ServerThread

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra: pip install -e .[test]")
pytestmark = pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (Debian's chromium)")

SIZES = [(1920, 1080), (1080, 1920)]
NOTICE = "请携带好身份证件，按号码顺序办理。办理完毕请对本次服务进行评价。"
SHANGHAI = ZoneInfo("Asia/Shanghai")

# Every visible text on the wall, with what a reader would need to see it whole.
TEXTS = """() => {
  const out = [];
  const canvas = document.createElement('canvas').getContext('2d');
  for (const e of document.querySelectorAll('#board *')) {
    if (!e.textContent.trim() || [...e.children].some(c => c.textContent.trim())) continue;  // leaves with text
    if (e.closest('#ticker') || e.closest('[hidden]') || !e.getClientRects().length) continue;  // the notice scrolls
    const cs = getComputedStyle(e), r = e.getBoundingClientRect();
    const box = e.closest('.rows, #hero, #header, #banner');
    canvas.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    out.push({id: e.id, cls: e.className, text: e.textContent, rect: [r.left, r.top, r.right, r.bottom],
              box: box ? (b => [b.left, b.top, b.right, b.bottom])(box.getBoundingClientRect()) : null,
              box_id: box ? box.id : '', scroll: [e.scrollWidth, e.clientWidth, e.scrollHeight, e.clientHeight],
              ellipsis: cs.textOverflow === 'ellipsis', cap: canvas.measureText('H').actualBoundingBoxAscent});
  }
  return out;
}"""


def problems(texts: list[dict], width: int, height: int) -> list[str]:
    found = []
    for t in texts:
        what = f"{t['id'] or t['cls']} {t['text']!r}"
        sw, cw, sh, ch = t["scroll"]
        if sw > cw + 1 and cw > 0:
            found.append(f"{what}: {sw} px of text in {cw} px")
        if t["ellipsis"] or ("…" in t["text"] and t["id"] != "banner"):
            found.append(f"{what}: ellipsis")
        x0, y0, x1, y1 = t["rect"]
        if x0 < -0.5 or y0 < -0.5 or x1 > width + 0.5 or y1 > height + 0.5:
            found.append(f"{what}: {t['rect']} off the {width}x{height} screen")
        if t["box"]:
            bx0, by0, bx1, by1 = t["box"]
            if x0 < bx0 - 0.5 or y0 < by0 - 0.5 or x1 > bx1 + 0.5 or y1 > by1 + 0.5:
                found.append(f"{what}: {t['rect']} sticks out of #{t['box_id']} {t['box']}")
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = a["rect"], b["rect"]
            if min(ax1, bx1) - max(ax0, bx0) > 1 and min(ay1, by1) - max(ay0, by0) > 1:
                found.append(f"{a['text']!r} {a['rect']} overlaps {b['text']!r} {b['rect']}")
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def halls_served(provisioned_data, tmp_path_factory) -> Iterator[dict[str, ServerThread]]:
    loop = LoopThread()
    servers = {key: halls.serve(loop, tmp_path_factory.mktemp(key), provisioned_data, path, calls)
               for key, path, calls in (("county", halls.COUNTY, halls.COUNTY_CALLS),
                                        ("big", halls.BIG, halls.BIG_CALLS))}
    yield servers
    for srv in servers.values():
        srv.stop()
    loop.close()


def open_page(browser, srv: ServerThread, lang: str, size: tuple[int, int], *, tz: str = "America/New_York",
              clock: bool = False):
    """A new browser context (its own zone: the device's, not the hall's) on the display page, online."""
    ctx = browser.new_context(viewport={"width": size[0], "height": size[1]}, timezone_id=tz)
    page = ctx.new_page()
    if clock:
        page.clock.install()
    page.goto(f"{srv.url}/display?token={srv.tokens['display']}&silent=1&lang={lang}&notice={NOTICE}")
    page.wait_for_function("document.body.dataset.link === 'online' && document.getElementById('time').textContent")
    return ctx, page


def shot(page, name: str) -> None:
    folder = os.environ.get("HALLQ_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def every_page(page, check) -> set[str]:
    """Turn the pages (as the page's 6 s timer does, which may turn them too) until every page of both
    lists has been seen; `check` each; returns every text seen."""
    seen: set[str] = set()
    shown: dict[str, set[int]] = {"recent": set(), "services": set()}
    for _ in range(100):
        state = page.evaluate("""() => { const texts = (%s)();
            return {texts, pages: {recent: [hallqDisplay.state.page.recent, +document.getElementById('recent').dataset.pages],
                                   services: [hallqDisplay.state.page.services, +document.getElementById('services').dataset.pages]}}; }""" % TEXTS)
        check(state["texts"])
        seen |= {t["text"] for t in state["texts"]}
        for key, (at, n) in state["pages"].items():
            shown[key].add(at % n)
        if all(len(shown[k]) == state["pages"][k][1] for k in shown):
            return seen
        page.evaluate("hallqDisplay.nextPage()")  # what the page's timer calls every 6 s
    raise AssertionError(f"pages never all shown: {shown}")


@pytest.mark.parametrize("size", SIZES, ids=["landscape", "portrait"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_newest_call_is_12_percent_of_the_screen_and_the_lists_5(browser, halls_served, lang, size) -> None:
    w, h = size
    ctx, page = open_page(browser, halls_served["county"], lang, size)
    try:
        shot(page, f"web-county-{lang}-{w}x{h}")
        texts = {t["id"]: t for t in page.evaluate(TEXTS) if t["id"]}
        assert texts["number"]["text"] == "Z002"
        assert texts["window"]["text"] == {"zh": "20号绿色通道", "en": "Window 20 (priority)"}[lang]
        # Cap height: the ascent of a capital H in the element's font as drawn (canvas measureText).
        assert texts["number"]["cap"] >= 0.12 * h
        assert texts["window"]["cap"] >= 0.08 * min(w, h)  # 12% where it fits on one line there
        rows = [t for t in page.evaluate(TEXTS) if t["box_id"] in ("recent", "services")]
        assert {t["box_id"] for t in rows} == {"recent", "services"} and len(rows) >= 4
        assert min(t["cap"] for t in rows) >= 0.05 * min(w, h)
    finally:
        ctx.close()


@pytest.mark.parametrize("size", SIZES, ids=["landscape", "portrait"])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("hall", ["county", "big"])
def test_no_text_is_cut_and_every_service_and_call_is_on_some_page(browser, halls_served, hall, lang, size) -> None:
    srv = halls_served[hall]
    snap = srv.snapshot()
    ctx, page = open_page(browser, srv, lang, size)
    try:
        shot(page, f"web-{hall}-{lang}-{size[0]}x{size[1]}")
        def check(texts: list[dict]) -> None:
            assert problems(texts, *size) == []

        seen = every_page(page, check)
        names = {s.name_en if lang == "en" else s.name_zh for s in snap.hall.services}
        assert names <= seen
        windows = {w.id: (w.name_en if lang == "en" else w.name_zh) for w in snap.hall.windows}
        calls = {c.ticket_id: c for c in snap.recent_calls}
        newest = list(dict.fromkeys(c.ticket_id for c in reversed(snap.recent_calls)))[:12]
        assert {calls[t].number for t in newest} <= seen
        assert {windows[calls[t].window] for t in newest} <= seen  # named as the signs read
        assert "19号窗口" not in seen and "Window 19" not in seen
    finally:
        ctx.close()


# The newest call's window name as laid out: its box, size, lines, and the widths one line of it takes at
# the sizes whose cap height is 8% and 12% of the shorter side, and at 2 px more than its own.
NAME = """() => {
  const w = document.getElementById('window'), cs = getComputedStyle(w), short = Math.min(innerWidth, innerHeight);
  const ctx = document.createElement('canvas').getContext('2d');
  const at = px => { ctx.font = `${cs.fontWeight} ${px}px ${cs.fontFamily}`; return ctx; };
  const forCap = cap => { let px = 8; while (at(px).measureText('H').actualBoundingBoxAscent < cap) px++; return px; };
  const range = document.createRange();
  range.selectNodeContents(w);
  const px = parseFloat(cs.fontSize), floor = forCap(0.08 * short), top = forCap(0.12 * short);
  return {text: w.textContent, box: w.clientWidth, px, floor, top,
          cap: at(px).measureText('H').actualBoundingBoxAscent,
          lines: new Set([...range.getClientRects()].map(r => Math.round(r.top))).size,
          at_floor: at(floor).measureText(w.textContent).width, bigger: at(px + 2).measureText(w.textContent).width};
}"""


@pytest.mark.parametrize("size", SIZES, ids=["landscape", "portrait"])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("hall", ["county", "big"])
def test_the_window_name_is_on_one_line_when_it_fits_there_at_8_percent(browser, halls_served, hall, lang,
                                                                        size) -> None:
    """As the Qt board: smaller (down to 8% of the shorter side) rather than on two lines; only a name
    too long for one line at 8% wraps, and then at 8%."""
    ctx, page = open_page(browser, halls_served[hall], lang, size)
    try:
        name = page.evaluate(NAME)
        what = f"{name['text']!r}: {name['lines']} lines at {name['px']} px in {name['box']} px"
        assert name["cap"] >= 0.08 * min(size) and name["px"] <= name["top"] + 1, what  # the page rounds up
        if name["at_floor"] <= name["box"] - 2:
            assert name["lines"] == 1, what
            assert name["px"] >= name["top"] or name["bigger"] > name["box"], what  # no smaller than it needs
        elif name["at_floor"] > name["box"] + 2:
            assert name["lines"] > 1 and name["px"] <= name["floor"] + 1, what
    finally:
        ctx.close()


# Every page of both lists, turned in one go (the page's own 6 s timer cannot turn one in between): each
# shown row's top, bottom and lines (the most of its cells), and where the panel's rows may go.
PAGES = """() => {
  const out = {};
  for (const key of ['recent', 'services']) {
    const rows = document.getElementById(key), n = +rows.dataset.pages, pages = [];
    for (let p = 0; p < n; p++) {
      const at = hallqDisplay.state.page[key] % n, shown = new Map();
      for (const c of rows.children) {
        if (c.hidden) continue;
        const r = c.getBoundingClientRect(), range = document.createRange();
        range.selectNodeContents(c);
        const lines = new Set([...range.getClientRects()].map(x => Math.round(x.top))).size;
        const row = shown.get(c.dataset.row) || {top: r.top, bottom: r.bottom, lines: 0};
        row.top = Math.min(row.top, r.top); row.bottom = Math.max(row.bottom, r.bottom);
        row.lines = Math.max(row.lines, lines);
        shown.set(c.dataset.row, row);
      }
      pages[at] = [...shown.values()].sort((a, b) => a.top - b.top);
      hallqDisplay.nextPage();
    }
    const cs = getComputedStyle(rows), box = rows.getBoundingClientRect();
    out[key] = {pages, count: rows.children.length / 2, bottom: box.top + rows.clientHeight,
                gap: parseFloat(cs.rowGap), line: parseFloat(cs.fontSize) * 1.25};
  }
  return out;
}"""


@pytest.mark.parametrize("size", SIZES, ids=["landscape", "portrait"])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("hall", ["county", "big"])
def test_each_page_holds_as_many_rows_as_fit_in_its_panel(browser, halls_served, hall, lang, size) -> None:
    """Every page but the last is full: the next page's first row would not fit under its last one."""
    ctx, page = open_page(browser, halls_served[hall], lang, size)
    try:
        for key, panel in page.evaluate(PAGES).items():
            pages, limit = panel["pages"], panel["bottom"]
            assert sum(len(p) for p in pages) == panel["count"], key
            for p in pages:
                for row in p:  # a row is as tall as its lines: one line, or two for a name that wraps
                    assert abs(row["bottom"] - row["top"] - row["lines"] * panel["line"]) <= 1, (key, row)
            for n, (shown, following) in enumerate(zip(pages, pages[1:]), 1):
                assert shown and shown[-1]["bottom"] <= limit + 0.5
                nxt = following[0]["bottom"] - following[0]["top"]
                assert shown[-1]["bottom"] + panel["gap"] + nxt > limit + 0.5, (
                    f"{key} page {n}/{len(pages)}: the next row ({nxt:.0f} px) fits under "
                    f"{shown[-1]['bottom']:.0f} in {limit:.0f}")
            if hall == "county" and size == (1920, 1080):  # 11 calls and 12 services, a row or two wraps in en
                assert len(pages) <= 3, (key, [len(p) for p in pages])
    finally:
        ctx.close()


def test_the_pages_turn_by_themselves_with_an_indicator(browser, halls_served) -> None:
    ctx, page = open_page(browser, halls_served["county"], "zh", (1920, 1080), clock=True)
    try:
        indicator = "document.querySelector('#waitingList .page').textContent"
        first = page.evaluate(indicator)
        assert first.startswith("1/") and int(first[2:]) >= 2
        before = page.evaluate("[...document.querySelectorAll('#services .name:not([hidden])')].map(e => e.textContent)")
        page.clock.run_for(6100)
        assert page.evaluate(indicator) == f"2/{first[2:]}"
        after = page.evaluate("[...document.querySelectorAll('#services .name:not([hidden])')].map(e => e.textContent)")
        assert after and not set(after) & set(before)
    finally:
        ctx.close()


def test_the_clock_is_the_halls_zone_and_the_servers_time(browser, halls_served) -> None:
    srv = halls_served["county"]
    hall_now = srv.snapshot().now.astimezone(SHANGHAI)  # 09:09:20 on the test day, however late it is here
    ctx, page = open_page(browser, srv, "zh", (1920, 1080), tz="America/New_York")
    try:
        shown = page.evaluate("document.getElementById('time').textContent")
        assert hall_now.strftime("%H:%M:%S") <= shown <= (hall_now + timedelta(seconds=10)).strftime("%H:%M:%S")
        assert page.evaluate("document.getElementById('date').textContent") == "2026年11月23日 星期一"
    finally:
        ctx.close()


def test_the_clock_follows_the_halls_zone_when_the_device_clock_is_right(browser, provisioned_data, tmp_path) -> None:
    loop = LoopThread()
    now = datetime.now(timezone.utc)
    srv = halls.serve(loop, tmp_path, provisioned_data, halls.COUNTY, (), start=now)
    try:
        for tz in ("America/New_York", "Europe/London"):
            ctx, page = open_page(browser, srv, "en", (1920, 1080), tz=tz)
            try:
                shown = page.evaluate("document.getElementById('time').textContent")
                device = page.evaluate("new Date().toTimeString().slice(0, 8)")
                expected = now.astimezone(SHANGHAI)
                h, m, s = map(int, shown.split(":"))
                off = (h * 3600 + m * 60 + s - (expected.hour * 3600 + expected.minute * 60 + expected.second)) % 86_400
                assert off <= 5 or off >= 86_400 - 1, (shown, expected)
                assert shown[:2] != device[:2]  # the device's own zone would show another hour
            finally:
                ctx.close()
    finally:
        srv.stop()
        loop.close()


def test_the_page_says_every_windows_sign_as_the_qt_display_does(browser, halls_served) -> None:
    ctx, page = open_page(browser, halls_served["county"], "zh", (1920, 1080))
    try:
        for path in (halls.COUNTY, halls.BIG):
            for w in halls.hall(path).windows:
                js = page.evaluate(f"hallqDisplay.callParts('A012', {w.id}, {json.dumps(w.name_zh)})")
                assert js == call_parts("A012", w.id, w.name_zh), w.name_zh
    finally:
        ctx.close()
