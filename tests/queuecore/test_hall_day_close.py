"""日终 (day close): leftovers expire with a reason, clerks are signed out; refused while a visit is at a window."""
from __future__ import annotations

import pytest

from queuecore import events as ev
from queuecore.model import TicketStatus as T, WindowStatus as W
from tests.queuecore.conftest import DAY, at, open_hall
from tests.queuecore.test_hall import _ticket_in, issue, refused

# A ticket's status before the close -> after it (forced where the ticket is at a window).
CLOSE_TABLE = [
    (T.WAITING, False, T.EXPIRED),
    (T.SUSPENDED, False, T.EXPIRED),
    (T.CALLED, True, T.EXPIRED),
    (T.SERVING, True, T.EXPIRED),
    (T.NO_SHOW, False, T.NO_SHOW),  # its visit already ended (过号)
    (T.DONE, False, T.DONE),
    (T.CANCELLED, False, T.CANCELLED),
]


@pytest.mark.parametrize(("before", "force", "after"), CLOSE_TABLE, ids=lambda v: str(v))
def test_day_close_expires_every_open_ticket_with_the_reason_and_leaves_ended_ones(before, force, after) -> None:
    hall, number = _ticket_in(before)
    events = hall.close_day(at("17:30"), "下班", force=force)
    t = hall.by_number[number]
    assert t.status is after
    expired = [e for e in events if isinstance(e, ev.TicketExpired)]
    assert [(e.ticket_id, e.reason) for e in expired] == ([(t.id, "下班")] if after is not before else [])
    assert isinstance(events[-1], ev.DayClosed) and events[-1].expired == len(expired)
    assert all(e.at == at("17:30") for e in events)
    assert hall.take_changes() is not None


@pytest.mark.parametrize("status", [T.CALLED, T.SERVING])
def test_day_close_is_refused_while_a_visit_is_at_a_window_and_changes_nothing(status) -> None:
    hall, number = _ticket_in(status)
    issue(hall, "social", "09:10")
    err = refused(hall, "visits_in_service", hall.close_day, at("17:30"), "")
    assert err.details["numbers"] == [number]


def test_a_forced_day_close_ends_the_visits_at_windows_and_says_it_was_forced() -> None:
    hall, number = _ticket_in(T.SERVING)
    events = hall.close_day(at("17:30"), force=True)
    assert hall.by_number[number].status is T.EXPIRED and hall.windows[1].current is None
    assert events[-1].forced is True
    quiet = open_hall()
    assert quiet.close_day(at("17:30"), force=True)[-1].forced is False  # nothing was at a window


def test_day_close_signs_every_clerk_out_open_or_paused() -> None:
    hall = open_hall()
    hall.pause(2, "午休", at("12:00"))
    hall.sign_out(4, at("12:00"))
    events = hall.close_day(at("17:30"))
    assert {w.id: (w.status, w.clerk) for w in hall.windows.values()} == {w: (W.CLOSED, None) for w in (1, 2, 3, 4)}
    assert sorted((e.window, e.clerk) for e in events if isinstance(e, ev.ClerkSignedOut)) == [
        (1, "clerk1"), (2, "clerk2"), (3, "clerk3")]
    assert events[-1] == ev.DayClosed(at=at("17:30"), day=DAY, reason="day_closed", forced=False, expired=0,
                                      signed_out=3)


def test_a_second_day_close_finds_nothing_left_and_numbering_continues() -> None:
    hall = open_hall()
    issue(hall)
    hall.close_day(at("17:30"))
    hall.take_changes()
    events = hall.close_day(at("17:40"))
    assert events == [ev.DayClosed(at=at("17:40"), day=DAY, reason="day_closed", forced=False, expired=0,
                                   signed_out=0)]
    assert issue(hall, "social", "17:45") == "B001" and issue(hall, "tax", "17:45") == "C0001"
    assert hall.counters["A"] == 1  # today's numbers are kept: a reopened service continues them


def test_day_close_before_the_day_is_started_is_refused() -> None:
    hall = open_hall()
    refused(hall, "day_not_started", hall.close_day, at("08:00", DAY.replace(day=24)))
