"""日终 leaves the hall closed for the day (kiosks show 今日已结束办理) until a new business day starts."""
from __future__ import annotations

from datetime import timedelta

from queuecore.model import TicketStatus as T
from tests.queuecore.conftest import DAY, at, open_hall
from tests.queuecore.test_hall import _ticket_in, refused


def test_day_close_marks_the_hall_closed_at_its_time() -> None:
    hall = open_hall()
    assert hall.day_closed_at is None
    hall.close_day(at("17:30"))
    assert hall.day_closed_at == at("17:30")


def test_a_refused_day_close_leaves_the_hall_open() -> None:
    hall, _ = _ticket_in(T.SERVING)
    refused(hall, "visits_in_service", hall.close_day, at("17:30"), "")
    assert hall.day_closed_at is None


def test_a_new_business_day_reopens_the_hall_and_the_same_day_does_not() -> None:
    hall = open_hall()
    hall.close_day(at("17:30"))
    assert hall.start_day(DAY, at("17:40")) == [] and hall.day_closed_at == at("17:30")
    hall.start_day(DAY + timedelta(days=1), at("08:00", DAY + timedelta(days=1)))
    assert hall.day_closed_at is None
