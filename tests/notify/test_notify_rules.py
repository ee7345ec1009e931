"""queuecore.notify: the outbox delivery table (illegal moves raise and change nothing), backoff, the messages."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from queuecore import events as ev
from queuecore.notify import (DELIVERY_TRANSITIONS, DeliveryStatus as DS, IllegalDelivery, MessageKind, Retry,
                              deliver, mask_phone, messages_for)

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
OUTCOMES = ("sent", "failed", "refused", "gave_up")


@pytest.mark.parametrize("status, outcome, expected", [
    (DS.QUEUED, "sent", DS.SENT), (DS.QUEUED, "failed", DS.RETRYING), (DS.QUEUED, "refused", DS.DEAD),
    (DS.RETRYING, "sent", DS.SENT), (DS.RETRYING, "failed", DS.RETRYING), (DS.RETRYING, "gave_up", DS.DEAD),
    (DS.RETRYING, "refused", DS.DEAD),
])
def test_legal_moves(status, outcome, expected) -> None:
    assert deliver(status, outcome) is expected


@pytest.mark.parametrize("status, outcome", [(s, o) for s in DS for o in OUTCOMES
                                             if (s, o) not in DELIVERY_TRANSITIONS])
def test_every_other_move_is_illegal_and_changes_nothing(status, outcome) -> None:
    before = dict(DELIVERY_TRANSITIONS)
    with pytest.raises(IllegalDelivery) as exc:
        deliver(status, outcome)
    assert exc.value.code == "illegal_transition" and DELIVERY_TRANSITIONS == before


def test_a_sent_or_dead_delivery_never_moves_again() -> None:
    for final in (DS.SENT, DS.DEAD):
        for outcome in OUTCOMES:
            with pytest.raises(IllegalDelivery):
                deliver(final, outcome)


def test_retries_back_off_exponentially_up_to_the_cap_then_the_letter_is_dead() -> None:
    retry = Retry(max_attempts=4, base_s=5, cap_s=12)
    delays = []
    status = DS.QUEUED
    for attempt in (1, 2, 3):
        status, at = retry.after_failure(status, attempt, T0)
        delays.append((at - T0).total_seconds())
    assert status is DS.RETRYING and delays == [5, 10, 12]
    assert retry.after_failure(status, 4, T0) == (DS.DEAD, None)
    assert retry.after_failure(DS.QUEUED, 1, T0, jitter=0.5)[1] == T0 + timedelta(seconds=6.25)


SUB = {"t1": "A012", "t2": "A013"}
NAMES = {3: "3号窗口"}


def test_a_call_a_suspension_and_the_end_each_tell_the_subscriber_and_nobody_else() -> None:
    events = [ev.TicketCalled(at=T0, ticket_id="t1", number="A012", service="s", window=3, clerk=None),
              ev.TicketCalled(at=T0, ticket_id="tX", number="A099", service="s", window=3, clerk=None),
              ev.TicketSuspended(at=T0, ticket_id="t2", window=3),
              ev.TicketFinished(at=T0, ticket_id="t1", window=3, clerk=None, outcome="completed")]
    out, _ = messages_for(events, SUB, NAMES, {}, (5, 1), {})
    assert [(m.ticket_id, m.kind, dict(m.params)) for m in out] == [
        ("t1", MessageKind.CALLED, {"number": "A012", "window": "3号窗口"}),
        ("t2", MessageKind.SUSPENDED, {"number": "A013", "window": "3号窗口"}),
        ("t1", MessageKind.DONE, {"number": "A012"})]
    assert len({m.key for m in out}) == 3


@pytest.mark.parametrize("steps, expected", [
    ([7, 6, 5, 4, 3, 2, 1], [5, 3, 1]),  # each configured position once
    ([7, 2, 1], [2, 1]),  # a jump past 5 and 3 sends one message, with the real N
    ([4, 6, 4], [4]),  # back above a mark (a 绿色通道 ticket came) and down again: not repeated
    ([0], []),  # nobody ahead: the call message will come
])
def test_people_ahead_are_announced_at_the_configured_positions_once(steps, expected) -> None:
    alerted: dict[str, int] = {}
    said = []
    for n in steps:
        out, alerted = messages_for([], SUB, NAMES, {"t1": n}, (5, 3, 1), alerted)
        said += [int(dict(m.params)["n"]) for m in out if m.kind is MessageKind.AHEAD]
    assert said == expected


def test_phone_numbers_are_masked() -> None:
    assert mask_phone("13812345678") == "138****5678" and mask_phone("12") == "****"
