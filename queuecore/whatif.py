"""What-if staffing: replay a recorded business day's own arrivals through the real core with another plan.

Rule: deterministic, no randomness, no I/O (the recorded day is read by server.whatif). Each recorded
ticket arrives when it was issued, for the service it was issued for (before any transfer), in its
priority class, and keeps its recorded behaviour: the walk from call to start and the service time of
its first visit, or a no-show. Tickets never served that day get their service's average time. The
replay runs the same Hall (call order, priority ratio, hours, caps) with the plan's windows, hours and
services; the comparison puts its waits beside what happened.
"""
from __future__ import annotations

import heapq
import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import msgspec

from queuecore import errors as E
from queuecore import events as ev
from queuecore.hall import STEP_DONE, Hall
from queuecore.model import Appointment, HallConfig, WindowConfig

NO_SHOW_RECALL = timedelta(minutes=1)  # called, recalled after a minute, skipped after another
DEFAULT_WALK = timedelta(minutes=1)


@dataclass(frozen=True)
class Arrival:
    """One recorded ticket, as the replay needs it."""

    number: str
    service: str  # the service it was issued for
    priority: str
    issued_at: datetime
    appointment_start: datetime | None
    walk: timedelta  # from the call to the start of service
    duration: timedelta | None  # of its first visit; None: never served that day (the service's average)
    no_show: bool  # its first call was a 过号
    back_after: timedelta | None = None  # a no-show who came back (requeued) this long after the skip
    transfer_to: str | None = None  # its first visit ended in a transfer to this service ...
    second: timedelta | None = None  # ... where it was served this long
    bundle: str = ""  # 一票到底: issued for this bundle; `service` is its first step ...
    steps: tuple[tuple[str, timedelta | None], ...] = ()  # ... and these the later steps it reached: (service, time)


@dataclass
class Figures:
    arrivals: int = 0
    served: int = 0
    unserved: int = 0  # never called
    waits: list[float] = field(default_factory=list)  # minutes from issue to the first call

    def avg(self) -> float | None:
        return sum(self.waits) / len(self.waits) if self.waits else None

    def p90(self) -> float | None:
        """Nearest rank, as the reports count it: the ceil(0.9·n)-th smallest."""
        if not self.waits:
            return None
        ordered = sorted(self.waits)
        return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]

    def view(self) -> dict[str, Any]:
        avg, p90 = self.avg(), self.p90()
        return {"arrivals": self.arrivals, "served": self.served, "unserved": self.unserved, "called": len(self.waits),
                "wait_avg": None if avg is None else round(avg, 1), "wait_p90": None if p90 is None else round(p90, 1)}


class PlanWindow(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    id: int
    services: list[str]
    name: str = ""
    start: str = ""  # "HH:MM"; default: the plan's start
    until: str = ""  # no call after this; default: the plan's serve_until


class Plan(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A staffing plan (TOML): which windows are staffed, for which services, when."""

    start: str = "08:30"
    serve_until: str = "17:30"
    windows: list[PlanWindow]


class PlanError(ValueError):
    """A plan that cannot be replayed; `code` is stable (invalid_plan)."""

    code = "invalid_plan"


MAX_PLAN_WINDOWS = 500


def parse_plan(doc: str | dict[str, Any], config: HallConfig) -> Plan:
    """A plan from TOML text or its JSON object, checked against the hall: known services, HH:MM times, windows."""
    if isinstance(doc, str):
        try:
            doc = tomllib.loads(doc)
        except tomllib.TOMLDecodeError as exc:
            raise PlanError(f"the plan is not TOML: {exc}") from None
    try:
        plan = msgspec.convert(doc, Plan)
    except msgspec.ValidationError as exc:
        raise PlanError(f"plan: {exc}") from None
    if not plan.windows:
        raise PlanError("the plan staffs no windows")
    if len(plan.windows) > MAX_PLAN_WINDOWS:
        raise PlanError(f"a plan has at most {MAX_PLAN_WINDOWS} windows")
    ids = [w.id for w in plan.windows]
    if len(set(ids)) != len(ids):
        raise PlanError("a window is listed twice: " + ", ".join(str(i) for i in sorted({i for i in ids if ids.count(i) > 1})))
    unknown = sorted({s for w in plan.windows for s in w.services} - {s.code for s in config.services})
    if unknown:
        raise PlanError(f"no such services: {', '.join(unknown)}")
    for name, text in [("start", plan.start), ("serve_until", plan.serve_until),
                       *((f"window {w.id} start", w.start) for w in plan.windows),
                       *((f"window {w.id} until", w.until) for w in plan.windows)]:
        if text:
            try:
                time.fromisoformat(text)
            except ValueError:
                raise PlanError(f"{name}: {text!r} is not HH:MM") from None
    return plan


class ReplayStopped(RuntimeError):
    """The replay was told to stop (it ran past its time)."""


class Replay:
    """A discrete-event day on the real Hall: arrivals issue, free windows call next, visits take their time."""

    def __init__(self, config: HallConfig, plan: Plan, day: date, tz) -> None:
        names = {w.id: w for w in config.windows}
        windows = tuple(WindowConfig(id=w.id, name_zh=w.name or (names[w.id].name_zh if w.id in names else f"{w.id}号窗口"),
                                     name_en=names[w.id].name_en if w.id in names else f"Window {w.id}",
                                     services=tuple(w.services)) for w in plan.windows)
        self.config = msgspec.structs.replace(config, windows=windows)
        self.plan, self.day, self.tz = plan, day, tz
        self.queue: list[tuple[datetime, int, str, tuple]] = []
        self._seq = 0
        self.figures: dict[str, Figures] = {}
        self.by_number: dict[str, Arrival] = {}
        self.called: set[str] = set()
        self.skipped: set[str] = set()
        self.moved: set[str] = set()  # transferred: on their second visit
        self.step_of: dict[str, int] = {}  # 一票到底: the step a bundle ticket is at ...
        self.step_since: dict[str, datetime] = {}  # ... and since when it waits for it
        self.free: set[int] = set()
        # An outcome that ends a bundle (not a step done: 补正, 不予受理 ...); None: the hall has none.
        self.ending = next((o.code for o in self.config.outcomes if o.cls not in STEP_DONE), None)
        self.hours = {w.id: (self.at(w.start or plan.start), self.at(w.until or plan.serve_until))
                      for w in plan.windows}

    def at(self, hhmm: str) -> datetime:
        return datetime.combine(self.day, time.fromisoformat(hhmm), self.tz)

    def schedule(self, when: datetime, kind: str, *args: Any) -> None:
        self._seq += 1
        heapq.heappush(self.queue, (when, self._seq, kind, args))

    def run(self, arrivals: list[Arrival], stop: Callable[[], bool] | None = None) -> dict[str, Figures]:
        """The plan's figures per service. `stop` (asked every 2,000 steps) ends a replay taking too long:
        ReplayStopped."""
        first = min([a.issued_at for a in arrivals] + [s for s, _ in self.hours.values()], default=self.at("08:00"))
        self.hall = Hall(self.config)
        self.hall.start_day(self.day, first - timedelta(minutes=30))
        appts = [Appointment(code=f"W{a.number}", service=a.service, day=self.day, start=a.appointment_start,
                             end=a.appointment_start + timedelta(minutes=30))
                 for a in arrivals if a.appointment_start is not None]
        if appts:
            self.hall.create_appointments(appts, first - timedelta(minutes=30))
        for a in arrivals:
            self.schedule(a.issued_at, "arrive", a)
        for wid, (start, until) in self.hours.items():
            self.schedule(start, "open", wid)
        steps = 0
        while self.queue:
            steps += 1
            if stop is not None and steps % 2000 == 0 and stop():
                raise ReplayStopped(f"stopped after {steps} steps")
            self.now, _, kind, args = heapq.heappop(self.queue)
            getattr(self, f"_{kind}")(*args)
            self.hall.take_changes()  # nobody listens: keep memory flat
        for t in self.hall.tickets.values():
            if t.number in self.by_number and self._key(t.number) not in self.called:
                self.figures[self._service(t.number)].unserved += 1
        return self.figures

    def _key(self, number: str) -> str | tuple[str, int]:
        """What counts as one visit: a ticket, or a bundle ticket's step."""
        step = self.step_of.get(number, 0)
        return number if step == 0 else (number, step)

    def _service(self, number: str) -> str:
        """The service a ticket's visit counts under: the one it was issued for, or its bundle step's."""
        a, step = self.by_number[number], self.step_of.get(number, 0)
        return a.service if step == 0 else a.steps[step - 1][0]

    def _arrive(self, a: Arrival) -> None:
        f = self.figures.setdefault(a.service, Figures())
        f.arrivals += 1
        try:
            if a.appointment_start is not None:
                events = self.hall.check_in(f"W{a.number}", self.now)
            elif a.bundle and a.bundle in self.hall.bundles:
                events = self.hall.issue_bundle(a.bundle, self.now, a.priority)
            else:
                events = self.hall.issue(a.service, self.now, a.priority)
        except E.OutsideHours:
            # Issued that day (in extended hours, 延时服务): issued here too, whatever the hours say.
            self.hall.extended[a.service] = self.at("23:59")
            events = self.hall.issue(a.service, self.now, a.priority)
            del self.hall.extended[a.service]
        number = events[0].number
        self.by_number[number] = a
        self._wake(a.service)

    def _open(self, wid: int) -> None:
        self.hall.sign_in(wid, f"whatif{wid}", self.now)
        self.free.add(wid)
        self.schedule(self.now, "call", wid)

    def _call(self, wid: int) -> None:
        if wid not in self.free or self.now >= self.hours[wid][1]:
            return
        try:
            (called,) = self.hall.call_next(wid, self.now)
        except E.NothingWaiting:
            return
        self.free.discard(wid)
        a = self.by_number[called.number]
        key = self._key(called.number)
        if key not in self.called:
            self.called.add(key)
            since = self.step_since.get(called.number) or self.hall.tickets[called.ticket_id].issued_at
            self.figures[self._service(called.number)].waits.append((self.now - since).total_seconds() / 60)
        if a.no_show and called.number not in self.skipped:
            self.schedule(self.now + 2 * NO_SHOW_RECALL, "skip", wid, a, called.number)
        else:
            self.schedule(self.now + a.walk, "start", wid, a, called.number)

    def _start(self, wid: int, a: Arrival, number: str) -> None:
        self.hall.start(wid, self.now)
        service = self.hall.by_number[number].service
        step = self.step_of.get(number, 0)
        took = a.steps[step - 1][1] if step else a.second if number in self.moved else a.duration
        if took is None:
            took = timedelta(minutes=self.hall.services[service].avg_service_minutes)
        self.schedule(self.now + took, "finish", wid, a, number)

    def _finish(self, wid: int, a: Arrival, number: str) -> None:
        if a.transfer_to and number not in self.moved and a.transfer_to in self.hall.services:
            self.moved.add(number)
            self.hall.transfer(wid, a.transfer_to, self.now)
            self._wake(a.transfer_to)
        else:
            served = self._service(number)
            step = self.step_of.get(number, 0)
            # A bundle ticket goes on as far as it did that day; its recorded last step ends it.
            outcome = self.ending if a.bundle and step >= len(a.steps) else None
            events = self.hall.finish(wid, self.now, outcome)
            self.figures[served].served += 1
            if any(isinstance(e, ev.BundleStepReached) for e in events) and step < len(a.steps):
                self.step_of[number] = step + 1
                self.step_since[number] = self.now
                nxt = self._service(number)
                self.figures.setdefault(nxt, Figures()).arrivals += 1
                self._wake(nxt)
        self._release(wid)

    def _skip(self, wid: int, a: Arrival, number: str) -> None:
        self.hall.skip(wid, self.now)
        self.skipped.add(number)
        if a.back_after is not None:
            self.schedule(self.now + a.back_after, "back", a, number)
        self._release(wid)

    def _back(self, a: Arrival, number: str) -> None:
        try:
            self.hall.requeue(number, self.now)
        except E.QueueError:
            return  # past the grace in this replay
        self._wake(self.hall.by_number[number].service)

    def _wake(self, service: str) -> None:
        """Every free window serving `service` calls now (a ticket of it came into the queue)."""
        for wid in sorted(self.free):
            if service in self.hall.window_configs[wid].services:
                self.schedule(self.now, "call", wid)

    def _release(self, wid: int) -> None:
        self.free.add(wid)
        self.schedule(self.now, "call", wid)


def total(figures: dict[str, Figures]) -> Figures:
    total = Figures()
    for f in figures.values():
        total.arrivals += f.arrivals
        total.served += f.served
        total.unserved += f.unserved
        total.waits += f.waits
    return total


def comparison(config: HallConfig, actual: dict[str, Figures], planned: dict[str, Figures]) -> str:
    """The side-by-side table: per service, then the whole hall."""
    def cells(f: Figures | None) -> list[str]:
        if f is None:
            return ["-"] * 4
        avg, p90 = f.avg(), f.p90()
        return [f"{avg:.1f}" if avg is not None else "-", f"{p90:.1f}" if p90 is not None else "-",
                str(f.served), str(f.unserved)]

    head = ["service", "arrivals", "avg", "p90", "served", "unserved", "|", "plan avg", "p90", "served", "unserved"]
    rows = [head]
    for s in config.services:
        if s.code in actual or s.code in planned:
            a = actual.get(s.code)
            rows.append([s.code, str(a.arrivals if a else 0), *cells(a), "|", *cells(planned.get(s.code))])
    rows.append(["TOTAL", str(total(actual).arrivals), *cells(total(actual)), "|", *cells(total(planned))])
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines) + "\n(waits in minutes, from issue to the first call; recorded day on the left)"


def comparison_view(config: HallConfig, actual: dict[str, Figures], planned: dict[str, Figures]) -> dict[str, Any]:
    """The comparison as data (the console draws it): per service of the hall, recorded beside planned; the total."""
    services = []
    for s in config.services:
        if s.code in actual or s.code in planned:
            services.append({"code": s.code, "name_zh": s.name_zh, "name_en": s.name("en"),
                             "recorded": (actual.get(s.code) or Figures()).view(),
                             "plan": (planned.get(s.code) or Figures()).view()})
    return {"services": services, "total": {"recorded": total(actual).view(), "plan": total(planned).view()}}
