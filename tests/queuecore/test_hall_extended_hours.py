"""延时服务: an admin keeps a service issuing past its hours, until a time later the same business day."""
from __future__ import annotations

from datetime import datetime, timedelta

import msgspec
import pytest

from queuecore import errors as E
from queuecore import events as ev
from queuecore.hall import Hall
from tests.queuecore.conftest import DAY, at, make_config, open_hall

NEXT_DAY = DAY + timedelta(days=1)


def state(hall: Hall) -> bytes:
    return msgspec.json.encode([sorted(hall.extended.items()), sorted(hall.closed), hall.day, hall.counters])


REFUSALS = {
    # name: (service, until, now, code)
    "unknown_service": ("nope", at("20:00"), at("18:00"), "unknown_service"),
    "until_before_now": ("estate", at("17:30"), at("18:00"), "until_in_past"),
    "until_equal_to_now": ("estate", at("18:00"), at("18:00"), "until_in_past"),
    "until_after_midnight": ("estate", at("00:30", NEXT_DAY), at("18:00"), "until_after_day_end"),
    "until_on_the_next_day_in_another_offset": (
        "estate", datetime.fromisoformat(f"{DAY}T16:30:00+00:00"), at("18:00"), "until_after_day_end"),  # 00:30 here
    "until_without_an_offset": ("estate", datetime.fromisoformat(f"{DAY}T20:00:00"), at("18:00"), "invalid_argument"),
    "business_day_not_started": ("estate", at("20:00", NEXT_DAY), at("18:00", NEXT_DAY), "day_not_started"),
}


@pytest.mark.parametrize("name", list(REFUSALS))
def test_illegal_extensions_are_refused_with_a_code_and_change_nothing(name: str) -> None:
    service, until, now, code = REFUSALS[name]
    hall = open_hall()
    before = state(hall)
    with pytest.raises(E.QueueError) as info:
        hall.extend_service(service, until, now)
    assert info.value.code == code
    assert state(hall) == before and hall.take_changes() is None


def test_an_extended_service_issues_outside_its_hours_until_the_given_time() -> None:
    hall = open_hall()
    assert hall.issuable("estate", at("18:00")) == "outside_hours"
    (e,) = hall.extend_service("estate", at("20:00"), at("18:00"))
    assert e == ev.ServiceExtended(at=at("18:00"), service="estate", until=at("20:00"))
    assert hall.take_changes().services == ["estate"]  # kiosks are told
    assert hall.issuable("estate", at("18:00")) is None
    assert hall.extension("estate", at("19:59")) == at("20:00")
    (issued,) = hall.issue("estate", at("19:59"))
    assert issued.number == "A001"
    assert hall.issuable("estate", at("20:00")) == "outside_hours"  # `until` itself is past the end
    assert hall.extension("estate", at("20:00")) is None
    assert hall.issuable("tax", at("18:00")) is None  # tax has no hours: nothing to extend


def test_an_extension_covers_the_lunch_break_too_but_not_a_closed_service_or_the_daily_cap() -> None:
    hall = open_hall()
    hall.extend_service("estate", at("13:00"), at("12:10"))
    assert hall.issuable("estate", at("12:30")) is None
    hall.close_service("estate", "系统维护", at("12:31"))
    assert hall.issuable("estate", at("12:32")) == "service_closed"
    hall.open_service("estate", at("12:33"))
    for _ in range(5):
        hall.issue("estate", at("12:34"))
    assert hall.issuable("estate", at("12:35")) == "daily_cap_reached"


def test_extending_again_moves_the_end_and_ending_it_restores_the_hours() -> None:
    hall = open_hall()
    hall.extend_service("estate", at("19:00"), at("18:00"))
    assert hall.extend_service("estate", at("19:00"), at("18:05")) == []  # the same: nothing happens
    (e,) = hall.extend_service("estate", at("18:30"), at("18:10"))
    assert e.until == at("18:30")
    (e,) = hall.end_extension("estate", at("18:20"))
    assert e == ev.ServiceExtensionEnded(at=at("18:20"), service="estate")
    assert hall.issuable("estate", at("18:21")) == "outside_hours"
    assert hall.end_extension("estate", at("18:22")) == []
    with pytest.raises(E.UnknownService):
        hall.end_extension("nope", at("18:22"))


def test_an_extension_ends_with_its_business_day_and_survives_a_rebuild() -> None:
    hall = open_hall()
    hall.extend_service("estate", at("23:59"), at("18:00"))
    rebuilt = Hall(make_config(), day=DAY, extended_services=dict(hall.extended))  # as after a restart
    assert rebuilt.issuable("estate", at("23:00")) is None
    rebuilt.start_day(NEXT_DAY, at("00:01", NEXT_DAY))
    assert rebuilt.extended == {}
    assert rebuilt.issuable("estate", at("18:00", NEXT_DAY)) == "outside_hours"
