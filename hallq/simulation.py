"""`hallq simulate`: a simulated business day against the real hall server, deterministic for a seed.

A discrete-event simulation: citizens arrive (Poisson per service, shaped by an hourly
profile), clerks call, citizens walk up or do not show, are served for a lognormal time,
some are transferred, most rate the visit. Every step is a real HTTP request to a real
server on 127.0.0.1 whose clock is the simulation's clock, one request at a time, so the
same seed gives the same day.
"""
from __future__ import annotations

import argparse
import asyncio
import heapq
import math
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time as dtime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

SIM_PIN = "2468"  # the simulated clerks' PIN


def sim_clerk(window: int) -> tuple[str, str, str]:
    """Staff id, name and PIN of the simulated clerk at a window."""
    return f"sim{window}", f"模拟坐席{window}", SIM_PIN


def http_sender(session, base: str) -> Callable[..., Any]:
    """send(method, path, token, body) -> (status, JSON) against the hall server at `base`."""
    async def send(method: str, path: str, token: str, body: dict | None) -> tuple[int, Any]:
        async with session.request(method, base + path, json=body, headers={"Authorization": f"Bearer {token}"}) as r:
            return r.status, await r.json()

    return send


DEFAULT_PROFILE = {8: 0.9, 9: 1.4, 10: 1.5, 11: 1.1, 12: 0.2, 13: 0.8, 14: 1.2, 15: 1.1, 16: 0.8, 17: 0.3}
DEFAULT_RATINGS = {5: 0.68, 4: 0.18, 3: 0.07, 2: 0.03, 1: 0.02, 0: 0.02}


class SimulationConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The [simulation] table of a hall config; every field has a default."""

    tickets_per_day: int = 1000  # spread over services by daily cap (or evenly) unless arrivals_per_hour says
    arrivals_per_hour: dict[str, float] = {}  # per service, at profile 1.0
    hourly_profile: dict[int, float] = msgspec.field(default_factory=lambda: dict(DEFAULT_PROFILE))  # hour -> rate x
    opens: str = "08:30"
    closes: str = "17:30"  # no arrivals after this; the windows finish the queue ...
    serve_until: str = "20:00"  # ... but call nobody after this (the rest count as unserved)
    windows: list[int] = []  # staffed windows; empty: all
    service_time_cv: float = 0.6  # spread of the lognormal service time around avg_service_minutes
    walk_minutes: float = 1.0  # from hearing the call to standing at the window
    no_show: float = 0.05
    late_return: float = 0.4  # of the no-shows, those who come back within the grace
    transfer: float = 0.03
    green: float = 0.05  # share of arrivals with a 绿色通道 ticket
    ratings: dict[int, float] = msgspec.field(default_factory=lambda: dict(DEFAULT_RATINGS))  # 0 = left unrated


@dataclass
class ServiceFigures:
    arrivals: int = 0
    refused: int = 0
    served: int = 0
    no_shows: int = 0
    transfers_out: int = 0
    unserved: int = 0  # still waiting when the windows stopped calling
    waits: list[float] = field(default_factory=list)  # minutes from arrival to first call


@dataclass
class DayResult:
    day: date
    seed: int
    figures: dict[str, ServiceFigures]
    requests: int
    elapsed_s: float
    last_event: datetime | None
    ratings: dict[int, int]

    def rows(self) -> list[tuple[str, ...]]:
        from server.reports import percentile

        def row(label: str, f: ServiceFigures) -> tuple[str, ...]:
            return (label, str(f.arrivals), str(f.served), str(f.no_shows), str(f.transfers_out), str(f.unserved),
                    f"{sum(f.waits) / len(f.waits):.1f}" if f.waits else "-", f"{percentile(f.waits, 90) or 0.0:.1f}")

        total = ServiceFigures()
        for f in self.figures.values():
            for name in ("arrivals", "refused", "served", "no_shows", "transfers_out", "unserved"):
                setattr(total, name, getattr(total, name) + getattr(f, name))
            total.waits += f.waits
        return [*(row(code, f) for code, f in self.figures.items()), row("TOTAL", total)]

    def table(self) -> str:
        head = ("service", "arrivals", "served", "no-shows", "transfers", "unserved", "avg wait min", "p90 wait min")
        rows = [head, *self.rows()]
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
                 for r in rows]
        lines.insert(1, "-" * len(lines[0]))
        return "\n".join(lines)


class SimClock:
    """The simulation's time, which the in-process server reads as its clock (jumps from event to event)."""

    scale = 1.0  # simulated minutes per measured minute

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    async def advance_to(self, when: datetime) -> None:
        self.now = max(self.now, when)


class LiveClock(SimClock):
    """The demo's crowd: the server keeps the real clock, while simulated time runs `speed` times
    faster (a day's visitors in minutes). Events wait for their real moment; measured real
    durations are scaled back to simulated minutes."""

    def __init__(self, sim_start: datetime, speed: float) -> None:
        super().__init__(sim_start)
        self.speed = speed
        self.scale = speed
        self._t0 = time.monotonic()

    def __call__(self) -> datetime:
        return datetime.now(self.now.tzinfo)

    async def advance_to(self, when: datetime) -> None:
        due = self._t0 + (when - self.now).total_seconds() / self.speed
        wait = due - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)


def load_simulation(doc: dict[str, Any]) -> SimulationConfig:
    try:
        return msgspec.convert(doc.get("simulation", {}), SimulationConfig, strict=False)
    except msgspec.ValidationError as exc:
        raise ValueError(f"[simulation]: {exc}") from None


class Simulation:
    """One business day. `send(method, path, token, body)` does the HTTP; the clock is set before each call."""

    def __init__(self, hall, sim: SimulationConfig, day: date, seed: int, clock: SimClock,
                 send: Callable[..., Any], tokens: dict[str, str]) -> None:
        self.hall, self.sim, self.day, self.clock, self.send, self.tokens = hall, sim, day, clock, send, tokens
        self.rng = random.Random(seed)
        self.seed = seed
        self.tz = ZoneInfo(hall.timezone)
        self.queue: list[tuple[datetime, int, str, tuple]] = []
        self.seq = 0
        self.figures = {s.code: ServiceFigures() for s in hall.services}
        self.ratings: dict[int, int] = {}
        self.windows = [w for w in hall.windows if not sim.windows or w.id in sim.windows]
        self.idle: set[int] = set()
        self.current: dict[int, dict] = {}
        self.called_once: set[str] = set()
        self.clerk_ids: dict[int, tuple[str, str]] = {}  # window -> (staff id, PIN); default sim_clerk()
        self.on_issued: Callable[[dict], None] | None = None  # each IssuedTicket reply, e.g. to print it
        self.requests = 0
        self.last_event: datetime | None = None
        green = [p.code for p in hall.priorities if p.kind == "priority"]
        self.green_class = green[0] if green else None

    def at(self, hhmm: str) -> datetime:
        return datetime.combine(self.day, dtime.fromisoformat(hhmm), self.tz)

    def schedule(self, when: datetime, kind: str, *args: Any) -> None:
        self.seq += 1
        heapq.heappush(self.queue, (when, self.seq, kind, args))

    def rates(self) -> dict[str, float]:
        """Arrivals per hour at profile 1.0, per service."""
        if self.sim.arrivals_per_hour:
            return {s.code: self.sim.arrivals_per_hour.get(s.code, 0.0) for s in self.hall.services}
        weights = {s.code: float(s.daily_cap or 100) for s in self.hall.services}
        opens, closes = self.at(self.sim.opens), self.at(self.sim.closes)
        profile_hours = sum(self.profile(opens + timedelta(minutes=m)) for m in
                            range(0, int((closes - opens).total_seconds() // 60))) / 60
        total = sum(weights.values())
        return {c: self.sim.tickets_per_day * w / total / max(profile_hours, 1e-9) for c, w in weights.items()}

    def profile(self, t: datetime) -> float:
        return self.sim.hourly_profile.get(t.hour, 0.0)

    async def call(self, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, Any]:
        self.requests += 1
        return await self.send(method, path, self.tokens[token], body)

    # ------------------------------------------------------------ the day

    async def run(self) -> DayResult:
        started = time.perf_counter()
        opens, closes = self.at(self.sim.opens), self.at(self.sim.closes)
        self.t = opens - timedelta(minutes=30)
        await self.clock.advance_to(self.t)
        for w in self.windows:
            staff, _, default_pin = sim_clerk(w.id)
            staff, pin = self.clerk_ids.get(w.id, (staff, default_pin))
            status, _ = await self.call("POST", f"/api/windows/{w.id}/sign-in", f"window{w.id}",
                                        {"staff_id": staff, "pin": pin})
            assert status == 200, f"window {w.id} could not sign in"
            self.idle.add(w.id)
        # Arrivals: a thinned Poisson process per service (rate follows the hourly profile).
        peak = max(self.sim.hourly_profile.values() or [1.0])
        for code, rate in self.rates().items():
            t = opens
            while rate > 0:
                t += timedelta(hours=self.rng.expovariate(rate * peak))
                if t >= closes:
                    break
                if self.rng.random() < self.profile(t) / peak:
                    self.schedule(t, "arrive", code)
        for w in self.windows:
            self.schedule(opens, "try_call", w.id)
        for _ in range(1_000_000):  # bounded: a day has far fewer events
            if not self.queue:
                break
            when, _, kind, args = heapq.heappop(self.queue)
            await self.clock.advance_to(when)
            self.t = self.last_event = when
            await getattr(self, f"_{kind}")(*args)
        status, snap = await self.call("GET", "/api/hall", "kiosk")
        for t in snap["tickets"] if status == 200 else []:
            if t["status"] == "waiting":
                self.figures[t["service"]].unserved += 1
        return DayResult(day=self.day, seed=self.seed, figures=self.figures, requests=self.requests,
                         elapsed_s=time.perf_counter() - started, last_event=self.last_event, ratings=self.ratings)

    async def _arrive(self, service: str) -> None:
        body: dict[str, Any] = {"service": service}
        if self.green_class and self.rng.random() < self.sim.green:
            body["priority"] = self.green_class
        status, reply = await self.call("POST", "/api/tickets", "kiosk", body)
        f = self.figures[service]
        if status != 200:
            f.refused += 1
            return
        f.arrivals += 1
        if self.on_issued is not None:
            self.on_issued(reply)
        for w in self.windows:
            if w.id in self.idle and service in w.services:
                self.schedule(self.t, "try_call", w.id)

    async def _try_call(self, wid: int) -> None:
        if wid not in self.idle or self.t >= self.at(self.sim.serve_until):
            return
        status, reply = await self.call("POST", f"/api/windows/{wid}/call-next", f"window{wid}", {})
        if status != 200:
            return  # nothing waiting: an arrival wakes this window again
        self.idle.discard(wid)
        ticket = reply["ticket"]
        self.current[wid] = ticket
        if ticket["number"] not in self.called_once:  # the wait ends at the first call
            self.called_once.add(ticket["number"])
            waited = datetime.fromisoformat(ticket["called_at"]) - datetime.fromisoformat(ticket["arrival_at"])
            self.figures[self._origin(ticket)].waits.append(waited.total_seconds() / 60 * self.clock.scale)
        if self.rng.random() < self.sim.no_show:
            self.schedule(self.t + timedelta(minutes=1), "recall", wid)
        else:
            self.schedule(self.t + timedelta(minutes=self.rng.uniform(0.3, 2 * self.sim.walk_minutes)),
                          "start", wid)

    def _origin(self, ticket: dict) -> str:
        return ticket.get("origin_service") or ticket["service"]

    async def _recall(self, wid: int) -> None:
        await self.call("POST", f"/api/windows/{wid}/recall", f"window{wid}", {})
        self.schedule(self.t + timedelta(minutes=1), "skip", wid)

    async def _skip(self, wid: int) -> None:
        ticket = self.current.pop(wid)
        await self.call("POST", f"/api/windows/{wid}/skip", f"window{wid}", {})
        if self.rng.random() < self.sim.late_return:
            grace = self.hall.rules.skip_grace_minutes
            self.schedule(self.t + timedelta(minutes=self.rng.uniform(2, max(3, grace - 2))), "late",
                          wid, ticket["number"], ticket["service"])
        else:
            self.figures[self._origin(ticket)].no_shows += 1
        self._free(wid)

    async def _late(self, wid: int, number: str, service: str) -> None:
        status, _ = await self.call("POST", f"/api/windows/{wid}/requeue", f"window{wid}", {"number": number})
        if status != 200:
            self.figures[service].no_shows += 1
            return
        for w in self.windows:
            if w.id in self.idle and service in w.services:
                self.schedule(self.t, "try_call", w.id)

    async def _start(self, wid: int) -> None:
        await self.call("POST", f"/api/windows/{wid}/start", f"window{wid}", {})
        ticket = self.current[wid]
        svc = next(s for s in self.hall.services if s.code == ticket["service"])
        mean, cv = svc.avg_service_minutes, self.sim.service_time_cv
        sigma = math.sqrt(math.log(1 + cv * cv))
        minutes = self.rng.lognormvariate(math.log(mean) - sigma * sigma / 2, sigma)
        self.schedule(self.t + timedelta(minutes=max(0.5, minutes)), "finish", wid)

    async def _finish(self, wid: int) -> None:
        ticket = self.current.pop(wid)
        origin = self._origin(ticket)
        others = [s.code for s in self.hall.services if s.code != ticket["service"]]
        if others and ticket["transfers"] == 0 and self.rng.random() < self.sim.transfer:
            target = self.rng.choice(others)
            status, _ = await self.call("POST", f"/api/windows/{wid}/transfer", f"window{wid}", {"service": target})
            if status == 200:
                self.figures[origin].transfers_out += 1
                for w in self.windows:
                    if w.id in self.idle and target in w.services:
                        self.schedule(self.t, "try_call", w.id)
                self._free(wid)
                return
        await self.call("POST", f"/api/windows/{wid}/finish", f"window{wid}", {"outcome": "completed"})
        self.figures[origin].served += 1
        level = self.rng.choices(list(self.sim.ratings), weights=list(self.sim.ratings.values()))[0]
        body = {"number": ticket["number"], "level": level}
        if level in (1, 2):
            body["reason"] = self.rng.choice(self.hall.rating_reasons)
        status, _ = await self.call("POST", f"/api/windows/{wid}/rate", f"window{wid}", body)
        if status == 200:
            self.ratings[level] = self.ratings.get(level, 0) + 1
        self._free(wid)

    def _free(self, wid: int) -> None:
        self.idle.add(wid)
        self.schedule(self.t, "try_call", wid)


async def simulate_day(config_path: Path, *, seed: int = 1, day: date | None = None, tickets: int | None = None,
                       data_dir: Path | None = None, keep_hours: bool = True, speed: float | None = None,
                       sim: SimulationConfig | None = None) -> DayResult:
    """Start a real server in this process on 127.0.0.1 (clock = the simulation's), provision it, run the day.

    speed None: as fast as the server answers, the server's clock jumping with the simulation;
    a number: the server keeps real time and the simulated day runs that many times faster."""
    import tomllib

    import aiohttp

    from queuecore.config import issuing_at_any_hour, parse_config
    from server.app import ServerConfig
    from server.cli import enroll_clerk, issue_token, open_store
    from server.runner import start

    doc = tomllib.loads(config_path.read_text(encoding="utf-8"))
    hall = parse_config(doc)
    sim = sim or load_simulation(doc)
    if speed is not None:  # the server's real clock: any hour is an issuing hour
        keep_hours = False
    if tickets is not None:
        sim = msgspec.structs.replace(sim, tickets_per_day=tickets, arrivals_per_hour={})
    if not keep_hours:
        hall = issuing_at_any_hour(hall)
    day = day or datetime.now(ZoneInfo(hall.timezone)).date()
    tmp = None
    if data_dir is None:
        tmp = tempfile.mkdtemp(prefix="hallq-sim-")
        data_dir = Path(tmp) / "data"
    staffed = [w for w in hall.windows if not sim.windows or w.id in sim.windows]
    with open_store(data_dir) as store:
        tokens = {"kiosk": issue_token(store, "kiosk", "sim-kiosk", None)}
        for w in staffed:
            tokens[f"window{w.id}"] = issue_token(store, "window", f"sim-window{w.id}", w.id)
            enroll_clerk(store, *sim_clerk(w.id))
    begin = datetime.combine(day, dtime.fromisoformat(sim.opens), ZoneInfo(hall.timezone)) - timedelta(minutes=30)
    clock = SimClock(begin) if speed is None else LiveClock(begin, speed)
    cfg = ServerConfig(hall=hall, data_dir=data_dir, durable=False, kiosk_issue_limit=1_000_000)
    runner, port = await start(cfg, "127.0.0.1", 0, clock=clock)
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:
            result = await Simulation(hall, sim, day, seed, clock, http_sender(session, base), tokens).run()
    finally:
        await runner.cleanup()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return result


def register(sub: argparse._SubParsersAction) -> None:
    from server.cli import DEFAULT_CONFIG

    p = sub.add_parser("simulate", help="simulate a business day against a real in-process server")
    p.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="hall config (its [simulation] table is used)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--day", type=date.fromisoformat, help="YYYY-MM-DD (default: today)")
    p.add_argument("--tickets", type=int, help="arrivals over the day (overrides [simulation])")
    p.add_argument("--data", type=Path, help="keep the day's store here (default: a temporary dir)")
    p.set_defaults(func=run_simulate)


def run_simulate(args: argparse.Namespace) -> int:
    import logging

    from server.runner import run

    logging.getLogger("hallq.server").setLevel(logging.WARNING)  # a day is ~10,000 commands
    if args.data and args.data.exists():
        print(f"error: {args.data} exists; give a new directory")
        return 2
    holder: list[DayResult] = []

    async def main() -> None:
        holder.append(await simulate_day(args.config, seed=args.seed, day=args.day, tickets=args.tickets,
                                         data_dir=args.data))

    run(main())
    r = holder[0]
    print(f"simulated {r.day} (seed {r.seed}): {r.requests:,} requests in {r.elapsed_s:.1f} s; "
          f"last event {r.last_event:%H:%M}")
    print(r.table())
    rated = sum(v for k, v in r.ratings.items() if k)
    if rated:
        good = sum(v for k, v in r.ratings.items() if k >= 4)
        print(f"ratings: {rated} rated, {good / rated:.0%} 满意 or better, {r.ratings.get(0, 0)} 未评价")
    return 0
