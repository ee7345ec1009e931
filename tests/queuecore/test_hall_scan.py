"""扫码叫号 (call by scan): a scanned ticket is called (or resumed) at this window, or refused with why."""
from __future__ import annotations

from datetime import date

import pytest

from queuecore import events as ev
from queuecore.model import TicketStatus as T
from tests.queuecore.conftest import DAY, at, open_hall
from tests.queuecore.test_hall import refused

PID = "Qr0Code0Of0A001x"


def hall_with(status: T):
    """Window 1 (estate) idle; ticket A001 (estate, id PID) in `status`, handled by window 2 where needed."""
    hall = open_hall()
    hall.issue("estate", at("09:00"), public_id=PID)
    if status is not T.WAITING:
        hall.call_ticket(2, "A001", at("09:01"))
    if status in (T.SERVING, T.SUSPENDED, T.DONE):
        hall.start(2, at("09:02"))
    if status is T.SUSPENDED:
        hall.suspend(2, at("09:03"))
    elif status is T.DONE:
        hall.finish(2, at("09:03"))
    elif status is T.NO_SHOW:
        hall.skip(2, at("09:02"))
    elif status is T.CANCELLED:
        hall.skip(2, at("09:02"))
        hall.cancel("A001", "", at("09:03"))
    elif status is T.EXPIRED:
        hall.close_day(at("09:03"), force=True)
        hall.sign_in(1, "clerk1", at("09:04"))
    hall.take_changes()
    return hall


SCAN_TABLE = [  # status of the scanned ticket -> what window 1 gets
    (T.WAITING, ev.TicketCalled),
    (T.NO_SHOW, ev.TicketCalled),  # within the grace: a late citizen at the window
    (T.SUSPENDED, ev.TicketResumed),  # back with the missing papers
    (T.CALLED, "ticket_at_window"),
    (T.SERVING, "ticket_at_window"),
    (T.DONE, "ticket_ended"),
    (T.CANCELLED, "ticket_ended"),
    (T.EXPIRED, "ticket_ended"),
]


@pytest.mark.parametrize(("status", "expected"), SCAN_TABLE, ids=lambda v: getattr(v, "__name__", str(v)))
def test_a_scanned_ticket_is_called_here_when_waiting_else_refused_with_why(status, expected) -> None:
    hall = hall_with(status)
    if isinstance(expected, str):
        refused(hall, expected, hall.call_by_scan, 1, PID, at("09:10"))
        return
    (event,) = hall.call_by_scan(1, PID, at("09:10"))
    assert isinstance(event, expected) and event.window == 1 and event.number == "A001"
    assert hall.windows[1].current == hall.by_number["A001"].id
    if isinstance(event, ev.TicketCalled):
        assert event.specific is True


def test_a_ticket_of_a_service_this_window_does_not_serve_is_refused() -> None:
    hall = hall_with(T.WAITING)
    refused(hall, "service_not_served_here", hall.call_by_scan, 4, PID, at("09:10"))


def test_a_ticket_of_another_day_says_so_and_an_unknown_code_is_unknown() -> None:
    hall = hall_with(T.WAITING)
    err = refused(hall, "ticket_of_another_day", hall.call_by_scan, 1, "Yesterday0Ticket", at("09:10"),
                  issued_on=date(2026, 11, 20))
    assert err.details == {"day": "2026-11-20"}
    refused(hall, "unknown_ticket", hall.call_by_scan, 1, "NoSuchTicketCode", at("09:10"))
    refused(hall, "unknown_ticket", hall.call_by_scan, 1, "NoSuchTicketCode", at("09:10"), issued_on=DAY)


@pytest.mark.parametrize(("prepare", "code"), [
    (lambda h: h.call_next(1, at("09:05")), "window_busy"),
    (lambda h: h.pause(1, "r", at("09:05")), "window_paused"),
    (lambda h: h.sign_out(1, at("09:05")), "window_closed"),
])
def test_a_window_not_ready_to_call_refuses_the_scan_first(prepare, code) -> None:
    hall = hall_with(T.WAITING)
    hall.issue("estate", at("09:04"))
    prepare(hall)
    refused(hall, code, hall.call_by_scan, 1, PID, at("09:10"))


def test_a_no_show_past_the_grace_is_refused() -> None:
    hall = hall_with(T.NO_SHOW)
    refused(hall, "grace_expired", hall.call_by_scan, 1, PID, at("11:00"))
