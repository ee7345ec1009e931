"""The fairness override and people ahead, checked against the call order itself (select_next and Hall)."""
from __future__ import annotations

from datetime import time

import pytest

from queuecore.hall import Hall
from queuecore.model import HallConfig, PriorityClass, PriorityKind, Rules, Service, Ticket, WindowConfig
from queuecore.policy import people_ahead, select_next
from tests.queuecore.conftest import DAY, at

# The acceptance scene: window 3 serves real estate first, then the housing fund.
SCENE = HallConfig(
    name_zh="测试大厅", name_en="Test Hall",
    services=(Service(code="realestate", prefix="A", name_zh="不动产登记", name_en="Real estate"),
              Service(code="fund", prefix="E", name_zh="公积金", name_en="Housing fund")),
    windows=(WindowConfig(id=3, name_zh="3号窗口", name_en="Window 3", services=("realestate", "fund")),),
    priorities=(PriorityClass(code="normal", name_zh="普通", name_en="Normal"),
                PriorityClass(code="green", name_zh="绿色通道", name_en="Priority", kind=PriorityKind.PRIORITY),
                PriorityClass(code="appt", name_zh="预约", name_en="Appointment", kind=PriorityKind.APPOINTMENT)),
    rules=Rules(priority_ratio=2),
)
PRIOS = {p.code: p for p in SCENE.priorities}
WINDOW3 = SCENE.windows[0]
SERVICE_OF = {"A": "realestate", "E": "fund"}


def tk(number: str, hhmm: str, priority: str = "normal", slot: str | None = None) -> Ticket:
    issued = at(hhmm)
    return Ticket(id=f"x-{number}", number=number, day=DAY, seq=int(number[1:]), service=SERVICE_OF[number[0]],
                  priority=priority, issued_at=issued, arrival_at=issued, rank=issued.timestamp(),
                  appointment_start=at(slot) if slot else None)


OVERRIDE_CASES = {
    # name: (waiting, priority_streak, expected). Window 3, priority_ratio 2, now 09:30.
    "the_scene_an_older_normal_ticket_of_the_later_service_goes_first_not_the_younger_preferred_one": (
        [tk("E015", "09:00"), tk("A046", "09:03", "green"), tk("A047", "09:04")], 2, "E015"),
    "a_younger_normal_ticket_never_passes_a_waiting_green_one": (
        [tk("A046", "09:03", "green"), tk("A047", "09:04")], 2, "A046"),
    "a_normal_ticket_younger_than_some_green_ticket_does_not_override_even_if_older_than_the_preferred_one": (
        [tk("E016", "08:50", "green"), tk("E015", "09:00"), tk("A046", "09:03", "green")], 2, "A046"),
    "among_normal_tickets_older_than_every_green_one_the_window_preference_decides": (
        [tk("E015", "09:00"), tk("A040", "09:01"), tk("A046", "09:03", "green"), tk("A047", "09:04")], 2, "A040"),
    "below_the_ratio_the_green_ticket_goes_first": (
        [tk("E015", "09:00"), tk("A046", "09:03", "green"), tk("A047", "09:04")], 1, "A046"),
    "a_due_appointment_goes_first_whatever_the_streak": (
        [tk("E015", "09:00"), tk("A046", "09:03", "green"), tk("A050", "09:20", "appt", slot="09:30")], 2, "A050"),
}


@pytest.mark.parametrize("name", list(OVERRIDE_CASES))
def test_fairness_override_never_lets_a_younger_normal_ticket_pass_a_waiting_green_one(name: str) -> None:
    waiting, streak, expected = OVERRIDE_CASES[name]
    picked = select_next(waiting, WINDOW3, priorities=PRIOS, priority_streak=streak, priority_ratio=2, now=at("09:30"))
    assert picked is not None and picked.number == expected


def test_the_scene_called_through_the_hall() -> None:
    hall = Hall(SCENE)
    hall.start_day(DAY, at("08:00"))
    hall.counters.update({"E": 14, "A": 43})  # the scene's numbers: E015, A044..A047
    hall.sign_in(3, "clerk3", at("08:00"))
    hall.issue("fund", at("09:00"))  # E015
    for minute in (1, 2, 3):
        hall.issue("realestate", at(f"09:0{minute}"), "green")  # A044..A046
    hall.issue("realestate", at("09:04"))  # A047
    order = []
    for minute in range(5):
        (called,) = hall.call_next(3, at(f"09:1{minute}"))
        order.append(called.number)
        hall.finish(3, at(f"09:1{minute}"))
    # Two greens, then E015 (older than every waiting green ticket), then the last green, then A047.
    assert order == ["A044", "A045", "E015", "A046", "A047"]


# ------------------------------------------------------------------ people ahead = the call order

AHEAD_CASES = {
    # name: (waiting tickets of one service, now)
    "normal_tickets_oldest_first": ([tk("A001", "09:00"), tk("A002", "09:05"), tk("A003", "09:10")], "09:30"),
    "green_before_older_normal": ([tk("A001", "09:00"), tk("A002", "09:05", "green"), tk("A003", "09:10")], "09:30"),
    "due_appointments_by_slot_not_by_check_in": (
        [tk("A001", "09:00"), tk("A010", "09:10", "appt", slot="09:30"), tk("A011", "09:12", "appt", slot="09:15"),
         tk("A012", "09:14", "green")], "09:40"),
    "an_early_appointment_waits_like_a_normal_ticket": (
        [tk("A001", "09:00"), tk("A010", "09:05", "appt", slot="10:00"), tk("A011", "09:12", "appt", slot="09:15"),
         tk("A002", "09:20")], "09:30"),
    "same_slot_checked_in_earlier_first": (
        [tk("A010", "09:14", "appt", slot="09:30"), tk("A011", "09:10", "appt", slot="09:30")], "09:35"),
}
ESTATE_ONLY = WindowConfig(id=9, name_zh="9号窗口", name_en="Window 9", services=("realestate",))


@pytest.mark.parametrize("name", list(AHEAD_CASES))
def test_people_ahead_is_the_number_of_tickets_select_next_calls_first(name: str) -> None:
    waiting, now = AHEAD_CASES[name]
    now = at(now)
    ahead = {t.number: people_ahead(t, waiting, PRIOS, now) for t in waiting}
    # One window serving only this service calls them all; the streak stays below the ratio
    # (people ahead cannot know a window's streak: the fairness override is the one exception).
    left, called = list(waiting), []
    while left:
        t = select_next(left, ESTATE_ONLY, priorities=PRIOS, priority_streak=0, priority_ratio=2, now=now)
        called.append(t.number)
        left.remove(t)
    assert ahead == {number: i for i, number in enumerate(called)}


def test_a_checked_in_appointment_is_told_the_places_it_will_really_be_called_at() -> None:
    from queuecore.model import Appointment

    hall = Hall(SCENE)
    hall.start_day(DAY, at("08:00"))
    hall.create_appointments([
        Appointment(code=code, service="realestate", day=DAY, start=at(start), end=at(end))
        for code, start, end in (("LATE", "09:30", "10:00"), ("EARLY", "09:15", "09:30"))], at("08:00"))
    hall.check_in("LATE", at("09:10"))  # A001, slot 09:30
    (issued, _) = hall.check_in("EARLY", at("09:16"))  # A002, slot 09:15: called first at 09:40
    assert issued.ahead == 0
    assert hall.people_ahead("A001", at("09:40")) == 1
    assert hall.people_ahead("A002", at("09:40")) == 0
