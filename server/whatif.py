"""What-if staffing on the hall server: a recorded day read from the store, replayed off the event loop (POST /api/whatif).

Rule: a what-if never holds up the hall. It reads the store on a connection of its own (read-only),
runs on a worker thread, one at a time, and stops after WHATIF_SECONDS; the pure replay is
queuecore.whatif. Bad input is refused with a stable code and changes nothing.
"""
from __future__ import annotations

import asyncio
import logging
import time as clock
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from aiohttp import web

from queuecore.model import HallConfig
from queuecore.whatif import (DEFAULT_WALK, Arrival, Figures, Plan, PlanError, Replay, ReplayStopped,
                              comparison_view, parse_plan)
from server.reports.source import open_reading
from server.store import DB_NAME

log = logging.getLogger("hallq.whatif")

WHATIF_SECONDS = 60.0  # a replay running longer is stopped (a year of arrivals is not a day)
MAX_BODY = 256 << 10


def recorded_day(db: Path, day: date, tz) -> tuple[list[Arrival], dict[str, Figures]]:
    """The day's arrivals and what happened to them (waits to the first call, served, never called)."""
    conn = open_reading(db, read_only=True)
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
        evs = events.get(tid, [])
        # The service it was issued for: a 一票到底 ticket's first step (its row holds the step it got to).
        issued = next((msgspec.json.decode(d) for k, _, d in evs if k == "ticket_issued"), {})
        service = issued.get("service") or origin or service
        steps = _steps(evs, service, issued_at)
        evs = steps[0][2]  # the first visit's events (a bundle's later steps are counted below)
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
        if len(steps) == 1:
            f = actual.setdefault(service, Figures())
            f.arrivals += 1
            if first_call is not None:
                f.waits.append((first_call - issued_at).total_seconds() / 60)
            else:
                f.unserved += 1
            if status == "done":
                f.served += 1
        else:  # 一票到底: each step is a visit of its service, waiting from its queue entry to its first call
            for step_service, since, seg in steps:
                f = actual.setdefault(step_service, Figures())
                f.arrivals += 1
                call = next((at for k, at, _ in seg if k == "ticket_called"), None)
                if call is not None:
                    f.waits.append((call - since).total_seconds() / 60)
                else:
                    f.unserved += 1
                f.served += any(k == "ticket_finished" for k, _, _ in seg)
        arrivals.append(Arrival(number=number, service=service, priority=priority, issued_at=issued_at,
                                appointment_start=datetime.fromisoformat(appt).astimezone(tz) if appt else None,
                                walk=walk, duration=duration, no_show=no_show, back_after=back_after,
                                transfer_to=transfer_to, second=second,
                                bundle=issued.get("bundle", "") if len(steps) > 1 else "",
                                steps=tuple((svc, _served_for(seg)) for svc, _, seg in steps[1:])))
    return arrivals, actual



def _steps(evs: list[tuple[str, datetime, str]], service: str, issued_at: datetime) -> list[tuple[str, datetime, list]]:
    """A ticket's visits: (service, queued since, its events); a 一票到底 ticket has one per step it reached."""
    out: list[tuple[str, datetime, list]] = [(service, issued_at, [])]
    for kind, at, data in evs:
        if kind == "bundle_step_reached":
            out.append((msgspec.json.decode(data)["to_service"], at, []))
        else:
            out[-1][2].append((kind, at, data))
    return out


def _served_for(seg: list[tuple[str, datetime, str]]) -> timedelta | None:
    """How long a step's visit took: from the start of serving to its finish (None: not served that day)."""
    start = next((at for k, at, _ in seg if k == "serving_started"), None)
    end = next((at for k, at, _ in seg if k == "ticket_finished"), None)
    return end - start if start is not None and end is not None else None


def whatif(config: HallConfig, db: Path, day: date, plan: Plan, stop=None) -> tuple[dict[str, Figures], dict[str, Figures]]:
    """(what happened, what the plan would have given) per service, for the recorded day."""
    tz = ZoneInfo(config.timezone)
    arrivals, actual = recorded_day(db, day, tz)
    return actual, Replay(config, plan, day, tz).run(arrivals, stop)


class WhatIfBody(msgspec.Struct, forbid_unknown_fields=True):
    day: str
    plan: str | dict[str, Any]


OPENAPI_ROUTE: dict[str, Any] = {
    "path": "/api/whatif", "method": "post", "operationId": "whatif",
    "summary": "What-if staffing: replay a recorded day's own arrivals through the real core with another plan "
               "(TOML text or its JSON: start, serve_until, [[windows]] id, services, start, until) and compare, "
               "per service, average and p90 wait, served and unserved with what happened (admin). Refusals: "
               "invalid_format, invalid_plan (400), no_arrivals (404), whatif_busy (409), whatif_timeout (503)",
    "schema": dict[str, Any], "refusals": (400, 404, 409, 503),
    "body": {"type": "object", "required": ["day", "plan"], "additionalProperties": False, "properties": {
        "day": {"type": "string", "format": "date"},
        "plan": {"oneOf": [{"type": "string"}, {"type": "object"}]}}},
}
STATUS = {"invalid_plan": 400, "no_arrivals": 404, "whatif_busy": 409, "whatif_timeout": 503}


def mount(app: web.Application) -> None:
    """POST /api/whatif (admin). One replay at a time, on its own thread."""
    from server.app import CONFIG, SERVICE, _error, _json, _reader

    running = asyncio.Lock()

    @_reader({"admin"})
    async def post_whatif(request: web.Request, who) -> web.Response:
        raw = await request.read()
        if len(raw) > MAX_BODY:
            return _error("invalid_format", f"a what-if request is at most {MAX_BODY} bytes", status=400)
        try:
            body = msgspec.json.decode(raw or b"{}", type=WhatIfBody)
            day = date.fromisoformat(body.day)
        except (msgspec.DecodeError, msgspec.ValidationError, ValueError) as exc:
            return _error("invalid_format", f"send {{day: YYYY-MM-DD, plan: TOML text or object}}: {exc}", status=400)
        service = request.app[SERVICE]
        config = service.config
        try:
            plan = parse_plan(body.plan, config)
        except PlanError as exc:
            return _error(exc.code, str(exc), status=400)
        if running.locked():
            return _error("whatif_busy", "another what-if is running: try again when it is done", status=409)
        db = request.app[CONFIG].data_dir / DB_NAME
        deadline = clock.monotonic() + WHATIF_SECONDS
        async with running:
            started = clock.perf_counter()
            try:
                actual, planned = await asyncio.get_running_loop().run_in_executor(
                    None, lambda: whatif(config, db, day, plan, lambda: clock.monotonic() > deadline))
            except ReplayStopped:
                return _error("whatif_timeout", f"the replay took longer than {WHATIF_SECONDS:.0f} s", status=503)
        if not actual:
            return _error("no_arrivals", f"the store has no tickets of {day}", status=404)
        took = clock.perf_counter() - started
        log.info("what-if %s with %d windows: %.2f s", day, len(plan.windows), took)
        return _json({"day": day, "windows": len(plan.windows), "took_s": round(took, 2),
                      **comparison_view(config, actual, planned)})

    app.router.add_post("/api/whatif", post_whatif)
