"""超时预警: the alerts a supervisor should see now, as a pure function of the hall's snapshot, the rules and `now`.

Rule: each alert shows `lead_minutes` ahead of its limit (severity "lead") and turns "red" at the limit.
An alert's id names its subject and its severity, so acknowledging the early warning does not hide the
red one that follows; the same situation keeps the same id from one evaluation to the next.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta

import msgspec

from queuecore.model import HallConfig, TicketStatus, WindowStatus

LEAD, RED = "lead", "red"
HEARTBEAT_MISSES = 3  # a device that missed this many heartbeats in a row is stale (失联)
# What a printer/device state means for the hall: red stops service, lead warns.
DEVICE_RED = frozenset({"paper_out", "cover_open", "offline", "unreachable", "error"})
DEVICE_LEAD = frozenset({"paper_near_end"})


class AlertRules(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    lead_minutes: float = 5  # how early an alert shows before its limit
    pause_max_minutes: float = 15  # a clerk paused longer than this
    opening: time = time(9, 0)  # windows should be staffed from here ...
    opening_grace_minutes: float = 10  # ... red after this grace ...
    unstaffed_watch_minutes: float = 60  # ... and watched this long after opening (later closings are planned)
    unserved_red_waiting: int = 3  # a queue no open window serves: lead from 1 waiting, red from this many
    heartbeat_seconds: float = 30  # how often the apps report (their heartbeat_seconds)
    device_stale_seconds: float | None = None  # a device silent this long has stopped reporting (None: 3 heartbeats)

    def stale_seconds(self) -> float:
        return self.device_stale_seconds or HEARTBEAT_MISSES * self.heartbeat_seconds


class Alert(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    kind: str  # wait, serving, unserved_queue, unstaffed, paused, device, device_silent
    severity: str  # lead | red
    since: datetime  # when the situation began (or its limit passed)
    service: str | None = None
    window: int | None = None
    ticket: str | None = None  # number
    device: str | None = None
    minutes: float | None = None  # how long so far
    limit_minutes: float | None = None
    detail: str = ""


def is_stale(last_seen: datetime, now: datetime, heartbeat_seconds: float, misses: int = HEARTBEAT_MISSES) -> bool:
    """A device is stale once `misses` heartbeats in a row are overdue: silent for misses × the interval or more."""
    return now - last_seen >= timedelta(seconds=misses * heartbeat_seconds)


def device_status(state: str, last_seen: datetime | None, now: datetime, heartbeat_seconds: float) -> str:
    """What the console shows for a device: "stale" once it stopped reporting, else the state it reported."""
    if last_seen is not None and is_stale(last_seen, now, heartbeat_seconds):
        return "stale"
    return state


def _minutes(d: timedelta) -> float:
    return round(d.total_seconds() / 60, 1)


def _level(elapsed: timedelta, limit_min: float, lead_min: float) -> str | None:
    limit = timedelta(minutes=limit_min)
    if elapsed >= limit:
        return RED
    if elapsed >= limit - timedelta(minutes=lead_min):
        return LEAD
    return None


def evaluate(snapshot, config: HallConfig, now: datetime, rules: AlertRules = AlertRules(),
             last_seen: Mapping[str, datetime] | None = None) -> list[Alert]:
    """Every alert that holds at `now`, red first, then oldest first.

    `snapshot` is a protocol Snapshot (or anything with windows, tickets, services and devices);
    `last_seen` maps device names to their last report (devices missing from it are not checked for silence).
    """
    out: list[Alert] = []
    services = {s.code: s for s in config.services}
    # Waiting tickets against their service's target wait.
    for t in snapshot.tickets:
        svc = services.get(t.service)
        if svc is None:
            continue
        if t.status == TicketStatus.WAITING:
            level = _level(now - t.arrival_at, svc.target_wait_minutes, rules.lead_minutes)
            if level:
                out.append(Alert(id=f"wait:{t.id}:{level}", kind="wait", severity=level, since=t.arrival_at,
                                 service=t.service, ticket=t.number, minutes=_minutes(now - t.arrival_at),
                                 limit_minutes=svc.target_wait_minutes))
        elif t.status == TicketStatus.SERVING and t.serving_at is not None:
            elapsed = now - t.serving_at
            level = RED if elapsed >= timedelta(minutes=svc.alert_minutes) else \
                LEAD if elapsed >= timedelta(minutes=svc.warn_minutes) else None
            if level:
                out.append(Alert(id=f"serving:{t.id}:{level}", kind="serving", severity=level, since=t.serving_at,
                                 service=t.service, window=t.window, ticket=t.number, minutes=_minutes(elapsed),
                                 limit_minutes=svc.alert_minutes if level == RED else svc.warn_minutes))
    windows = {w.id: w for w in snapshot.windows}
    # A queue that no open window serves.
    waiting: dict[str, list] = {}
    for t in snapshot.tickets:
        if t.status == TicketStatus.WAITING:
            waiting.setdefault(t.service, []).append(t)
    for code, tickets in waiting.items():
        serving = [wc.id for wc in config.windows if code in wc.services
                   and windows.get(wc.id) is not None and windows[wc.id].status == WindowStatus.OPEN]
        if serving:
            continue
        level = RED if len(tickets) >= rules.unserved_red_waiting else LEAD
        oldest = min(t.arrival_at for t in tickets)
        out.append(Alert(id=f"unserved:{code}:{level}", kind="unserved_queue", severity=level, since=oldest,
                         service=code, minutes=_minutes(now - oldest), detail=str(len(tickets))))
    # Windows unstaffed at opening (watched for a while after opening; later closings are planned ones).
    opening = datetime.combine(now.date(), rules.opening, now.tzinfo)
    after = now - opening
    if timedelta(0) <= after < timedelta(minutes=rules.unstaffed_watch_minutes):
        level = RED if after >= timedelta(minutes=rules.opening_grace_minutes) else LEAD
        for wc in config.windows:
            w = windows.get(wc.id)
            if w is None or w.status == WindowStatus.CLOSED:
                out.append(Alert(id=f"unstaffed:{wc.id}:{now.date()}:{level}", kind="unstaffed", severity=level,
                                 since=opening, window=wc.id, minutes=_minutes(after),
                                 limit_minutes=rules.opening_grace_minutes))
    # Clerks paused too long.
    for w in snapshot.windows:
        if w.status == WindowStatus.PAUSED and w.since is not None:
            level = _level(now - w.since, rules.pause_max_minutes, rules.lead_minutes)
            if level:
                out.append(Alert(id=f"paused:{w.id}:{w.since.isoformat()}:{level}", kind="paused", severity=level,
                                 since=w.since, window=w.id, minutes=_minutes(now - w.since),
                                 limit_minutes=rules.pause_max_minutes, detail=w.pause_reason or ""))
    # Devices: a bad state, and silence.
    for d in snapshot.devices:
        level = RED if d.state in DEVICE_RED else LEAD if d.state in DEVICE_LEAD else None
        if level:
            out.append(Alert(id=f"device:{d.name}:{d.state}:{d.since.isoformat()}", kind="device", severity=level,
                             since=d.since, device=d.name, minutes=_minutes(now - d.since), detail=d.state))
        seen = (last_seen or {}).get(d.name)
        if seen is not None and d.state not in ("offline", "unreachable"):
            silent = now - seen
            stale_s = rules.stale_seconds()
            lvl = _level(silent, stale_s / 60, min(rules.lead_minutes, stale_s / 120))
            if lvl:
                out.append(Alert(id=f"silent:{d.name}:{seen.isoformat()}:{lvl}", kind="device_silent", severity=lvl,
                                 since=seen, device=d.name, minutes=_minutes(silent),
                                 limit_minutes=stale_s / 60))
    out.sort(key=lambda a: (a.severity != RED, a.since, a.id))
    return out


def rules_from(raw: Mapping | None) -> AlertRules:
    """AlertRules from a config table (e.g. [console.alerts] in the server's TOML); unknown keys are refused."""
    table = dict(raw or {})
    if isinstance(table.get("opening"), str) and len(table["opening"]) == 5:
        table["opening"] += ":00"  # "09:00" as people write it
    return msgspec.convert(table, AlertRules, strict=False)
