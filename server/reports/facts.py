"""Facts of one business day, derived from its stored tickets and events: one row per visit, per leg, per duty, per pause.

Rule: a closed day (the store has started a later one) never changes, so its facts are built
once and kept in the report_* tables; the current day's are rebuilt at every request (live).

- visit: a ticket, attributed to the service it was issued for (before any transfer), its
  priority class and the hour it was issued. Its wait runs from issue to its FIRST call
  (a requeue or a transfer does not restart it); its service time is the finishing leg's
  (start of serving, or the call when serving was never started, to finish).
  一票到底: each step of a bundle ticket is a visit of its own, of the step's service, with its own
  outcome, window, clerk, service time and rating; a later step is "issued" when the step before it
  finished (its queue entry), and its wait runs from there to its first call.
- leg: a visit's stay at one window, from a call (or a resume) to its end there: finished,
  skipped (过号), transferred, suspended, expired (still open when the day ended) or open (now).
  Window and clerk figures are counted over legs.
- duty: a clerk's sign-in to sign-out at one window (两签到两签退: several a day). A duty with
  no sign-out that day ends at the clerk's last activity there ("none"; the next day's
  automatic sign-out is not a sign-out), or now for today ("open").
- pause: a window's pause, by reason, from pause to resume (or to the end of the duty).
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import msgspec

FACTS_VERSION = 2  # bump when the definitions change: kept days of an older version are rebuilt

VISIT_COLUMNS = ("day", "ticket_id", "number", "service", "priority", "hour", "weekday", "status", "outcome",
                 "window", "clerk", "called", "wait_s", "gone_s", "service_s", "transfers", "recalls", "rating")
LEG_COLUMNS = ("day", "ticket_id", "service", "priority", "hour", "weekday", "window", "clerk", "first",
               "wait_s", "end", "outcome", "no_show", "recalls", "busy_s", "service_s", "rating")
DUTY_COLUMNS = ("day", "clerk", "window", "signed_in", "signed_out", "out_kind", "duty_s", "busy_s", "paused_s")
PAUSE_COLUMNS = ("day", "clerk", "window", "reason", "paused_at", "paused_s")
TABLES = {"visits": VISIT_COLUMNS, "legs": LEG_COLUMNS, "duty": DUTY_COLUMNS, "pauses": PAUSE_COLUMNS}
_TEXT = {"day", "ticket_id", "number", "service", "priority", "status", "outcome", "clerk", "end", "signed_in",
         "signed_out", "out_kind", "reason", "paused_at"}
_REAL = {"wait_s", "gone_s", "service_s", "busy_s", "duty_s", "paused_s"}


def column_types(columns: tuple[str, ...]) -> str:
    return ", ".join(f'"{c}" {"TEXT" if c in _TEXT else "REAL" if c in _REAL else "INTEGER"}' for c in columns)


WINDOW_EVENTS = ("clerk_signed_in", "clerk_signed_out", "window_paused", "window_resumed")
_LEG_END = {"ticket_finished": "finished", "ticket_skipped": "skipped", "ticket_transferred": "transferred",
            "ticket_suspended": "suspended", "ticket_expired": "expired"}


@dataclass
class DayFacts:
    day: date
    visits: list[tuple] = field(default_factory=list)
    legs: list[tuple] = field(default_factory=list)
    duty: list[tuple] = field(default_factory=list)
    pauses: list[tuple] = field(default_factory=list)

    def rows(self) -> dict[str, list[tuple]]:
        return {"visits": self.visits, "legs": self.legs, "duty": self.duty, "pauses": self.pauses}


@dataclass
class _Leg:
    ticket: str
    window: int | None
    clerk: str | None
    called: datetime
    first: bool
    started: datetime | None = None
    end: str = "open"
    ended: datetime | None = None
    outcome: str | None = None
    recalls: int = 0


@dataclass
class _Step:
    """一票到底: one step of a ticket (a ticket of one service has one), from its queue entry (None: the issue)."""

    service: str | None = None
    since: datetime | None = None
    legs: list[_Leg] = field(default_factory=list)
    recalls: int = 0
    transfers: int = 0
    outcome: str | None = None
    rating: int | None = None


def _seconds(a: datetime | None, b: datetime | None) -> float | None:
    return None if a is None or b is None else (b - a).total_seconds()


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tz)
    return start, datetime.combine(day + timedelta(days=1), time(0), tz)


def _window_clerks(window_events: list[tuple[datetime, str, int, dict]]) -> dict[int, list[tuple[datetime, str | None]]]:
    """Per window, who was signed in from when: [(at, clerk or None)] in time order."""
    out: dict[int, list[tuple[datetime, str | None]]] = {}
    for at, kind, window, data in window_events:
        if kind == "clerk_signed_in":
            out.setdefault(window, []).append((at, data.get("clerk")))
        elif kind == "clerk_signed_out":
            out.setdefault(window, []).append((at, None))
    return out


def _clerk_at(timeline: dict[int, list[tuple[datetime, str | None]]], window: int | None, at: datetime) -> str | None:
    who = None
    for when, clerk in timeline.get(window, ()):
        if when > at:
            break
        who = clerk
    return who


def build_day(conn: sqlite3.Connection, day: date, tz: ZoneInfo, now: datetime | None = None) -> DayFacts:
    """The facts of `day` from the raw rows. `now`: the request's time for a live day (open legs,
    duties and pauses end there); None for a closed day."""
    facts = DayFacts(day)
    prefix = day.strftime("%Y%m%d")
    start, end = day_bounds(day, tz)
    # Ticket ids start with their day: the ticket_id index finds a day's ticket events, the
    # next morning's expiries included.
    # Only two details are read from the event bodies: who called, and the outcome recorded.
    ticket_events = conn.execute(
        "SELECT type, at, ticket_id, window, CASE type WHEN 'ticket_called' THEN json_extract(data, '$.clerk') "
        "WHEN 'ticket_finished' THEN json_extract(data, '$.outcome') "
        "WHEN 'ticket_issued' THEN json_extract(data, '$.service') "
        "WHEN 'bundle_step_reached' THEN json_extract(data, '$.to_service') "
        "WHEN 'visit_rated' THEN json_extract(data, '$.level') END FROM events "
        "WHERE ticket_id >= ? AND ticket_id < ? ORDER BY seq", (prefix + "-", prefix + ".")).fetchall()
    # Stored times carry their offset; read a wider text range, then keep the day's own.
    lo, hi = (start - timedelta(days=1)).date().isoformat(), (end + timedelta(days=1)).date().isoformat()
    marks = ", ".join("?" for _ in WINDOW_EVENTS)
    window_events = []
    for kind, at_text, window, data in conn.execute(
            f"SELECT type, at, window, data FROM events WHERE at >= ? AND at < ? AND type IN ({marks}) ORDER BY seq",
            (lo, hi, *WINDOW_EVENTS)):
        at = datetime.fromisoformat(at_text)
        if start <= at < end:
            window_events.append((at, kind, window, msgspec.json.decode(data)))
    timeline = _window_clerks(window_events)
    tickets = conn.execute(
        "SELECT id, number, COALESCE(origin_service, service), service, priority, status, issued_at, serving_at, "
        "finished_at, outcome, window, clerk, transfers, rating FROM tickets WHERE day = ?",
        (day.isoformat(),)).fetchall()

    per_ticket: dict[str, list[tuple]] = {}
    for row in ticket_events:
        per_ticket.setdefault(row[2], []).append(row)
    steps_by_ticket: dict[str, list[_Step]] = {}
    gone: dict[str, datetime] = {}
    for tid, rows in per_ticket.items():
        steps = [_Step()]
        leg: _Leg | None = None
        for kind, at_text, _, window, detail in rows:
            step = steps[-1]
            if kind == "ticket_issued":
                step.service = detail
            elif kind == "bundle_step_reached":  # 一票到底: the next step is a visit of its own from here
                steps.append(_Step(detail, datetime.fromisoformat(at_text)))
                leg = None
            elif kind == "visit_rated":
                # A step's rating comes while the ticket waits for its next step (before that step's first call).
                if len(steps) > 1 and not step.legs and detail is not None:
                    steps[-2].rating = int(detail)
            elif kind in ("ticket_called", "ticket_resumed"):
                at = datetime.fromisoformat(at_text)
                clerk = detail if kind == "ticket_called" else _clerk_at(timeline, window, at)
                leg = _Leg(tid, window, clerk, at, first=not step.legs)
                step.legs.append(leg)
            elif kind == "ticket_recalled":
                step.recalls += 1
                if leg is not None:
                    leg.recalls += 1
            elif kind == "serving_started":
                if leg is not None:
                    leg.started = datetime.fromisoformat(at_text)
            elif kind in _LEG_END:
                at = datetime.fromisoformat(at_text)
                if kind == "ticket_expired":
                    gone.setdefault(tid, at)
                elif kind == "ticket_transferred":
                    step.transfers += 1
                elif kind == "ticket_finished":
                    step.outcome = detail
                if leg is not None:
                    leg.end, leg.ended = _LEG_END[kind], at
                    if kind == "ticket_finished":
                        leg.outcome = detail
                    leg = None
            elif kind == "ticket_cancelled":
                gone.setdefault(tid, datetime.fromisoformat(at_text))
        steps_by_ticket[tid] = steps

    weekday = day.weekday()
    iso = day.isoformat()
    for (tid, number, origin, _service, priority, status, issued_text, serving_text, finished_text, outcome,
         window, clerk, transfers, rating) in tickets:
        issued = datetime.fromisoformat(issued_text)
        steps = steps_by_ticket.get(tid) or [_Step()]
        bundle = len(steps) > 1
        if outcome in ("cancelled", "expired"):
            outcome = None  # what happened is in the status; an outcome is what a finish recorded
        for k, step in enumerate(steps):
            last = k == len(steps) - 1
            since = step.since or issued
            service = (step.service or origin) if bundle else origin
            called = step.legs[0].called if step.legs else None
            wait = _seconds(since, called)
            left = None
            if last:
                if called is None:
                    left = _seconds(since, gone.get(tid) or now)
                service_s = _seconds(_dt(serving_text), _dt(finished_text)) if status == "done" else None
                v_status, v_outcome, v_window, v_clerk, v_rating = status, outcome, window, clerk, rating
                v_transfers = step.transfers if bundle else transfers or 0
            else:  # a finished step: what its finishing leg recorded
                done = step.legs[-1] if step.legs else None
                service_s = _seconds(done.started or done.called, done.ended) if done else None
                v_status, v_outcome, v_rating, v_transfers = "done", step.outcome, step.rating, step.transfers
                v_window, v_clerk = (done.window, done.clerk) if done else (None, None)
            facts.visits.append((iso, tid, number, service, priority, since.astimezone(tz).hour, weekday, v_status,
                                 v_outcome, v_window, v_clerk, int(called is not None), wait, left, service_s,
                                 v_transfers, step.recalls, v_rating))
            for leg in step.legs:
                final = leg is step.legs[-1]
                ended = leg.ended or now
                busy = _seconds(leg.called, ended)
                leg_service = _seconds(leg.started or leg.called, leg.ended) if leg.end == "finished" else None
                facts.legs.append((
                    iso, tid, service, priority, leg.called.astimezone(tz).hour, weekday, leg.window, leg.clerk,
                    int(leg.first), wait if leg.first else None, leg.end, leg.outcome,
                    int(last and final and leg.end == "skipped" and status == "no_show"), leg.recalls, busy,
                    leg_service, v_rating if final and leg.end == "finished" else None))

    _duties(facts, window_events, [leg for steps in steps_by_ticket.values() for step in steps for leg in step.legs],
            now)
    return facts


def _duties(facts: DayFacts, window_events: list[tuple[datetime, str, int, dict]], legs: list[_Leg],
            now: datetime | None) -> None:
    day = facts.day.isoformat()
    by_window: dict[int, list[tuple[datetime, str, dict]]] = {}
    for at, kind, window, data in window_events:
        by_window.setdefault(window, []).append((at, kind, data))
    legs_at: dict[int, list[_Leg]] = {}
    for leg in legs:
        if leg.window is not None:
            legs_at.setdefault(leg.window, []).append(leg)
    for window, events in sorted(by_window.items()):
        duty: list | None = None  # [clerk, signed_in, pauses: [[reason, at, until]]]
        closed: list[tuple[str, datetime, datetime | None, list]] = []
        for at, kind, data in events:
            if kind == "clerk_signed_in":
                if duty is not None:  # a sign-in over an open duty: that one ended here
                    closed.append((duty[0], duty[1], at, duty[2]))
                duty = [data.get("clerk") or "", at, []]
            elif kind == "clerk_signed_out" and duty is not None:
                closed.append((duty[0], duty[1], at, duty[2]))
                duty = None
            elif kind == "window_paused" and duty is not None:
                duty[2].append([data.get("reason") or "", at, None])
            elif kind == "window_resumed" and duty is not None and duty[2] and duty[2][-1][2] is None:
                duty[2][-1][2] = at
        if duty is not None:
            closed.append((duty[0], duty[1], None, duty[2]))
        for clerk, signed_in, signed_out, pauses in closed:
            mine = [leg for leg in legs_at.get(window, ()) if leg.clerk == clerk and signed_in <= leg.called
                    and (signed_out is None or leg.called <= signed_out)]
            if signed_out is not None:
                out_kind, until = "signed_out", signed_out
            elif now is not None:
                out_kind, until = "open", now
            else:  # no sign-out that day: the duty ends at the clerk's last activity at this window
                out_kind = "none"
                marks = [signed_in, *(p[1] for p in pauses), *(p[2] for p in pauses if p[2]),
                         *(leg.called for leg in mine), *(leg.ended for leg in mine if leg.ended and leg.end != "expired")]
                until = max(marks)
            busy = sum(max(0.0, (min(leg.ended or until, until) - leg.called).total_seconds()) for leg in mine)
            paused = 0.0
            for reason, at, resumed in pauses:
                seconds = max(0.0, (min(resumed or until, until) - at).total_seconds())
                paused += seconds
                facts.pauses.append((day, clerk, window, reason, at.isoformat(), seconds))
            facts.duty.append((day, clerk, window, signed_in.isoformat(), signed_out.isoformat() if signed_out else None,
                               out_kind, (until - signed_in).total_seconds(), busy, paused))
