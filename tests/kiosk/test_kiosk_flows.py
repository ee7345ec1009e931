"""Kiosk flows against the real server: tap -> ticket -> printed on a pty or 127.0.0.1 printer; refusals; appointments; green channel."""
from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from kiosk.models import PrintState, Screen
from queuecore import protocol as P
from tests.kiosk.conftest import network_config, serial_config, tap, type_on_keypad
from tests.queuecore.conftest import at


def issued(server, service: str) -> int:
    return next(s.issued for s in server.snapshot().services if s.code == service)


def device(server, name: str = "test-kiosk"):
    return next((d for d in server.snapshot().devices if d.name == name), None)


def test_one_tap_issues_the_ticket_and_prints_it_on_a_serial_printer(qtbot, make_kiosk, server, serial_printer):
    server.execute(P.IssueTicket(service="social"))  # one citizen already waiting
    kiosk = make_kiosk(serial_config(serial_printer))
    tile = kiosk.window.home.tiles["social"]
    assert "等候 1 人" in tile.info.text()

    with qtbot.waitSignal(kiosk.print_done, timeout=5000) as printed:
        tap(qtbot, tile)
    number, ok = printed.args
    assert ok and number == "B002"
    stored = server.snapshot()
    assert [t.number for t in stored.tickets if t.service == "social"] == ["B001", "B002"]
    v = kiosk.view
    assert v.screen == Screen.TICKET and v.ticket.print_state == PrintState.PRINTED
    assert kiosk.window.ticket.number.text() == "B002"
    assert kiosk.window.ticket.ahead.text() == "您前面还有 1 人"
    b002 = next(t for t in stored.tickets if t.number == "B002")
    # The server's public ticket page, under the ticket's unguessable id.
    assert b002.public_id and kiosk.window.ticket.qr.data == f"{server.url}/t/{b002.public_id}"
    # The printer got the ticket: the number in the printer's encoding, and the QR payload.
    qtbot.waitUntil(lambda: "B002".encode() in bytes(serial_printer.received), timeout=3000)
    assert "社保".encode("gb18030") in bytes(serial_printer.received)
    assert b002.public_id.encode() in bytes(serial_printer.received)
    qtbot.waitUntil(lambda: (d := device(server)) is not None and d.state == "ready", timeout=3000)


def test_the_ticket_screen_returns_home_by_itself_and_on_a_tap(qtbot, make_kiosk, server, network_printer):
    kiosk = make_kiosk(network_config(network_printer), ticket_seconds=1)
    with qtbot.waitSignal(kiosk.print_done, timeout=5000):
        tap(qtbot, kiosk.window.home.tiles["tax"])
    assert b"C0001" in bytes(network_printer.received)
    qtbot.waitUntil(lambda: kiosk.view.screen == Screen.HOME, timeout=3000)

    # A second ticket, and the 完成 button instead of waiting.
    with qtbot.waitSignal(kiosk.print_done, timeout=5000):
        tap(qtbot, kiosk.window.home.tiles["tax"])
    tap(qtbot, kiosk.window.ticket.done)
    assert kiosk.view.screen == Screen.HOME
    # A third, and a tap anywhere on the ticket screen (here: on the big number).
    with qtbot.waitSignal(kiosk.print_done, timeout=5000):
        tap(qtbot, kiosk.window.home.tiles["tax"])
    qtbot.waitUntil(lambda: kiosk.view.ticket.print_state == PrintState.PRINTED, timeout=3000)
    qtbot.mouseClick(kiosk.window.ticket.number, Qt.MouseButton.LeftButton)
    assert kiosk.view.screen == Screen.HOME
    assert issued(server, "tax") == 3


def test_repeated_taps_make_one_ticket(qtbot, make_kiosk, server, network_printer):
    kiosk = make_kiosk(network_config(network_printer))
    tile = kiosk.window.home.tiles["social"]
    with qtbot.waitSignal(kiosk.ticket_shown, timeout=5000):
        for _ in range(5):  # a citizen hammering the button before the reply arrives
            qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
            kiosk.request_service("social")  # and taps that reach the controller directly
    qtbot.wait(300)  # any second request would have been answered by now
    assert issued(server, "social") == 1
    assert kiosk.view.ticket.number == "B001"


def test_green_channel_without_pin_is_two_taps_to_a_priority_ticket(qtbot, make_kiosk, server, network_printer):
    server.execute(P.IssueTicket(service="social"))
    kiosk = make_kiosk(network_config(network_printer))
    tap(qtbot, kiosk.window.home.green)
    assert kiosk.window.home.banner.isVisible()
    with qtbot.waitSignal(kiosk.print_done, timeout=5000):
        tap(qtbot, kiosk.window.home.tiles["social"])
    t = next(t for t in server.snapshot().tickets if t.number == kiosk.view.ticket.number)
    assert t.priority == "green"
    assert kiosk.view.ticket.people_ahead == 0  # a priority ticket goes before the waiting walk-in
    assert "绿色通道" in kiosk.window.ticket.service.text()


def test_green_channel_behind_a_staff_pin(qtbot, make_kiosk, server):
    kiosk = make_kiosk(None, green_pin="2468")
    tap(qtbot, kiosk.window.home.green)
    assert kiosk.view.screen == Screen.KEYPAD
    assert kiosk.window.keypad.display.text() == " "
    type_on_keypad(qtbot, kiosk, "1111")
    assert kiosk.window.keypad.display.text() == "●●●●"  # a PIN is never shown
    tap(qtbot, kiosk.window.keypad.ok)
    assert kiosk.window.keypad.error.text() == "密码错误"
    assert not kiosk.view.green
    type_on_keypad(qtbot, kiosk, "2468")
    tap(qtbot, kiosk.window.keypad.ok)
    assert kiosk.view.screen == Screen.HOME and kiosk.view.green
    with qtbot.waitSignal(kiosk.ticket_shown, timeout=5000):
        tap(qtbot, kiosk.window.home.tiles["estate"])
    assert next(t for t in server.snapshot().tickets if t.service == "estate").priority == "green"


def test_closed_capped_and_out_of_hours_services_are_greyed_with_the_reason(qtbot, make_kiosk, server):
    server.execute(P.CloseService(service="tax", reason="系统维护"))
    kiosk = make_kiosk(None)
    tiles = kiosk.window.home.tiles
    assert not tiles["tax"].isEnabled() and tiles["tax"].info.text() == "系统维护"
    assert tiles["estate"].isEnabled()
    for _ in range(5):  # estate's daily cap is 5
        server.execute(P.IssueTicket(service="estate"))
    qtbot.waitUntil(lambda: not tiles["estate"].isEnabled(), timeout=3000)
    assert tiles["estate"].info.text() == "今日已取完"
    server.execute(P.OpenService(service="tax"))
    qtbot.waitUntil(lambda: tiles["tax"].isEnabled(), timeout=3000)
    assert "等候 0 人" in tiles["tax"].info.text()


def test_outside_hours_greyed_at_start_and_refused_clearly_when_the_hours_end(qtbot, make_kiosk, server):
    server.clock.now = at("12:30")  # estate issues 08:30-12:00 and 13:30-17:00
    early = make_kiosk(None)
    assert early.window.home.tiles["estate"].info.text() == "不在取号时间"
    assert not early.window.home.tiles["estate"].isEnabled()
    early.stop()

    server.clock.now = at("11:59")
    kiosk = make_kiosk(None)
    assert kiosk.window.home.tiles["estate"].isEnabled()
    server.clock.now = at("12:01")  # the hours ended after the kiosk's last update: the server says no
    tap(qtbot, kiosk.window.home.tiles["estate"])
    qtbot.waitUntil(lambda: kiosk.view.screen == Screen.MESSAGE, timeout=5000)
    assert kiosk.window.message.title.text() == "不在取号时间"
    assert issued(server, "estate") == 0
    tap(qtbot, kiosk.window.message.back)
    assert kiosk.view.screen == Screen.HOME


def test_rate_limited_kiosk_says_so(qtbot, make_kiosk, server):
    kiosk = make_kiosk(None)
    for _ in range(60):  # the server's limit per kiosk per minute (its clock stands still)
        assert isinstance(server.execute(P.IssueTicket(service="social"), token="kiosk"), P.Result)
    tap(qtbot, kiosk.window.home.tiles["social"])
    qtbot.waitUntil(lambda: kiosk.view.screen == Screen.MESSAGE, timeout=5000)
    assert kiosk.window.message.title.text() == "取号太频繁"
    assert issued(server, "social") == 60


def _appointments(server, **codes) -> None:
    appts = [P.NewAppointment(code=code, service="social", start=at(hhmm), end=at(hhmm) + timedelta(minutes=30))
             for code, hhmm in codes.items()]
    assert isinstance(server.execute(P.CreateAppointments(appointments=appts)), P.Result)


def test_appointment_code_on_the_keypad_gives_an_appointment_ticket(qtbot, make_kiosk, server, network_printer):
    _appointments(server, AB12C="09:10")
    kiosk = make_kiosk(network_config(network_printer))
    tap(qtbot, kiosk.window.home.appointment)
    type_on_keypad(qtbot, kiosk, "AB12C")
    assert kiosk.window.keypad.display.text() == "AB12C"
    with qtbot.waitSignal(kiosk.print_done, timeout=5000):
        tap(qtbot, kiosk.window.keypad.ok)
    t = next(t for t in server.snapshot().tickets if t.number == kiosk.view.ticket.number)
    assert t.priority == "appt" and t.service == "social"
    assert "预约" in kiosk.window.ticket.service.text()
    assert "预约".encode("gb18030") in bytes(network_printer.received)


@pytest.mark.parametrize(("code", "setup", "title"), [
    ("9999", {}, "预约码无效"),
    ("1001", {"1001": "09:10"}, "预约码已使用"),
    ("1002", {"1002": "10:00"}, "还未到签到时间"),
    ("1003", {"1003": "08:30"}, "预约已过期"),
])
def test_each_appointment_refusal_is_explained_on_the_keypad(qtbot, make_kiosk, server, code, setup, title):
    if setup:
        _appointments(server, **setup)
    if title == "预约码已使用":
        assert isinstance(server.execute(P.CheckIn(code=code)), P.Result)
    kiosk = make_kiosk(None)
    tap(qtbot, kiosk.window.home.appointment)
    type_on_keypad(qtbot, kiosk, code)
    tap(qtbot, kiosk.window.keypad.ok)
    qtbot.waitUntil(lambda: bool(kiosk.window.keypad.error.text()), timeout=5000)
    assert kiosk.view.screen == Screen.KEYPAD  # the citizen can type the code again
    assert kiosk.window.keypad.error.text().startswith(title)
    assert kiosk.view.ticket is None
    assert len([t for t in server.snapshot().tickets if t.service == "social"]) == (title == "预约码已使用")
