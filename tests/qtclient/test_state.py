"""HallState tables: the version rule, which tickets stay in view, and what each event does to the view."""
from __future__ import annotations

import pytest

from qtclient.state import HallState, VersionGap
from queuecore import events as ev
from queuecore.model import Ticket, TicketStatus, WindowState, WindowStatus
from queuecore.protocol import CallView, Change, ServiceState, Snapshot
from tests.queuecore.conftest import DAY, at, make_config

NEXT_DAY = DAY.replace(day=DAY.day + 1)


def ticket(number: str, status: TicketStatus = TicketStatus.WAITING, *, service: str = "estate", rank: float = 1.0,
           day=DAY, window: int | None = None) -> Ticket:
    return Ticket(id=f"{day:%Y%m%d}-{number}", number=number, day=day, seq=int(number[1:]), service=service,
                  priority="normal", status=status, issued_at=at("09:00", day), arrival_at=at("09:00", day),
                  rank=rank, window=window)


def service_state(code: str, waiting: int) -> ServiceState:
    return ServiceState(code=code, waiting=waiting, issued=waiting, daily_cap=None, open=True, refusal=None,
                        estimated_wait_minutes=0, windows_open=1)


def snapshot(version: int = 5, tickets=(), **kw) -> Snapshot:
    return Snapshot(version=version, day=DAY, now=at("09:00"), hall=make_config(), services=[],
                    windows=[WindowState(id=1, status=WindowStatus.OPEN, clerk="s1")], tickets=list(tickets),
                    recent_calls=[], **kw)


def state(version: int = 5, tickets=(), **kw) -> HallState:
    s = HallState()
    s.apply_snapshot(snapshot(version, tickets, **kw))
    return s


@pytest.mark.parametrize(("name", "have", "got", "outcome"), [
    ("the next version applies", 5, 6, True),
    ("the same version is a duplicate", 5, 5, False),
    ("an older version is a duplicate", 5, 2, False),
    ("a skipped version is a gap", 5, 7, VersionGap),
    ("a far newer version is a gap", 5, 50, VersionGap),
])
def test_versions_move_by_exactly_one(name, have, got, outcome) -> None:
    s = state(have)
    change = Change(version=got, events=[], tickets=[ticket("A001")])
    if outcome is VersionGap:
        with pytest.raises(VersionGap):
            s.apply_change(change)
    else:
        assert s.apply_change(change) is outcome
    applied = outcome is True
    assert (s.version, "20261123-A001" in s.tickets) == ((got, True) if applied else (have, False)), name


def test_a_change_before_any_snapshot_is_a_gap() -> None:
    with pytest.raises(VersionGap):
        HallState().apply_change(Change(version=1, events=[]))


@pytest.mark.parametrize(("status", "in_view"), [
    (TicketStatus.WAITING, True), (TicketStatus.CALLED, True), (TicketStatus.SERVING, True),
    (TicketStatus.SUSPENDED, True), (TicketStatus.NO_SHOW, False), (TicketStatus.DONE, False),
    (TicketStatus.CANCELLED, False), (TicketStatus.EXPIRED, False),
])
def test_only_tickets_that_still_need_someone_stay_in_view(status, in_view) -> None:
    s = state(tickets=[ticket("A001")])
    s.apply_change(Change(version=6, events=[], tickets=[ticket("A001", status)]))
    assert ("20261123-A001" in s.tickets) is in_view
    if in_view:
        assert s.tickets["20261123-A001"].status == status


def test_windows_and_services_are_replaced_by_their_key() -> None:
    s = state()
    s.apply_change(Change(version=6, events=[], windows=[WindowState(id=1, status=WindowStatus.PAUSED,
                                                                     clerk="s1", pause_reason="lunch")],
                          services=[service_state("estate", 3)]))
    assert s.windows[1].status == WindowStatus.PAUSED and s.services["estate"].waiting == 3


@pytest.mark.parametrize(("events", "closed"), [
    ([ev.ServiceClosed(at=at("10:00"), service="tax", reason="系统维护")], {"tax"}),
    ([ev.ServiceClosed(at=at("10:00"), service="tax", reason=""),
      ev.ServiceOpened(at=at("10:05"), service="tax")], set()),
])
def test_service_open_and_close_events_update_the_closed_set(events, closed) -> None:
    s = state()
    s.apply_change(Change(version=6, events=events))
    assert s.closed_services == closed


def test_the_snapshots_closed_services_are_kept() -> None:
    assert state(closed_services=["social"]).closed_services == {"social"}


@pytest.mark.parametrize(("event", "expected"), [
    (ev.TicketCalled(at=at("09:10"), ticket_id="20261123-A001", number="A001", service="estate", window=1,
                     clerk="s1"), ("A001", "estate", 1, 0)),
    (ev.TicketRecalled(at=at("09:12"), ticket_id="20261123-A001", number="A001", window=1, recalls=2),
     ("A001", "estate", 1, 2)),
    (ev.TicketResumed(at=at("09:30"), ticket_id="20261123-A001", number="A001", window=1),
     ("A001", "estate", 1, 0)),
])
def test_every_announced_event_becomes_a_recent_call(event, expected) -> None:
    s = state(tickets=[ticket("A001")])
    s.apply_change(Change(version=6, events=[event],
                          tickets=[ticket("A001", TicketStatus.CALLED, window=1)]))
    c = s.recent_calls[-1]
    assert (c.number, c.service, c.window, c.recall) == expected


def test_recent_calls_keep_the_last_twenty() -> None:
    s = state()
    for v in range(6, 31):
        s.apply_change(Change(version=v, events=[ev.TicketCalled(
            at=at("09:10"), ticket_id=f"t{v}", number=f"B{v:03}", service="social", window=2, clerk=None)]))
    assert len(s.recent_calls) == 20 and s.recent_calls[-1].number == "B030" and s.recent_calls[0].number == "B011"


def test_a_new_day_drops_yesterdays_tickets_and_calls() -> None:
    s = state(tickets=[ticket("A001")])
    s.recent_calls = [CallView(ticket_id="20261123-A001", number="A001", service="estate", window=1,
                               at=at("09:10"))]
    s.apply_change(Change(version=6, events=[ev.DayStarted(at=at("08:00", NEXT_DAY), day=NEXT_DAY)],
                          tickets=[ticket("A001", TicketStatus.EXPIRED), ticket("A001", day=NEXT_DAY)]))
    assert s.day == NEXT_DAY and s.recent_calls == []
    assert list(s.tickets) == [f"{NEXT_DAY:%Y%m%d}-A001"]


def test_queries_the_apps_share() -> None:
    s = state(tickets=[ticket("A002", rank=2.0), ticket("A001", rank=1.0), ticket("B001", service="social"),
                       ticket("A003", TicketStatus.CALLED, window=1)])
    s.windows[1] = WindowState(id=1, status=WindowStatus.OPEN, clerk="s1", current="20261123-A003")
    assert [t.number for t in s.waiting("estate")] == ["A001", "A002"]
    assert [t.number for t in s.waiting()] == ["A001", "B001", "A002"]
    assert s.ticket("B001").service == "social" and s.ticket("Z999") is None
    assert s.current_ticket(1).number == "A003" and s.current_ticket(2) is None


def test_a_snapshot_replaces_everything() -> None:
    s = state(tickets=[ticket("A001")], closed_services=["tax"])
    s.apply_snapshot(snapshot(9, [ticket("B002", service="social")]))
    assert (s.version, list(s.tickets), s.closed_services) == (9, ["20261123-B002"], set())
