"""Wait estimates: the learning estimate (queuecore.estimate) against today's (ahead × average ÷ open windows).

Simulated days on the pure core (queuecore.Hall, the real call order with 绿色通道): arrivals follow
hallq.simulation's hourly profile, service times are lognormal around the hall's *true* means
(which drift from the configured averages, as they do in a real hall, and slow down in the
afternoon), and the staffing changes during the day: windows open late, go to lunch in turns,
leave early, and some days a clerk is off sick. Each ticket's two estimates at issue are
compared with its actual wait (issue to first call). The first days only build history (the
cold start of the same weekday and hour); the rest are scored.
Goal (issue 14): the median absolute error is at least 30 % lower than today's estimate.
"""
from __future__ import annotations

import heapq
import math
import random
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hallq.simulation import DEFAULT_PROFILE
from queuecore import estimate as est
from queuecore.hall import Hall
from queuecore.model import HallConfig, PriorityClass, PriorityKind, Service, WindowConfig, WindowStatus

TZ = ZoneInfo("Asia/Shanghai")
HISTORY_DAYS = 10  # two weeks of weekdays before the scored ones
SCORED_DAYS = 10
GOAL = 0.30
GREEN_SHARE = 0.06
WALK_MINUTES = (0.3, 1.5)

HALL = HallConfig(
    name_zh="模拟大厅", name_en="Simulated hall",
    services=(
        Service(code="estate", prefix="A", name_zh="不动产", name_en="Real estate", avg_service_minutes=10),
        Service(code="social", prefix="B", name_zh="社保", name_en="Social insurance", avg_service_minutes=6),
        Service(code="tax", prefix="C", name_zh="税务", name_en="Tax", avg_service_minutes=12),
    ),
    windows=(
        WindowConfig(id=1, name_zh="1号窗口", name_en="Window 1", services=("estate",)),
        WindowConfig(id=2, name_zh="2号窗口", name_en="Window 2", services=("estate", "social")),
        WindowConfig(id=3, name_zh="3号窗口", name_en="Window 3", services=("social",)),
        WindowConfig(id=4, name_zh="4号窗口", name_en="Window 4", services=("social", "estate")),
        WindowConfig(id=5, name_zh="5号窗口", name_en="Window 5", services=("tax",)),
        WindowConfig(id=6, name_zh="6号窗口", name_en="Window 6", services=("tax", "social")),
    ),
    priorities=(PriorityClass(code="normal", name_zh="普通", name_en="Normal"),
                PriorityClass(code="green", name_zh="绿色通道", name_en="Priority", kind=PriorityKind.PRIORITY)),
)
# The true mean minutes per visit, against the configured 10 / 6 / 12: a hall's averages are set once and drift.
TRUE_MEAN = {"estate": 14.0, "social": 5.0, "tax": 9.0}
ARRIVALS_PER_HOUR = {"estate": 11.0, "social": 26.0, "tax": 8.0}  # at profile 1.0
CV = 0.6


@dataclass
class Scored:
    baseline: list[float] = field(default_factory=list)  # |estimate - actual| minutes, per ticket
    learned: list[float] = field(default_factory=list)
    waits: list[float] = field(default_factory=list)  # the actual waits


def staffing(rng: random.Random, day: date) -> dict[int, list[tuple[time, time]]]:
    """Each window's shifts: late openers, lunch in turns, early leavers, a clerk off sick some days."""
    shifts: dict[int, list[tuple[time, time]]] = {}
    sick = rng.choice([None, None, 1, 3, 4, 6])
    for wid in range(1, 7):
        if wid == sick:
            continue
        start = time(8, 30) if wid <= 4 else rng.choice([time(8, 30), time(10, 0), time(10, 30)])
        end = rng.choice([time(17, 30), time(17, 30), time(15, 0), time(16, 0)])
        lunch = time(11, 45) if wid % 2 else time(12, 45)
        back = time(12, 45) if wid % 2 else time(13, 45)
        shifts[wid] = [(start, lunch), (back, end)]
    return shifts


def service_time(rng: random.Random, service: str, day_factor: float, at: datetime) -> float:
    mean = TRUE_MEAN[service] * day_factor * (1.25 if at.hour >= 14 and service == "estate" else 1.0)
    sigma = math.sqrt(math.log(1 + CV * CV))
    return max(0.5, rng.lognormvariate(math.log(mean) - sigma * sigma / 2, sigma))


def simulate(day: date, seed: int, history: list[est.Visit]) -> tuple[Scored, list[est.Visit]]:
    """One day: returns the scores (its tickets' errors) and its finished visits (tomorrow's history)."""
    rng = random.Random(seed)
    hall = Hall(HALL)
    at = lambda hhmm: datetime.combine(day, time.fromisoformat(hhmm), TZ)  # noqa: E731
    hall.start_day(day, at("08:00"))
    events: list[tuple[datetime, int, str, tuple]] = []
    seq = 0

    def schedule(when: datetime, kind: str, *args) -> None:
        nonlocal seq
        seq += 1
        heapq.heappush(events, (when, seq, kind, args))

    for wid, shifts in staffing(rng, day).items():
        for start, end in shifts:
            schedule(datetime.combine(day, start, TZ), "sign_in", wid)
            schedule(datetime.combine(day, end, TZ), "leave", wid)
    peak = max(DEFAULT_PROFILE.values())
    for code, rate in ARRIVALS_PER_HOUR.items():
        t = at("08:30")
        while True:
            t += timedelta(hours=rng.expovariate(rate * peak))
            if t >= at("17:00"):
                break
            if rng.random() < DEFAULT_PROFILE.get(t.hour, 0.0) / peak:
                schedule(t, "arrive", code)
    day_factor = rng.uniform(0.9, 1.1)
    learned = est.Learned()
    priors: dict[tuple[str, int], float] = {}
    estimates: dict[str, tuple[float, float]] = {}  # ticket id -> (baseline, learned)
    called: dict[int, datetime] = {}  # window -> when its current visit was called
    leaving: set[int] = set()
    scored, visits = Scored(), []

    def try_call(wid: int, now: datetime) -> None:
        ws = hall.windows[wid]
        if ws.status is not WindowStatus.OPEN or ws.current is not None:
            return
        if not any(hall.waiting.get(s) for s in HALL.windows[wid - 1].services):
            return
        hall.call_next(wid, now)
        t = hall.tickets[hall.windows[wid].current]
        called[wid] = now
        if t.id in estimates:
            actual = (now - t.arrival_at).total_seconds() / 60
            base, mine = estimates.pop(t.id)
            scored.baseline.append(abs(base - actual))
            scored.learned.append(abs(mine - actual))
            scored.waits.append(actual)
        walk = rng.uniform(*WALK_MINUTES)
        schedule(now + timedelta(minutes=walk), "start", wid)
        schedule(now + timedelta(minutes=walk + service_time(rng, t.service, day_factor, now)), "finish", wid)

    def prior(service: str, now: datetime) -> float:
        key = (service, now.hour)
        if key not in priors:
            priors[key] = est.prior_minutes(service, now, history, hall.services[service].avg_service_minutes)
        return priors[key]

    while events:
        now, _, kind, args = heapq.heappop(events)
        if kind == "arrive":
            service = args[0]
            green = rng.random() < GREEN_SHARE
            hall.issue(service, now, "green" if green else None)
            t = max((t for t in hall.waiting[service].values()), key=lambda t: t.seq)
            if green:
                learned = est.priority_arrived(learned, service, now)
            ahead = hall.people_ahead(t.number, now)
            base = hall.estimated_wait_minutes(service, ahead)
            windows = [est.WindowNow(services=wc.services, open=hall.windows[wc.id].status is WindowStatus.OPEN,
                                     busy=hall.windows[wc.id].current is not None) for wc in HALL.windows]
            minutes = {s: est.service_minutes(s, now, learned, prior(s, now)) for s in hall.services}
            waiting = {s: len(q) for s, q in hall.waiting.items()}
            mine = est.estimate_minutes(service, ahead, now, windows=windows, waiting=waiting, minutes=minutes,
                                        learned=learned)
            estimates[t.id] = (float(base), mine)
            for wc in HALL.windows:
                if service in wc.services:
                    try_call(wc.id, now)
        elif kind == "sign_in":
            wid = args[0]
            leaving.discard(wid)
            if hall.windows[wid].status is WindowStatus.CLOSED:
                hall.sign_in(wid, f"clerk{wid}", now)
            try_call(wid, now)
        elif kind == "leave":
            wid = args[0]
            if hall.windows[wid].current is None and hall.windows[wid].status is not WindowStatus.CLOSED:
                hall.sign_out(wid, now)
            else:
                leaving.add(wid)
        elif kind == "start":
            hall.start(args[0], now)
        elif kind == "finish":
            wid = args[0]
            t = hall.tickets[hall.windows[wid].current]
            hall.finish(wid, now, "completed")
            visit = est.Visit(service=t.service, called_at=called.pop(wid), minutes=0.0)
            visit = est.Visit(service=visit.service, called_at=visit.called_at,
                              minutes=(now - visit.called_at).total_seconds() / 60)
            visits.append(visit)
            learned = est.observe(learned, visit)
            if wid in leaving:
                leaving.discard(wid)
                hall.sign_out(wid, now)
            else:
                try_call(wid, now)
    return scored, visits


def weekdays(start: date, n: int) -> list[date]:
    out, d = [], start
    while len(out) < n:
        if d.weekday() < 5:
            out.append(d)
        d += timedelta(days=1)
    return out


def run_days(seed: int = 14) -> list[tuple[date, float, float, int, float]]:
    """(day, baseline MAE, learned MAE, tickets, median wait) per scored day; MAE = median absolute error, min."""
    history: list[est.Visit] = []
    out = []
    for i, day in enumerate(weekdays(date(2026, 11, 2), HISTORY_DAYS + SCORED_DAYS)):
        scored, visits = simulate(day, seed * 1000 + i, history)
        if i >= HISTORY_DAYS:
            out.append((day, statistics.median(scored.baseline), statistics.median(scored.learned),
                        len(scored.learned), statistics.median(scored.waits)))
        history.extend(visits)
    return out


def run() -> list[tuple[str, str]]:
    days = run_days()
    base = statistics.median(d[1] for d in days)
    mine = statistics.median(d[2] for d in days)
    better = 1 - mine / base
    rows = [(f"estimate MAE {d.isoformat()} ({n} tickets, median wait {w:.0f} min)",
             f"today {b:.1f} min, learned {m:.1f} min") for d, b, m, n, w in days]
    rows.append(("estimate MAE, median of the scored days",
                 f"today {base:.1f} min, learned {mine:.1f} min: {better:.0%} lower "
                 f"(goal >= {GOAL:.0%}: {'met' if better >= GOAL else 'NOT met'})"))
    return rows


if __name__ == "__main__":
    from bench.harness import print_rows

    print_rows(run())
