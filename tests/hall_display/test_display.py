"""The Qt wall display against the real server: calls appear and blink, counts update, zones, reconnect + resync."""
from __future__ import annotations

from hall_display.announcer import TimedAnnouncer
from queuecore import protocol as P
from tests.hall_display.conftest import call_next, issue, recall, sign_in
from tests.qtclient.conftest import ADMIN


def rows(app) -> list[tuple[str, str]]:
    """The calls on the wall, newest first: the large one, then the recent list (every page)."""
    board = app.board
    newest = [(board.number.text(), board.window.text())] if board.call is not None else []
    return newest + list(board.recent.rows)


def counts(app) -> dict[str, str]:
    return dict(app.board.waiting.rows)


def test_a_call_appears_as_a_big_row_and_the_newest_blinks(qtbot, server, make_display) -> None:
    sign_in(server, 1)
    issue(server), issue(server)
    app = make_display(server, highlight_seconds=1.5)
    app.board.show()
    assert app.board.empty.isVisible() and rows(app) == []
    assert app.board.hero.color.name() == "#12284d"  # a plain panel: no call's row colour before any call
    assert app.board.hall_name.text() == "测试大厅"

    call_next(server, 1)
    qtbot.waitUntil(lambda: rows(app) == [("A001", "1号窗口")], timeout=5000)
    board = app.board
    assert board.highlight == "on" and board.hero.color.name() == "#ffb300"
    qtbot.waitUntil(lambda: board.highlight == "off", timeout=2000)  # blinking ...
    qtbot.waitUntil(lambda: board.highlight == "", timeout=3000)  # ... for a few seconds, then steady

    call_next(server, 1)  # the next call goes on top and takes the highlight
    qtbot.waitUntil(lambda: rows(app) == [("A002", "1号窗口"), ("A001", "1号窗口")], timeout=5000)
    assert board.highlight in ("on", "off")
    # Only numbers and windows: nothing about the clerk or the citizen reaches the screen.
    texts = " ".join(t.text() for t in board.findChildren(type(board.caption)))
    assert "s1" not in texts and "Clerk" not in texts


def test_a_recall_moves_the_ticket_back_on_top_and_is_announced_again(qtbot, server, make_display) -> None:
    sign_in(server, 1), sign_in(server, 2)
    issue(server), issue(server)
    ann = TimedAnnouncer(0.05)
    app = make_display(server, announcer=ann)
    call_next(server, 1)
    call_next(server, 2)
    qtbot.waitUntil(lambda: [n for n, _ in rows(app)] == ["A002", "A001"], timeout=5000)
    recall(server, 1)
    qtbot.waitUntil(lambda: [n for n, _ in rows(app)] == ["A001", "A002"], timeout=5000)
    assert app.board.tag.text() == "重呼" and app.board.highlight == "on"
    qtbot.waitUntil(lambda: not ann.busy and not ann.pending, timeout=5000)
    assert [(n, r) for kind, n, r in ann.log if kind == "start"] == [("A001", 0), ("A002", 0), ("A001", 1)]


def test_waiting_counts_follow_the_queue(qtbot, server, make_display) -> None:
    app = make_display(server)
    assert counts(app) == {"不动产登记": "0 人", "社保": "0 人", "税务": "0 人"}
    issue(server, "estate"), issue(server, "estate"), issue(server, "tax")
    qtbot.waitUntil(lambda: counts(app)["不动产登记"] == "2 人" and counts(app)["税务"] == "1 人", timeout=5000)
    sign_in(server, 1)
    call_next(server, 1)
    qtbot.waitUntil(lambda: counts(app)["不动产登记"] == "1 人", timeout=5000)


def test_a_zone_display_shows_and_speaks_only_its_windows_and_services(qtbot, zoned_server, make_display) -> None:
    srv = zoned_server
    ann = TimedAnnouncer(0.05)
    zone_a = make_display(srv, zone="A区", announcer=ann)
    whole = make_display(srv)
    assert set(counts(zone_a)) == {"不动产登记", "社保"}  # tax is served only in B区
    assert set(counts(whole)) == {"不动产登记", "社保", "税务"}
    sign_in(srv, 1), sign_in(srv, 4)
    issue(srv, "tax"), issue(srv, "estate")
    call_next(srv, 4)  # B区
    call_next(srv, 1)  # A区
    qtbot.waitUntil(lambda: [n for n, _ in rows(whole)] == ["A001", "C0001"], timeout=5000)
    qtbot.waitUntil(lambda: rows(zone_a) == [("A001", "1号窗口")], timeout=5000)
    qtbot.waitUntil(lambda: not ann.busy, timeout=5000)
    assert [n for kind, n, _ in ann.log if kind == "start"] == ["A001"]


def test_link_lost_shows_the_banner_dims_the_data_and_resyncs_without_repeating_calls(
        qtbot, server, make_display) -> None:
    sign_in(server, 1)
    for _ in range(4):
        issue(server)
    ann = TimedAnnouncer(0.05)
    app = make_display(server, announcer=ann)
    app.board.show()
    call_next(server, 1)
    qtbot.waitUntil(lambda: [n for n, _ in rows(app)] == ["A001"], timeout=5000)
    assert app.board.banner.isHidden() and not app.board._dim.isEnabled()

    server.stop()
    qtbot.waitUntil(lambda: app.board.banner.isVisible(), timeout=5000)
    # The hall's clock, not the device's: the test server's stands at 09:00:00 (its snapshot said so).
    last = app.board.banner.text().removeprefix("连接中断 · 最后更新 ")
    assert "09:00:00" <= last <= "09:00:10", app.board.banner.text()
    assert app.board._dim.isEnabled() and app.board._dim.opacity() < 0.5
    assert [n for n, _ in rows(app)] == ["A001"]  # stale data stays, dimmed

    # While the display is away the hall moves on: A002 is called and one more ticket issued.
    server.execute_while_stopped(P.Skip(window=1), ADMIN)
    server.execute_while_stopped(P.CallNext(window=1), ADMIN)
    server.execute_while_stopped(P.IssueTicket(service="estate"), ADMIN)
    server.start()
    qtbot.waitUntil(lambda: app.board.banner.isHidden(), timeout=8000)
    assert not app.board._dim.isEnabled()
    qtbot.waitUntil(lambda: [n for n, _ in rows(app)] == ["A002", "A001"], timeout=5000)  # full resync
    qtbot.waitUntil(lambda: app.board.waiting.rows[0][1] == "3 人", timeout=5000)

    call_next(server, 1)
    qtbot.waitUntil(lambda: [n for n, _ in rows(app)][:1] == ["A003"], timeout=5000)
    qtbot.waitUntil(lambda: not ann.busy and not ann.pending, timeout=5000)
    started = [n for kind, n, _ in ann.log if kind == "start"]
    # A001 once (not again after the reconnect); A002 came in the snapshot, which speaks nothing.
    assert started == ["A001", "A003"]


def test_the_screen_never_waits_for_the_sound(qtbot, server, make_display) -> None:
    sign_in(server, 1), sign_in(server, 2)
    for _ in range(3):
        issue(server)
    slow = TimedAnnouncer(3.0)  # each announcement "plays" 3 s
    app = make_display(server, announcer=slow)
    call_next(server, 1)
    call_next(server, 2)
    call_next(server, 1)
    qtbot.waitUntil(lambda: [n for n, _ in rows(app)] == ["A003", "A002", "A001"], timeout=2500)
    assert slow.busy and slow.current.number == "A001"  # still speaking the first
    assert [s.number for s in slow.pending] == ["A002", "A003"]
    slow.clear()
