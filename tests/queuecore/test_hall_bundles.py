"""一票到底: one ticket goes step to step of a bundle, keeping its number and its place by arrival; each step is a
finished visit with its own outcome and rating; a step that does not end 办结/受理 ends the bundle."""
from __future__ import annotations

import msgspec
import pytest

from queuecore import events as ev
from queuecore.hall import Hall
from queuecore.model import Bundle, TicketStatus as T
from tests.queuecore.conftest import DAY, at, make_config
from tests.queuecore.test_hall import refused

BUNDLE = Bundle(code="startup", name_zh="企业开办", name_en="Business start-up", steps=("social", "estate", "tax"))


def bundle_hall() -> Hall:
    hall = Hall(msgspec.structs.replace(make_config(), bundles=(BUNDLE,)))
    hall.start_day(DAY, at("08:00"))
    for w in (1, 2, 3, 4):
        hall.sign_in(w, f"clerk{w}", at("08:00"))
    hall.take_changes()
    return hall


def serve(hall: Hall, window: int, number: str, when: str, outcome: str | None = None) -> list[ev.Event]:
    hall.call_ticket(window, number, at(when))
    hall.start(window, at(when))
    return hall.finish(window, at(when), outcome)


def test_one_ticket_goes_step_by_step_keeping_its_number() -> None:
    hall = bundle_hall()
    (issued,) = hall.issue_bundle("startup", at("09:00"))
    assert (issued.number, issued.service, issued.bundle) == ("B001", "social", "startup")
    events = serve(hall, 2, "B001", "09:10")
    assert [type(e) for e in events] == [ev.TicketFinished, ev.BundleStepReached]
    assert events[0].outcome == "completed" and events[1].to_service == "estate" and events[1].step == 1
    t = hall.by_number["B001"]
    assert (t.status, t.service, t.step, t.window, t.outcome) == (T.WAITING, "estate", 1, None, None)
    serve(hall, 1, "B001", "09:20", "accepted")  # 受理 counts as the step done
    serve(hall, 4, "B001", "09:30")
    t = hall.by_number["B001"]
    assert (t.status, t.service, t.step, t.outcome) == (T.DONE, "tax", 2, "completed")


def test_the_next_step_keeps_its_place_by_arrival_time() -> None:
    hall = bundle_hall()
    hall.issue_bundle("startup", at("09:00"))  # B001
    hall.issue("estate", at("09:05"))  # A001 arrived later than B001
    serve(hall, 2, "B001", "09:10")
    (called,) = hall.call_next(1, at("09:11"))
    assert called.number == "B001"  # ahead of A001: it came at 09:00


@pytest.mark.parametrize(("outcome", "goes_on"), [
    ("completed", True), ("accepted", True), ("incomplete", False), ("refused", False), ("enquiry", False),
])
def test_only_a_step_done_moves_the_ticket_on(outcome: str, goes_on: bool) -> None:
    hall = bundle_hall()
    hall.issue_bundle("startup", at("09:00"))
    events = serve(hall, 2, "B001", "09:10", outcome)
    t = hall.by_number["B001"]
    assert any(isinstance(e, ev.BundleStepReached) for e in events) is goes_on
    assert t.status is (T.WAITING if goes_on else T.DONE) and t.service == ("estate" if goes_on else "social")


def test_each_step_is_rated_at_its_own_window_once() -> None:
    hall = bundle_hall()
    hall.issue_bundle("startup", at("09:00"))
    serve(hall, 2, "B001", "09:10")
    refused(hall, "ticket_not_at_window", hall.rate, 1, "B001", 5, at("09:11"))
    (rated,) = hall.rate(2, "B001", 4, at("09:11"))
    assert (rated.service, rated.window, rated.clerk, rated.level) == ("social", 2, "clerk2", 4)
    refused(hall, "already_rated", hall.rate, 2, "B001", 5, at("09:12"))
    serve(hall, 1, "B001", "09:20")
    serve(hall, 4, "B001", "09:30")
    (last,) = hall.rate(4, "B001", 5, at("09:31"))  # the last step's own rating (the estate step was left unrated)
    assert (last.service, last.window) == ("tax", 4)


def test_bundle_refusals_change_nothing() -> None:
    hall = bundle_hall()
    refused(hall, "unknown_bundle", hall.issue_bundle, "nope", at("09:00"))
    hall.close_service("tax", "系统维护", at("08:30"))
    refused(hall, "service_closed", hall.issue_bundle, "startup", at("09:00"))  # a later step is closed today
    refused(hall, "day_not_started", hall.issue_bundle, "startup", at("09:00", DAY.replace(day=24)))


def test_next_step_is_in_the_transition_table_and_only_from_done() -> None:
    from queuecore.hall import TICKET_TRANSITIONS

    assert [k for k in TICKET_TRANSITIONS if k[1] == "next_step"] == [(T.DONE, "next_step")]
