"""The Qt wall display read from 10 m: sizes of the newest call and the lists, nothing cut, every service
reachable, on the sample county hall and a 30-service/40-window hall, in zh and en, landscape and portrait."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtGui import QFont, QFontMetricsF

from hall_display.app import I18N_DIR
from hall_display.models import DisplayModel
from hall_display.widgets import DisplayBoard
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
    # The window's name: 12% of the shorter side, the same size on the TV turned either way.
    assert window.cap_height() >= 0.12 * min(w, h)
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
