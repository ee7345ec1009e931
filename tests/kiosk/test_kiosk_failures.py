"""When things go wrong: printer out of paper or unplugged (number on screen, reported, reprint), server down and back."""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt

from kiosk.models import PrintState, Screen
from printers.config import PrinterConfig
from queuecore import protocol as P
from tests.kiosk.conftest import PAPER_OUT, network_config, serial_config, tap
from tests.printers.printer_fakes import STATUS_OK, free_port


def seconds_left(screen) -> int:
    """The ticket screen's countdown ("57 秒后返回首页")."""
    found = re.fullmatch(r"(\d+) 秒后返回首页", screen.countdown.text())
    assert found, screen.countdown.text()
    return int(found.group(1))


def printer_device(server):
    return next((d for d in server.snapshot().devices if d.kind == "printer"), None)


def test_paper_out_shows_the_number_to_photograph_reports_it_and_reprints_when_paper_is_back(
        qtbot, make_kiosk, server, serial_printer):
    serial_printer.replies = dict(PAPER_OUT)
    kiosk = make_kiosk(serial_config(serial_printer))
    qtbot.waitUntil(lambda: kiosk.view.printer_state == "paper_out", timeout=3000)
    assert kiosk.window.home.printer_note.isVisible()
    assert "打印机缺纸" in kiosk.window.home.printer_note.text()

    with qtbot.waitSignal(kiosk.print_done, timeout=5000) as done:
        tap(qtbot, kiosk.window.home.tiles["social"])
    assert done.args == ["B001", False]
    screen = kiosk.window.ticket
    assert 50 < seconds_left(screen) <= 60  # at once: time to take a photo, not the printed ticket's 10 s
    assert kiosk.view.screen == Screen.TICKET and kiosk.view.ticket.print_state == PrintState.FAILED
    assert screen.number.text() == "B001"  # the real number, issued by the server
    issued = server.snapshot().tickets[0]
    assert issued.public_id and screen.qr.isVisible() and screen.qr.data == f"{server.url}/t/{issued.public_id}"
    assert "请拍照留存" in screen.headline.text()
    assert "打印机缺纸" in screen.print_note.text()
    assert screen.reprint.isVisible() and not screen.reprint.isEnabled()
    qtbot.mouseClick(screen.number, Qt.MouseButton.LeftButton)  # a stray touch must not lose the number
    assert kiosk.view.screen == Screen.TICKET
    assert b"B001" not in bytes(serial_printer.received)  # nothing was sent to an empty printer
    qtbot.waitUntil(lambda: (d := printer_device(server)) is not None and d.state == "paper_out", timeout=3000)
    assert printer_device(server).name == "test-kiosk"


    serial_printer.replies = dict(STATUS_OK)  # paper loaded
    qtbot.waitUntil(lambda: screen.reprint.isEnabled(), timeout=5000)
    # The screen follows the printer as it is now: no "out of paper" next to an enabled reprint.
    assert "打印机缺纸" not in screen.print_note.text()
    assert screen.print_note.text() == "打印机已恢复，请点击“重新打印”取号票。"
    with qtbot.waitSignal(kiosk.print_done, timeout=5000) as done:
        tap(qtbot, screen.reprint)
    assert done.args == ["B001", True]
    qtbot.waitUntil(lambda: b"B001" in bytes(serial_printer.received), timeout=3000)
    assert kiosk.view.ticket.print_state == PrintState.PRINTED and kiosk.view.unprinted is None
    # Printed now: the normal printed-ticket screen, with its short countdown instead of the photo time.
    assert screen.headline.text() == "取号成功 · 请取走号票" and not screen.reprint.isVisible()
    assert 0 < seconds_left(screen) <= 10
    qtbot.waitUntil(lambda: printer_device(server).state == "ready", timeout=3000)
    assert len(server.snapshot().tickets) == 1  # a reprint is not a new ticket


def test_unreachable_printer_then_reprint_from_the_home_screen(qtbot, make_kiosk, server, network_printer):
    gone = PrinterConfig(transport="network", host="127.0.0.1", port=free_port(), connect_timeout=0.3,
                         status_timeout=0.3)
    kiosk = make_kiosk(gone, ticket_seconds=1, photo_seconds=1)
    with qtbot.waitSignal(kiosk.print_done, timeout=5000) as done:
        tap(qtbot, kiosk.window.home.tiles["tax"])
    assert done.args == ["C0001", False]
    assert "打印机未连接" in kiosk.window.ticket.print_note.text()
    qtbot.waitUntil(lambda: (d := printer_device(server)) is not None and d.state == "unreachable", timeout=3000)
    qtbot.waitUntil(lambda: kiosk.view.screen == Screen.HOME, timeout=4000)  # after the photo time
    assert not kiosk.window.home.reprint.isVisible()  # the printer is still away

    # The printer comes back (here: the kiosk's printer is pointed at a live one).
    kiosk.printer.worker.printer.config = network_config(network_printer)
    qtbot.waitUntil(lambda: kiosk.window.home.reprint.isVisible(), timeout=4000)
    assert "C0001" in kiosk.window.home.reprint.text()
    with qtbot.waitSignal(kiosk.print_done, timeout=5000) as done:
        tap(qtbot, kiosk.window.home.reprint)
    assert done.args == ["C0001", True]
    assert b"C0001" in bytes(network_printer.received)
    qtbot.waitUntil(lambda: not kiosk.window.home.reprint.isVisible(), timeout=2000)


def test_server_down_pauses_issuing_with_the_last_contact_time_and_resumes_by_itself(
        qtbot, make_kiosk, server, network_printer):
    kiosk = make_kiosk(network_config(network_printer))
    server.stop()
    qtbot.waitUntil(lambda: kiosk.view.screen == Screen.PAUSED, timeout=5000)
    paused = kiosk.window.paused
    assert paused.title.text() == "暂停取号"
    last = kiosk.link.last_contact
    # On the hall's clock (the test hall is in Asia/Shanghai), whatever the machine's zone.
    shown = last.astimezone(ZoneInfo("Asia/Shanghai"))
    assert last is not None and paused.last.text() == f"最后联系时间：{shown:%H:%M:%S}"
    kiosk.request_service("social")  # a tap that reaches the controller anyway: nothing is made up
    qtbot.wait(200)
    assert kiosk.view.screen == Screen.PAUSED and kiosk.view.ticket is None

    server.start()
    qtbot.waitUntil(lambda: kiosk.view.screen == Screen.HOME, timeout=8000)
    with qtbot.waitSignal(kiosk.print_done, timeout=5000):
        tap(qtbot, kiosk.window.home.tiles["social"])
    assert kiosk.view.ticket.number == "B001"
    assert [t.number for t in server.snapshot().tickets] == ["B001"]


def test_a_request_cut_off_by_the_server_going_down_is_resent_with_its_id_and_issues_one_ticket(
        qtbot, make_kiosk, server, network_printer):
    kiosk = make_kiosk(network_config(network_printer))
    tap(qtbot, kiosk.window.home.tiles["social"])
    server.stop()  # before or after the server ran it: either way exactly one ticket must come out
    qtbot.waitUntil(lambda: kiosk.link.state != "online", timeout=5000)
    server.start()
    qtbot.waitUntil(lambda: kiosk.view.screen == Screen.TICKET, timeout=8000)
    assert [t.number for t in server.snapshot().tickets] == [kiosk.view.ticket.number] == ["B001"]


def test_a_failed_print_shows_the_photo_countdown_at_once(qapp):
    """Not the printed ticket's 10 s until the next tick (the printer worker may send nothing else)."""
    from kiosk.models import TicketView
    from kiosk.screenshots import close, demo_hall, demo_issued, demo_snapshot, kiosk_for

    kiosk = kiosk_for("portrait", False, "zh")
    try:
        hall = demo_hall()
        kiosk.link.connection_changed.emit("online")
        kiosk.link.snapshot_received.emit(demo_snapshot(hall))
        kiosk.model.show_ticket(TicketView.from_issued(demo_issued(hall), hall, "qr"))
        assert seconds_left(kiosk.window.ticket) == 10
        kiosk._on_print_failed("A013", "paper_out", "no paper")  # what the printer worker reports
        assert seconds_left(kiosk.window.ticket) == 60
    finally:
        close(kiosk)
