"""The wall display's view state (no widgets): calls, waiting counts, link state, the hall's clock, limited to the display's zone.

Rules: only ticket numbers, windows and services leave this module; the hall state's tickets
(clerks, appointments, ratings) are never exposed to the screen. Every time shown is the hall's:
in its timezone (hall.timezone), and on the server's clock (the snapshot's `now`), as the
tickets are, whatever the device's own zone and clock say.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo

from PySide6.QtCore import QObject, Signal, Slot

from qtclient.link import CONNECTING, OFFLINE, ONLINE
from qtclient.state import HallState, VersionGap, hall_zone
from queuecore.model import HallConfig
from queuecore.protocol import Announcement, Change, Snapshot

log = logging.getLogger("hallq.display")


@dataclass(frozen=True)
class CallRow:
    ticket_id: str
    number: str
    window: int
    window_name: str  # as the window's sign reads (name_zh / name_en)
    service: str
    at: datetime
    recall: int

    @property
    def key(self) -> tuple[str, int]:
        return (self.ticket_id, self.recall)


@dataclass(frozen=True)
class ServiceRow:
    code: str
    name: str
    waiting: int
    open: bool


class DisplayModel(QObject):
    """What the screen shows. `changed` after every update; `link_changed` when the link state moves."""

    changed = Signal()  # draw now
    changes_applied = Signal()  # a change from the server: drawing may wait for the rest of a burst
    link_changed = Signal()

    def __init__(self, *, zone: str = "", lang: str = "zh", big_rows: int = 4, recent_rows: int = 8,
                 highlight_seconds: float = 8.0, clock: Callable[[], datetime] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.zone = zone
        self.lang = lang
        self.big_rows = big_rows
        self.recent_rows = recent_rows
        self.highlight_seconds = highlight_seconds
        self.device_clock = clock or (lambda: datetime.now(timezone.utc))
        self.skew = timedelta(0)  # the server's clock minus the device's, from the last snapshot
        self.tz: tzinfo | None = None  # the hall's timezone: None until the first snapshot
        self.state = HallState()
        self.link_state = CONNECTING
        self.last_update: datetime | None = None  # hall time of the last data from the server
        self.ever_online = False
        self._highlight: tuple[tuple[str, int], datetime] | None = None
        self._windows: set[int] | None = None  # None: every window (no zone)
        self._services: set[str] | None = None

    # ------------------------------------------------------------ inputs

    @property
    def knows_time(self) -> bool:
        """The hall's timezone and clock are known (a snapshot came): until then the screen shows no time."""
        return self.tz is not None

    def clock(self) -> datetime:
        """Now, on the server's clock, in the hall's timezone once known."""
        return self.hall_time(self.device_clock())

    def hall_time(self, device_time: datetime) -> datetime:
        """A moment read on the device's clock (the link's last contact), as the hall's clock showed it."""
        moment = device_time + self.skew
        return moment.astimezone(self.tz) if self.tz is not None else moment.astimezone()

    @Slot(object)
    def apply_snapshot(self, snap: Snapshot) -> None:
        self.state.apply_snapshot(snap)
        self.skew = snap.now - self.device_clock()  # the transfer's delay is under a second: fine for a wall clock
        self.tz = hall_zone(snap.hall.timezone)
        if self.tz is None:
            log.error("unknown hall timezone %r: showing the device's", snap.hall.timezone)
        self._zone_filter(snap.hall)
        self._touch()
        self.changed.emit()

    @Slot(object)
    def apply_change(self, change: Change) -> None:
        try:
            self.state.apply_change(change)
        except VersionGap as exc:
            log.info("%s (the link resyncs)", exc)  # the link already asked for a snapshot
            return
        self._touch()
        self.changes_applied.emit()  # views may draw these in batches (see DisplayBoard)

    @Slot(object)
    def mark_called(self, ann: Announcement) -> None:
        """A fresh call or recall: its row is highlighted for a few seconds (not for calls seen in a snapshot)."""
        self._highlight = ((ann.ticket_id, ann.recall), self.clock() + timedelta(seconds=self.highlight_seconds))
        self.changed.emit()

    @Slot(str, object)
    def set_link(self, state: str, last_contact: datetime | None) -> None:
        if state == ONLINE:
            self.ever_online = True
        if last_contact is not None and state != ONLINE:
            self.last_update = self.hall_time(last_contact)
        if state != self.link_state:
            self.link_state = state
            self.link_changed.emit()

    def _touch(self) -> None:
        self.last_update = self.clock()

    def _zone_filter(self, hall: HallConfig) -> None:
        if not self.zone:
            self._windows = self._services = None
            return
        windows = [w for w in hall.windows if w.zone == self.zone]
        if not windows:
            log.warning("no window is in zone %r (zones: %s): nothing to show", self.zone,
                        ", ".join(sorted({w.zone for w in hall.windows if w.zone})) or "none")
        self._windows = {w.id for w in windows}
        self._services = {s for w in windows for s in w.services}

    # ------------------------------------------------------------ what the screen shows

    @property
    def hall_name(self) -> str:
        hall = self.state.hall
        if hall is None:
            return ""
        return hall.name_en if self.lang == "en" else hall.name_zh

    def notice_text(self) -> str:
        """The notice a supervisor posted, in the screen's language, while it shows ("" when none)."""
        n = self.state.notice
        if n is None or not n.shows(self.clock()):
            return ""
        # An English screen shows no Chinese: a notice posted in Chinese only is not shown there.
        return n.text_en if self.lang == "en" else n.text_zh

    def hall_notice(self) -> str:
        """The hall's standing display notice (its configuration), in the screen's language."""
        hall = self.state.hall
        if hall is None:
            return ""
        return hall.display_notice_en if self.lang == "en" else hall.display_notice_zh

    @property
    def notice_separator(self) -> str:
        return "   ·   " if self.lang == "en" else "\u3000\u3000"

    @property
    def stale(self) -> bool:
        """The data on screen may be old: the link is not online (after having been)."""
        return self.link_state != ONLINE

    @property
    def offline(self) -> bool:
        return self.link_state in (OFFLINE, CONNECTING) and self.ever_online

    def accepts(self, ann: Announcement) -> bool:
        """Is this call for a window of the display's zone?"""
        return self._windows is None or ann.window in self._windows

    def window_name(self, window: int) -> str:
        hall = self.state.hall
        w = next((w for w in hall.windows if w.id == window), None) if hall else None
        if w is None:
            return f"Window {window}" if self.lang == "en" else f"{window}号窗口"
        return w.name_en if self.lang == "en" else w.name_zh

    def calls(self) -> list[CallRow]:
        """Newest first, one row per ticket (a recall moves it back to the top), zone only."""
        seen: set[str] = set()
        rows: list[CallRow] = []
        for c in reversed(self.state.recent_calls):
            if c.ticket_id in seen or (self._windows is not None and c.window not in self._windows):
                continue
            seen.add(c.ticket_id)
            rows.append(CallRow(ticket_id=c.ticket_id, number=c.number, window=c.window,
                                window_name=self.window_name(c.window), service=c.service, at=c.at,
                                recall=c.recall))
        return rows

    def wall_calls(self) -> tuple[CallRow | None, list[CallRow]]:
        """The call shown largest, and the calls before it: big_rows + recent_rows calls are on the wall in all
        (the list pages). From one pass over the calls."""
        calls = self.calls()
        return (calls[0] if calls else None), calls[1:self.big_rows + self.recent_rows]

    def services(self) -> list[ServiceRow]:
        hall = self.state.hall
        if hall is None:
            return []
        rows = []
        for s in hall.services:
            if self._services is not None and s.code not in self._services:
                continue
            st = self.state.services.get(s.code)
            rows.append(ServiceRow(code=s.code, name=s.name_en if self.lang == "en" else s.name_zh,
                                   waiting=st.waiting if st else 0,
                                   open=bool(st.open) if st else False))
        return rows

    def highlighted(self, row: CallRow, now: datetime | None = None) -> bool:
        if self._highlight is None:
            return False
        key, until = self._highlight
        return row.key == key and (now or self.clock()) < until

    def highlight_left(self, now: datetime | None = None) -> float:
        """Seconds the current highlight still lasts (0: none)."""
        if self._highlight is None:
            return 0.0
        return max(0.0, (self._highlight[1] - (now or self.clock())).total_seconds())


__all__ = ["CONNECTING", "OFFLINE", "ONLINE", "CallRow", "DisplayModel", "ServiceRow"]
