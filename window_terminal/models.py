"""View state of the window terminal: which actions the clerk may take now (derived from queuecore's transition tables), the current ticket's timers, and the citizen's rating flow."""
from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from qtclient.link import ONLINE
from qtclient.state import HallState
from queuecore.hall import RESUME_AT_SAME_WINDOW, TICKET_TRANSITIONS, WINDOW_TRANSITIONS, ready_to_call
from queuecore.model import (DEFAULT_OUTCOMES, DEFAULT_RATING_REASONS, LOW_RATINGS, PriorityKind, Ticket, TicketStatus,
                             WindowConfig, WindowState, WindowStatus, pairs_in)
from queuecore.protocol import Change, Snapshot

# Every clerk action, in button order, with its hotkey. The hotkey is part of the model: it is
# printed on the button and counted in the keypress figure of the issue.
ACTIONS: tuple[tuple[str, str], ...] = (
    ("call_next", "F1"), ("recall", "F2"), ("start", "F3"), ("skip", "F4"), ("finish", "F5"),
    ("transfer", "F6"), ("suspend", "F7"), ("resume_ticket", "F8"), ("call_number", "F9"),
    ("pause", "F10"), ("resume_window", "F11"), ("sign_out", "F12"),
)
HOTKEYS = dict(ACTIONS)

# Actions on the window's current ticket, by the core's action name in TICKET_TRANSITIONS.
TICKET_ACTIONS = {"recall": "recall", "start": "start", "skip": "skip", "finish": "finish",
                  "transfer": "transfer", "suspend": "suspend"}
# Actions on the window itself, by the core's action name in WINDOW_TRANSITIONS; True: only
# without a current ticket (the core answers window_busy otherwise).
WINDOW_ACTIONS = {"pause": ("pause", True), "resume_window": ("resume", False), "sign_out": ("sign_out", True)}
# Calling needs the core's ready_to_call(window); the ticket side of it comes from the table.
CALL_ACTIONS = {"call_next": (TicketStatus.WAITING, "call"), "call_number": (TicketStatus.WAITING, "call"),
                "resume_ticket": (TicketStatus.SUSPENDED, "resume")}

# A ticket's QR code holds its status page, `<base>/t/<public_id>` (the id alone is accepted too).
_SCANNED = re.compile(r"^(?:[a-z][a-z0-9+.-]*://[^/\s]+)?(?:/t/)?([A-Za-z0-9_-]{16,32})/?$")

SETTLE_S = 3.0  # after a reply, wait at most this long for the change that carries it


def enabled_actions(window: WindowState | None, current: Ticket | None, *, online: bool,
                    resumable: int = 0) -> frozenset[str]:
    """The actions a signed-in clerk may take now. Offline (or not signed in): none."""
    if not online or window is None or window.status is WindowStatus.CLOSED:
        return frozenset()
    out: set[str] = set()
    if current is not None:
        out |= {a for a, core in TICKET_ACTIONS.items() if (current.status, core) in TICKET_TRANSITIONS}
    if ready_to_call(window):
        out |= {a for a, key in CALL_ACTIONS.items() if key in TICKET_TRANSITIONS}
        if not resumable:
            out.discard("resume_ticket")
    for a, (core, idle_only) in WINDOW_ACTIONS.items():
        if (window.status, core) in WINDOW_TRANSITIONS and not (idle_only and window.current is not None):
            out.add(a)
    return frozenset(out)


def scanned_public_id(text: str) -> str | None:
    """The ticket id in what a barcode scanner typed (the QR's status URL), or None if it is no ticket code."""
    m = _SCANNED.match(text.strip())
    return m.group(1) if m else None


def timer_level(seconds: float | None, warn_minutes: int, alert_minutes: int) -> str:
    """"normal", "warn" (amber) or "alert" (red) for a serving time against the service's thresholds."""
    if seconds is None or seconds < warn_minutes * 60:
        return "normal"
    return "warn" if seconds < alert_minutes * 60 else "alert"


def mmss(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    s = max(0, int(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60:02d}:{s % 60:02d}"


@dataclass(frozen=True)
class TicketView:
    number: str
    status: TicketStatus
    service: str
    service_name: str
    priority_name: str  # "" for a normal ticket
    priority_kind: PriorityKind
    waited_s: float  # from arrival to the call (or to now, while not called)
    serving_s: float | None  # since service started; None while only called
    called_s: float | None  # since the (last) call
    recalls: int
    level: str  # timer_level of serving_s


@dataclass(frozen=True)
class WaitingCount:
    service: str
    name: str
    count: int
    prefix: str = ""  # the service's ticket letter, e.g. "A"


class TerminalModel(QObject):
    """The clerk's view of the hall: fed by HallLink signals, read by the widgets. No widgets here."""

    changed = Signal()
    message_changed = Signal()

    def __init__(self, *, language: str = "zh", clock: Callable[[], datetime] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = HallState()
        self.language = language
        self.connection = "offline"
        self.window_id: int | None = None  # known from the sign-in reply (or the config, before it)
        self.clerk: str | None = None  # our signed-in clerk; None: the sign-in page
        self.clerk_name: str | None = None  # their name, once the server tells it (/api/me)
        self.message = ""  # the status line: the last result or error, short
        self.message_level = "info"  # "info" | "error"
        self._clock = clock
        self._offset = timedelta(0)  # server clock minus ours, from the last snapshot
        self._inflight: set[str] = set()
        self._settle_version: int | None = None
        self._settle_deadline = 0.0

    # ------------------------------------------------------------ inputs

    @Slot(object)
    def apply_snapshot(self, snap: Snapshot) -> None:
        self.state.apply_snapshot(snap)
        if self._clock is None:
            self._offset = snap.now - datetime.now(timezone.utc)
        self._check_session()
        self.changed.emit()

    @Slot(object)
    def apply_change(self, change: Change) -> None:
        self.state.apply_change(change)  # the link already drops stale changes and resyncs on gaps
        self._check_session()
        self.changed.emit()

    @Slot(str)
    def set_connection(self, state: str) -> None:
        self.connection = state
        self.changed.emit()

    def signed_in(self, window_id: int, clerk: str) -> None:
        if clerk != self.clerk:
            self.clerk_name = None
        self.window_id, self.clerk = window_id, clerk
        self.changed.emit()

    def signed_out(self) -> None:
        self.clerk = self.clerk_name = None
        self.changed.emit()

    def _check_session(self) -> None:
        # Signed out elsewhere (the admin, another terminal with this token): back to the sign-in page.
        w = self.window()
        if self.clerk is not None and w is not None and w.clerk != self.clerk and self.state.version is not None:
            self.clerk = None

    def clerk_label(self) -> str:
        """The signed-in clerk as the header shows them: name and staff id (the staff id until the name is known)."""
        if self.clerk is None:
            return ""
        return f"{self.clerk_name} ({self.clerk})" if self.clerk_name else self.clerk

    def show_message(self, text: str, level: str = "info") -> None:
        self.message, self.message_level = text, level
        self.message_changed.emit()

    # ------------------------------------------------------------ commands in flight

    def command_sent(self, cid: str) -> None:
        self._inflight.add(cid)
        self.changed.emit()

    def command_done(self, cid: str, version: int | None = None) -> None:
        """A reply came. Until the change with `version` is applied the buttons show the old state, so stay busy."""
        self._inflight.discard(cid)
        if version is not None and (self.state.version is None or self.state.version < version):
            self._settle_version = version
            self._settle_deadline = time.monotonic() + SETTLE_S
        self.changed.emit()

    @property
    def busy(self) -> bool:
        """A command is in flight, or its change has not arrived yet: a second press must not act on stale state."""
        if self._inflight:
            return True
        if self._settle_version is not None:
            if (self.state.version or 0) >= self._settle_version or time.monotonic() > self._settle_deadline:
                self._settle_version = None
            else:
                return True
        return False

    # ------------------------------------------------------------ queries for the widgets

    @property
    def online(self) -> bool:
        return self.connection == ONLINE

    def now(self) -> datetime:
        return self._clock() if self._clock is not None else datetime.now(timezone.utc) + self._offset

    def window(self) -> WindowState | None:
        return self.state.windows.get(self.window_id) if self.window_id is not None else None

    def window_config(self) -> WindowConfig | None:
        hall = self.state.hall
        if hall is None or self.window_id is None:
            return None
        return next((w for w in hall.windows if w.id == self.window_id), None)

    def window_name(self) -> str:
        wc = self.window_config()
        if wc is None:
            return f"{self.window_id}" if self.window_id is not None else ""
        return wc.name_en if self.language == "en" else wc.name_zh

    def service_name(self, code: str) -> str:
        svc = self.state.hall.service(code) if self.state.hall else None
        if svc is None:
            return code
        return svc.name_en if self.language == "en" else svc.name_zh

    def current(self) -> Ticket | None:
        return self.state.current_ticket(self.window_id) if self.window_id is not None else None

    def current_view(self) -> TicketView | None:
        t = self.current()
        if t is None:
            return None
        now = self.now()
        waited = ((t.called_at or now) - t.arrival_at).total_seconds()
        serving = (now - t.serving_at).total_seconds() if t.status is TicketStatus.SERVING and t.serving_at else None
        called = (now - t.called_at).total_seconds() if t.called_at else None
        svc = self.state.hall.service(t.service) if self.state.hall else None
        pclass = next((p for p in self.state.hall.priorities if p.code == t.priority), None) if self.state.hall else None
        kind = pclass.kind if pclass else PriorityKind.NORMAL
        pname = "" if kind is PriorityKind.NORMAL or pclass is None else (
            pclass.name_en if self.language == "en" else pclass.name_zh)
        level = timer_level(serving, svc.warn_minutes, svc.alert_minutes) if svc else "normal"
        return TicketView(number=t.number, status=t.status, service=t.service, service_name=self.service_name(t.service),
                          priority_name=pname, priority_kind=kind, waited_s=waited, serving_s=serving,
                          called_s=called, recalls=t.recalls, level=level)

    def waiting_counts(self) -> list[WaitingCount]:
        wc = self.window_config()
        if wc is None:
            return []
        hall = self.state.hall
        out = []
        for code in wc.services:
            svc = hall.service(code) if hall else None
            out.append(WaitingCount(code, self.service_name(code), len(self.state.waiting(code)),
                                    svc.prefix if svc else code))
        return out

    def resumable(self) -> list[Ticket]:
        """Suspended tickets this window may resume, oldest suspension first: of a service it serves, and a
        持件/等待 one only if this window suspended it."""
        wc = self.window_config()
        if wc is None:
            return []
        return sorted((t for t in self.state.tickets.values()
                       if t.status is TicketStatus.SUSPENDED and t.service in wc.services
                       and not (t.suspend_kind and RESUME_AT_SAME_WINDOW.get(t.suspend_kind)
                                and t.suspended_window != self.window_id)),
                      key=lambda t: (t.suspended_at or t.issued_at, t.seq))

    def material_choices(self) -> list[tuple[str, str]]:
        """(stored item, shown text) of the 不持件 pick list: the items are stored as the hall lists them in
        Chinese, and shown in the terminal's language."""
        t, hall = self.current(), self.state.hall
        svc = hall.service(t.service) if t is not None and hall is not None else None
        if svc is None:
            return []
        return list(zip(svc.materials, svc.materials_in(self.language)))

    def pause_choices(self, fallback: tuple[str, ...] = ()) -> list[tuple[str, str]]:
        """(stored reason, shown text) of the hall's pause reasons; the terminal's own list until the hall is known."""
        hall = self.state.hall
        if hall is None or not hall.pause_reasons:
            return [(r, pairs_in(self.language, (r,), ())[0]) for r in fallback]
        return list(zip(hall.pause_reasons, pairs_in(self.language, hall.pause_reasons, hall.pause_reasons_en)))

    def pause_text(self, stored: str) -> str:
        """A window's stored pause reason ("休息" or "休息：a note") in the terminal's language."""
        hall = self.state.hall
        reason, sep, note = stored.partition("：")
        shown = hall.pause_reason(reason, self.language) if hall is not None else reason
        return f"{shown}{': ' if self.language == 'en' else sep}{note}" if sep else shown

    def rating_reasons(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The hall's rating reasons as stored, and as the citizen reads them in the terminal's language."""
        hall = self.state.hall
        if hall is None:
            return DEFAULT_RATING_REASONS, pairs_in(self.language, DEFAULT_RATING_REASONS, ())
        return hall.rating_reasons, pairs_in(self.language, hall.rating_reasons, hall.rating_reasons_en)

    def transfer_targets(self) -> list[tuple[str, str]]:
        """(code, name) of the services the current ticket can go to: any other service open today."""
        t, hall = self.current(), self.state.hall
        if t is None or hall is None:
            return []
        return [(s.code, self.service_name(s.code)) for s in hall.services
                if s.code != t.service and s.code not in self.state.closed_services]

    def outcome_choices(self) -> list[tuple[str, str]]:
        """(code, name) of the hall's outcomes, in its order, for the F5 picker."""
        hall = self.state.hall
        outcomes = hall.outcomes if hall is not None else DEFAULT_OUTCOMES
        return [(o.code, o.name_en if self.language == "en" else o.name_zh) for o in outcomes]

    def default_outcome(self) -> str:
        hall = self.state.hall
        return hall.default_outcome if hall is not None else DEFAULT_OUTCOMES[0].code

    def outcome_name(self, code: str) -> str:
        return dict(self.outcome_choices()).get(code, code)

    def enabled(self) -> frozenset[str]:
        if self.clerk is None:
            return frozenset()
        return enabled_actions(self.window(), self.current(), online=self.online, resumable=len(self.resumable()))

    def can_sign_in(self) -> bool:
        return self.online and self.clerk is None


class RatingModel(QObject):
    """The citizen's 好差评 of one finished visit: idle -> asking -> (thanks) -> idle.

    A level of 3..5 is sent at once; 1..2 need a reason from the hall's list (and may carry a
    comment). Nothing chosen before the deadline: level 0 (未评价) is sent."""

    changed = Signal()
    rate_requested = Signal(str, int, str, str)  # number, level, reason, comment

    IDLE, ASKING, SENDING, THANKS = "idle", "asking", "sending", "thanks"

    def __init__(self, timeout_s: float = 30.0, *, thanks_s: float = 3.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timeout_s = timeout_s
        self.phase = self.IDLE
        self.number = ""
        self.level: int | None = None
        self.reason = ""
        self.comment = ""
        self.error = ""  # shown to the citizen, e.g. a reason is needed
        self.reasons: tuple[str, ...] = ()  # as stored
        self.labels: tuple[str, ...] = ()  # as shown (the terminal's language), same order
        self._deadline = 0.0
        self._timeout = QTimer(self)
        self._timeout.setSingleShot(True)
        self._timeout.timeout.connect(self._on_timeout)
        self._thanks = QTimer(self)
        self._thanks.setSingleShot(True)
        self._thanks.setInterval(int(thanks_s * 1000))
        self._thanks.timeout.connect(self.reset)

    def begin(self, number: str, reasons: tuple[str, ...], labels: tuple[str, ...] = ()) -> None:
        if self.phase == self.ASKING and self.number and self.number != number:
            # The clerk finished the next visit before this citizen chose: this one is 未评价.
            self.rate_requested.emit(self.number, 0, "", "")
        self.phase, self.number, self.reasons = self.ASKING, number, reasons
        self.labels = labels if len(labels) == len(reasons) else reasons
        self.level, self.reason, self.comment, self.error = None, "", "", ""
        self._thanks.stop()
        self._deadline = time.monotonic() + self.timeout_s
        self._timeout.start(int(self.timeout_s * 1000))
        self.changed.emit()

    def remaining_s(self) -> int:
        return max(0, round(self._deadline - time.monotonic())) if self.phase == self.ASKING else 0

    @property
    def needs_reason(self) -> bool:
        return self.level in LOW_RATINGS

    @property
    def can_submit(self) -> bool:
        return self.phase == self.ASKING and self.level is not None and (not self.needs_reason or bool(self.reason))

    @Slot(int)
    def choose_level(self, level: int) -> None:
        if self.phase != self.ASKING:
            return
        self.level, self.error = level, ""
        if level not in LOW_RATINGS:
            self.reason = ""
            self.submit()
            return
        self.changed.emit()

    @Slot(str)
    def choose_reason(self, reason: str) -> None:
        if self.phase == self.ASKING and self.needs_reason:
            self.reason, self.error = reason, ""
            self.changed.emit()

    @Slot(str)
    def set_comment(self, text: str) -> None:
        self.comment = text

    @Slot()
    def submit(self) -> None:
        if not self.can_submit:
            if self.phase == self.ASKING and self.needs_reason:
                self.error = "reason_required"
                self.changed.emit()
            return
        self._timeout.stop()
        self.phase = self.SENDING
        self.changed.emit()
        self.rate_requested.emit(self.number, self.level or 0, self.reason, self.comment.strip())

    @Slot()
    def _on_timeout(self) -> None:
        if self.phase != self.ASKING:
            return
        self.phase, self.level = self.SENDING, 0
        self.changed.emit()
        self.rate_requested.emit(self.number, 0, "", "")

    def sent(self, number: str) -> None:
        """The server stored the rating (or had one already)."""
        if number == self.number and self.phase == self.SENDING:
            self.phase = self.THANKS if self.level else self.IDLE
            if self.phase == self.THANKS:
                self._thanks.start()
            self.changed.emit()

    def refused(self, number: str, code: str) -> None:
        """The server refused it: a reason is missing (ask again), or it can never be stored (give up)."""
        if number != self.number or self.phase != self.SENDING:
            return
        if code == "rating_reason_required":
            self.phase, self.error = self.ASKING, "reason_required"
            self._deadline = time.monotonic() + self.timeout_s
            self._timeout.start(int(self.timeout_s * 1000))
        else:
            self.phase = self.IDLE
        self.changed.emit()

    @Slot()
    def reset(self) -> None:
        self._timeout.stop()
        self._thanks.stop()
        self.phase, self.number, self.level, self.reason, self.comment, self.error = self.IDLE, "", None, "", "", ""
        self.changed.emit()
