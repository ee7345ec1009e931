"""The citizen's 好差评 after a finish: one tap for 3..5, a required reason for 1..2, 未评价 on timeout; supervisors see it at once."""
from __future__ import annotations

from PySide6.QtCore import Qt

from queuecore import events as ev
from queuecore import protocol as P
from queuecore.model import DEFAULT_RATING_REASONS
from tests.window_terminal.conftest import issue, settle, sign_in


def serve_one(qtbot, server, app, service: str = "estate") -> str:
    number = issue(server, service)
    for key in (Qt.Key.Key_F1, Qt.Key.Key_F3, Qt.Key.Key_F5):
        qtbot.keyClick(app.view, key)
        settle(qtbot, app)
    qtbot.waitUntil(lambda: app.view.dialog is not None and app.view.dialog.isVisible(), timeout=2000)
    qtbot.keyClick(app.view.dialog.list, Qt.Key.Key_F5)  # the outcome picker: its default
    settle(qtbot, app)
    assert app.rating.phase == app.rating.ASKING and app.rating.number == number
    return number


def ratings_seen_by(link) -> list[ev.VisitRated]:
    """What a supervisor's screen receives: VisitRated events on the event stream."""
    seen: list[ev.VisitRated] = []
    link.change_received.connect(lambda ch: seen.extend(e for e in ch.events if isinstance(e, ev.VisitRated)))
    return seen


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_a_good_rating_is_one_tap_and_reaches_the_supervisor(qtbot, server, make_terminal, make_link) -> None:
    supervisor = ratings_seen_by(make_link(server.url, server.tokens["admin"]))
    app = make_terminal()
    sign_in(qtbot, app)
    number = serve_one(qtbot, server, app)
    view = app.rating_view
    assert view.isVisible() and view.stack.currentWidget() is view.ask_page
    assert view.title.text() == f"{number} 号，请您对本次服务进行评价"
    assert [b.text() for b in view.level_buttons.values()] == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    assert not view.reason_box.isVisible()
    click(qtbot, view.level_buttons[5])
    qtbot.waitUntil(lambda: len(supervisor) == 1, timeout=3000)
    e = supervisor[0]
    assert (e.number, e.level, e.reason, e.window, e.clerk) == (number, 5, "", 1, "s1")
    qtbot.waitUntil(lambda: view.stack.currentWidget() is view.thanks_page, timeout=2000)
    assert app.unsent_ratings == 0


def test_a_low_rating_needs_a_reason_and_may_carry_a_comment(qtbot, server, make_terminal, make_link) -> None:
    supervisor = ratings_seen_by(make_link(server.url, server.tokens["admin"]))
    app = make_terminal()
    sign_in(qtbot, app)
    number = serve_one(qtbot, server, app)
    view = app.rating_view
    for level in (1, 2):  # both lowest levels ask for a reason before anything is sent
        click(qtbot, view.level_buttons[level])
        assert view.reason_box.isVisible() and not view.submit.isEnabled()
        assert [b.text() for b in view.reason_buttons.values()] == list(DEFAULT_RATING_REASONS)
    app.rating.submit()  # a submit without a reason (e.g. a stale tap) is refused here, with a word why
    assert view.error.text() == "请先选择原因，再提交" and app.rating.phase == app.rating.ASKING
    click(qtbot, view.reason_buttons["等候时间长"])
    view.comment.insert("排队一个小时")  # as an input method commits it (QTest types ASCII only)
    assert view.submit.isEnabled() and view.error.text() == ""
    click(qtbot, view.submit)
    qtbot.waitUntil(lambda: len(supervisor) == 1, timeout=3000)  # 差评 shows up at once
    e = supervisor[0]
    assert (e.number, e.level, e.reason, e.comment) == (number, 2, "等候时间长", "排队一个小时")
    # Once per visit: the server refuses a second rating.
    again = server.execute(P.RateVisit(number=number, level=5), "window1")
    assert isinstance(again, P.Error) and again.code == "already_rated"


def test_the_server_also_refuses_a_low_rating_without_a_reason(qtbot, server, make_terminal) -> None:
    app = make_terminal()
    sign_in(qtbot, app)
    number = serve_one(qtbot, server, app)
    # What the view prevents, the server enforces too; the model goes back to asking for a reason.
    app.rating.level = 1
    app.rating.phase = app.rating.SENDING
    app._rate(number, 1, "", "")
    qtbot.waitUntil(lambda: app.rating.phase == app.rating.ASKING, timeout=3000)
    assert app.rating.error == "reason_required" and app.rating_view.error.text() == "请先选择原因，再提交"


def test_no_choice_before_the_timeout_is_recorded_as_unrated(qtbot, server, make_terminal, make_link) -> None:
    supervisor = ratings_seen_by(make_link(server.url, server.tokens["admin"]))
    app = make_terminal(rating_timeout_s=3)
    sign_in(qtbot, app)
    number = serve_one(qtbot, server, app)
    assert app.rating_view.countdown.text() == "3 秒后自动结束（未评价）"
    qtbot.waitUntil(lambda: len(supervisor) == 1, timeout=6000)
    assert (supervisor[0].number, supervisor[0].level) == (number, 0)  # 未评价
    qtbot.waitUntil(lambda: not app.rating_view.isVisible(), timeout=2000)
    assert app.rating.phase == app.rating.IDLE


def test_finishing_the_next_visit_first_leaves_the_previous_unrated(qtbot, server, make_terminal, make_link) -> None:
    supervisor = ratings_seen_by(make_link(server.url, server.tokens["admin"]))
    app = make_terminal()
    sign_in(qtbot, app)
    first = serve_one(qtbot, server, app)
    second = serve_one(qtbot, server, app)
    click(qtbot, app.rating_view.level_buttons[4])
    qtbot.waitUntil(lambda: len(supervisor) == 2, timeout=3000)
    assert sorted((e.number, e.level) for e in supervisor) == [(first, 0), (second, 4)]


def test_a_rating_made_offline_is_sent_when_the_link_is_back(qtbot, server, make_terminal, make_link) -> None:
    app = make_terminal()
    sign_in(qtbot, app)
    number = serve_one(qtbot, server, app)
    server.stop()
    qtbot.waitUntil(lambda: app.model.connection == "offline", timeout=5000)
    click(qtbot, app.rating_view.level_buttons[3])
    qtbot.waitUntil(lambda: app.rating.phase == app.rating.THANKS, timeout=2000)  # the citizen is not kept waiting
    assert app.unsent_ratings == 1
    server.start()
    qtbot.waitUntil(lambda: app.unsent_ratings == 0, timeout=5000)
    again = server.execute(P.RateVisit(number=number, level=5), "window1")
    assert isinstance(again, P.Error) and again.code == "already_rated"  # the level-3 rating is stored
