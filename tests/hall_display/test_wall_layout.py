"""The Qt wall display read from 10 m: sizes of the newest call and the lists, the window's name on one line
where it fits at 8%, pages as full as the panels allow, nothing cut, every service reachable, on the sample
county hall and a 30-service/40-window hall, in zh and en, landscape and portrait."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtGui import QFont, QFontMetricsF

from hall_display.app import I18N_DIR
from hall_display.models import DisplayModel
from hall_display.widgets import DisplayBoard, PagedList, Text
from qtclient.appkit import cjk_family, install_translation, save_png
from queuecore.protocol import Snapshot
from tests.hall_display import halls
from tests.hall_display.wall import every_page, problems, shown_texts
from tests.qtclient.conftest import LoopThread

NOTICE = "请携带好身份证件，按号码顺序办理。办理完毕请对本次服务进行评价。"
SIZES = [(1920, 1080), (1080, 1920)]


@pytest.fixture(scope="module")
def snapshots(provisioned_data, tmp_path_factory) -> dict[str, Snapshot]:
    """The county hall and the big hall after a morning's calls, as the real server sends them."""
    loop = LoopThread()
    out = {}
    try:
        for key, path, calls in (("county", halls.COUNTY, halls.COUNTY_CALLS), ("big", halls.BIG, halls.BIG_CALLS)):
            srv = halls.serve(loop, tmp_path_factory.mktemp(key), provisioned_data, path, calls)
            try:
                out[key] = srv.snapshot()
            finally:
                srv.stop()
    finally:
        loop.close()
    return out


@pytest.fixture
def lang(request, qapp) -> Iterator[str]:
    """The board's language: "en" installs the English translation for the test, as the app does."""
    translator = install_translation(qapp, request.param, I18N_DIR, "hall_display")
    yield request.param
    if translator is not None:
        qapp.removeTranslator(translator)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))


@pytest.fixture
def board_for(qtbot, qapp) -> Iterator:
    """Boards with the app's own font (make_app sets the CJK family for every text, Latin too)."""
    old = qapp.font()
    family = cjk_family()
    assert family, "no CJK font installed (fonts-noto-cjk)"
    qapp.setFont(QFont(family, old.pointSize()))

    def make(snap: Snapshot, lang: str, size: tuple[int, int], *, offline: bool = False) -> DisplayBoard:
        model = DisplayModel(lang=lang)
        model.apply_snapshot(snap)
        model.set_link("online", None)
        if offline:
            model.set_link("offline", None)
        board = DisplayBoard(model, NOTICE, animate=False)
        qtbot.addWidget(board)
        board.resize(*size)
        board.show()
        qtbot.waitExposed(board)
        return board

    yield make
    qapp.setFont(old)


def shot(board: DisplayBoard, name: str) -> None:
    folder = os.environ.get("HALLQ_SCREENSHOTS")
    if folder:
        save_png(board, Path(folder) / f"{name}.png")


@pytest.mark.parametrize("size", SIZES, ids=["landscape", "portrait"])
@pytest.mark.parametrize("lang", ["zh", "en"], indirect=True)
def test_the_newest_call_is_12_percent_of_the_screen_and_the_lists_5(snapshots, board_for, lang, size) -> None:
    w, h = size
    board = board_for(snapshots["county"], lang, size)
    shot(board, f"qt-county-{lang}-{w}x{h}")
    number = next(s for s in shown_texts(board) if s.name == "callNumber")
    window = next(s for s in shown_texts(board) if s.name == "callWindow")
    assert number.text == "Z002" and window.text == {"zh": "20号绿色通道", "en": "Window 20 (priority)"}[lang]
    # Cap height (a capital H of the font as drawn), the stricter measure: the ink of "Z002" is a
    # little taller (the 0's overshoot), the font's pixel size a third taller.
    assert number.cap_height() >= 0.12 * h
    assert QFontMetricsF(number.font).tightBoundingRect(number.text).height() >= 0.12 * h
    # The window's name: at least 8% of the shorter side (12% where it fits on one line there), the same
    # size on the TV turned either way.
    assert window.cap_height() >= 0.08 * min(w, h)
    for panel in ("recent", "waiting"):  # the calls before the newest; services and their counts
        rows = [s for s in shown_texts(board) if s.widget.parentWidget().objectName() == panel
                and not s.name.endswith(("Caption", "Page"))]
        assert len(rows) >= 2 and min(s.cap_height() for s in rows) >= 0.05 * min(w, h), panel


@pytest.mark.parametrize("size", SIZES, ids=["landscape", "portrait"])
@pytest.mark.parametrize("lang", ["zh", "en"], indirect=True)
@pytest.mark.parametrize("hall", ["county", "big"])
def test_no_text_is_cut_and_every_service_and_call_is_on_some_page(snapshots, board_for, hall, lang, size) -> None:
    snap = snapshots[hall]
    board = board_for(snap, lang, size)
    shot(board, f"qt-{hall}-{lang}-{size[0]}x{size[1]}-cut")
    seen: set[str] = set()
    for _ in range(60):  # every page of the longest list, checked as it is shown
        assert problems(board) == []
        seen |= {s.text for s in shown_texts(board)}
        board.next_page()
    names = {s.name_en if lang == "en" else s.name_zh for s in snap.hall.services}
    assert names <= seen
    windows = {w.id: (w.name_en if lang == "en" else w.name_zh) for w in snap.hall.windows}
    called = list(dict.fromkeys(c.ticket_id for c in reversed(snap.recent_calls)))[:12]
    calls = {c.ticket_id: c for c in snap.recent_calls}
    assert {calls[t].number for t in called} <= seen
    assert {windows[calls[t].window] for t in called} <= seen  # named as the signs read, never "19号窗口"
    assert "19号窗口" not in seen and "Window 19" not in seen


@pytest.mark.parametrize("lang", ["zh"], indirect=True)
def test_the_offline_banner_fits_too(snapshots, board_for, lang) -> None:
    for size in SIZES:
        board = board_for(snapshots["county"], lang, size, offline=True)
        assert board.banner.isVisible() and problems(board) == []
        assert every_page(board) >= {"Z002", "20号绿色通道"}


def bold_px_for_cap(base: QFont, cap: float) -> int:
    """The smallest bold pixel size of `base` whose capital H is at least `cap` tall (measured here, not by
    the board)."""
    px = 8
    while QFontMetricsF(font_at(base, px)).capHeight() < cap:
        px += 1
    return px


def font_at(base: QFont, px: int) -> QFont:
    f = QFont(base)
    f.setPixelSize(px)
    f.setBold(True)
    return f


@pytest.mark.parametrize("size", SIZES, ids=["landscape", "portrait"])
@pytest.mark.parametrize("lang", ["zh", "en"], indirect=True)
@pytest.mark.parametrize("hall", ["county", "big"])
def test_the_window_name_is_on_one_line_when_it_fits_there_at_8_percent(snapshots, board_for, hall, lang,
                                                                        size) -> None:
    """Smaller (down to 8% of the shorter side) rather than on two lines: a line more makes the call's
    block taller by a list row or two. Only a name too long for one line at 8% wraps, and then at 8%."""
    board = board_for(snapshots[hall], lang, size)
    window = next(s for s in shown_texts(board) if s.name == "callWindow")
    short, box = min(size), window.rect.width()
    floor, top = bold_px_for_cap(board.font(), 0.08 * short), bold_px_for_cap(board.font(), 0.12 * short)
    px = window.font.pixelSize()
    assert window.cap_height() >= 0.08 * short and px <= top
    one_line_at_floor = QFontMetricsF(font_at(board.font(), floor)).horizontalAdvance(window.text)
    if one_line_at_floor <= box - 2:
        assert window.lines == [window.text], f"{window.lines} at {px} px in {box} px"
        # ... and no smaller than one line needs: 2 px more would not fit (or it is at 12% already).
        assert px >= top or QFontMetricsF(font_at(board.font(), px + 2)).horizontalAdvance(window.text) > box
    elif one_line_at_floor > box + 2:
        assert len(window.lines) > 1 and px <= floor + 1, f"{window.lines} at {px} px, the floor is {floor} px"


def rows_shown(panel: PagedList) -> list[tuple[int, int, int]]:
    """The rows the panel shows, top to bottom: (top, bottom, lines), from its visible cells as painted."""
    rows: dict[int, list[Text]] = {}
    for cell in panel.findChildren(Text):
        if cell.isVisibleTo(panel) and cell.text() and cell not in (panel.caption, panel.indicator):
            rows.setdefault(cell.y(), []).append(cell)
    out = []
    for y, cells in sorted(rows.items()):
        lines = max(len(c.lines()) for c in cells)
        bottom = max(c.y() + c.height() for c in cells)
        # a row is as tall as its lines: one line, or two for a name that wraps
        assert bottom - y == lines * cells[0].line_height(), [c.text() for c in cells]
        out.append((y, bottom, lines))
    return out


@pytest.mark.parametrize("size", SIZES, ids=["landscape", "portrait"])
@pytest.mark.parametrize("lang", ["zh", "en"], indirect=True)
@pytest.mark.parametrize("hall", ["county", "big"])
def test_each_page_holds_as_many_rows_as_fit_in_its_panel(snapshots, board_for, hall, lang, size) -> None:
    """Every page but the last is full: the next page's first row would not fit under its last one."""
    board = board_for(snapshots[hall], lang, size)
    for panel in (board.recent, board.waiting):
        pad = panel.caption.y()  # the panel's padding, the same at the bottom
        limit = panel.height() - pad
        pages = []
        for _ in range(panel.page_count()):
            pages.append(rows_shown(panel))
            panel.next_page()
        gaps = {b[0] - a[1] for page in pages for a, b in zip(page, page[1:])}
        assert len(gaps) <= 1, gaps
        gap = gaps.pop() if gaps else round(10 * panel.unit)  # the rows' gap, as the panel sets it
        assert sum(len(p) for p in pages) == len(panel.rows), panel.objectName()
        for n, (page, following) in enumerate(zip(pages, pages[1:]), 1):
            assert page and page[-1][1] <= limit
            top, bottom, _ = following[0]
            assert page[-1][1] + gap + (bottom - top) > limit, (
                f"{panel.objectName()} page {n}/{len(pages)}: the next row ({bottom - top} px) fits under "
                f"{page[-1][1]} in {limit}")
        if hall == "county" and size == (1920, 1080):  # 11 calls and 12 services, a row or two of each wraps in en
            assert len(pages) <= 3, (panel.objectName(), [len(p) for p in pages])


@pytest.mark.parametrize("size", SIZES, ids=["landscape", "portrait"])
@pytest.mark.parametrize("lang", ["en"], indirect=True)
def test_laying_out_again_with_nothing_changed_changes_nothing(snapshots, board_for, lang, size) -> None:
    """The big hall in English, where a list's text is smaller than asked so that its tallest row fits:
    measuring the lists again (every change and every new day does) leaves every text as it was."""
    board = board_for(snapshots["big"], lang, size)
    before = [(s.name, s.text, s.font.pixelSize(), s.rect) for s in shown_texts(board)]
    assert board.waiting.row_px < board.waiting.px  # the case this is about
    board.refresh()
    assert [(s.name, s.text, s.font.pixelSize(), s.rect) for s in shown_texts(board)] == before
    assert problems(board) == []
