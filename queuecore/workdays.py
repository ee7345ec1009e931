"""Working days on the hall's calendar: Monday to Friday, minus its holidays, plus its 调休 make-up workdays.

Rule for deadlines ("within n working days"): the day something happens is day 0, whatever the
hour; the deadline is the end (23:59:59, in the start's time zone) of the n-th working day after
it. A 差评 given on Friday at 16:00 with 1 working day to contact is due on Monday at 23:59:59,
and so is one given on the Saturday; one given on 30 September 2026 is due on the first working
day after the National Day holiday. Done at or before the deadline is on time.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

from queuecore.model import WorkCalendar

END_OF_DAY = time(23, 59, 59)
ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=16)
def _days(cal: WorkCalendar) -> tuple[frozenset[date], frozenset[date]]:
    return frozenset(cal.holidays), frozenset(cal.workdays)


def _day(d: date) -> date:
    return d.date() if isinstance(d, datetime) else d


def is_working_day(d: date, cal: WorkCalendar) -> bool:
    """A listed workday (调休) works even on a weekend; a listed holiday rests even on a weekday."""
    d = _day(d)
    holidays, workdays = _days(cal)
    if d in workdays:
        return True
    return d.weekday() < 5 and d not in holidays


def add_working_days(start: datetime, n: int, cal: WorkCalendar) -> datetime:
    """The deadline n >= 1 working days after `start`: the end of the n-th working day after start's day."""
    if n < 1:
        raise ValueError(f"a deadline needs at least 1 working day, got {n}")
    d = start.date()
    while n:
        d += ONE_DAY
        n -= is_working_day(d, cal)
    return datetime.combine(d, END_OF_DAY, start.tzinfo)


def working_days_between(a: date, b: date, cal: WorkCalendar) -> int:
    """Working days after a's day up to and including b's day (negative when b is before a).

    So `working_days_between(s, add_working_days(s, n, cal), cal) == n`."""
    a, b = _day(a), _day(b)
    if b < a:
        return -working_days_between(b, a, cal)
    count, d = 0, a
    while d < b:
        d += ONE_DAY
        count += is_working_day(d, cal)
    return count
