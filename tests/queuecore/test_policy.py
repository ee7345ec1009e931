"""The call order, rule by rule: each case names the rule it pins."""
from __future__ import annotations

import pytest

from queuecore.model import Ticket
from queuecore.policy import people_ahead, queue_positions, select_next
from tests.queuecore.conftest import DAY, at, make_config

CFG = make_config()
PRIOS = {p.code: p for p in CFG.priorities}
WIN = {w.id: w for w in CFG.windows}
SEQ = iter(range(1, 10_000))


def tk(number: str, service: str, hhmm: str, priority: str = "normal", appt: str | None = None) -> Ticket:
    issued = at(hhmm)
    return Ticket(id=f"x-{number}", number=number, day=DAY, seq=next(SEQ), service=service, priority=priority,
                  issued_at=issued, arrival_at=issued, rank=issued.timestamp(),
                  appointment_start=at(appt) if appt else None)


CASES = {
    # name: (waiting, window, priority_streak, now, expected number or None[, preference_max_wait])
    "oldest_first_within_a_service": (
        [tk("A002", "estate", "09:05"), tk("A001", "estate", "09:00"), tk("A003", "estate", "09:10")], 1, 0, "09:30",
        "A001"),
    "only_the_windows_services_are_considered": (
        [tk("C001", "tax", "08:40"), tk("A001", "estate", "09:00")], 1, 0, "09:30", "A001"),
    "nothing_for_this_window_gives_none": ([tk("C001", "tax", "08:40")], 1, 0, "09:30", None),
    "empty_queue_gives_none": ([], 2, 0, "09:30", None),
    "preferred_service_goes_before_an_older_ticket_of_a_later_service": (
        [tk("A001", "estate", "08:40"), tk("B001", "social", "09:00")], 2, 0, "09:30", "B001"),
    "unordered_window_takes_the_oldest_across_its_services": (
        [tk("A001", "estate", "08:40"), tk("B001", "social", "09:00")], 3, 0, "09:30", "A001"),
    "green_channel_ticket_is_called_before_older_normal_ones": (
        [tk("A001", "estate", "08:40"), tk("A002", "estate", "09:20", "green")], 1, 0, "09:30", "A002"),
    "priority_class_beats_window_preference": (
        [tk("B001", "social", "08:40"), tk("A001", "estate", "09:20", "green")], 2, 0, "09:30", "A001"),
    "after_ratio_priority_calls_an_older_normal_ticket_goes_first": (
        [tk("A001", "estate", "08:40"), tk("A002", "estate", "09:20", "green")], 1, 2, "09:30", "A001"),
    "after_ratio_a_younger_normal_ticket_still_waits_for_priority": (
        [tk("A002", "estate", "09:20"), tk("A001", "estate", "08:40", "green")], 1, 2, "09:30", "A001"),
    "below_ratio_priority_still_goes_first": (
        [tk("A001", "estate", "08:40"), tk("A002", "estate", "09:20", "green")], 1, 1, "09:30", "A002"),
    "due_appointment_goes_before_priority_and_older_normal": (
        [tk("A001", "estate", "08:40"), tk("A002", "estate", "08:50", "green"),
         tk("A003", "estate", "09:25", "appt", appt="09:30")], 1, 0, "09:30", "A003"),
    "appointment_before_its_slot_waits_like_a_normal_ticket": (
        [tk("A001", "estate", "08:40"), tk("A003", "estate", "08:30", "appt", appt="10:00")], 1, 0, "09:30", "A003"),
    "early_appointment_does_not_jump_an_older_normal_ticket": (
        [tk("A001", "estate", "08:20"), tk("A003", "estate", "08:30", "appt", appt="10:00")], 1, 0, "09:30", "A001"),
    "earliest_slot_first_among_due_appointments": (
        [tk("A004", "estate", "08:50", "appt", appt="09:15"), tk("A003", "estate", "09:00", "appt", appt="09:00")],
        1, 0, "09:30", "A003"),
    "a_ticket_waiting_past_the_preference_limit_counts_as_preferred": (
        [tk("A001", "estate", "08:40"), tk("B001", "social", "09:00")], 2, 0, "09:30", "A001", 45),
    "below_the_preference_limit_the_window_still_prefers_its_first_service": (
        [tk("A001", "estate", "08:50"), tk("B001", "social", "09:00")], 2, 0, "09:30", "B001", 45),
    "equal_rank_is_broken_by_sequence": (
        [tk("A002", "estate", "09:00"), tk("A001", "estate", "09:00")], 1, 0, "09:30", "A002"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_call_order(name: str) -> None:
    waiting, window, streak, now, expected, *limit = CASES[name]
    picked = select_next(waiting, WIN[window], priorities=PRIOS, priority_streak=streak, priority_ratio=2,
                         now=at(now), preference_max_wait=limit[0] if limit else None)
    assert (picked.number if picked else None) == expected


def test_people_ahead_counts_priority_and_older_tickets_of_the_same_service_only() -> None:
    waiting = [tk("A001", "estate", "09:00"), tk("A002", "estate", "09:05", "green"), tk("B001", "social", "08:00"),
               tk("A003", "estate", "09:10")]
    me = tk("A004", "estate", "09:20")
    assert people_ahead(me, waiting, PRIOS, at("09:20")) == 3
    green = tk("A005", "estate", "09:30", "green")
    assert people_ahead(green, waiting, PRIOS, at("09:30")) == 1
    assert people_ahead(waiting[0], waiting, PRIOS, at("09:30")) == 1  # only the green ticket


MIXED_QUEUE = [  # two services; normal, 绿色通道, an appointment due and one not yet, equal ranks
    tk("A001", "estate", "09:00"), tk("A002", "estate", "09:05", "green"), tk("B001", "social", "08:00"),
    tk("A003", "estate", "09:10"), tk("A004", "estate", "08:50", "appt", appt="09:15"),
    tk("A005", "estate", "08:40", "appt", appt="10:00"), tk("B002", "social", "08:30", "green"),
    tk("A006", "estate", "09:10"), tk("B003", "social", "09:12", "appt", appt="09:00"),
    tk("A007", "estate", "09:01", "green"),
]


@pytest.mark.parametrize("now", ["09:00", "09:20", "10:30"])
def test_queue_positions_equal_people_ahead_for_every_ticket_of_a_mixed_queue(now: str) -> None:
    positions = queue_positions(MIXED_QUEUE, PRIOS, at(now))
    assert positions == {t.id: people_ahead(t, MIXED_QUEUE, PRIOS, at(now)) for t in MIXED_QUEUE}
