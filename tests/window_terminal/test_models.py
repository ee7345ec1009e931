"""View-state rules of the terminal, as tables: which actions a clerk may take, timer colours, the rating flow."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from queuecore.model import Ticket, TicketStatus, WindowState, WindowStatus
from window_terminal.models import ACTIONS, RatingModel, enabled_actions, mmss, timer_level

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone(timedelta(hours=8)))
IDLE_OPEN = {"call_next", "call_number", "pause", "sign_out"}


def ticket(status: TicketStatus) -> Ticket:
    return Ticket(id="20261123-A001", number="A001", day=NOW.date(), seq=1, service="estate", priority="normal",
                  status=status, issued_at=NOW, arrival_at=NOW, rank=1.0)


def window(status: WindowStatus, current: Ticket | None = None) -> WindowState:
    return WindowState(id=1, status=status, clerk="s1" if status is not WindowStatus.CLOSED else None,
                       current=current.id if current else None)


@pytest.mark.parametrize("status, current_status, resumable, expected", [
    (WindowStatus.OPEN, None, 0, IDLE_OPEN),
    (WindowStatus.OPEN, None, 2, IDLE_OPEN | {"resume_ticket"}),
    (WindowStatus.OPEN, TicketStatus.CALLED, 0, {"recall", "start", "skip", "finish", "transfer"}),
    (WindowStatus.OPEN, TicketStatus.SERVING, 1, {"finish", "transfer", "suspend"}),
    (WindowStatus.PAUSED, None, 3, {"resume_window", "sign_out"}),
    (WindowStatus.CLOSED, None, 3, set()),
])
def test_enabled_actions_follow_the_transition_tables(status, current_status, resumable, expected) -> None:
    cur = ticket(current_status) if current_status else None
    assert enabled_actions(window(status, cur), cur, online=True, resumable=resumable) == expected


def test_offline_or_unknown_window_enables_nothing() -> None:
    assert enabled_actions(window(WindowStatus.OPEN), None, online=False) == frozenset()
    assert enabled_actions(None, None, online=True) == frozenset()


def test_every_action_has_its_own_f_key() -> None:
    keys = [k for _a, k in ACTIONS]
    assert keys == [f"F{i}" for i in range(1, 13)]


@pytest.mark.parametrize("seconds, level", [
    (None, "normal"), (0, "normal"), (14 * 60 + 59, "normal"), (15 * 60, "warn"), (29 * 60 + 59, "warn"),
    (30 * 60, "alert"), (3 * 3600, "alert"),
])
def test_serving_timer_turns_amber_then_red_at_the_services_thresholds(seconds, level) -> None:
    assert timer_level(seconds, warn_minutes=15, alert_minutes=30) == level


def test_mmss() -> None:
    assert (mmss(None), mmss(5), mmss(65), mmss(3725)) == ("—", "00:05", "01:05", "1:02:05")


def test_rating_model_needs_a_reason_for_the_two_lowest_levels(qtbot) -> None:
    m = RatingModel(30)
    sent: list[tuple] = []
    m.rate_requested.connect(lambda *a: sent.append(a))
    m.begin("A001", ("等候时间长",))
    m.choose_level(2)
    assert m.needs_reason and not m.can_submit
    m.submit()
    assert sent == [] and m.error == "reason_required"
    m.choose_reason("等候时间长")
    m.set_comment("  太慢 ")
    m.submit()
    assert sent == [("A001", 2, "等候时间长", "太慢")] and m.phase == m.SENDING
    m.sent("A001")
    assert m.phase == m.THANKS


def test_rating_model_sends_a_good_level_at_once_and_ignores_taps_after(qtbot) -> None:
    m = RatingModel(30)
    sent: list[tuple] = []
    m.rate_requested.connect(lambda *a: sent.append(a))
    m.begin("A001", ())
    m.choose_level(5)
    m.choose_level(1)  # a second tap while sending
    assert sent == [("A001", 5, "", "")]
