"""Who is called next: select_next(waiting, window, ...) applies the hall's call order, and nothing else.

Order: (1) appointments whose slot has started, (2) priority classes, except that after
`priority_ratio` priority calls in a row a normal ticket that has waited longer goes first,
(3) the window's preferred services — unless a ticket has waited `preference_max_wait`
minutes, then it counts as preferred (so a window's last service cannot starve), (4) oldest first.
"""
from __future__ import annotations

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
    candidates = [t for t in waiting if t.service in served]
    if not candidates:
        return None

    def preference(t: Ticket) -> int:
        if not window.ordered:
            return 0
        if preference_max_wait is not None and (now - t.arrival_at).total_seconds() >= preference_max_wait * 60:
            return 0
        return served[t.service]

    def best(group: list[Ticket]) -> Ticket:
        return min(group, key=lambda t: (preference(t), *age_key(t)))

    tiers: dict[int, list[Ticket]] = {}
    for t in candidates:
        tiers.setdefault(tier(t, priorities, now), []).append(t)

    due = tiers.get(TIER_DUE_APPOINTMENT)
    if due:
        return min(due, key=lambda t: (t.appointment_start, preference(t), *age_key(t)))
    prio, normal = tiers.get(TIER_PRIORITY), tiers.get(TIER_NORMAL)
    if prio and normal and priority_streak >= priority_ratio:
        oldest_normal = min(normal, key=age_key)
        if age_key(oldest_normal) < age_key(min(prio, key=age_key)):
            return best(normal)
    return best(prio or normal)


def people_ahead(
    ticket: Ticket, waiting: Iterable[Ticket], priorities: Mapping[str, PriorityClass], now: datetime
) -> int:
    """Waiting tickets of the same service that the call order puts before `ticket`."""
    mine = (tier(ticket, priorities, now), *age_key(ticket))
    return sum(
        1
        for t in waiting
        if t.service == ticket.service and t.id != ticket.id and (tier(t, priorities, now), *age_key(t)) < mine
    )
