"""Notifications as data: the outbox delivery state machine, its retry schedule, and which messages a change causes.

Rule: pure. A delivery moves queued → sent, or queued/retrying → retrying → ... → dead by the
table below; an illegal move raises and changes nothing. The worker that sends, the clock and
the providers live in the server; a message's `key` is our own out-id, so a provider (or the
worker after a crash) can tell a repeat from a new message.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from queuecore import events as ev
from queuecore.errors import QueueError


class DeliveryStatus(StrEnum):
    QUEUED = "queued"  # written with the change that caused it, not tried yet
    SENT = "sent"  # the provider accepted it (final)
    RETRYING = "retrying"  # failed, waits for its next attempt
    DEAD = "dead"  # gave up: too many tries, or refused for good (final; the dead letter)


Q, S, R, D = DeliveryStatus.QUEUED, DeliveryStatus.SENT, DeliveryStatus.RETRYING, DeliveryStatus.DEAD
DELIVERY_TRANSITIONS: dict[tuple[DeliveryStatus, str], DeliveryStatus] = {
    (Q, "sent"): S, (Q, "failed"): R, (Q, "refused"): D,
    (R, "sent"): S, (R, "failed"): R, (R, "refused"): D, (R, "gave_up"): D,
}
FINAL = frozenset({S, D})


class IllegalDelivery(QueueError):
    code = "illegal_transition"


def deliver(status: DeliveryStatus, outcome: str) -> DeliveryStatus:
    """The next status of a delivery after an attempt's outcome (sent, failed, refused, gave_up)."""
    new = DELIVERY_TRANSITIONS.get((status, outcome))
    if new is None:
        raise IllegalDelivery(f"a {status} delivery cannot be {outcome}")
    return new


@dataclass(frozen=True)
class Retry:
    """Exponential backoff: base, doubled each attempt up to cap; dead after max_attempts."""

    max_attempts: int = 6
    base_s: float = 5.0
    cap_s: float = 600.0

    def after_failure(self, status: DeliveryStatus, attempts: int, now: datetime,
                      jitter: float = 0.0) -> tuple[DeliveryStatus, datetime | None]:
        """`attempts` counts this one. Returns the new status and when to try again (None: never).
        `jitter` in [0, 1) spreads retries of many deliveries (passed in: this module draws nothing)."""
        if attempts >= self.max_attempts:
            return deliver(deliver(status, "failed"), "gave_up"), None
        delay = min(self.cap_s, self.base_s * 2 ** (attempts - 1)) * (1 + jitter / 2)
        return deliver(status, "failed"), now + timedelta(seconds=delay)


# ---------------------------------------------------------------- what to tell the citizen

class MessageKind(StrEnum):
    AHEAD = "ahead"  # 前面还有 N 人
    CALLED = "called"  # 请到 X 号窗口
    SUSPENDED = "suspended"  # 已挂起: where to come back
    DONE = "done"  # 您的事项已办结


@dataclass(frozen=True)
class Message:
    """One notification for one ticket. `params` are template variables: plain words and numbers, no links."""

    key: str  # our out-id: the same message is never queued twice under another key
    ticket_id: str
    kind: MessageKind
    params: tuple[tuple[str, str], ...]


def messages_for(events: Iterable[ev.Event], subscribed: Mapping[str, str], window_names: Mapping[int, str],
                 ahead: Mapping[str, int], positions: Iterable[int], alerted: Mapping[str, int]
                 ) -> tuple[list[Message], dict[str, int]]:
    """The messages a change causes for the subscribed tickets (ticket id -> number).

    `ahead`: people ahead of each subscribed waiting ticket after the change; `alerted`: per ticket,
    the lowest position already announced. A queue that jumps from 6 to 2 ahead sends one message
    (N = 2), never one per position passed. Returns the messages and the new `alerted`."""
    out: list[Message] = []
    low = dict(alerted)
    for e in events:
        tid = getattr(e, "ticket_id", None)
        if tid not in subscribed:
            continue
        number = subscribed[tid]
        if isinstance(e, ev.TicketCalled | ev.TicketRecalled | ev.TicketResumed):
            recall = getattr(e, "recalls", 0)
            out.append(Message(key=f"{tid}:called:{e.window}:{recall}:{e.at.isoformat()}", ticket_id=tid,
                               kind=MessageKind.CALLED,
                               params=(("number", number), ("window", window_names.get(e.window, str(e.window))))))
        elif isinstance(e, ev.TicketSuspended):
            out.append(Message(key=f"{tid}:suspended:{e.at.isoformat()}", ticket_id=tid, kind=MessageKind.SUSPENDED,
                               params=(("number", number), ("window", window_names.get(e.window, str(e.window))))))
        elif isinstance(e, ev.TicketFinished):
            out.append(Message(key=f"{tid}:done", ticket_id=tid, kind=MessageKind.DONE, params=(("number", number),)))
    marks = sorted(set(positions), reverse=True)
    for tid, n in ahead.items():
        if tid not in subscribed or n <= 0:
            continue
        passed = [p for p in marks if n <= p and p < low.get(tid, 1 << 30)]
        if passed:
            low[tid] = min(passed)
            out.append(Message(key=f"{tid}:ahead:{min(passed)}", ticket_id=tid, kind=MessageKind.AHEAD,
                               params=(("number", subscribed[tid]), ("n", str(n)))))
    return out, low


PHONE_RE = re.compile(r"^1[3-9]\d{9}$")  # a mainland mobile number: the server's check and the kiosk's keypad
# The consent line the phone page and the kiosk show, stored with each opt-in: one text, so they cannot drift.
CONSENT_ZH = "我同意本大厅在今天办事期间向此号码发送排队提醒短信；号码加密保存，当天结束后删除。"


def mask_phone(phone: str) -> str:
    """What staff and logs may see of a phone number: 138****5678."""
    digits = "".join(c for c in phone if c.isdigit())
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 8 else "****"
