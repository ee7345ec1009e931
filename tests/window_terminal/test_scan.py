"""扫码叫号: a USB scanner types the ticket QR's URL into the terminal; the ticket is called here or refused with why."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from queuecore import protocol as P
from queuecore.model import TicketStatus
from tests.window_terminal.conftest import settle, sign_in
from window_terminal.models import scanned_public_id


def issue(server, service: str = "estate") -> tuple[str, str]:
    """A ticket's number and what its QR code holds (the status page URL)."""
    reply = server.execute(P.IssueTicket(service=service), "kiosk")
    assert isinstance(reply, P.Result), reply
    return reply.data["ticket"]["number"], server.url + reply.data["status_path"]


def scan(qtbot, app, text: str) -> None:
    """What a keyboard-wedge scanner does: type the code, then Enter, into the focused terminal."""
    qtbot.waitUntil(app.view.scan_edit.hasFocus, timeout=2000)
    qtbot.keyClicks(app.view.scan_edit, text)
    qtbot.keyClick(app.view.scan_edit, Qt.Key.Key_Return)
    settle(qtbot, app)


def current(app):
    t = app.model.current()
    return (t.number, t.status) if t else None


@pytest.mark.parametrize(("text", "expected"), [
    ("http://192.168.1.20:8700/t/Xq3k9vT2mB7wLp0a", "Xq3k9vT2mB7wLp0a"),
    ("https://hall.example.gov.cn/t/Xq3k9vT2mB7wLp0a/", "Xq3k9vT2mB7wLp0a"),
    ("  Xq3k9vT2mB7wLp0a\n", "Xq3k9vT2mB7wLp0a"),
    ("/t/a-b_c-d_e-f_g-h_", "a-b_c-d_e-f_g-h_"),
    ("A001", None),  # a number is typed with F9, not scanned
    ("http://example.com/other/Xq3k9vT2mB7wLp0a", None),
    ("6901234567892", None),  # a product barcode
    ("", None),
])
def test_the_ticket_id_is_read_from_what_the_scanner_types(text: str, expected: str | None) -> None:
    assert scanned_public_id(text) == expected


def test_a_scanned_waiting_ticket_of_this_window_is_called(qtbot, server, make_terminal) -> None:
    issue(server)
    number, url = issue(server)
    app = make_terminal()
    sign_in(qtbot, app)
    scan(qtbot, app, url)
    assert current(app) == (number, TicketStatus.CALLED) == ("A002", TicketStatus.CALLED)  # out of turn, as 指呼
    assert app.view.status_line.text() == "扫码已呼叫 A002"
    assert app.view.scan_edit.text() == ""


def test_a_scan_is_refused_with_why(qtbot, server, make_terminal) -> None:
    _, tax = issue(server, "tax")
    done, done_url = issue(server)
    app = make_terminal()
    sign_in(qtbot, app)
    cases = [
        (tax, "本窗口不办理该业务"),  # another service
        ("http://127.0.0.1:8700/t/NoSuchTicket0000", "今天没有这个号"),
        ("6901234567892", "这不是本大厅取号单的二维码"),
    ]
    for text, message in cases:
        scan(qtbot, app, text)
        assert (current(app), app.view.status_line.text()) == (None, message), text
    scan(qtbot, app, done_url)
    qtbot.keyClick(app.view, Qt.Key.Key_F5)  # finish it: the outcome picker, F5 again accepts the default
    qtbot.waitUntil(lambda: app.view.dialog is not None and app.view.dialog.isVisible(), timeout=2000)
    qtbot.keyClick(app.view.dialog, Qt.Key.Key_F5)
    settle(qtbot, app)
    app.rating.reset()
    assert done not in {t.number for t in server.snapshot().tickets}  # no longer open
    scan(qtbot, app, done_url)  # already done
    assert (current(app), app.view.status_line.text()) == (None, "该号已办结、已取消或已失效")


def test_a_ticket_of_another_day_is_refused(qtbot, server, make_terminal) -> None:
    _, yesterday = issue(server)
    server.clock.advance(days=1)
    issue(server)  # the new day starts
    app = make_terminal()
    sign_in(qtbot, app)
    scan(qtbot, app, yesterday)
    assert (current(app), app.view.status_line.text()) == (None, "这是其他日期的取号单，请重新取号")


def test_a_scanned_suspended_visit_is_resumed_here(qtbot, server, make_terminal) -> None:
    number, url = issue(server)
    for cmd in (P.SignIn(window=2, staff_id="s2", pin="2222"), P.CallNext(window=2), P.StartServing(window=2),
                P.Suspend(window=2), P.SignOut(window=2)):
        assert isinstance(server.execute(cmd), P.Result)
    app = make_terminal()
    sign_in(qtbot, app)
    scan(qtbot, app, url)
    assert current(app) == (number, TicketStatus.CALLED)
    assert app.view.status_line.text() == f"已恢复 {number}"
