"""F5 asks for the visit's outcome: the hall's list (zh/en), its default preselected so F5 or Enter once more accepts it,
arrows or a number key pick another, Esc cancels. Widget level, on the screenshots' demo hall (no server)."""
from __future__ import annotations

import msgspec
import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from qtclient.link import ONLINE
from queuecore.model import Outcome, OutcomeClass
from window_terminal.models import TerminalModel
from window_terminal.screenshots import DemoLink, at, demo_snapshot
from window_terminal.widgets.terminal import TerminalView

OWN = (Outcome(code="done-here", name_zh="当场办结", name_en="Done on the spot", cls=OutcomeClass.COMPLETED),
       Outcome(code="ask", name_zh="仅咨询", name_en="Enquiry only", cls=OutcomeClass.ENQUIRY),
       Outcome(code="back", name_zh="退回补正", name_en="Sent back", cls=OutcomeClass.INCOMPLETE))


@pytest.fixture
def make_view(qtbot):
    def make(language: str = "zh", outcomes=None, default: str | None = None) -> tuple[TerminalView, list[str]]:
        snap = demo_snapshot(at("09:58"))  # window 3 serves A012
        if outcomes is not None:
            snap = msgspec.structs.replace(snap, hall=msgspec.structs.replace(snap.hall, outcomes=outcomes,
                                                                              default_outcome=default))
        model = TerminalModel(language=language, clock=lambda: at("09:58"))
        model.window_id = 3
        model.apply_snapshot(snap)
        model.set_connection(ONLINE)
        model.signed_in(3, "S0317")
        view = TerminalView(model, DemoLink("http://127.0.0.1:9", "demo"))
        qtbot.addWidget(view)
        view.show()
        view.activateWindow()
        qtbot.waitUntil(view.isActiveWindow, timeout=2000)
        sent: list[str] = []
        view.finish_requested.connect(sent.append)
        return view, sent
    return make


def open_picker(qtbot, view: TerminalView):
    assert "finish" in view.model.enabled()
    qtbot.keyClick(view, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: view.dialog is not None and view.dialog.isVisible(), timeout=2000)
    return view.dialog


def items(dialog) -> list[str]:
    return [dialog.list.item(i).text() for i in range(dialog.list.count())]


def closed(qtbot, view: TerminalView) -> None:
    qtbot.waitUntil(lambda: view.dialog is None, timeout=2000)


def test_f5_lists_the_halls_outcomes_with_the_default_preselected(qtbot, make_view) -> None:
    view, sent = make_view()
    dialog = open_picker(qtbot, view)
    assert dialog.windowTitle() == "办理结果"
    assert items(dialog) == ["1  办结（默认）", "2  受理", "3  补正", "4  不予受理", "5  咨询"]
    assert dialog.list.currentRow() == 0
    qtbot.waitUntil(dialog.list.hasFocus, timeout=2000)  # the keys go to the list at once
    assert dialog.hint.text() == "Enter 或 F5 确认 · 数字键直接选择 · Esc 取消"
    assert sent == []  # F5 alone sends nothing


@pytest.mark.parametrize(("keys", "outcome", "why"), [
    ([Qt.Key.Key_F5], "completed", "F5 twice: the default"),
    ([Qt.Key.Key_Return], "completed", "F5 then Enter: the default"),
    ([Qt.Key.Key_Enter], "completed", "the keypad's Enter too"),
    ([Qt.Key.Key_Down, Qt.Key.Key_F5], "accepted", "an arrow, then F5"),
    ([Qt.Key.Key_Down, Qt.Key.Key_Down, Qt.Key.Key_Return], "incomplete", "two arrows, then Enter"),
    ([Qt.Key.Key_End, Qt.Key.Key_Up, Qt.Key.Key_Return], "refused", "End, Up, Enter"),
    ([Qt.Key.Key_3], "incomplete", "a number key chooses at once"),
    ([Qt.Key.Key_4], "refused", "4: 不予受理"),
    ([Qt.Key.Key_5], "enquiry", "5: 咨询"),
    ([Qt.Key.Key_1], "completed", "1: the default by its number"),
])
def test_the_outcome_is_picked_by_keyboard(qtbot, make_view, keys, outcome: str, why: str) -> None:
    view, sent = make_view()
    dialog = open_picker(qtbot, view)
    for key in keys:
        qtbot.keyClick(dialog.list, key)
    closed(qtbot, view)
    assert sent == [outcome], why


def test_the_keys_work_wherever_the_focus_is_in_the_picker(qtbot, make_view) -> None:
    view, sent = make_view()
    dialog = open_picker(qtbot, view)
    dialog.ok_button.setFocus()
    qtbot.keyClick(dialog.ok_button, Qt.Key.Key_5)
    closed(qtbot, view)
    assert sent == ["enquiry"]


def test_a_number_key_past_the_list_and_letters_choose_nothing(qtbot, make_view) -> None:
    view, sent = make_view()
    dialog = open_picker(qtbot, view)
    for key in (Qt.Key.Key_6, Qt.Key.Key_9, Qt.Key.Key_0, Qt.Key.Key_A):
        qtbot.keyClick(dialog.list, key)
    assert sent == [] and view.dialog is dialog and dialog.isVisible()
    qtbot.keyClick(dialog.list, Qt.Key.Key_Escape)
    closed(qtbot, view)
    assert sent == []


def test_esc_cancels_and_sends_nothing(qtbot, make_view) -> None:
    view, sent = make_view()
    dialog = open_picker(qtbot, view)
    qtbot.keyClick(dialog.list, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.list, Qt.Key.Key_Escape)
    closed(qtbot, view)
    assert sent == [] and "finish" in view.model.enabled()
    dialog = open_picker(qtbot, view)  # and F5 asks afresh, from the default
    assert dialog.list.currentRow() == 0


def test_a_held_f5_does_not_accept_the_default_by_itself(qtbot, make_view) -> None:
    view, sent = make_view()
    dialog = open_picker(qtbot, view)
    for _ in range(3):  # the key that opened the picker, auto-repeating
        QApplication.sendEvent(dialog.list, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_F5,
                                                      Qt.KeyboardModifier.NoModifier, "", True))
    assert sent == [] and dialog.isVisible()
    qtbot.keyClick(dialog.list, Qt.Key.Key_F5)  # a real second press
    closed(qtbot, view)
    assert sent == ["completed"]


def test_a_click_on_an_item_and_ok_picks_it(qtbot, make_view) -> None:
    view, sent = make_view()
    qtbot.mouseClick(view.buttons["finish"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.dialog is not None and view.dialog.isVisible(), timeout=2000)
    dialog = view.dialog
    qtbot.mouseClick(dialog.list.viewport(), Qt.MouseButton.LeftButton,
                     pos=dialog.list.visualItemRect(dialog.list.item(3)).center())
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    closed(qtbot, view)
    assert sent == ["refused"]


def test_the_halls_own_outcomes_and_default(qtbot, make_view) -> None:
    view, sent = make_view(outcomes=OWN, default="ask")
    dialog = open_picker(qtbot, view)
    assert items(dialog) == ["1  当场办结", "2  仅咨询（默认）", "3  退回补正"]
    assert dialog.list.currentRow() == 1
    qtbot.keyClick(dialog.list, Qt.Key.Key_F5)
    closed(qtbot, view)
    assert sent == ["ask"]


def test_english_names_come_from_the_halls_config(qtbot, make_view) -> None:
    view, _sent = make_view(language="en", outcomes=OWN, default="done-here")
    assert view.model.outcome_choices() == [("done-here", "Done on the spot"), ("ask", "Enquiry only"),
                                            ("back", "Sent back")]
    assert view.model.outcome_name("back") == "Sent back" and view.model.outcome_name("gone") == "gone"
