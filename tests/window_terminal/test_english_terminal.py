"""The window terminal in English shows no Chinese: the clerk's screen (full and compact), every picker (outcomes,
kinds of 挂起, the 不持件 materials list, transfer, resume, the hall's pause reasons), a paused window's header, and
the citizen's rating view with the hall's reasons, on the sample hall (whose texts all have English).

The pickers still send what is stored: the materials and reasons as the hall lists them in Chinese.
HALLQ_ENGLISH_SHOTS=DIR keeps PNGs of the screens checked."""
from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from qtclient.appkit import install_translation, save_png
from qtclient.link import ONLINE
from queuecore import protocol as P
from queuecore.config import load_config
from queuecore.hall import Hall
from tests.english import chinese, visible_texts
from window_terminal.app import HERE
from window_terminal.models import RatingModel, TerminalModel
from window_terminal.screenshots import DemoLink
from window_terminal.widgets.rating import RatingView
from window_terminal.widgets.terminal import TerminalView

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "county-hall.toml"
TZ = timezone(timedelta(hours=8))
DAY = date(2026, 11, 24)


def at(hhmm: str) -> datetime:
    return datetime.combine(DAY, time.fromisoformat(hhmm), TZ)


def snapshot() -> P.Snapshot:
    """Window 1 (不动产登记) serves A002, A001 is suspended 不持件; window 2 is paused for 培训 with a note."""
    hall = Hall(load_config(str(SAMPLE)))
    hall.start_day(DAY, at("08:00"))
    hall.sign_in(1, "S0101", at("08:30"))
    hall.sign_in(2, "S0102", at("08:30"))
    hall.sign_in(3, "S0103", at("08:30"))
    for _ in range(4):
        hall.issue("realestate", at("08:40"))
    hall.call_next(1, at("08:50"))
    hall.start(1, at("08:51"))
    hall.suspend(1, at("08:55"), "away")
    hall.call_next(1, at("09:00"))
    hall.start(1, at("09:01"))
    hall.pause(2, "培训：下午两点回来", at("09:05"))
    return P.Snapshot(version=hall.version, day=DAY, now=at("09:10"), hall=hall.config, services=[],
                      windows=list(hall.windows.values()),
                      tickets=[t for t in hall.tickets.values() if t.status in ("waiting", "called", "serving",
                                                                                  "suspended")],
                      recent_calls=[])


@pytest.fixture
def english(qapp):
    translator = install_translation(qapp, "en", HERE, "window_terminal")
    yield
    qapp.removeTranslator(translator)
    install_translation(qapp, "zh", HERE, "window_terminal")


def model_at(window: int, snap: P.Snapshot, clerk: str) -> TerminalModel:
    model = TerminalModel(language="en", clock=lambda: at("09:10"))
    model.window_id = window
    model.apply_snapshot(snap)
    model.set_connection(ONLINE)
    model.signed_in(window, clerk)
    return model


def shot(widget, name: str) -> None:
    if out := os.environ.get("HALLQ_ENGLISH_SHOTS"):
        save_png(widget, Path(out) / f"terminal-{name}-en.png")


def dialog_texts(view: TerminalView) -> list[tuple[str, str]]:
    d = view.dialog
    assert d is not None and d.isVisible()
    items = [("item", d.list.item(i).text()) for i in range(d.list.count())] if d.list is not None else []
    return visible_texts(d) + items


@pytest.mark.parametrize("compact", [False, True], ids=["full", "compact"])
def test_every_english_terminal_screen_and_picker_is_free_of_chinese(qtbot, english, compact) -> None:
    snap = snapshot()
    found: dict[str, list[str]] = {}
    view = TerminalView(model_at(1, snap, "S0101"), DemoLink("http://127.0.0.1:9", "demo"), compact=compact)
    qtbot.addWidget(view)
    view.show()
    QApplication.processEvents()
    found["screen"] = chinese(visible_texts(view))
    shot(view, "compact" if compact else "full")
    seen_items: dict[str, list[str]] = {}
    for name in ("finish", "suspend", "transfer"):
        view._on_action(name)  # as its F-key does
        QApplication.processEvents()
        texts = dialog_texts(view)
        seen_items[name] = [t for k, t in texts if k == "item"]
        found[name] = chinese(texts)
        if not compact:
            shot(view.dialog, name)
        view.dialog.reject()
        QApplication.processEvents()
    view.suspend_kind_chosen.emit("away")  # 不持件: the service's materials to tick
    QApplication.processEvents()
    texts = dialog_texts(view)
    found["materials"] = chinese(texts)
    seen_items["materials"] = [t for k, t in texts if k == "item"]
    shot(view.dialog, "materials")
    sent: list[str] = []
    view.bring_chosen.connect(sent.append)
    view.dialog.list.item(2).setCheckState(view.dialog.list.item(2).checkState().Checked)
    view.dialog.accept()
    assert sent == ["完税凭证"]  # stored as the hall lists it; the phone page shows its English
    assert "3  Tax payment certificate" in seen_items["materials"]
    assert not {k: v for k, v in found.items() if v}


def test_the_hall_pause_reasons_are_offered_in_english_and_a_pause_reads_in_english(qtbot, english) -> None:
    snap = snapshot()
    paused = TerminalView(model_at(2, snap, "S0102"), DemoLink("http://127.0.0.1:9", "demo"))
    qtbot.addWidget(paused)
    paused.show()
    QApplication.processEvents()
    texts = visible_texts(paused)
    assert any("Training: 下午两点回来" in t for _, t in texts)  # the clerk's own note stays as typed
    assert chinese(texts, allowed={"下午两点回来"}) == []
    shot(paused, "paused")

    view = TerminalView(model_at(3, snap, "S0103"), DemoLink("http://127.0.0.1:9", "demo"))  # idle
    qtbot.addWidget(view)
    view.show()
    assert chinese(visible_texts(view)) == []
    view._on_action("resume_ticket")  # the 不持件 A001 of its service
    QApplication.processEvents()
    assert chinese(dialog_texts(view)) == []
    assert any("A001" in t and "Real Estate Registration" in t for _, t in dialog_texts(view))
    view.dialog.reject()
    view._on_action("pause")
    QApplication.processEvents()
    texts = dialog_texts(view)
    assert [t for k, t in texts if k == "item"][:2] == ["Break", "Meeting"]
    assert chinese(texts) == []
    shot(view.dialog, "pause")
    sent: list[str] = []
    view.pause_requested.connect(sent.append)
    view.dialog.list.setCurrentRow(3)
    view.dialog.accept()
    assert sent == ["培训"]  # stored as the hall lists it


def test_the_citizens_rating_view_shows_the_halls_reasons_in_english(qtbot, english) -> None:
    snap = snapshot()
    model = model_at(1, snap, "S0101")
    rating = RatingModel(30)
    rating.begin("A002", *model.rating_reasons())
    rating.choose_level(1)
    view = RatingView(rating, model.window_name())
    qtbot.addWidget(view)
    view.show()
    QApplication.processEvents()
    texts = visible_texts(view)
    assert ("reason_1", "Unfriendly staff") in texts
    assert chinese(texts) == []
    shot(view, "rating")
    chosen: list[str] = []
    view.reason_chosen.connect(chosen.append)
    view.reason_buttons["服务态度差"].click()
    assert chosen == ["服务态度差"]  # stored as before: the Chinese reason
