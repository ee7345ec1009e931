"""The working-day calendar: weekends, holidays, 调休 make-up workdays, and deadlines n working days on."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from queuecore.model import WorkCalendar
from queuecore.workdays import add_working_days, is_working_day, working_days_between

TZ = timezone(timedelta(hours=8))


def days(first: str, last: str) -> tuple[date, ...]:
    a, b = date.fromisoformat(first), date.fromisoformat(last)
    return tuple(a + timedelta(days=i) for i in range((b - a).days + 1))


# 2026 as in examples/county-hall.toml: 中秋 25-27 Sep, 国庆 1-7 Oct, 调休 on Sunday 20 Sep and Saturday 10 Oct.
CAL = WorkCalendar(holidays=days("2026-09-25", "2026-09-27") + days("2026-10-01", "2026-10-07"),
                   workdays=(date(2026, 9, 20), date(2026, 10, 10)))
PLAIN = WorkCalendar()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def end_of(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(23, 59, 59), TZ)


@pytest.mark.parametrize(("day", "working", "why"), [
    ("2026-09-14", True, "a plain Monday"),
    ("2026-09-18", True, "a plain Friday"),
    ("2026-09-19", False, "a plain Saturday"),
    ("2026-09-20", True, "a Sunday listed as a 调休 workday"),
    ("2026-09-25", False, "a Friday listed as a holiday (中秋)"),
    ("2026-09-27", False, "a Sunday also listed as a holiday"),
    ("2026-09-30", True, "the Wednesday before National Day"),
    ("2026-10-01", False, "National Day, a Thursday"),
    ("2026-10-07", False, "the last holiday, a Wednesday"),
    ("2026-10-08", True, "the Thursday after the holiday"),
    ("2026-10-10", True, "a Saturday listed as a 调休 workday"),
    ("2026-10-11", False, "the Sunday after it"),
])
def test_is_working_day(day: str, working: bool, why: str) -> None:
    assert is_working_day(date.fromisoformat(day), CAL) is working, why
    assert is_working_day(at(day + "T10:00"), CAL) is working, "a datetime counts by its day"


@pytest.mark.parametrize(("start", "n", "due", "why"), [
    ("2026-09-14T10:00", 1, "2026-09-15", "Monday + 1 = Tuesday, whatever the hour"),
    ("2026-09-14T00:00", 1, "2026-09-15", "the start's day is day 0 even from midnight"),
    ("2026-09-14T23:59", 5, "2026-09-20", "Monday + 5 lands on Sunday 20 Sep, a 调休 workday"),
    ("2026-09-11T16:00", 1, "2026-09-14", "Friday 16:00 + 1 = Monday"),
    ("2026-09-12T10:00", 1, "2026-09-14", "a Saturday start is also due on Monday"),
    ("2026-09-18T16:00", 1, "2026-09-20", "Friday + 1 = the 调休 Sunday"),
    ("2026-09-24T09:00", 1, "2026-09-28", "Thursday + 1 skips 中秋 (Fri-Sun)"),
    ("2026-09-30T16:00", 1, "2026-10-08", "the eve of National Day + 1 = the Thursday after it"),
    ("2026-09-30T16:00", 2, "2026-10-09", "... + 2 = Friday"),
    ("2026-09-30T16:00", 3, "2026-10-10", "... + 3 = the 调休 Saturday"),
    ("2026-09-30T16:00", 5, "2026-10-13", "... + 5 = Tuesday"),
    ("2026-10-03T11:00", 1, "2026-10-08", "a rating given during the holiday is due the first day back"),
    ("2026-09-29T10:00", 15, "2026-10-26", "15 working days across National Day"),
])
def test_add_working_days(start: str, n: int, due: str, why: str) -> None:
    got = add_working_days(at(start), n, CAL)
    assert got == end_of(due), why
    assert working_days_between(at(start), got, CAL) == n


def test_a_plain_calendar_knows_only_weekends() -> None:
    assert add_working_days(at("2026-09-30T16:00"), 1, PLAIN) == end_of("2026-10-01")
    assert add_working_days(at("2026-10-09T16:00"), 1, PLAIN) == end_of("2026-10-12")


def test_the_deadline_keeps_the_starts_time_zone() -> None:
    utc = datetime(2026, 9, 14, 1, 0, tzinfo=timezone.utc)
    assert add_working_days(utc, 1, PLAIN).tzinfo is timezone.utc


@pytest.mark.parametrize("n", [0, -1])
def test_a_deadline_needs_at_least_one_working_day(n: int) -> None:
    with pytest.raises(ValueError, match="at least 1 working day"):
        add_working_days(at("2026-09-14T10:00"), n, CAL)


@pytest.mark.parametrize(("a", "b", "count", "why"), [
    ("2026-09-14", "2026-09-14", 0, "the same day"),
    ("2026-09-14", "2026-09-18", 4, "Monday to Friday: Tue, Wed, Thu, Fri"),
    ("2026-09-18", "2026-09-21", 2, "Friday to Monday: the 调休 Sunday and Monday"),
    ("2026-09-30", "2026-10-08", 1, "across National Day"),
    ("2026-09-30", "2026-10-11", 3, "Thu 8, Fri 9, the 调休 Sat 10"),
    ("2026-10-08", "2026-09-30", -1, "backwards is negative"),
    ("2026-10-01", "2026-10-07", 0, "inside the holiday"),
])
def test_working_days_between(a: str, b: str, count: int, why: str) -> None:
    assert working_days_between(date.fromisoformat(a), date.fromisoformat(b), CAL) == count, why
