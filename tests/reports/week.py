"""A seeded business week against the real server (hallq.simulation), with what appraisal needs besides the queue:
lunch sign-out and back (两签到两签退), pauses with reasons, outcomes of every class, comments on low ratings,
cancellations, tickets left unserved at close and one clerk who forgets to sign out."""
from __future__ import annotations

import asyncio
import tomllib
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hallq.simulation import SimClock, Simulation, http_sender, load_simulation, sim_clerk
from queuecore.config import parse_config

HALL = Path(__file__).parent / "data" / "week-hall.toml"
MONDAY = date(2026, 11, 16)
WEEK = [MONDAY + timedelta(days=i) for i in range(5)]  # Mon-Fri; Friday is the store's current (live) day
OUTCOMES = {"completed": 0.6, "accepted": 0.15, "incomplete": 0.1, "refused": 0.05, "enquiry": 0.1}
PAUSES = {1: ("10:05", "休息"), 2: ("10:40", "业务咨询"), 3: ("15:20", "休息")}
FORGETS_SIGN_OUT = 3  # this window's clerk never signs out in the evening (未签退)


class WeekDay(Simulation):
    """One day of the week; breaks wait until the window is free (a window never leaves a citizen standing)."""

    def __init__(self, *args, **kw) -> None:
        super().__init__(*args, **kw)
        self.away: set[int] = set()
        self.pending: dict[int, list[tuple[str, tuple]]] = {}
        self.numbers: list[str] = []
        self.on_issued = lambda reply: self.numbers.append(reply["ticket"]["number"])

    async def call(self, method: str, path: str, token: str, body: dict | None = None):
        if path.endswith("/finish"):
            body = {"outcome": self.rng.choices(list(OUTCOMES), weights=list(OUTCOMES.values()))[0]}
        elif path.endswith("/rate") and body and body.get("level") in (1, 2) and self.rng.random() < 0.6:
            body = {**body, "comment": self.rng.choice(["等了很久", "材料说明不清楚", "态度不好"])}
        return await super().call(method, path, token, body)

    async def run(self):
        for w in self.windows:
            self._later("12:00", "break_", w.id, "lunch")
            self._later("13:00", "back", w.id, "lunch")
            if w.id in PAUSES:
                at, reason = PAUSES[w.id]
                self._later(at, "break_", w.id, "pause", reason)
            if w.id != FORGETS_SIGN_OUT:
                self._later("17:40", "break_", w.id, "sign_out")
        for hhmm in ("09:20", "11:10", "14:45", "16:30"):
            self._later(hhmm, "cancel")
        return await super().run()

    def _later(self, hhmm: str, kind: str, *args) -> None:
        self.schedule(datetime.combine(self.day, time.fromisoformat(hhmm), self.tz), kind, *args)

    async def _break_(self, wid: int, what: str, reason: str = "") -> None:
        if wid in self.idle:
            await self._leave(wid, what, reason)
        else:  # taken when the current visit ends (see _try_call)
            self.pending.setdefault(wid, []).append((what, (reason,)))

    async def _leave(self, wid: int, what: str, reason: str) -> None:
        self.idle.discard(wid)
        self.away.add(wid)
        token = f"window{wid}"
        if what == "pause":
            await self.call("POST", f"/api/windows/{wid}/pause", token, {"reason": reason})
            self.schedule(self.t + timedelta(minutes=12), "back", wid, "pause")
        else:
            await self.call("POST", f"/api/windows/{wid}/sign-out", token, {})

    async def _back(self, wid: int, what: str) -> None:
        if wid not in self.away:
            return
        token = f"window{wid}"
        if what == "pause":
            await self.call("POST", f"/api/windows/{wid}/resume", token, {})
        else:
            staff, _, pin = sim_clerk(wid)
            await self.call("POST", f"/api/windows/{wid}/sign-in", token, {"staff_id": staff, "pin": pin})
        self.away.discard(wid)
        self._free(wid)

    async def _try_call(self, wid: int) -> None:
        if wid in self.away:
            return
        if self.pending.get(wid) and wid in self.idle:
            what, (reason,) = self.pending[wid].pop(0)
            await self._leave(wid, what, reason)
            return
        await super()._try_call(wid)

    async def _cancel(self) -> None:
        if self.numbers:
            number = self.rng.choice(self.numbers[-5:])
            await self.call("POST", f"/api/tickets/{number}/cancel", "admin", {"reason": "群众离开"})


async def simulate_week(data: Path, seed: int = 7) -> None:
    """Mon-Fri into one data dir, each day a real server whose clock is the simulation's."""
    import aiohttp

    from server.app import ServerConfig
    from server.cli import enroll_clerk, issue_token, open_store
    from server.runner import start

    doc = tomllib.loads(HALL.read_text(encoding="utf-8"))
    hall, sim = parse_config(doc), load_simulation(doc)
    tz = ZoneInfo(hall.timezone)
    with open_store(data) as store:
        tokens = {"kiosk": issue_token(store, "kiosk", "kiosk", None),
                  "admin": issue_token(store, "admin", "admin", None)}
        for w in sim.windows:
            tokens[f"window{w}"] = issue_token(store, "window", f"window{w}", w)
            staff, name, pin = sim_clerk(w)
            enroll_clerk(store, staff, name, pin)
    for n, day in enumerate(WEEK):
        clock = SimClock(datetime.combine(day, time(8, 0), tz))
        cfg = ServerConfig(hall=hall, data_dir=data, durable=False, kiosk_issue_limit=1_000_000)
        runner, port = await start(cfg, "127.0.0.1", 0, clock=clock)
        try:
            async with aiohttp.ClientSession() as session:
                await WeekDay(hall, sim, day, seed + n, clock, http_sender(session, f"http://127.0.0.1:{port}"),
                              tokens).run()
        finally:
            await runner.cleanup()


if __name__ == "__main__":
    import sys

    asyncio.run(simulate_week(Path(sys.argv[1])))
