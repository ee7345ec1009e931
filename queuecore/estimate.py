"""Wait estimates that learn: a pure function of the queue, the windows open now and the service times seen.

Rule: nothing here reads a clock, a store or the settings; time and history are passed in.
A service's time per visit (call to finish, the walk to the window included) is smoothed
exponentially over today's visits; before today has enough of them it starts from the same
weekday and hour of earlier days, then any hour of earlier days, then the configured average.
The wait for a place in the queue is the work ahead of it divided by the windows' capacity for
that service now: a window shared by several services gives each a share by the work waiting,
and the 绿色通道 tickets expected to arrive meanwhile go first.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

ALPHA = 0.25  # weight of the newest visit in the smoothed service time
WARM = 3  # today's visits of a service before its smoothed time is trusted alone
MAX_PRIORITY_SHARE = 0.8  # never let expected 绿色通道 arrivals blow an estimate up without bound


@dataclass(frozen=True)
class Visit:
    """One finished visit of an earlier day or today: the service, when it was called, how long it took."""

    service: str
    called_at: datetime
    minutes: float


@dataclass(frozen=True)
class WindowNow:
    """A window as the estimate needs it: the services it calls, whether it is open, whether it is busy."""

    services: tuple[str, ...]
    open: bool
    busy: bool = False


@dataclass
class Learned:
    """What today has taught so far: a smoothed time per service, how many visits fed it, and the
    priority arrivals per service (times of issue). A plain value: `observe` returns a new one."""

    smoothed: dict[str, float] = field(default_factory=dict)
    samples: dict[str, int] = field(default_factory=dict)
    priority_arrivals: dict[str, tuple[datetime, ...]] = field(default_factory=dict)


def observe(learned: Learned, visit: Visit, alpha: float = ALPHA) -> Learned:
    """Today's state after one more finished visit."""
    prev = learned.smoothed.get(visit.service)
    value = visit.minutes if prev is None else alpha * visit.minutes + (1 - alpha) * prev
    return Learned(smoothed={**learned.smoothed, visit.service: value},
                   samples={**learned.samples, visit.service: learned.samples.get(visit.service, 0) + 1},
                   priority_arrivals=learned.priority_arrivals)


def priority_arrived(learned: Learned, service: str, at: datetime) -> Learned:
    """Today's state after a 绿色通道 ticket was issued for `service`."""
    times = learned.priority_arrivals.get(service, ())
    return Learned(smoothed=learned.smoothed, samples=learned.samples,
                   priority_arrivals={**learned.priority_arrivals, service: (*times, at)})


def prior_minutes(service: str, now: datetime, history: Iterable[Visit], configured: float) -> float:
    """Cold start: the median visit of the same weekday and hour on earlier days, else of any hour of
    earlier days, else the configured average."""
    same_slot, any_slot = [], []
    for v in history:
        if v.service != service or v.called_at.date() >= now.date():
            continue
        any_slot.append(v.minutes)
        if v.called_at.weekday() == now.weekday() and v.called_at.hour == now.hour:
            same_slot.append(v.minutes)
    if len(same_slot) >= WARM:
        return median(same_slot)
    if len(any_slot) >= WARM:
        return median(any_slot)
    return configured


def service_minutes(service: str, now: datetime, learned: Learned, prior: float) -> float:
    """Today's smoothed time, blended with the prior until today has WARM visits."""
    n = learned.samples.get(service, 0)
    if n == 0:
        return prior
    if n >= WARM:
        return learned.smoothed[service]
    return (n * learned.smoothed[service] + (WARM - n) * prior) / WARM


def estimate_minutes(service: str, ahead: int, now: datetime, *, windows: Iterable[WindowNow],
                     waiting: Mapping[str, int], minutes: Mapping[str, float], learned: Learned,
                     priority_window_minutes: float = 60.0) -> float:
    """Expected minutes from now until the ticket with `ahead` people before it is called.

    `waiting`: tickets waiting per service now; `minutes`: each service's time per visit (see
    service_minutes)."""
    mine = minutes.get(service, 0.0)
    capacity = 0.0  # visits of this service per minute
    idle = 0
    for w in windows:
        if not w.open or service not in w.services:
            continue
        work = {s: waiting.get(s, 0) * minutes.get(s, mine) for s in w.services}
        total = sum(work.values())
        share = work[service] / total if total > 0 else 1 / len(w.services)
        capacity += share / max(mine, 0.1)
        if not w.busy:  # an idle window calls at once
            idle += 1
    if capacity <= 0:
        capacity = 1 / max(mine, 0.1)  # nobody open for it now: as if one window will be
    if ahead < idle:
        return 0.0
    # The first place frees after half a visit on average; then one visit's worth per place.
    wait = (ahead + 0.5) / capacity
    recent = [t for t in learned.priority_arrivals.get(service, ())
              if 0 <= (now - t).total_seconds() / 60 <= priority_window_minutes]
    if recent:  # 绿色通道 tickets arriving meanwhile are called first
        rate = len(recent) / priority_window_minutes
        wait /= 1 - min(MAX_PRIORITY_SHARE, rate / capacity)
    return wait


def baseline_minutes(ahead: int, configured: float, open_windows: int) -> int:
    """Today's estimate (what Hall.estimated_wait_minutes gives), for comparison: people ahead × average ÷ open windows."""
    return math.ceil(ahead * configured / max(1, open_windows))
