"""`hallq whatif`: replay a recorded business day's own arrivals through the real core with another staffing plan.

Rule: deterministic, no randomness. Each recorded ticket arrives when it was issued, for the
service it was issued for (before any transfer), in its priority class, and keeps its recorded
behaviour: the walk from call to start and the service time of its first visit, or a no-show.
Tickets never served that day get their service's average time. The replay runs the same
Hall (call order, priority ratio, hours, caps) with the plan's windows, hours and services;
the report puts its waits beside what happened.
"""
from __future__ import annotations

import argparse
import heapq
import sqlite3
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import msgspec

from queuecore import errors as E
from queuecore.hall import Hall
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


@dataclass
class Figures:
    arrivals: int = 0
    served: int = 0
    unserved: int = 0  # never called
    waits: list[float] = field(default_factory=list)  # minutes from issue to the first call

    def avg(self) -> float | None:
        return sum(self.waits) / len(self.waits) if self.waits else None

    def p90(self) -> float | None:
        from server.reports import percentile

        return percentile(self.waits, 90) if self.waits else None


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


def load_plan(path: Path) -> Plan:
    with open(path, "rb") as f:
        return msgspec.convert(tomllib.load(f), Plan)


def plan_of_hall(config: HallConfig, start: str = "08:30", serve_until: str = "17:30") -> Plan:
    """The hall's own windows, all staffed: the plan a recorded day is usually compared with."""
    return Plan(start=start, serve_until=serve_until,
                windows=[PlanWindow(id=w.id, services=list(w.services), name=w.name_zh) for w in config.windows])


# ---------------------------------------------------------------- the recorded day


def recorded_day(db: Path, day: date, tz) -> tuple[list[Arrival], dict[str, Figures]]:
    """The day's arrivals and what happened to them (waits to the first call, served, never called)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tickets = conn.execute(
            "SELECT id, number, service, origin_service, priority, issued_at, appointment_start, status FROM tickets "
            "WHERE day = ? ORDER BY issued_at, seq", (day.isoformat(),)).fetchall()
        events: dict[str, list[tuple[str, datetime, str]]] = {}
        for tid, kind, at, data in conn.execute(
                "SELECT ticket_id, type, at, data FROM events WHERE ticket_id IN (SELECT id FROM tickets WHERE day = ?) "
                "ORDER BY seq", (day.isoformat(),)):
            events.setdefault(tid, []).append((kind, datetime.fromisoformat(at), data))
    finally:
        conn.close()
    arrivals, actual = [], {}
    for tid, number, service, origin, priority, issued, appt, status in tickets:
        issued_at = datetime.fromisoformat(issued).astimezone(tz)
        service = origin or service
        evs = events.get(tid, [])
        first_call = next((at for k, at, _ in evs if k == "ticket_called"), None)
        walk, duration, no_show, back_after, transfer_to, second = DEFAULT_WALK, None, False, None, None, None
        if first_call is not None:
            skipped = next((at for k, at, _ in evs if k == "ticket_skipped"), None)
            requeued = next((at for k, at, _ in evs if k == "ticket_requeued"), None)
            starts = [i for i, (k, _, _) in enumerate(evs) if k == "serving_started"]
            no_show = skipped is not None and (not starts or evs[starts[0]][1] > skipped)
            if no_show and requeued is not None:
                back_after = requeued - skipped
            if starts:
                i = starts[0]
                started = evs[i][1]
                called = max(at for k, at, _ in evs[:i] if k in ("ticket_called", "ticket_resumed"))
                walk = started - called
                end = next(((k, at, d) for k, at, d in evs[i + 1:] if k in (
                    "ticket_finished", "ticket_transferred", "ticket_suspended")), None)
                duration = end[1] - started if end else None
                if end and end[0] == "ticket_transferred":
                    transfer_to = msgspec.json.decode(end[2])["to_service"]
                    more = [j for j in starts if j > i]
                    if more:
                        again = next((at for k, at, _ in evs[more[0] + 1:] if k in (
                            "ticket_finished", "ticket_transferred", "ticket_suspended")), None)
                        second = again - evs[more[0]][1] if again else None
        f = actual.setdefault(service, Figures())
        f.arrivals += 1
        if first_call is not None:
            f.waits.append((first_call - issued_at).total_seconds() / 60)
        else:
            f.unserved += 1
        if status == "done":
            f.served += 1
        arrivals.append(Arrival(number=number, service=service, priority=priority, issued_at=issued_at,
                                appointment_start=datetime.fromisoformat(appt).astimezone(tz) if appt else None,
                                walk=walk, duration=duration, no_show=no_show, back_after=back_after,
                                transfer_to=transfer_to, second=second))
    return arrivals, actual


# ---------------------------------------------------------------- the replay


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
        self.open: set[int] = set()
        self.free: set[int] = set()
        self.hours = {w.id: (self.at(w.start or plan.start), self.at(w.until or plan.serve_until))
                      for w in plan.windows}

    def at(self, hhmm: str) -> datetime:
        return datetime.combine(self.day, time.fromisoformat(hhmm), self.tz)

    def schedule(self, when: datetime, kind: str, *args: Any) -> None:
        self._seq += 1
        heapq.heappush(self.queue, (when, self._seq, kind, args))

    def run(self, arrivals: list[Arrival]) -> dict[str, Figures]:
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
        while self.queue:
            self.now, _, kind, args = heapq.heappop(self.queue)
            getattr(self, f"_{kind}")(*args)
            self.hall.take_changes()  # nobody listens: keep memory flat
        for t in self.hall.tickets.values():
            if t.number not in self.called and t.number in self.by_number:
                self.figures[self.by_number[t.number].service].unserved += 1
        return self.figures

    def _arrive(self, a: Arrival) -> None:
        f = self.figures.setdefault(a.service, Figures())
        f.arrivals += 1
        try:
            if a.appointment_start is not None:
                events = self.hall.check_in(f"W{a.number}", self.now)
            else:
                events = self.hall.issue(a.service, self.now, a.priority)
        except E.OutsideHours:
            # Issued that day (in extended hours, 延时服务): issued here too, whatever the hours say.
            self.hall.extended[a.service] = self.at("23:59")
            events = self.hall.issue(a.service, self.now, a.priority)
            del self.hall.extended[a.service]
        number = events[0].number
        self.by_number[number] = a
        for wid in sorted(self.free):
            if a.service in self.hall.window_configs[wid].services:
                self.schedule(self.now, "call", wid)

    def _open(self, wid: int) -> None:
        self.hall.sign_in(wid, f"whatif{wid}", self.now)
        self.open.add(wid)
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
        if called.number not in self.called:
            self.called.add(called.number)
            ticket = self.hall.tickets[called.ticket_id]
            self.figures[a.service].waits.append((self.now - ticket.issued_at).total_seconds() / 60)
        if a.no_show and called.number not in self.skipped:
            self.schedule(self.now + 2 * NO_SHOW_RECALL, "skip", wid, a, called.number)
        else:
            self.schedule(self.now + a.walk, "start", wid, a, called.number)

    def _start(self, wid: int, a: Arrival, number: str) -> None:
        self.hall.start(wid, self.now)
        service = self.hall.by_number[number].service
        took = a.second if number in self.moved else a.duration
        if took is None:
            took = timedelta(minutes=self.hall.services[service].avg_service_minutes)
        self.schedule(self.now + took, "finish", wid, a, number)

    def _finish(self, wid: int, a: Arrival, number: str) -> None:
        if a.transfer_to and number not in self.moved and a.transfer_to in self.hall.services:
            self.moved.add(number)
            self.hall.transfer(wid, a.transfer_to, self.now)
            for other in sorted(self.free):
                if a.transfer_to in self.hall.window_configs[other].services:
                    self.schedule(self.now, "call", other)
        else:
            self.hall.finish(wid, self.now)
            self.figures[a.service].served += 1
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
        service = self.hall.by_number[number].service
        for wid in sorted(self.free):
            if service in self.hall.window_configs[wid].services:
                self.schedule(self.now, "call", wid)

    def _release(self, wid: int) -> None:
        self.free.add(wid)
        self.schedule(self.now, "call", wid)


def whatif(config: HallConfig, db: Path, day: date, plan: Plan) -> tuple[dict[str, Figures], dict[str, Figures]]:
    """(what happened, what the plan would have given) per service, for the recorded day."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(config.timezone)
    arrivals, actual = recorded_day(db, day, tz)
    return actual, Replay(config, plan, day, tz).run(arrivals)


def _total(figures: dict[str, Figures]) -> Figures:
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
    rows.append(["TOTAL", str(_total(actual).arrivals), *cells(_total(actual)), "|", *cells(_total(planned))])
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines) + "\n(waits in minutes, from issue to the first call; recorded day on the left)"


# ---------------------------------------------------------------- CLI


def register(sub: argparse._SubParsersAction) -> None:
    from server.cli import DEFAULT_CONFIG, DEFAULT_DATA

    p = sub.add_parser("whatif", help="replay a recorded day's arrivals with another staffing plan (deterministic)")
    p.add_argument("--day", required=True, type=date.fromisoformat, help="YYYY-MM-DD: a day in the store")
    p.add_argument("--plan", required=True, type=Path, help="staffing plan TOML: start, serve_until, [[windows]] "
                                                            "id, services, start, until")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="data directory holding hallq.db")
    p.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="the hall config (services, rules)")
    p.set_defaults(func=run_whatif)


def run_whatif(args: argparse.Namespace) -> int:
    import sys

    from queuecore.config import ConfigError, load_config

    try:
        config = load_config(str(args.config))
        plan = load_plan(args.plan)
    except (ConfigError, OSError, tomllib.TOMLDecodeError, msgspec.ValidationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    unknown = sorted({s for w in plan.windows for s in w.services} - {s.code for s in config.services})
    if unknown:
        print(f"error: {args.plan}: no such services: {', '.join(unknown)}", file=sys.stderr)
        return 2
    db = args.data / "hallq.db"
    if not db.exists():
        print(f"error: no store at {db}", file=sys.stderr)
        return 2
    actual, planned = whatif(config, db, args.day, plan)
    if not actual:
        print(f"error: the store has no tickets of {args.day}", file=sys.stderr)
        return 1
    print(f"what if {args.day} had been staffed by {args.plan.name} ({len(plan.windows)} windows):")
    print(comparison(config, actual, planned))
    return 0
