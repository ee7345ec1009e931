"""三种挂起: 不持件 resumes at any window of the service, 持件 and 等待 at the suspending window only; what to
bring comes from the service's materials; time away is recorded apart; unresumed visits expire with a reason."""
from __future__ import annotations

import pytest

from queuecore import events as ev
from queuecore.hall import RESUME_AT_SAME_WINDOW, SUSPEND_EXPIRED
from queuecore.model import SuspendKind as K, TicketStatus as T
from tests.queuecore.conftest import at, open_hall
from tests.queuecore.test_hall import refused


def suspended(kind: K, bring=(), *, window: int = 2, minutes_limit: int | None = 120):
    """Estate ticket A001 served at `window`, then suspended there at 09:10 with this kind."""
    hall = open_hall(suspend_expire_minutes=minutes_limit)
    hall.issue("estate", at("09:00"))
    hall.call_ticket(window, "A001", at("09:01"))
    hall.start(window, at("09:02"))
    events = hall.suspend(window, at("09:10"), kind, bring)
    hall.take_changes()
    return hall, events


# kind -> resumed at (the same window 2 | another window 3 of the service | window 4, not serving estate)
RESUME_TABLE = [
    (K.AWAY, 2, None), (K.AWAY, 3, None), (K.AWAY, 4, "service_not_served_here"),
    (K.HOLD, 2, None), (K.HOLD, 3, "suspended_at_other_window"), (K.HOLD, 4, "service_not_served_here"),
    (K.WAIT, 2, None), (K.WAIT, 3, "suspended_at_other_window"), (K.WAIT, 4, "service_not_served_here"),
]


@pytest.mark.parametrize(("kind", "window", "refusal"), RESUME_TABLE, ids=str)
def test_where_each_kind_of_suspension_resumes(kind, window, refusal) -> None:
    hall, _ = suspended(kind)
    if refusal:
        refused(hall, refusal, hall.resume, window, "A001", at("09:40"))
        return
    (event,) = hall.resume(window, "A001", at("09:40"))
    assert isinstance(event, ev.TicketResumed) and event.window == window
    assert hall.by_number["A001"].status is T.CALLED


def test_the_resume_table_covers_every_kind() -> None:
    assert set(RESUME_AT_SAME_WINDOW) == set(K)


def test_the_time_away_is_recorded_apart_from_the_service_time() -> None:
    hall, _ = suspended(K.AWAY)
    hall.resume(3, "A001", at("09:40"))
    hall.start(3, at("09:41"))
    hall.suspend(3, at("09:45"), K.WAIT)
    hall.resume(3, "A001", at("09:55"))
    t = hall.by_number["A001"]
    assert t.away_s == 40 * 60  # 30 min fetching papers + 10 min waiting on another step


def test_an_away_suspension_lists_what_to_bring_from_the_services_materials() -> None:
    hall, events = suspended(K.AWAY, ["身份证"])
    assert events == [ev.TicketSuspended(at=at("09:10"), ticket_id=hall.by_number["A001"].id, window=2, kind="away",
                                         bring=["身份证"])]
    t = hall.by_number["A001"]
    assert (t.suspend_kind, t.suspended_window, t.bring) == (K.AWAY, 2, "身份证")


@pytest.mark.parametrize(("kind", "bring", "code"), [
    ("away", ["户口本"], "unknown_material"),  # not on 不动产登记's list
    ("hold", ["身份证"], "invalid_argument"),  # the window holds the papers: nothing to bring
    ("lunch", [], "invalid_argument"),
])
def test_suspend_refusals_change_nothing(kind, bring, code) -> None:
    hall = open_hall()
    hall.issue("estate", at("09:00"))
    hall.call_next(1, at("09:01"))
    hall.start(1, at("09:02"))
    refused(hall, code, hall.suspend, 1, at("09:10"), kind, bring)


@pytest.mark.parametrize(("limit", "now", "expired"), [
    (120, "11:09", False), (120, "11:10", True), (30, "09:40", True), (None, "16:59", False),
])
def test_a_suspension_not_resumed_in_time_expires_with_a_reason(limit, now, expired) -> None:
    hall, _ = suspended(K.HOLD, minutes_limit=limit)
    events = hall.expire_suspensions(at(now))
    t = hall.by_number["A001"]
    if not expired:
        assert events == [] and t.status is T.SUSPENDED and hall.take_changes() is None
        return
    assert events == [ev.TicketExpired(at=at(now), ticket_id=t.id, reason=SUSPEND_EXPIRED)]
    assert t.status is T.EXPIRED and hall.take_changes() is not None
    refused(hall, "illegal_transition", hall.resume, 2, "A001", at(now))
