"""HallState: the hall as the apps see it, built from a snapshot and the changes after it (rule: versions move by exactly +1).

Plain Python, no Qt: wire it to a HallLink with
`link.snapshot_received.connect(state.apply_snapshot)` and
`link.change_received.connect(state.apply_change)` (the link already drops stale changes and
resyncs on gaps, so apply_change never raises there).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from queuecore import events as ev
from queuecore.model import ACTIVE_STATUSES, HallConfig, Notice, Ticket, TicketStatus, WindowState
from queuecore.protocol import CallView, Change, ServiceState, Snapshot

RECENT_CALLS = 20  # as many as the server keeps in a snapshot


def hall_zone(timezone: str) -> tzinfo | None:
    """The hall's zone from its IANA name; None (the device's zone) when empty or unknown here."""
    try:
        return ZoneInfo(timezone) if timezone else None
    except (ZoneInfoNotFoundError, ValueError):
        return None  # the server checks the name; a device without that zone falls back to its own


class VersionGap(Exception):
    """A change that does not follow the state's version: a full resync is needed."""

    def __init__(self, have: int | None, got: int) -> None:
        super().__init__(f"at version {have}, got change {got}: resync")
        self.have, self.got = have, got


@dataclass
class HallState:
    version: int | None = None  # None: no snapshot yet
    day: date | None = None
    hall: HallConfig | None = None
    tickets: dict[str, Ticket] = field(default_factory=dict)  # today's active tickets by id
    windows: dict[int, WindowState] = field(default_factory=dict)
    services: dict[str, ServiceState] = field(default_factory=dict)
    recent_calls: list[CallView] = field(default_factory=list)  # oldest first
    closed_services: set[str] = field(default_factory=set)
    notice: Notice | None = None  # the displays' ticker notice a supervisor posted
    day_closed_at: datetime | None = None  # 日终: the business day was closed (until the next one starts)

    def apply_snapshot(self, snap: Snapshot) -> None:
        self.version, self.day, self.hall = snap.version, snap.day, snap.hall
        self.tickets = {t.id: t for t in snap.tickets}
        self.windows = {w.id: w for w in snap.windows}
        self.services = {s.code: s for s in snap.services}
        self.recent_calls = list(snap.recent_calls)[-RECENT_CALLS:]
        self.closed_services = set(snap.closed_services)
        self.notice = snap.notice
        self.day_closed_at = snap.day_closed_at

    def apply_change(self, change: Change) -> bool:
        """True: applied. False: already seen (ignored). VersionGap: missing changes, state untouched."""
        if self.version is None:
            raise VersionGap(None, change.version)
        if change.version <= self.version:
            return False
        if change.version != self.version + 1:
            raise VersionGap(self.version, change.version)
        self.version = change.version
        for e in change.events:
            if isinstance(e, ev.DayStarted):
                # The snapshot holds only today's tickets and calls; keep the same view.
                self.day = e.day
                self.day_closed_at = None
                self.tickets = {k: t for k, t in self.tickets.items() if t.day == e.day}
                self.recent_calls = []
        for t in change.tickets:
            if t.status in ACTIVE_STATUSES and (self.day is None or t.day == self.day):
                self.tickets[t.id] = t
            else:
                self.tickets.pop(t.id, None)
        for w in change.windows:
            self.windows[w.id] = w
        for s in change.services:
            self.services[s.code] = s
        if change.notice is not None:  # it changed; empty texts: taken down
            self.notice = change.notice if change.notice.text_zh or change.notice.text_en else None
        for e in change.events:
            if isinstance(e, ev.DayClosed):
                self.day_closed_at = e.at
            elif isinstance(e, ev.ServiceClosed):
                self.closed_services.add(e.service)
            elif isinstance(e, ev.ServiceOpened):
                self.closed_services.discard(e.service)
            elif isinstance(e, ev.ANNOUNCED):
                t = self.tickets.get(e.ticket_id)
                service = t.service if t else getattr(e, "service", "")
                self.recent_calls.append(CallView(ticket_id=e.ticket_id, number=e.number, service=service,
                                                  window=e.window, at=e.at, recall=getattr(e, "recalls", 0)))
                del self.recent_calls[:-RECENT_CALLS]
        return True

    # ------------------------------------------------------------ queries the apps share

    def waiting(self, service: str | None = None) -> list[Ticket]:
        """Waiting tickets in queue order (the server's rank), of one service or all."""
        return sorted((t for t in self.tickets.values() if t.status == TicketStatus.WAITING
                       and (service is None or t.service == service)), key=lambda t: (t.rank, t.seq))

    def ticket(self, number: str) -> Ticket | None:
        return next((t for t in self.tickets.values() if t.number == number), None)

    def current_ticket(self, window: int) -> Ticket | None:
        w = self.windows.get(window)
        return self.tickets.get(w.current) if w and w.current else None
