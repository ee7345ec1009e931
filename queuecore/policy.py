"""Who is called next: select_next(waiting, window, ...) applies the hall's call order, and nothing else.

Order (`call_key`, smaller first): (1) appointments whose slot has started, earliest slot first,
(2) priority classes (绿色通道), (3) everyone else; within each, (a) the window's preferred
services — unless a ticket has waited `preference_max_wait` minutes, then it counts as preferred
(so a window's last service cannot starve) — then (b) oldest first.

Fairness override: after `priority_ratio` priority calls in a row at a window, when the next
ticket would be a priority one, the normal tickets that arrived before *every* waiting priority
ticket of the window's services compete instead, by (a) then (b). A normal ticket younger than
any waiting priority ticket is never called ahead of it (it would overtake a green ticket that
waited longer); if there is no such older normal ticket, the priority ticket is called.

`people_ahead` (and `queue_positions`, the same for a whole queue) counts by the same `call_key`; it cannot know a window's priority streak, so
the override is the one way a ticket is called earlier (or later) than it was told.
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from datetime import datetime

from queuecore.model import PriorityClass, PriorityKind, Ticket, WindowConfig

# Tiers for "people ahead": smaller is called earlier.
TIER_DUE_APPOINTMENT, TIER_PRIORITY, TIER_NORMAL = 0, 1, 2


def kind_of(ticket: Ticket, priorities: Mapping[str, PriorityClass]) -> PriorityKind:
    cls = priorities.get(ticket.priority)
    return cls.kind if cls else PriorityKind.NORMAL


def tier(ticket: Ticket, priorities: Mapping[str, PriorityClass], now: datetime) -> int:
    kind = kind_of(ticket, priorities)
    if kind is PriorityKind.APPOINTMENT and ticket.appointment_start is not None:
        # An appointment that checked in early waits like everyone else until its slot.
        return TIER_DUE_APPOINTMENT if ticket.appointment_start <= now else TIER_NORMAL
    return TIER_PRIORITY if kind is PriorityKind.PRIORITY else TIER_NORMAL


def age_key(ticket: Ticket) -> tuple[float, int]:
    """Oldest first; `seq` breaks ties between tickets with the same rank deterministically."""
    return (ticket.rank, ticket.seq)


def call_key(ticket: Ticket, priorities: Mapping[str, PriorityClass], now: datetime,
             preference: int = 0) -> tuple[int, float, int, float, int]:
    """The call order before the fairness override: (tier, slot if due, window preference, age)."""
    t = tier(ticket, priorities, now)
    slot = ticket.appointment_start.timestamp() if t == TIER_DUE_APPOINTMENT else 0.0
    return (t, slot, preference, ticket.rank, ticket.seq)


def select_next(
    waiting: Iterable[Ticket],
    window: WindowConfig,
    *,
    priorities: Mapping[str, PriorityClass],
    priority_streak: int,
    priority_ratio: int,
    now: datetime,
    preference_max_wait: float | None = None,
) -> Ticket | None:
    served = {code: i for i, code in enumerate(window.services)}

    def preference(t: Ticket) -> int:
        if not window.ordered:
            return 0
        if preference_max_wait is not None and (now - t.arrival_at).total_seconds() >= preference_max_wait * 60:
            return 0
        return served[t.service]

    keyed = [(call_key(t, priorities, now, preference(t)), t) for t in waiting if t.service in served]
    if not keyed:
        return None
    key, first = min(keyed, key=lambda kt: kt[0])
    if key[0] == TIER_PRIORITY and priority_streak >= priority_ratio:
        oldest_priority = min(age_key(t) for k, t in keyed if k[0] == TIER_PRIORITY)
        older = [kt for kt in keyed if kt[0][0] == TIER_NORMAL and age_key(kt[1]) < oldest_priority]
        if older:
            return min(older, key=lambda kt: kt[0])[1]
    return first


def people_ahead(
    ticket: Ticket, waiting: Iterable[Ticket], priorities: Mapping[str, PriorityClass], now: datetime
) -> int:
    """Waiting tickets of the same service that the call order (`call_key`) puts before `ticket`."""
    mine = call_key(ticket, priorities, now)
    return sum(
        1
        for t in waiting
        if t.service == ticket.service and t.id != ticket.id and call_key(t, priorities, now) < mine
    )


def queue_positions(
    waiting: Iterable[Ticket], priorities: Mapping[str, PriorityClass], now: datetime
) -> dict[str, int]:
    """`people_ahead` of every ticket in `waiting` at once (ticket id -> people ahead): each service sorted once."""
    keyed: dict[str, list[tuple[tuple[int, float, int, float, int], str]]] = {}
    for t in waiting:
        keyed.setdefault(t.service, []).append((call_key(t, priorities, now), t.id))
    out: dict[str, int] = {}
    for queue in keyed.values():
        keys = sorted(k for k, _ in queue)
        for k, tid in queue:
            out[tid] = bisect_left(keys, k)  # the keys strictly smaller than its own, as people_ahead counts
    return out
