"""queuecore.estimate: smoothed service times, the cold start from earlier days, shared windows, 绿色通道."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from queuecore import estimate as est

TZ = ZoneInfo("Asia/Shanghai")
MON = datetime(2026, 11, 23, 10, 15, tzinfo=TZ)  # a Monday
ONE = [est.WindowNow(services=("a",), open=True, busy=True)]


def visit(minutes: float, at: datetime, service: str = "a") -> est.Visit:
    return est.Visit(service=service, called_at=at, minutes=minutes)


def test_the_smoothed_time_moves_a_quarter_of_the_way_to_each_new_visit() -> None:
    learned = est.observe(est.Learned(), visit(10, MON))
    learned = est.observe(learned, visit(20, MON))
    assert learned.smoothed["a"] == pytest.approx(12.5) and learned.samples["a"] == 2


def test_observe_returns_a_new_value_and_leaves_the_old_one_alone() -> None:
    before = est.Learned()
    after = est.observe(before, visit(10, MON))
    assert before.smoothed == {} and after.smoothed == {"a": 10}


@pytest.mark.parametrize("history, expected", [
    ([], 10.0),  # nothing earlier: the configured average
    ([visit(7, MON - timedelta(days=1, hours=h)) for h in range(3)], 7.0),  # any hour of earlier days
    ([visit(7, MON - timedelta(days=1, hours=h)) for h in range(3)]
     + [visit(15, MON - timedelta(days=7)) for _ in range(3)], 15.0),  # same weekday and hour first
    ([visit(30, MON) for _ in range(5)], 10.0),  # today's visits are not history
])
def test_the_cold_start_prefers_the_same_weekday_and_hour_then_earlier_days_then_the_configuration(
        history, expected) -> None:
    assert est.prior_minutes("a", MON, history, 10.0) == expected


def test_todays_visits_blend_with_the_prior_until_there_are_enough() -> None:
    learned = est.observe(est.Learned(), visit(20, MON))
    assert est.service_minutes("a", MON, learned, 8.0) == pytest.approx((20 + 2 * 8) / 3)
    for _ in range(2):
        learned = est.observe(learned, visit(20, MON))
    assert est.service_minutes("a", MON, learned, 8.0) == 20


@pytest.mark.parametrize("ahead, windows, expected", [
    (0, [est.WindowNow(services=("a",), open=True)], 0.0),  # an idle window calls at once
    (3, ONE, 35.0),  # (3 + 0.5) visits of 10 min at one window
    (3, ONE * 2, 17.5),  # two windows: half
    (3, ONE + [est.WindowNow(services=("a",), open=False)], 35.0),  # a closed window does not count
])
def test_the_wait_is_the_work_ahead_over_the_windows_open_now(ahead, windows, expected) -> None:
    got = est.estimate_minutes("a", ahead, MON, windows=windows, waiting={"a": ahead + 1}, minutes={"a": 10.0},
                               learned=est.Learned())
    assert got == pytest.approx(expected)


def test_a_shared_window_gives_a_service_its_share_of_the_waiting_work() -> None:
    shared = [est.WindowNow(services=("a", "b"), open=True, busy=True)]
    alone = est.estimate_minutes("a", 3, MON, windows=shared, waiting={"a": 4, "b": 0}, minutes={"a": 10, "b": 10},
                                 learned=est.Learned())
    busy = est.estimate_minutes("a", 3, MON, windows=shared, waiting={"a": 4, "b": 4}, minutes={"a": 10, "b": 10},
                                learned=est.Learned())
    assert alone == pytest.approx(35.0) and busy == pytest.approx(70.0)


def test_priority_tickets_arriving_meanwhile_lengthen_the_wait() -> None:
    learned = est.Learned()
    for m in range(3):  # three 绿色通道 tickets in the last hour: 0.05/min against 0.1/min capacity
        learned = est.priority_arrived(learned, "a", MON - timedelta(minutes=10 * m))
    got = est.estimate_minutes("a", 3, MON, windows=ONE, waiting={"a": 4}, minutes={"a": 10.0}, learned=learned)
    assert got == pytest.approx(35.0 / (1 - 0.5))


def test_the_baseline_is_todays_formula() -> None:
    assert est.baseline_minutes(3, 10, 2) == 15 and est.baseline_minutes(3, 10, 0) == 30
