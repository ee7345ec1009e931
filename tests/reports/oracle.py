"""The report figures computed again, independently of server.reports: a replay of the raw event log in order.

Written from the definitions in the README, not from the report code: every event of the store is
replayed once in seq order, keeping each window's signed-in clerk and each ticket's current call.
"""
from __future__ import annotations

import json
import math
import sqlite3
from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

COMPLETED = {"completed", "done"}
ENQUIRY = {"enquiry"}


def pct(values: list[float], p: int) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(p * len(ordered) / 100) - 1]


class Replay:
    def __init__(self, db: str, tz: ZoneInfo, targets: dict[str, float], now: datetime) -> None:
        conn = sqlite3.connect(db)
        conn.row_factory = sqlite3.Row
        self.tz, self.now = tz, now
        self.tickets = {r["id"]: dict(r) for r in conn.execute("SELECT * FROM tickets")}
        self.events = [(r["type"], datetime.fromisoformat(r["at"]), r["ticket_id"], r["window"], json.loads(r["data"]))
                       for r in conn.execute("SELECT * FROM events ORDER BY seq")]
        self.targets = targets
        self.visits: list[dict] = []
        self.legs: list[dict] = []
        self.duties: list[dict] = []
        self.pauses: list[dict] = []
        self._replay()

    def local(self, at: datetime) -> datetime:
        return at.astimezone(self.tz)

    def _replay(self) -> None:
        clerk_at: dict[int, str | None] = {}
        open_leg: dict[str, dict] = {}
        first: dict[str, datetime] = {}
        recalls: dict[str, int] = defaultdict(int)
        transfers: dict[str, int] = defaultdict(int)
        left: dict[str, datetime] = {}
        duty: dict[int, dict] = {}
        for kind, at, tid, window, data in self.events:
            if kind == "clerk_signed_in":
                clerk_at[window] = data["clerk"]
                if window in duty:
                    self._end_duty(duty.pop(window), at)
                duty[window] = {"clerk": data["clerk"], "window": window, "in": at, "pauses": []}
            elif kind == "clerk_signed_out":
                clerk_at[window] = None
                d = duty.pop(window, None)
                if d is not None:
                    if self.local(at).date() == self.local(d["in"]).date():
                        self._end_duty(d, at)
                    else:  # the next day's automatic sign-out is no sign-out
                        self._end_duty(d, None)
            elif kind == "window_paused" and window in duty:
                duty[window]["pauses"].append([data["reason"], at, None])
            elif kind == "window_resumed" and window in duty:
                duty[window]["pauses"][-1][2] = at
            elif kind in ("ticket_called", "ticket_resumed"):
                clerk = data.get("clerk") if kind == "ticket_called" else clerk_at.get(window)
                leg = {"ticket": tid, "window": window, "clerk": clerk, "called": at, "first": tid not in first,
                       "recalls": 0, "started": None, "end": None, "ended": None, "outcome": None}
                first.setdefault(tid, at)
                open_leg[tid] = leg
                self.legs.append(leg)
            elif kind == "ticket_recalled":
                recalls[tid] += 1
                open_leg[tid]["recalls"] += 1
            elif kind == "serving_started":
                open_leg[tid]["started"] = at
            elif kind in ("ticket_finished", "ticket_skipped", "ticket_transferred", "ticket_suspended",
                          "ticket_expired"):
                if kind == "ticket_transferred":
                    transfers[tid] += 1
                if kind == "ticket_expired":
                    left.setdefault(tid, at)
                leg = open_leg.pop(tid, None)
                if leg is not None:
                    leg["end"], leg["ended"] = kind.removeprefix("ticket_"), at
                    if kind == "ticket_finished":
                        leg["outcome"] = data["outcome"]
            elif kind == "ticket_cancelled":
                left.setdefault(tid, at)
        for d in duty.values():
            self._end_duty(d, None, still_open=self.local(d["in"]).date() == self.local(self.now).date())
        for t in self.tickets.values():
            issued = datetime.fromisoformat(t["issued_at"])
            called = first.get(t["id"])
            mine = [leg for leg in self.legs if leg["ticket"] == t["id"]]
            for leg in mine:
                leg["service"], leg["priority"], leg["day"] = (t["origin_service"] or t["service"]), t["priority"], t["day"]
                leg["hour"] = self.local(leg["called"]).hour
                leg["wait"] = (called - issued).total_seconds() if leg["first"] else None
                leg["no_show"] = leg is mine[-1] and leg["end"] == "skipped" and t["status"] == "no_show"
                leg["rating"] = t["rating"] if leg is mine[-1] and leg["end"] == "finished" else None
                leg["service_s"] = ((leg["ended"] - (leg["started"] or leg["called"])).total_seconds()
                                    if leg["end"] == "finished" else None)
            service_s = None
            if t["status"] == "done":
                service_s = (datetime.fromisoformat(t["finished_at"]) - datetime.fromisoformat(t["serving_at"])).total_seconds()
            self.visits.append({
                "day": t["day"], "service": t["origin_service"] or t["service"], "priority": t["priority"],
                "hour": self.local(issued).hour, "weekday": date.fromisoformat(t["day"]).weekday(),
                "status": t["status"], "outcome": t["outcome"], "called": called is not None,
                "wait": (called - issued).total_seconds() if called else None,
                "left": ((left.get(t["id"]) or self.now) - issued).total_seconds() if not called else None,
                "service_s": service_s, "transfers": transfers[t["id"]], "recalls": recalls[t["id"]],
                "rating": t["rating"], "number": t["number"], "reason": t["rating_reason"]})

    def _end_duty(self, d: dict, out: datetime | None, still_open: bool = False) -> None:
        day = self.local(d["in"]).date()
        mine = [leg for leg in self.legs if leg["window"] == d["window"] and leg["clerk"] == d["clerk"]
                and leg["called"] >= d["in"] and (out is None or leg["called"] <= out)]
        if out is not None:
            until, kind = out, "signed_out"
        elif still_open:
            until, kind = self.now, "open"
        else:
            marks = [d["in"]] + [p[1] for p in d["pauses"]] + [p[2] for p in d["pauses"] if p[2]]
            marks += [leg["called"] for leg in mine] + [leg["ended"] for leg in mine
                                                        if leg["ended"] and leg["end"] != "expired"]
            until, kind = max(marks), "none"
        busy = sum(max(0.0, (min(leg["ended"] or until, until) - leg["called"]).total_seconds()) for leg in mine)
        paused = 0.0
        for reason, at, back in d["pauses"]:
            seconds = max(0.0, (min(back or until, until) - at).total_seconds())
            paused += seconds
            self.pauses.append({"day": day.isoformat(), "clerk": d["clerk"], "reason": reason, "s": seconds})
        self.duties.append({"day": day.isoformat(), "clerk": d["clerk"], "window": d["window"], "kind": kind,
                            "in": self.local(d["in"]).strftime("%H:%M"),
                            "duty": (until - d["in"]).total_seconds(), "busy": busy, "paused": paused})

    # ------------------------------------------------------------ figures

    def visit_figures(self, rows: list[dict]) -> dict:
        done = [v for v in rows if v["status"] == "done"]
        waits = [v["wait"] for v in rows if v["wait"] is not None]
        late = [v for v in rows if v["wait"] is None and v["left"] > self.targets[v["service"]]]
        within = [v for v in rows if v["wait"] is not None and v["wait"] <= self.targets[v["service"]]]
        times = [v["service_s"] for v in done]
        f = self._common(done, [v["outcome"] for v in done], waits, times, [v["rating"] for v in done])
        f.update(issued=len(rows), called=sum(v["called"] for v in rows),
                 no_shows=sum(v["status"] == "no_show" for v in rows),
                 cancelled=sum(v["status"] == "cancelled" for v in rows),
                 unserved=sum(v["status"] not in ("done", "no_show", "cancelled") for v in rows),
                 transfers=sum(v["transfers"] for v in rows), recalls=sum(v["recalls"] for v in rows),
                 service_level=len(within) / (len(waits) + len(late)) if waits or late else None)
        f["no_show_rate"] = f["no_shows"] / f["called"] if f["called"] else None
        return f

    def leg_figures(self, rows: list[dict]) -> dict:
        done = [leg for leg in rows if leg["end"] == "finished"]
        waits = [leg["wait"] for leg in rows if leg["wait"] is not None]
        within = [leg for leg in rows if leg["wait"] is not None and leg["wait"] <= self.targets[leg["service"]]]
        f = self._common(done, [leg["outcome"] for leg in done], waits, [leg["service_s"] for leg in done],
                         [leg["rating"] for leg in done])
        f.update(called=len(rows), no_shows=sum(leg["no_show"] for leg in rows),
                 transfers=sum(leg["end"] == "transferred" for leg in rows),
                 recalls=sum(leg["recalls"] for leg in rows), service_level=len(within) / len(waits) if waits else None)
        f["no_show_rate"] = f["no_shows"] / f["called"] if f["called"] else None
        return f

    @staticmethod
    def _common(done: list, outcomes: list, waits: list, times: list, ratings: list) -> dict:
        completed = sum(o in COMPLETED for o in outcomes)
        enquiries = sum(o in ENQUIRY for o in outcomes)
        rated = [r for r in ratings if r is not None and r >= 1]
        f = {"served": len(done), "completion_rate": completed / (len(done) - enquiries) if len(done) > enquiries else None,
             "wait_avg": sum(waits) / len(waits) / 60 if waits else None,
             "wait_p50": pct(waits, 50) / 60 if waits else None, "wait_p90": pct(waits, 90) / 60 if waits else None,
             "wait_max": max(waits) / 60 if waits else None,
             "service_avg": sum(times) / len(times) / 60 if times else None,
             "service_p90": pct(times, 90) / 60 if times else None, "service_max": max(times) / 60 if times else None,
             "rated": len(rated), "rating_rate": len(rated) / len(done) if done else None,
             "good_rate": sum(r >= 3 for r in rated) / len(rated) if rated else None,
             "bad": sum(r <= 2 for r in rated), "unrated": sum(r == 0 for r in ratings if r is not None)}
        for code in ("completed", "accepted", "incomplete", "refused", "enquiry"):
            f[f"out_{code}"] = sum(o == code or (code == "completed" and o == "done") for o in outcomes)
        for level in range(1, 6):
            f[f"r{level}"] = sum(r == level for r in rated)
        return f
