"""Hall commands: numbering, refusals with stable codes, every transition, and that a refused move changes nothing."""
from __future__ import annotations

from datetime import timedelta

import msgspec
import pytest

from queuecore import errors as E
from queuecore import events as ev
from queuecore.hall import TICKET_TRANSITIONS, WINDOW_TRANSITIONS, Hall
from queuecore.model import Appointment, TicketStatus, WindowStatus
from tests.queuecore.conftest import DAY, at, make_config, open_hall


def state(hall: Hall) -> bytes:
    return msgspec.json.encode([
        sorted(hall.tickets.items()), sorted(hall.windows.items()), sorted(hall.appointments.items()),
        sorted(hall.closed), hall.counters, hall.issued, hall.day,
    ])


def refused(hall: Hall, code: str, fn, *args, **kw) -> E.QueueError:
    hall.take_changes()  # hand over what earlier steps changed
    before = state(hall)
    with pytest.raises(E.QueueError) as info:
        fn(*args, **kw)
    assert info.value.code == code, info.value
    assert state(hall) == before, "a refused command changed the hall"
    assert hall.take_changes() is None
    return info.value


def issue(hall: Hall, service: str = "estate", when: str = "09:00", priority: str | None = None) -> str:
    (e,) = hall.issue(service, at(when), priority)
    return e.number


# ------------------------------------------------------------------ numbering and issuing


def test_numbers_count_per_prefix_with_configured_digits() -> None:
    hall = open_hall()
    got = [issue(hall, "estate"), issue(hall, "social"), issue(hall, "estate"), issue(hall, "tax")]
    assert got == ["A001", "B001", "A002", "C0001"]
    assert len({t.id for t in hall.tickets.values()}) == 4


def test_start_day_restarts_numbering_and_keeps_ids_unique_across_days() -> None:
    hall = open_hall()
    first = hall.tickets[hall.by_number[issue(hall)].id]
    hall.take_changes()
    next_day = DAY + timedelta(days=1)
    events = hall.start_day(next_day, at("07:00", next_day))
    assert any(isinstance(e, ev.TicketExpired) and e.ticket_id == first.id for e in events)
    assert isinstance(events[-1], ev.DayStarted)
    changes = hall.take_changes()
    assert first in changes.tickets and first.status is TicketStatus.EXPIRED  # handed to the store once more
    assert first.id not in hall.tickets  # ... then dropped from memory
    hall.sign_in(1, "c1", at("08:00", next_day))
    (e,) = hall.issue("estate", at("09:00", next_day))
    assert e.number == "A001" and e.ticket_id != first.id


def test_a_hall_rebuilt_from_stored_tickets_continues_numbering() -> None:
    hall = open_hall()
    for _ in range(3):
        issue(hall)
    issue(hall, "social")
    stored = list(hall.tickets.values())
    again = Hall(make_config(), day=DAY, tickets=stored, windows=hall.windows.values())
    (e,) = again.issue("estate", at("10:00"))
    assert e.number == "A004"
    assert again.issued["estate"] == 4


@pytest.mark.parametrize(
    ("service", "when", "priority", "code"),
    [
        ("nope", "09:00", None, "unknown_service"),
        ("estate", "07:59", None, "outside_hours"),
        ("estate", "12:30", None, "outside_hours"),
        ("estate", "17:00", None, "outside_hours"),
        ("estate", "09:00", "vip", "unknown_priority"),
        ("estate", "09:00", "appt", "invalid_argument"),
    ],
)
def test_issue_refusals(service: str, when: str, priority: str | None, code: str) -> None:
    hall = open_hall()
    err = refused(hall, code, hall.issue, service, at(when), priority)
    assert err.message


def test_service_without_hours_issues_all_day() -> None:
    hall = open_hall()
    assert issue(hall, "social", "06:00") == "B001"


def test_closed_service_is_refused_and_reopened() -> None:
    hall = open_hall()
    hall.close_service("estate", "系统维护", at("08:00"))
    refused(hall, "service_closed", hall.issue, "estate", at("09:00"))
    assert hall.issuable("estate", at("09:00")) == "service_closed"
    hall.open_service("estate", at("09:01"))
    assert issue(hall, "estate", "09:02") == "A001"


def test_daily_cap_refuses_the_next_ticket() -> None:
    hall = open_hall()
    for _ in range(5):
        issue(hall)
    assert hall.issuable("estate", at("09:00")) == "daily_cap_reached"
    refused(hall, "daily_cap_reached", hall.issue, "estate", at("09:00"))
    assert issue(hall, "social") == "B001"  # other services unaffected


def test_issue_before_the_day_is_started_is_refused() -> None:
    hall = open_hall()
    refused(hall, "day_not_started", hall.issue, "estate", at("09:00", DAY + timedelta(days=1)))


def test_each_ticket_knows_how_many_are_ahead_and_the_wait_estimate() -> None:
    hall = open_hall(windows=(1,))
    events = [hall.issue("estate", at("09:00"))[0] for _ in range(3)]
    assert [e.ahead for e in events] == [0, 1, 2]
    (green,) = hall.issue("estate", at("09:01"), "green")
    assert green.ahead == 0
    assert hall.people_ahead("A001", at("09:02")) == 1
    assert hall.estimated_wait_minutes("estate", 2) == 20  # 2 x 10 min, one window open
    hall.sign_in(2, "c2", at("09:03"))
    assert hall.estimated_wait_minutes("estate", 2) == 10


def test_events_carry_the_time_they_were_given() -> None:
    hall = open_hall()
    when = at("09:17")
    (e,) = hall.issue("estate", when)
    assert e.at == when and hall.tickets[e.ticket_id].issued_at == when


# ------------------------------------------------------------------ calling and serving


def test_call_next_serves_in_order_and_two_windows_never_get_the_same_ticket() -> None:
    hall = open_hall()
    for _ in range(3):
        issue(hall)
    (c1,) = hall.call_next(1, at("09:10"))
    (c2,) = hall.call_next(2, at("09:10"))
    assert (c1.number, c2.number) == ("A001", "A002")
    assert hall.windows[1].current == c1.ticket_id
    assert hall.tickets[c1.ticket_id].status is TicketStatus.CALLED


def test_call_next_refusals() -> None:
    hall = open_hall(windows=(1,))
    refused(hall, "nothing_waiting", hall.call_next, 1, at("09:00"))
    refused(hall, "window_closed", hall.call_next, 2, at("09:00"))
    refused(hall, "unknown_window", hall.call_next, 99, at("09:00"))
    issue(hall)
    issue(hall)
    hall.call_next(1, at("09:01"))
    refused(hall, "window_busy", hall.call_next, 1, at("09:02"))
    hall.finish(1, at("09:03"))
    hall.pause(1, "休息", at("09:04"))
    refused(hall, "window_paused", hall.call_next, 1, at("09:05"))


def test_fairness_ratio_across_real_calls() -> None:
    hall = open_hall(windows=(1,), priority_ratio=2)
    issue(hall, when="09:00")  # A001 normal, oldest
    for i in range(3):
        hall.issue("estate", at(f"09:0{i + 1}"), "green")  # A002..A004
    order = []
    for minute in range(4):
        (c,) = hall.call_next(1, at(f"09:1{minute}"))
        order.append(c.number)
        hall.finish(1, at(f"09:1{minute}"))
    assert order == ["A002", "A003", "A001", "A004"]


def test_recall_counts_and_is_announced() -> None:
    hall = open_hall()
    issue(hall)
    hall.call_next(1, at("09:00"))
    hall.recall(1, at("09:01"))
    (e,) = hall.recall(1, at("09:02"))
    assert isinstance(e, ev.TicketRecalled) and e.recalls == 2
    assert isinstance(e, ev.ANNOUNCED)


def test_start_then_finish_with_outcome() -> None:
    hall = open_hall()
    issue(hall)
    hall.call_next(1, at("09:00"))
    hall.start(1, at("09:01"))
    (e,) = hall.finish(1, at("09:11"), "incomplete")
    t = hall.tickets[e.ticket_id]
    assert (t.status, t.outcome, t.serving_at, t.finished_at) == (TicketStatus.DONE, "incomplete", at("09:01"), at("09:11"))
    assert e.outcome == "incomplete"
    assert hall.windows[1].current is None


def test_call_specific_ticket_out_of_order() -> None:
    hall = open_hall()
    issue(hall)
    issue(hall)
    (e,) = hall.call_ticket(1, "a002", at("09:05"))
    assert e.number == "A002" and e.specific
    refused(hall, "service_not_served_here", hall.call_ticket, 4, "A001", at("09:06"))
    refused(hall, "unknown_ticket", hall.call_ticket, 2, "A099", at("09:06"))
    refused(hall, "illegal_transition", hall.call_ticket, 2, "A002", at("09:06"))


def test_skip_then_requeue_within_grace_puts_the_citizen_back_n_places() -> None:
    hall = open_hall(windows=(1,), requeue_places=2, skip_grace_minutes=30)
    for _ in range(5):
        issue(hall)
    hall.call_next(1, at("09:00"))
    hall.skip(1, at("09:02"))
    assert hall.tickets[hall.by_number["A001"].id].status is TicketStatus.NO_SHOW
    (e,) = hall.requeue("A001", at("09:20"))
    assert e.places == 2
    called = []
    for m in range(5):
        (c,) = hall.call_next(1, at(f"09:3{m}"))
        called.append(c.number)
        hall.finish(1, at(f"09:3{m}"))
    assert called == ["A002", "A003", "A001", "A004", "A005"]


def test_requeue_with_few_waiting_goes_last_and_after_grace_is_refused() -> None:
    hall = open_hall(windows=(1,), requeue_places=3, skip_grace_minutes=30)
    for _ in range(3):
        issue(hall)
    hall.call_next(1, at("09:00"))
    hall.skip(1, at("09:01"))
    hall.call_next(1, at("09:02"))
    hall.skip(1, at("09:03"))
    refused(hall, "grace_expired", hall.requeue, "A002", at("09:34"))
    hall.requeue("A001", at("09:30"))
    assert hall.call_next(1, at("09:40"))[0].number == "A003"
    hall.finish(1, at("09:41"))
    assert hall.call_next(1, at("09:42"))[0].number == "A001"


def test_late_citizen_called_directly_within_grace_but_not_after() -> None:
    hall = open_hall(skip_grace_minutes=10)
    issue(hall)
    issue(hall)
    hall.call_next(1, at("09:00"))
    hall.skip(1, at("09:01"))
    refused(hall, "grace_expired", hall.call_ticket, 2, "A001", at("09:12"))
    (e,) = hall.call_ticket(2, "A001", at("09:10"))
    assert e.window == 2


@pytest.mark.parametrize("keep", [True, False])
def test_transfer_keeps_arrival_or_goes_last(keep: bool) -> None:
    hall = open_hall()
    issue(hall, "estate", "09:00")  # A001
    issue(hall, "social", "09:05")  # B001
    issue(hall, "social", "09:10")  # B002
    hall.call_next(1, at("09:20"))
    (e,) = hall.transfer(1, "social", at("09:30"), keep_arrival=keep)
    t = hall.tickets[e.ticket_id]
    assert (t.number, t.service, t.status, t.origin_service, t.transfers) == ("A001", "social", TicketStatus.WAITING,
                                                                             "estate", 1)
    assert t.arrival_at == (at("09:00") if keep else at("09:30"))
    order = []
    for m in range(3):
        (c,) = hall.call_next(3, at(f"09:4{m}"))
        order.append(c.number)
        hall.finish(3, at(f"09:4{m}"))
    assert order == (["A001", "B001", "B002"] if keep else ["B001", "B002", "A001"])


def test_transfer_uses_the_configured_default() -> None:
    hall = open_hall(transfer_keeps_arrival=False)
    issue(hall)
    hall.call_next(1, at("09:00"))
    (e,) = hall.transfer(1, "tax", at("09:30"))
    assert e.kept_arrival is False


def test_transfer_refusals() -> None:
    hall = open_hall()
    issue(hall)
    refused(hall, "no_current_ticket", hall.transfer, 1, "social", at("09:00"))
    hall.call_next(1, at("09:00"))
    refused(hall, "unknown_service", hall.transfer, 1, "nope", at("09:01"))
    refused(hall, "invalid_argument", hall.transfer, 1, "estate", at("09:01"))
    hall.close_service("social", "", at("09:01"))
    refused(hall, "service_closed", hall.transfer, 1, "social", at("09:02"))


def test_suspend_and_resume_at_another_window_of_that_service() -> None:
    hall = open_hall()
    issue(hall)
    hall.call_next(1, at("09:00"))
    refused(hall, "illegal_transition", hall.suspend, 1, at("09:01"))  # only while serving
    hall.start(1, at("09:01"))
    hall.suspend(1, at("09:05"))
    assert hall.windows[1].current is None
    refused(hall, "service_not_served_here", hall.resume, 4, "A001", at("09:30"))
    (e,) = hall.resume(2, "A001", at("09:30"))
    assert isinstance(e, ev.TicketResumed) and isinstance(e, ev.ANNOUNCED)
    t = hall.tickets[e.ticket_id]
    assert (t.status, t.window, t.clerk) == (TicketStatus.CALLED, 2, "clerk2")


def test_pause_and_resume_window_with_reason() -> None:
    hall = open_hall()
    (e,) = hall.pause(1, "会议", at("10:00"))
    assert hall.windows[1].status is WindowStatus.PAUSED and hall.windows[1].pause_reason == "会议"
    refused(hall, "illegal_transition", hall.pause, 1, "again", at("10:01"))
    hall.resume_window(1, at("10:30"))
    assert hall.windows[1].status is WindowStatus.OPEN
    refused(hall, "illegal_transition", hall.resume_window, 1, at("10:31"))


def test_pause_or_sign_out_with_a_ticket_at_the_window_is_refused() -> None:
    hall = open_hall()
    issue(hall)
    hall.call_next(1, at("09:00"))
    refused(hall, "window_busy", hall.pause, 1, "休息", at("09:01"))
    refused(hall, "window_busy", hall.sign_out, 1, at("09:01"))


def test_sign_in_out_and_a_clerk_at_one_window_only() -> None:
    hall = open_hall(windows=())
    (e,) = hall.sign_in(1, "s001", at("08:00"))
    assert isinstance(e, ev.ClerkSignedIn) and hall.windows[1].status is WindowStatus.OPEN
    assert hall.sign_in(1, "s001", at("08:05")) == []  # terminal restart: nothing changes
    refused(hall, "clerk_signed_in_elsewhere", hall.sign_in, 2, "s001", at("08:06"))
    out = hall.sign_in(1, "s002", at("08:07"))  # colleague takes over the window
    assert [type(x) for x in out] == [ev.ClerkSignedOut, ev.ClerkSignedIn]
    hall.sign_out(1, at("12:00"))
    assert hall.windows[1].status is WindowStatus.CLOSED
    refused(hall, "illegal_transition", hall.sign_out, 1, at("12:01"))


def test_cancel_waiting_ticket() -> None:
    hall = open_hall()
    issue(hall)
    hall.cancel("A001", "重复取号", at("09:05"))
    refused(hall, "nothing_waiting", hall.call_next, 1, at("09:06"))
    refused(hall, "illegal_transition", hall.cancel, "A001", "", at("09:07"))


def test_day_start_signs_clerks_out_and_expires_what_is_left() -> None:
    hall = open_hall()
    issue(hall)
    issue(hall)
    hall.call_next(1, at("09:00"))
    nd = DAY + timedelta(days=1)
    events = hall.roll_day(at("07:00", nd))
    assert sum(isinstance(e, ev.TicketExpired) for e in events) == 2
    assert all(w.status is WindowStatus.CLOSED and w.current is None for w in hall.windows.values())
    assert hall.roll_day(at("07:05", nd)) == []


# ------------------------------------------------------------------ appointments


def appt(code: str = "K7Q2", start: str = "10:00", end: str = "10:30") -> Appointment:
    return Appointment(code=code, service="estate", day=DAY, start=at(start), end=at(end), name_masked="张*明")


def test_appointment_check_in_issues_an_appointment_ticket() -> None:
    hall = open_hall()
    hall.create_appointment(appt(), at("08:00"))
    events = hall.check_in("k7q2", at("09:45"))
    issued, checked = events
    assert isinstance(checked, ev.AppointmentCheckedIn)
    t = hall.tickets[issued.ticket_id]
    assert (t.priority, t.appointment_start) == ("appt", at("10:00"))
    assert hall.appointments["K7Q2"].ticket_id == t.id
    assert hall.issued["estate"] == 0  # appointments do not use the walk-in cap


@pytest.mark.parametrize(
    ("code", "when", "expected"),
    [("NOPE", "09:45", "unknown_appointment"), ("K7Q2", "09:29", "appointment_too_early"),
     ("K7Q2", "10:16", "appointment_expired")],
)
def test_appointment_check_in_refusals(code: str, when: str, expected: str) -> None:
    hall = open_hall()
    hall.create_appointment(appt(), at("08:00"))
    hall.take_changes()
    refused(hall, expected, hall.check_in, code, at(when))


def test_appointment_used_twice_is_refused() -> None:
    hall = open_hall()
    hall.create_appointment(appt(), at("08:00"))
    hall.check_in("K7Q2", at("10:00"))
    refused(hall, "appointment_used", hall.check_in, "K7Q2", at("10:01"))


def test_appointment_creation_refusals() -> None:
    hall = open_hall()
    hall.create_appointment(appt(), at("08:00"))
    refused(hall, "duplicate_appointment", hall.create_appointment, appt(), at("08:00"))
    refused(hall, "invalid_argument", hall.create_appointment, appt("X1", "10:00", "09:00"), at("08:00"))
    bad = appt("X2")
    bad.service = "nope"
    refused(hall, "unknown_service", hall.create_appointment, bad, at("08:00"))


# ------------------------------------------------------------------ transition tables


def _ticket_in(status: TicketStatus) -> tuple[Hall, str]:
    """A hall whose window 1 holds (or whose queue holds) ticket A001 in `status`."""
    hall = open_hall()
    issue(hall)
    if status is not TicketStatus.WAITING:
        hall.call_next(1, at("09:00"))
    if status is TicketStatus.SERVING:
        hall.start(1, at("09:01"))
    elif status is TicketStatus.NO_SHOW:
        hall.skip(1, at("09:01"))
    elif status is TicketStatus.DONE:
        hall.finish(1, at("09:01"))
    elif status is TicketStatus.SUSPENDED:
        hall.start(1, at("09:01"))
        hall.suspend(1, at("09:02"))
    elif status is TicketStatus.CANCELLED:
        hall.skip(1, at("09:01"))
        hall.cancel("A001", "", at("09:02"))
    hall.take_changes()
    return hall, "A001"


ACTIONS = {
    "call": lambda h, n: h.call_ticket(2, n, at("09:05")),
    "recall": lambda h, n: h.recall(1, at("09:05")),
    "start": lambda h, n: h.start(1, at("09:05")),
    "skip": lambda h, n: h.skip(1, at("09:05")),
    "finish": lambda h, n: h.finish(1, at("09:05")),
    "transfer": lambda h, n: h.transfer(1, "social", at("09:05")),
    "suspend": lambda h, n: h.suspend(1, at("09:05")),
    "resume": lambda h, n: h.resume(2, n, at("09:05")),
    "requeue": lambda h, n: h.requeue(n, at("09:05")),
    "cancel": lambda h, n: h.cancel(n, "", at("09:05")),
    "rate": lambda h, n: h.rate(1, n, 5, at("09:05")),
}
STATUSES = [s for s in TicketStatus if s is not TicketStatus.EXPIRED]


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_ticket_transition_table(status: TicketStatus, action: str) -> None:
    hall, number = _ticket_in(status)
    allowed = TICKET_TRANSITIONS.get((status, action))
    if allowed is None:
        before = state(hall)
        with pytest.raises(E.QueueError) as info:
            ACTIONS[action](hall, number)
        # Window-level refusals (no current ticket) also guard illegal ticket moves.
        assert info.value.code in {"illegal_transition", "no_current_ticket"}
        assert state(hall) == before and hall.take_changes() is None
    else:
        events = ACTIONS[action](hall, number)
        assert events and all(e.at == at("09:05") for e in events)
        assert hall.tickets[hall.by_number[number].id].status is allowed
        assert hall.take_changes() is not None


def test_every_window_transition_in_the_table_is_reachable_and_others_refused() -> None:
    actions = {"sign_in": lambda h: h.sign_in(1, "x", at("09:00")), "sign_out": lambda h: h.sign_out(1, at("09:00")),
               "pause": lambda h: h.pause(1, "r", at("09:00")), "resume": lambda h: h.resume_window(1, at("09:00"))}
    for status in WindowStatus:
        for name, act in actions.items():
            hall = open_hall(windows=())
            if status is not WindowStatus.CLOSED:
                hall.sign_in(1, "y", at("08:00"))
            if status is WindowStatus.PAUSED:
                hall.pause(1, "r", at("08:01"))
            hall.take_changes()
            if (status, name) in WINDOW_TRANSITIONS:
                act(hall)
                assert hall.windows[1].status is WINDOW_TRANSITIONS[(status, name)]
            else:
                refused(hall, "illegal_transition", act, hall)


def test_take_changes_bumps_the_version_once_per_batch() -> None:
    hall = open_hall()
    v = hall.version
    issue(hall)
    issue(hall, "social")
    changes = hall.take_changes()
    assert changes.version == v + 1 and {t.number for t in changes.tickets} == {"A001", "B001"}
    assert set(changes.services) == {"estate", "social"}
    assert hall.take_changes() is None


def test_appointment_batch_is_all_or_nothing() -> None:
    hall = open_hall()
    hall.create_appointment(appt("OLD1"), at("08:00"))
    refused(hall, "duplicate_appointment", hall.create_appointments, [appt("NEW1"), appt("OLD1")], at("08:00"))
    refused(hall, "duplicate_appointment", hall.create_appointments, [appt("NEW1"), appt("NEW1")], at("08:00"))
    events = hall.create_appointments([appt("NEW1"), appt("NEW2", "11:00", "11:30")], at("08:00"))
    assert [e.code for e in events] == ["NEW1", "NEW2"]


def test_a_window_opening_or_pausing_changes_its_services_figures() -> None:
    hall = open_hall(windows=())
    hall.sign_in(2, "c2", at("08:00"))
    assert set(hall.take_changes().services) == {"social", "estate"}
    hall.pause(2, "休息", at("09:00"))
    assert set(hall.take_changes().services) == {"social", "estate"}


# ------------------------------------------------------------------ ratings and devices


def _finished(hall: Hall | None = None) -> Hall:
    hall = hall or open_hall()
    issue(hall)
    hall.call_next(1, at("09:00"))
    hall.finish(1, at("09:10"))
    return hall


@pytest.mark.parametrize(
    ("level", "reason", "code"),
    [(5, "", None), (4, "", None), (3, "", None), (0, "", None), (2, "服务态度差", None), (1, "多次跑动", None),
     (2, "", "rating_reason_required"), (1, "  ", "rating_reason_required"), (6, "", "invalid_argument"),
     (-1, "", "invalid_argument")],
)
def test_rating_levels_and_reasons(level: int, reason: str, code: str | None) -> None:
    hall = _finished()
    if code:
        refused(hall, code, hall.rate, 1, "A001", level, at("09:11"), reason)
    else:
        (e,) = hall.rate(1, "A001", level, at("09:11"), reason, "窗口很热情")
        t = hall.ticket("A001")
        assert (e.level, t.rating, t.rated_at, e.clerk) == (level, level, at("09:11"), "clerk1")
        assert t.rating_reason == (reason.strip() or None)


def test_a_visit_is_rated_once_and_only_at_its_window() -> None:
    hall = _finished()
    refused(hall, "ticket_not_at_window", hall.rate, 2, "A001", 5, at("09:11"))
    hall.rate(1, "A001", 5, at("09:11"))
    refused(hall, "already_rated", hall.rate, 1, "A001", 1, at("09:12"), "服务态度差")


def test_device_reports_are_events_only_when_the_state_changes() -> None:
    hall = open_hall()
    (e,) = hall.report_device("kiosk-1", "printer", "paper_out", "", at("09:00"))
    assert (e.name, e.state) == ("kiosk-1", "paper_out")
    assert hall.take_changes().devices[0].state == "paper_out"
    assert hall.report_device("kiosk-1", "printer", "paper_out", "", at("09:01")) == []
    assert hall.take_changes() is None
    hall.report_device("kiosk-1", "printer", "ready", "", at("09:05"))
    assert hall.devices["kiosk-1"].since == at("09:05")
    refused(hall, "invalid_argument", hall.report_device, "kiosk-1", "", "ready", "", at("09:06"))


def test_a_closed_service_keeps_its_reason() -> None:
    hall = open_hall()
    hall.close_service("estate", "系统升级", at("08:00"))
    assert hall.closed == {"estate": "系统升级"}
    hall.close_service("estate", "网络故障", at("08:10"))  # a new reason is a change too
    assert hall.closed["estate"] == "网络故障"
    hall.open_service("estate", at("09:00"))
    assert hall.closed == {}


@pytest.mark.parametrize(("limit", "expected"), [(None, "B001"), (45, "A001")])
def test_the_preference_limit_comes_from_the_rules(limit, expected) -> None:
    hall = open_hall(windows=(2,), preference_max_wait_minutes=limit)
    issue(hall, "estate", "08:40")
    issue(hall, "social", "09:00")
    (e,) = hall.call_next(2, at("09:30"))
    assert e.number == expected


def test_a_window_requeues_only_a_no_show_of_a_service_it_serves_and_an_admin_any() -> None:
    hall = open_hall()
    issue(hall)  # A001 estate
    issue(hall)  # A002 estate
    for number in ("A001", "A002"):
        hall.call_next(1, at("09:00"))
        hall.skip(1, at("09:01"))
    refused(hall, "service_not_served_here", hall.requeue, "A001", at("09:05"), window=4)  # tax only
    refused(hall, "unknown_window", hall.requeue, "A001", at("09:05"), window=99)
    (e,) = hall.requeue("A001", at("09:05"), window=2)
    assert e.number == "A001"
    (e,) = hall.requeue("A002", at("09:05"))  # an admin, at no window
    assert e.number == "A002"
