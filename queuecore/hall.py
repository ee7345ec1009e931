"""The hall's state machine: every command validates first, then changes state and returns past-tense events.

Rule: no clock, no I/O. Every method takes `now`; an illegal move raises a QueueError and
changes nothing. Every status change goes through a transition table below.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import msgspec

from queuecore import configedit
from queuecore.estimate import baseline_minutes
from queuecore import errors as E
from queuecore import events as ev
from queuecore.model import (
    ACTIVE_STATUSES,
    Bundle,
    OutcomeClass,
    LOW_RATINGS,
    RATING_LEVELS,
    Appointment,
    DeviceState,
    HallConfig,
    Notice,
    PriorityClass,
    PriorityKind,
    Service,
    SuspendKind,
    Ticket,
    TicketStatus as T,
    WindowConfig,
    WindowState,
    WindowStatus as W,
)
from queuecore.policy import TIER_NORMAL, kind_of, people_ahead, select_next, tier

TICKET_TRANSITIONS: dict[tuple[T, str], T] = {
    (T.WAITING, "call"): T.CALLED,
    (T.NO_SHOW, "call"): T.CALLED,  # 指呼 of a late citizen, within the grace
    (T.CALLED, "recall"): T.CALLED,
    (T.CALLED, "start"): T.SERVING,
    (T.CALLED, "skip"): T.NO_SHOW,
    (T.CALLED, "finish"): T.DONE,
    (T.SERVING, "finish"): T.DONE,
    (T.CALLED, "transfer"): T.WAITING,
    (T.SERVING, "transfer"): T.WAITING,
    (T.SERVING, "suspend"): T.SUSPENDED,
    (T.SUSPENDED, "resume"): T.CALLED,
    (T.NO_SHOW, "requeue"): T.WAITING,
    (T.WAITING, "cancel"): T.CANCELLED,
    (T.SUSPENDED, "cancel"): T.CANCELLED,
    (T.NO_SHOW, "cancel"): T.CANCELLED,
    (T.DONE, "rate"): T.DONE,  # once: a rated visit refuses another rating
    (T.DONE, "next_step"): T.WAITING,  # 一票到底: a finished step's ticket waits for the bundle's next step
    **{(s, "expire"): T.EXPIRED for s in ACTIVE_STATUSES},
}

WINDOW_TRANSITIONS: dict[tuple[W, str], W] = {
    (W.CLOSED, "sign_in"): W.OPEN,
    (W.OPEN, "sign_in"): W.OPEN,  # another clerk takes over, or the same one after a restart
    (W.PAUSED, "sign_in"): W.PAUSED,
    (W.OPEN, "sign_out"): W.CLOSED,
    (W.PAUSED, "sign_out"): W.CLOSED,
    (W.OPEN, "pause"): W.PAUSED,
    (W.PAUSED, "resume"): W.OPEN,
    (W.OPEN, "close_day"): W.CLOSED,
    (W.PAUSED, "close_day"): W.CLOSED,
}

# 挂起: where each kind of suspended visit may be resumed. True: only at the window that suspended it.
RESUME_AT_SAME_WINDOW: dict[SuspendKind, bool] = {
    SuspendKind.AWAY: False,  # 不持件: any window of the service
    SuspendKind.HOLD: True,  # 持件: the window holds the papers
    SuspendKind.WAIT: True,  # 等待: the window resumes its own visit
}
SUSPEND_EXPIRED = "suspend_expired"

# 一票到底: a step ending with one of these classes moves the ticket on; any other (补正, 不予受理, 咨询) ends it.
STEP_DONE = frozenset({OutcomeClass.COMPLETED, OutcomeClass.ACCEPTED})

MAX_TEXT = 200


def _text(value: str | None) -> str:
    """Free text from a clerk or a citizen: trimmed and bounded."""
    return (value or "").strip()[:MAX_TEXT]


def ready_to_call(ws: WindowState) -> bool:
    """The rule for calling (next, by number, or resuming): a clerk is on duty and nobody is at the window."""
    return ws.status is W.OPEN and ws.current is None


class Changes(msgspec.Struct, frozen=True):
    """What a batch of commands changed, for the store and the broadcast."""

    version: int
    tickets: list[Ticket]
    windows: list[WindowState]
    appointments: list[Appointment]
    services: list[str]  # services whose queue figures changed
    devices: list[DeviceState] = []
    notice: Notice | None = None  # set when the ticker's notice changed (empty texts: taken down)
    config: bool = False  # the configuration changed, or a change was scheduled (see Hall.change_config)


class Hall:
    def __init__(
        self,
        config: HallConfig,
        *,
        day: date | None = None,
        tickets: Iterable[Ticket] = (),
        windows: Iterable[WindowState] = (),
        appointments: Iterable[Appointment] = (),
        closed_services: Iterable[str] | dict[str, str] = (),
        extended_services: dict[str, datetime] | None = None,
        devices: Iterable[DeviceState] = (),
        notice: Notice | None = None,
        version: int = 0,
        day_closed_at: datetime | None = None,
        config_version: int = 1,
        pending_config: Iterable[tuple[int, list]] = (),
    ) -> None:
        self._use_config(config)
        # The configuration's version (each change, applied or scheduled, takes the next one) and the
        # changes scheduled for the next business day: (config version, ops), applied by start_day.
        self.config_version = config_version
        self.pending_config: list[tuple[int, list]] = list(pending_config)
        self._config_dirty = False
        self.day = day
        self.version = version
        # 日终: when the business day was closed (kiosks show 今日已结束办理 until the next day starts).
        self.day_closed_at = day_closed_at
        # Closed services and why (the kiosk shows the reason on the greyed button).
        self.closed: dict[str, str] = (dict(closed_services) if isinstance(closed_services, dict)
                                       else {code: "" for code in closed_services})
        # 延时服务: services that issue past their hours until this time, on this business day only.
        self.extended: dict[str, datetime] = dict(extended_services or {})
        self.devices: dict[str, DeviceState] = {d.name: d for d in devices}
        self.notice: Notice | None = notice if notice is not None and (notice.text_zh or notice.text_en) else None
        self._notice_changed = False
        self._notice_taken_down: Notice | None = None
        self.tickets: dict[str, Ticket] = {}
        self.by_number: dict[str, Ticket] = {}
        self.by_public_id: dict[str, Ticket] = {}  # the unguessable id in a ticket's QR code
        self.waiting: dict[str, dict[str, Ticket]] = {code: {} for code in self.services}
        # The waiting tickets that are not of a normal class: the only ones a new ticket can have
        # ahead of it besides every older normal ticket (keeps issuing O(1) in long queues).
        self.special: dict[str, dict[str, Ticket]] = {code: {} for code in self.services}
        self._prune = False
        self._queued_in: dict[str, str] = {}  # ticket id -> the service queue holding it
        self.counters: dict[str, int] = {}
        self.issued: dict[str, int] = {code: 0 for code in self.services}
        self._last_rank = 0.0
        for t in tickets:
            self._add(t)
        self.windows: dict[int, WindowState] = {w: WindowState(id=w) for w in self.window_configs}
        for w in windows:
            if w.id in self.windows:
                self.windows[w.id] = w
        self.appointments: dict[str, Appointment] = {a.code: a for a in appointments}
        self._dirty_tickets: set[str] = set()
        self._dirty_windows: set[int] = set()
        self._dirty_appointments: set[str] = set()
        self._dirty_services: set[str] = set()
        self._dirty_devices: set[str] = set()

    # ------------------------------------------------------------ bookkeeping

    def _add(self, t: Ticket) -> None:
        self.tickets[t.id] = t
        if t.day == self.day:
            self.by_number[t.number] = t
            if t.public_id:
                self.by_public_id[t.public_id] = t
            prefix = t.number.rstrip("0123456789")
            self.counters[prefix] = max(self.counters.get(prefix, 0), t.seq)
            if kind_of(t, self.priorities) is not PriorityKind.APPOINTMENT:
                walk_in_service = t.origin_service or t.service
                self.issued[walk_in_service] = self.issued.get(walk_in_service, 0) + 1
        self._last_rank = max(self._last_rank, t.rank)
        self._index(t)

    def _index(self, t: Ticket) -> None:
        old = self._queued_in.pop(t.id, None)
        if old is not None:
            self.waiting.get(old, {}).pop(t.id, None)
            self.special.get(old, {}).pop(t.id, None)
        if t.status is T.WAITING:
            self._queued_in[t.id] = t.service
            self.waiting.setdefault(t.service, {})[t.id] = t
            if kind_of(t, self.priorities) is not PriorityKind.NORMAL:
                self.special.setdefault(t.service, {})[t.id] = t

    def _touch(self, t: Ticket) -> None:
        self._dirty_tickets.add(t.id)
        self._dirty_services.add(t.service)
        self._index(t)

    def take_changes(self) -> Changes | None:
        """Hand over what changed since the last call (one new version), or None."""
        if not (self._dirty_tickets or self._dirty_windows or self._dirty_appointments or self._dirty_services
                or self._dirty_devices or self._notice_changed or self._config_dirty):
            return None
        self.version += 1
        changes = Changes(
            version=self.version,
            tickets=[self.tickets[i] for i in sorted(self._dirty_tickets) if i in self.tickets],
            windows=[self.windows[w] for w in sorted(self._dirty_windows)],
            appointments=[self.appointments[c] for c in sorted(self._dirty_appointments)],
            services=sorted(self._dirty_services),
            devices=[self.devices[n] for n in sorted(self._dirty_devices)],
            notice=(self.notice or self._notice_taken_down) if self._notice_changed else None,
            config=self._config_dirty,
        )
        self._config_dirty = False
        self._notice_changed = False
        self._dirty_devices.clear()
        self._dirty_tickets.clear()
        self._dirty_windows.clear()
        self._dirty_appointments.clear()
        self._dirty_services.clear()
        if self._prune:
            # Earlier days' tickets were only kept to be handed over once more (expired).
            for tid in [tid for tid, t in self.tickets.items() if t.day != self.day]:
                del self.tickets[tid]
            self._prune = False
        return changes

    def _require_day(self, now: datetime) -> None:
        if self.day != now.date():
            raise E.DayNotStarted(f"business day {now.date()} has not been started", day=str(self.day))

    def _service(self, code: str) -> Service:
        try:
            return self.services[code]
        except KeyError:
            raise E.UnknownService(f"unknown service {code!r}", service=code) from None

    def _window(self, wid: int) -> tuple[WindowConfig, WindowState]:
        if wid not in self.window_configs:
            raise E.UnknownWindow(f"unknown window {wid!r}", window=wid)
        return self.window_configs[wid], self.windows[wid]

    def ticket(self, number: str) -> Ticket:
        """Today's ticket with this number (case-insensitive); UnknownTicket otherwise."""
        t = self.by_number.get(number.strip().upper())
        if t is None:
            raise E.UnknownTicket(f"no ticket {number!r} today", number=number)
        return t

    def _move(self, t: Ticket, action: str) -> T:
        new = TICKET_TRANSITIONS.get((t.status, action))
        if new is None:
            raise E.IllegalTransition(
                f"ticket {t.number} is {t.status}; cannot {action}", number=t.number, status=str(t.status), action=action
            )
        return new

    def _wmove(self, ws: WindowState, action: str) -> W:
        new = WINDOW_TRANSITIONS.get((ws.status, action))
        if new is None:
            raise E.IllegalTransition(
                f"window {ws.id} is {ws.status}; cannot {action}", window=ws.id, status=str(ws.status), action=action
            )
        return new

    def _ready_to_call(self, wid: int) -> tuple[WindowConfig, WindowState]:
        wc, ws = self._window(wid)
        if ready_to_call(ws):
            return wc, ws
        if ws.status is W.CLOSED:
            raise E.WindowClosed(f"no clerk is signed in at window {wid}", window=wid)
        if ws.status is W.PAUSED:
            raise E.WindowPaused(f"window {wid} is paused ({ws.pause_reason})", window=wid)
        raise E.WindowBusy(f"window {wid} still has {self.tickets[ws.current].number}", window=wid)

    def _current(self, wid: int) -> tuple[WindowState, Ticket]:
        _, ws = self._window(wid)
        if ws.current is None:
            raise E.NoCurrentTicket(f"window {wid} has no current ticket", window=wid)
        return ws, self.tickets[ws.current]

    def _next_rank(self, now: datetime) -> float:
        self._last_rank = max(now.timestamp(), self._last_rank + 1e-3)
        return self._last_rank

    def _set_window(self, ws: WindowState, **changes) -> None:
        if "status" in changes and changes["status"] is not ws.status:
            # Open windows per service feed the wait estimates: those services changed too.
            self._dirty_services.update(self.window_configs[ws.id].services)
        for k, v in changes.items():
            setattr(ws, k, v)
        self._dirty_windows.add(ws.id)

    # ------------------------------------------------------------ queries

    def default_priority(self) -> str:
        for p in self.config.priorities:
            if p.kind is PriorityKind.NORMAL:
                return p.code
        return self.config.priorities[0].code

    def open_windows_for(self, service: str) -> int:
        return sum(
            1
            for wid, ws in self.windows.items()
            if ws.status is W.OPEN and service in self.window_configs[wid].services
        )

    def estimated_wait_minutes(self, service: str, ahead: int) -> int:
        svc = self._service(service)
        return baseline_minutes(ahead, svc.avg_service_minutes, self.open_windows_for(service))

    def issuable(self, service: str, now: datetime) -> str | None:
        """None if a walk-in ticket can be issued now, else the error code that refuses it."""
        try:
            self._check_issuable(self._service(service), now)
        except E.QueueError as exc:
            return exc.code
        return None

    def extension(self, service: str, now: datetime) -> datetime | None:
        """When the service's extended hours (延时服务) end, if they are in force at `now`."""
        until = self.extended.get(service)
        return until if until is not None and now < until else None

    def _check_issuable(self, svc: Service, now: datetime) -> None:
        self._require_open(svc)
        workday = now.date() in self.config.calendar.workdays  # 调休: a weekend day worked keeps the usual hours
        ranges = svc.hours_on(now, workday)  # None: at any time
        if ranges is not None and not any(now.time() in r for r in ranges) and self.extension(svc.code, now) is None:
            hours = ", ".join(str(r) for r in ranges)
            if not hours:
                raise E.OutsideHours(f"{svc.name_zh} issues no tickets on {now:%A}s", service=svc.code, hours="")
            raise E.OutsideHours(f"{svc.name_zh} issues tickets {hours}", service=svc.code, hours=hours)
        if svc.daily_cap is not None and self.issued.get(svc.code, 0) >= svc.daily_cap:
            raise E.DailyCapReached(f"{svc.name_zh}: all {svc.daily_cap} tickets for today are issued",
                                    service=svc.code)

    def _require_open(self, svc: Service) -> None:
        if svc.code in self.closed:
            raise E.ServiceClosed(f"{svc.name_zh} is closed today", service=svc.code)

    def _require_served(self, wc: WindowConfig, t: Ticket) -> None:
        if t.service not in wc.services:
            raise E.NotServedHere(f"window {wc.id} does not serve {t.service}", window=wc.id, service=t.service)

    def people_ahead(self, number: str, now: datetime) -> int:
        t = self.ticket(number)
        return people_ahead(t, self.waiting.get(t.service, {}).values(), self.priorities, now)

    def active_tickets(self) -> list[Ticket]:
        return [t for t in self.tickets.values() if t.status in ACTIVE_STATUSES]

    # ------------------------------------------------------------ day

    def start_day(self, day: date, now: datetime) -> list[ev.Event]:
        """Begin a business day: numbering restarts, leftovers expire, clerks are signed out."""
        if self.day == day:
            return []
        out: list[ev.Event] = [self._expire(t, now) for t in list(self.tickets.values()) if t.status in ACTIVE_STATUSES]
        out += self._close_windows(now)
        for ws in self.windows.values():  # a closed window keeps nothing of the day before
            if ws.current is not None or ws.priority_streak:
                self._set_window(ws, current=None, priority_streak=0)
        out += self._apply_pending_config(now)  # scheduled for this business day: nothing is open now
        self.day = day
        self.day_closed_at = None  # a new business day reopens the hall
        self._prune = True
        self.by_number.clear()
        self.by_public_id.clear()
        self.counters.clear()
        self.issued = {code: 0 for code in self.services}
        self.extended.clear()  # extended hours end with their business day
        self._dirty_services.update(self.services)
        out.append(ev.DayStarted(at=now, day=day))
        return out

    def roll_day(self, now: datetime) -> list[ev.Event]:
        return self.start_day(now.date(), now)

    def close_day(self, now: datetime, reason: str = "", *, force: bool = False) -> list[ev.Event]:
        """日终: every ticket still open expires with `reason`, every clerk is signed out.

        Refused while a visit is at a window (called or in service) unless `force`: those end too.
        Numbering and the day stay: a ticket issued afterwards continues today's numbers."""
        self._require_day(now)
        at_windows = sorted(self.tickets[ws.current].number for ws in self.windows.values() if ws.current)
        if at_windows and not force:
            raise E.VisitsInService(f"still at windows: {', '.join(at_windows)}; finish them or force the close",
                                    numbers=at_windows)
        reason = _text(reason) or "day_closed"
        out: list[ev.Event] = [self._expire(t, now, reason)
                               for t in sorted(self.active_tickets(), key=lambda t: (t.rank, t.seq))]
        expired = len(out)
        signed_out = self._close_windows(now)
        out += signed_out
        self._dirty_services.update(self.services)
        self.day_closed_at = now
        out.append(ev.DayClosed(at=now, day=self.day, reason=reason, forced=force and bool(at_windows),
                                expired=expired, signed_out=len(signed_out)))
        return out

    def _expire(self, t: Ticket, now: datetime, reason: str = "") -> ev.TicketExpired:
        t.status = self._move(t, "expire")
        self._touch(t)
        return ev.TicketExpired(at=now, ticket_id=t.id, reason=reason)

    def _close_windows(self, now: datetime) -> list[ev.Event]:
        """Every window with a clerk is signed out (a new day, 日终)."""
        out: list[ev.Event] = []
        for ws in self.windows.values():
            if ws.status is not W.CLOSED:
                clerk = ws.clerk
                self._set_window(ws, status=self._wmove(ws, "close_day"), clerk=None, current=None,
                                 pause_reason=None, priority_streak=0, since=now)
                out.append(ev.ClerkSignedOut(at=now, window=ws.id, clerk=clerk or ""))
        return out

    # ------------------------------------------------------------ configuration

    def _use_config(self, config: HallConfig) -> None:
        self.config = config
        self.services: dict[str, Service] = {s.code: s for s in config.services}
        self.window_configs: dict[int, WindowConfig] = {w.id: w for w in config.windows}
        self.priorities: dict[str, PriorityClass] = {p.code: p for p in config.priorities}
        self.bundles: dict[str, Bundle] = {b.code: b for b in config.bundles}
        self.rules = config.rules

    def _install(self, config: HallConfig) -> None:
        """Take a new configuration (its conflicts with today's hall already refused): every index follows it."""
        self._use_config(config)
        for code in list(self.waiting):
            if code not in self.services:  # a removed service: its queue is empty (live_conflicts)
                del self.waiting[code]
                self.special.pop(code, None)
        for code in self.services:
            self.waiting.setdefault(code, {})
            self.special.setdefault(code, {})
            self.issued.setdefault(code, 0)
        self.closed = {c: r for c, r in self.closed.items() if c in self.services}
        self.extended = {c: u for c, u in self.extended.items() if c in self.services}
        for wid in [w for w in self.windows if w not in self.window_configs]:
            del self.windows[wid]  # closed and holding nothing (live_conflicts)
        for wid in self.window_configs:
            if wid not in self.windows:
                self.windows[wid] = WindowState(id=wid)
        self._dirty_windows.update(self.windows)
        self._dirty_services.update(self.services)
        self._config_dirty = True

    def change_config(self, base_version: int, ops: list, now: datetime, *, next_day: bool = False
                      ) -> list[ev.Event]:
        """An admin's change (queuecore.configedit ops) made on `base_version`: applied now, or scheduled for the
        next business day. Refused, with nothing changed, when someone changed the configuration since
        (config_changed), when the result is not a valid configuration (config_invalid), or when it conflicts
        with today's tickets and windows (prefix_in_use, service_has_tickets, ... : then next_day is the way)."""
        if base_version != self.config_version:
            raise E.ConfigChanged(f"the configuration is at version {self.config_version}, not {base_version}: "
                                  "reload it and make the change again", current=self.config_version)
        ops = configedit.decode_ops(ops)
        version = self.config_version + 1
        summary = configedit.summary(ops)
        if any(op.op == "unschedule" for op in ops):
            return self._unschedule(ops, version, summary, now)
        if next_day:
            base = self.config
            for _, pending in self.pending_config:  # what tomorrow will be before this change
                try:
                    base = configedit.apply_ops(base, configedit.decode_ops(pending))
                except E.ConfigInvalid:
                    pass  # that one will fail on its own at the day's start
            configedit.apply_ops(base, ops)  # must be valid on what tomorrow will be
            self.pending_config.append((version, [msgspec.to_builtins(op) for op in ops]))
            self.config_version = version
            self._config_dirty = True
            return [ev.ConfigScheduled(at=now, config_version=version, summary=summary)]
        new = configedit.apply_ops(self.config, ops)
        configedit.refuse(configedit.live_conflicts(self, new))
        self._install(new)
        self.config_version = version
        return [ev.ConfigChanged(at=now, config_version=version, summary=summary)]

    def _unschedule(self, ops: list, version: int, summary: list[str], now: datetime) -> list[ev.Event]:
        """{"op": "unschedule", "key": V}: withdraw the change V scheduled for the next business day."""
        if len(ops) != 1:
            raise E.ConfigInvalid("unschedule stands alone in its change")
        key = ops[0].key
        if isinstance(key, str) and key.isdigit():
            key = int(key)
        if key not in [v for v, _ in self.pending_config]:
            scheduled = ", ".join(str(v) for v, _ in self.pending_config) or "none"
            raise E.ConfigInvalid(f"no change {key!r} is scheduled (scheduled: {scheduled})", scheduled=scheduled)
        self.pending_config = [(v, raw) for v, raw in self.pending_config if v != key]
        self.config_version = version
        self._config_dirty = True
        return [ev.ConfigUnscheduled(at=now, config_version=version, cancelled=key, summary=summary)]

    def _apply_pending_config(self, now: datetime) -> list[ev.Event]:
        out: list[ev.Event] = []
        for version, raw in self.pending_config:
            try:
                ops = configedit.decode_ops(raw)
                self._install(configedit.apply_ops(self.config, ops))
            except E.QueueError as exc:
                out.append(ev.ConfigChangeFailed(at=now, config_version=version, code=exc.code, message=exc.message))
            else:
                out.append(ev.ConfigChanged(at=now, config_version=version, summary=configedit.summary(ops)))
        if self.pending_config:
            self.pending_config = []
            self._config_dirty = True
        return out

    # ------------------------------------------------------------ issuing

    def _new_ticket(self, svc: Service, priority: str, now: datetime, appointment_start: datetime | None,
                    public_id: str = "") -> Ticket:
        seq = self.counters.get(svc.prefix, 0) + 1
        number = f"{svc.prefix}{seq:0{svc.digits}d}"
        t = Ticket(
            id=f"{self.day:%Y%m%d}-{number}", number=number, day=self.day, seq=seq, service=svc.code,
            priority=priority, issued_at=now, arrival_at=now, rank=self._next_rank(now),
            appointment_start=appointment_start, public_id=public_id,
        )
        # The new ticket is the youngest: every waiting normal-class ticket is ahead of it, and
        # of the others only those the call order puts first.
        normal_ahead = len(self.waiting[svc.code]) - len(self.special[svc.code])
        t.ahead_at_issue = people_ahead(t, self.special[svc.code].values(), self.priorities, now) + (
            normal_ahead if tier(t, self.priorities, now) == TIER_NORMAL else 0)
        self.counters[svc.prefix] = seq
        self._add(t)
        self._touch(t)
        return t

    def _walk_in_priority(self, priority: str | None) -> str:
        """The priority class of a walk-in ticket (None: the default); appointment classes come by check-in only."""
        priority = priority or self.default_priority()
        cls = self.priorities.get(priority)
        if cls is None:
            raise E.UnknownPriority(f"unknown priority class {priority!r}", priority=priority)
        if cls.kind is PriorityKind.APPOINTMENT:
            raise E.InvalidArgument("appointment tickets are issued by check-in with the appointment code")
        return priority

    def issue(self, service: str, now: datetime, priority: str | None = None, *, public_id: str = "") -> list[ev.Event]:
        """Issue a walk-in ticket (取号). `public_id`: the caller's random id for the ticket's QR code."""
        self._require_day(now)
        svc = self._service(service)
        priority = self._walk_in_priority(priority)
        self._check_issuable(svc, now)
        t = self._new_ticket(svc, priority, now, None, public_id)
        return [ev.TicketIssued(at=now, ticket_id=t.id, number=t.number, service=service, priority=priority,
                                ahead=t.ahead_at_issue)]

    def issue_bundle(self, code: str, now: datetime, priority: str | None = None, *,
                     public_id: str = "") -> list[ev.Event]:
        """一票到底: one ticket for a bundle of services, queued first for its first step (issued by that
        step's rules: hours, cap). Every step's service must be open today."""
        self._require_day(now)
        bundle = self.bundles.get(code)
        if bundle is None:
            raise E.UnknownBundle(f"no bundle {code!r}", bundle=code)
        for step in bundle.steps:
            self._require_open(self._service(step))
        svc = self._service(bundle.steps[0])
        priority = self._walk_in_priority(priority)
        self._check_issuable(svc, now)
        t = self._new_ticket(svc, priority, now, None, public_id)
        t.bundle = bundle.code
        return [ev.TicketIssued(at=now, ticket_id=t.id, number=t.number, service=svc.code, priority=priority,
                                ahead=t.ahead_at_issue, bundle=bundle.code)]

    def create_appointment(self, appt: Appointment, now: datetime) -> list[ev.Event]:
        return self.create_appointments([appt], now)

    def create_appointments(self, appts: list[Appointment], now: datetime) -> list[ev.Event]:
        """Import a batch of appointments: all of them, or (on any bad one) none."""
        codes = [a.code for a in appts]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise E.DuplicateAppointment(f"appointment codes repeated in the batch: {', '.join(dupes)}", codes=dupes)
        for a in appts:
            self._check_appointment(a)
        for a in appts:
            self.appointments[a.code] = a
            self._dirty_appointments.add(a.code)
        return [ev.AppointmentCreated(at=now, code=a.code, service=a.service, start=a.start) for a in appts]

    def _check_appointment(self, appt: Appointment) -> None:
        self._service(appt.service)
        if appt.code in self.appointments:
            raise E.DuplicateAppointment(f"appointment code {appt.code!r} exists", code=appt.code)
        if not appt.end > appt.start or appt.start.date() != appt.day:
            raise E.InvalidArgument("an appointment slot must end after it starts, on its own day", code=appt.code)

    def cancel_appointment(self, code: str, now: datetime, reason: str = "") -> list[ev.Event]:
        """An admin cancels an appointment before its check-in; a checked-in one has a ticket: cancel that instead."""
        appt = self.appointments.get(code.strip().upper())
        if appt is None:
            raise E.UnknownAppointment(f"no appointment with code {code!r}", code=code)
        if appt.ticket_id is not None:
            raise E.AppointmentUsed(f"appointment {appt.code} was checked in (ticket {appt.ticket_id}): cancel the "
                                    "ticket instead", code=appt.code, ticket_id=appt.ticket_id)
        if appt.cancelled_at is not None:
            raise E.AppointmentCancelled(f"appointment {appt.code} was cancelled already", code=appt.code)
        appt.cancelled_at = now
        self._dirty_appointments.add(appt.code)
        return [ev.AppointmentCancelled(at=now, code=appt.code, reason=_text(reason))]

    def appointment_class(self) -> str:
        for p in self.config.priorities:
            if p.kind is PriorityKind.APPOINTMENT:
                return p.code
        raise E.InvalidArgument("this hall has no appointment priority class configured")

    def check_in(self, code: str, now: datetime, *, public_id: str = "") -> list[ev.Event]:
        """A kiosk check-in with an appointment code issues a ticket in the appointment class."""
        self._require_day(now)
        appt = self.appointments.get(code.strip().upper())
        if appt is None:
            raise E.UnknownAppointment(f"no appointment with code {code!r}", code=code)
        if appt.ticket_id is not None:
            raise E.AppointmentUsed(f"appointment {appt.code} was checked in at {appt.checked_in_at:%H:%M}",
                                    code=appt.code)
        if appt.cancelled_at is not None:
            raise E.AppointmentCancelled(f"appointment {appt.code} was cancelled", code=appt.code)
        if now < appt.start - timedelta(minutes=self.rules.appointment_early_minutes):
            raise E.AppointmentTooEarly(f"check-in opens at {appt.start - timedelta(minutes=self.rules.appointment_early_minutes):%Y-%m-%d %H:%M}",
                                        code=appt.code, start=appt.start.isoformat())
        if now > appt.start + timedelta(minutes=self.rules.appointment_late_minutes):
            raise E.AppointmentExpired(f"the slot at {appt.start:%Y-%m-%d %H:%M} has passed", code=appt.code,
                                       start=appt.start.isoformat())
        svc = self._service(appt.service)
        self._require_open(svc)
        priority = self.appointment_class()
        t = self._new_ticket(svc, priority, now, appt.start, public_id)
        appt.ticket_id, appt.checked_in_at = t.id, now
        self._dirty_appointments.add(appt.code)
        return [
            ev.TicketIssued(at=now, ticket_id=t.id, number=t.number, service=svc.code, priority=priority,
                            ahead=t.ahead_at_issue),
            ev.AppointmentCheckedIn(at=now, code=appt.code, ticket_id=t.id),
        ]

    # ------------------------------------------------------------ clerks and windows

    def sign_in(self, wid: int, clerk: str, now: datetime) -> list[ev.Event]:
        wc, ws = self._window(wid)
        if not wc.open:
            raise E.WindowNotInUse(f"window {wid} is closed in the hall's configuration; an admin may open it",
                                   window=wid)
        if not clerk:
            raise E.InvalidArgument("a staff id is needed to sign in")
        for other in self.windows.values():
            if other.clerk == clerk and other.id != wid:
                raise E.ClerkElsewhere(f"clerk {clerk} is signed in at window {other.id}", window=other.id)
        new = self._wmove(ws, "sign_in")
        out: list[ev.Event] = []
        if ws.clerk == clerk:
            return out  # already signed in here: a terminal restart, nothing changes
        if ws.clerk is not None:
            out.append(ev.ClerkSignedOut(at=now, window=wid, clerk=ws.clerk))
        self._set_window(ws, status=new, clerk=clerk, since=now)
        out.append(ev.ClerkSignedIn(at=now, window=wid, clerk=clerk))
        return out

    def sign_out(self, wid: int, now: datetime) -> list[ev.Event]:
        _, ws = self._window(wid)
        new = self._wmove(ws, "sign_out")
        if ws.current is not None:
            raise E.WindowBusy(f"finish {self.tickets[ws.current].number} before signing out", window=wid)
        clerk = ws.clerk or ""
        self._set_window(ws, status=new, clerk=None, pause_reason=None, since=now)
        return [ev.ClerkSignedOut(at=now, window=wid, clerk=clerk)]

    def pause(self, wid: int, reason: str, now: datetime) -> list[ev.Event]:
        _, ws = self._window(wid)
        new = self._wmove(ws, "pause")
        if ws.current is not None:
            raise E.WindowBusy(f"finish {self.tickets[ws.current].number} before pausing", window=wid)
        reason = _text(reason)
        self._set_window(ws, status=new, pause_reason=reason, since=now)
        return [ev.WindowPaused(at=now, window=wid, reason=reason)]

    def resume_window(self, wid: int, now: datetime) -> list[ev.Event]:
        _, ws = self._window(wid)
        new = self._wmove(ws, "resume")
        self._set_window(ws, status=new, pause_reason=None, since=now)
        return [ev.WindowResumed(at=now, window=wid)]

    # ------------------------------------------------------------ calling

    def _call(self, wc: WindowConfig, ws: WindowState, t: Ticket, now: datetime, specific: bool) -> ev.TicketCalled:
        t.status = self._move(t, "call")
        t.window, t.clerk, t.called_at, t.recalls = wc.id, ws.clerk, now, 0
        self._touch(t)
        self._set_window(ws, current=t.id)
        return ev.TicketCalled(at=now, ticket_id=t.id, number=t.number, service=t.service, window=wc.id,
                               clerk=ws.clerk, specific=specific)

    def call_next(self, wid: int, now: datetime) -> list[ev.Event]:
        """Call the next ticket for this window by the hall's call order (叫号)."""
        self._require_day(now)
        wc, ws = self._ready_to_call(wid)
        waiting = (t for code in wc.services for t in self.waiting.get(code, {}).values())
        t = select_next(waiting, wc, priorities=self.priorities, priority_streak=ws.priority_streak,
                        priority_ratio=self.rules.priority_ratio, now=now,
                        preference_max_wait=self.rules.preference_max_wait_minutes)
        if t is None:
            raise E.NothingWaiting(f"no ticket waits for window {wid}", window=wid)
        kind = kind_of(t, self.priorities)
        if kind is PriorityKind.PRIORITY:
            ws.priority_streak += 1
        elif kind is PriorityKind.NORMAL or (t.appointment_start and t.appointment_start > now):
            ws.priority_streak = 0
        return [self._call(wc, ws, t, now, specific=False)]

    def call_ticket(self, wid: int, number: str, now: datetime) -> list[ev.Event]:
        """Call one ticket by its number (指呼), e.g. a late citizen standing at the window."""
        self._require_day(now)
        wc, ws = self._ready_to_call(wid)
        t = self.ticket(number)
        self._move(t, "call")
        self._require_served(wc, t)
        if t.status is T.NO_SHOW:
            self._check_grace(t, now)
        return [self._call(wc, ws, t, now, specific=True)]

    def call_by_scan(self, wid: int, public_id: str, now: datetime, *, issued_on: date | None = None
                     ) -> list[ev.Event]:
        """扫码叫号: the clerk scanned a ticket's QR code. A waiting ticket (or a no-show within the grace) is
        called here, a suspended one resumed here; anything else is refused with why (stable codes):
        another day, another service, already at a window, its visit over.

        `issued_on`: the day the store knows for a code that is not one of today's tickets."""
        self._require_day(now)
        wc, _ = self._ready_to_call(wid)
        t = self.by_public_id.get(public_id)
        if t is None:
            if issued_on is not None and issued_on != self.day:
                raise E.TicketOfAnotherDay(f"this ticket was issued on {issued_on}, not today", day=str(issued_on))
            raise E.UnknownTicket("no ticket of this hall has this code today")
        self._require_served(wc, t)
        if t.status in (T.CALLED, T.SERVING):
            raise E.TicketAtWindow(f"{t.number} is already at window {t.window}", number=t.number, window=t.window)
        if t.status in (T.DONE, T.CANCELLED, T.EXPIRED):
            raise E.TicketEnded(f"{t.number} is {t.status}", number=t.number, status=str(t.status))
        if t.status is T.SUSPENDED:
            return self.resume(wid, t.number, now)
        return self.call_ticket(wid, t.number, now)

    def recall(self, wid: int, now: datetime) -> list[ev.Event]:
        ws, t = self._current(wid)
        t.status = self._move(t, "recall")
        t.recalls += 1
        self._touch(t)
        return [ev.TicketRecalled(at=now, ticket_id=t.id, number=t.number, window=wid, recalls=t.recalls)]

    def start(self, wid: int, now: datetime) -> list[ev.Event]:
        ws, t = self._current(wid)
        t.status = self._move(t, "start")
        t.serving_at = now
        self._touch(t)
        return [ev.ServingStarted(at=now, ticket_id=t.id, window=wid)]

    def skip(self, wid: int, now: datetime) -> list[ev.Event]:
        """过号: the citizen did not come; they may be requeued within the grace."""
        ws, t = self._current(wid)
        t.status = self._move(t, "skip")
        t.skipped_at = now
        self._touch(t)
        self._set_window(ws, current=None)
        return [ev.TicketSkipped(at=now, ticket_id=t.id, number=t.number, window=wid)]

    def finish(self, wid: int, now: datetime, outcome: str | None = None) -> list[ev.Event]:
        """End the visit with an outcome code from the hall's list (None: its default_outcome)."""
        ws, t = self._current(wid)
        code = self.config.default_outcome if outcome is None else outcome
        found = self.config.outcome(code)
        if found is None:
            raise E.UnknownOutcome(f"no outcome {code!r}", outcome=code)
        t.status = self._move(t, "finish")
        t.finished_at, t.outcome = now, code
        if t.bundle:  # a step's visit is rated on its own: an earlier step's rating is in the event log
            t.rating = t.rating_reason = t.rating_comment = t.rated_at = None
        if t.serving_at is None:
            t.serving_at = t.called_at
        self._touch(t)
        self._set_window(ws, current=None)
        out: list[ev.Event] = [ev.TicketFinished(at=now, ticket_id=t.id, window=wid, clerk=t.clerk, outcome=t.outcome)]
        bundle = self.bundles.get(t.bundle) if t.bundle else None
        if bundle is not None and t.step + 1 < len(bundle.steps) and found.cls in STEP_DONE:
            out.append(self._next_step(t, bundle, wid, now))
        return out

    def _next_step(self, t: Ticket, bundle: Bundle, wid: int, now: datetime) -> ev.BundleStepReached:
        """The finished step's ticket queues for the next one, keeping its number and its place by arrival (rank).
        Its rating of the step just finished may still come from that window."""
        old, new = t.service, bundle.steps[t.step + 1]
        self._dirty_services.add(old)
        t.status, t.service, t.step, t.step_window = self._move(t, "next_step"), new, t.step + 1, wid
        t.window = t.clerk = t.called_at = t.serving_at = t.finished_at = t.outcome = None
        t.recalls = 0  # (its rating was cleared by finish: a step's visit is rated on its own)
        self._touch(t)
        return ev.BundleStepReached(at=now, ticket_id=t.id, number=t.number, bundle=bundle.code, step=t.step,
                                    from_service=old, to_service=new, window=wid)

    def transfer(self, wid: int, service: str, now: datetime, keep_arrival: bool | None = None) -> list[ev.Event]:
        """Send the window's current ticket to another service's queue; the number stays."""
        ws, t = self._current(wid)
        new_status = self._move(t, "transfer")
        svc = self._service(service)
        if svc.code == t.service:
            raise E.InvalidArgument(f"{t.number} is already in {service}")
        self._require_open(svc)
        keep = self.rules.transfer_keeps_arrival if keep_arrival is None else keep_arrival
        old = t.service
        self._dirty_services.add(old)
        t.status, t.service = new_status, svc.code
        t.origin_service = t.origin_service or old
        t.transfers += 1
        t.window = t.clerk = t.called_at = t.serving_at = None
        t.recalls = 0
        if not keep:
            t.rank, t.arrival_at = self._next_rank(now), now
        self._touch(t)
        self._set_window(ws, current=None)
        return [ev.TicketTransferred(at=now, ticket_id=t.id, number=t.number, from_service=old, to_service=svc.code,
                                     window=wid, kept_arrival=keep)]

    def suspend(self, wid: int, now: datetime, kind: SuspendKind | str = SuspendKind.AWAY,
                bring: Iterable[str] = ()) -> list[ev.Event]:
        """挂起 of the window's visit, of one kind (see SuspendKind and RESUME_AT_SAME_WINDOW).

        不持件 (away) may list what to bring, from the service's materials (the clerk's pick list)."""
        ws, t = self._current(wid)
        new = self._move(t, "suspend")
        try:
            kind = SuspendKind(kind)
        except ValueError:
            raise E.InvalidArgument(f"no suspend kind {kind!r}", kind=str(kind)) from None
        bring = [_text(b) for b in bring]
        if bring and kind is not SuspendKind.AWAY:
            raise E.InvalidArgument("only a 不持件 (away) suspension lists what to bring", kind=str(kind))
        materials = self._service(t.service).materials
        unknown = [b for b in bring if b not in materials]
        if unknown:
            raise E.UnknownMaterial(f"{t.service} lists no {', '.join(unknown)}", items=unknown)
        t.status, t.suspended_at, t.suspend_kind, t.suspended_window = new, now, kind, wid
        t.bring = "\n".join(bring)
        self._touch(t)
        self._set_window(ws, current=None)
        return [ev.TicketSuspended(at=now, ticket_id=t.id, window=wid, kind=str(kind), bring=bring)]

    def resume(self, wid: int, number: str, now: datetime) -> list[ev.Event]:
        wc, ws = self._ready_to_call(wid)
        t = self.ticket(number)
        new = self._move(t, "resume")
        self._require_served(wc, t)
        if RESUME_AT_SAME_WINDOW.get(t.suspend_kind or SuspendKind.AWAY) and t.suspended_window != wid:
            raise E.SuspendedElsewhere(f"{t.number} ({t.suspend_kind}) resumes at window {t.suspended_window} only",
                                       number=t.number, window=t.suspended_window)
        if t.suspended_at is not None:
            t.away_s += max(0.0, (now - t.suspended_at).total_seconds())
        t.status, t.window, t.clerk, t.called_at, t.recalls = new, wid, ws.clerk, now, 0
        self._touch(t)
        self._set_window(ws, current=t.id)
        return [ev.TicketResumed(at=now, ticket_id=t.id, number=t.number, window=wid)]

    def expire_suspensions(self, now: datetime) -> list[ev.Event]:
        """Suspended visits not resumed within rules.suspend_expire_minutes expire (reason suspend_expired)."""
        limit = self.rules.suspend_expire_minutes
        if limit is None:
            return []
        cutoff = now - timedelta(minutes=limit)
        # Every tick: pick the overdue ones first (almost always none), then order just those.
        overdue = [t for t in self.tickets.values()
                   if t.status is T.SUSPENDED and t.suspended_at is not None and t.suspended_at <= cutoff]
        out: list[ev.Event] = []
        for t in sorted(overdue, key=lambda t: (t.rank, t.seq)):
            t.away_s += max(0.0, (now - t.suspended_at).total_seconds())
            out.append(self._expire(t, now, SUSPEND_EXPIRED))
        return out

    def _check_grace(self, t: Ticket, now: datetime) -> None:
        grace = timedelta(minutes=self.rules.skip_grace_minutes)
        if t.skipped_at is not None and now - t.skipped_at > grace:
            raise E.GraceExpired(f"{t.number} was skipped at {t.skipped_at:%H:%M}; the {self.rules.skip_grace_minutes}"
                                 f" min grace is over", number=t.number)

    def requeue(self, number: str, now: datetime, window: int | None = None) -> list[ev.Event]:
        """A skipped citizen came back within the grace: put them back `requeue_places` places.

        A window may requeue only a ticket of a service it serves; an admin (no window) any."""
        self._require_day(now)
        wc = self._window(window)[0] if window is not None else None
        t = self.ticket(number)
        new = self._move(t, "requeue")
        if wc is not None:
            self._require_served(wc, t)
        self._check_grace(t, now)
        places = self.rules.requeue_places
        queue = sorted(self.waiting[t.service].values(), key=lambda x: (x.rank, x.seq))
        if len(queue) > places:
            before, after = queue[places - 1].rank if places else queue[0].rank - 1.0, queue[places].rank
            rank = (before + after) / 2
        else:
            rank = self._next_rank(now)
        t.status, t.rank = new, rank
        t.window = t.clerk = t.called_at = None
        self._touch(t)
        return [ev.TicketRequeued(at=now, ticket_id=t.id, number=t.number, places=min(places, len(queue)))]

    def cancel(self, number: str, reason: str, now: datetime) -> list[ev.Event]:
        t = self.ticket(number)
        t.status = self._move(t, "cancel")
        t.finished_at, t.outcome = now, "cancelled"
        self._touch(t)
        return [ev.TicketCancelled(at=now, ticket_id=t.id, reason=_text(reason))]

    # ------------------------------------------------------------ services

    def touch_services(self, codes: Iterable[str]) -> None:
        """Mark services changed without an event: their issuing hours opened or closed as time passed."""
        self._dirty_services.update(c for c in codes if c in self.services)

    def close_service(self, service: str, reason: str, now: datetime) -> list[ev.Event]:
        self._service(service)
        reason = _text(reason)
        if self.closed.get(service) == reason:
            return []
        self.closed[service] = reason
        self._dirty_services.add(service)
        return [ev.ServiceClosed(at=now, service=service, reason=reason)]

    def open_service(self, service: str, now: datetime) -> list[ev.Event]:
        self._service(service)
        if service not in self.closed:
            return []
        del self.closed[service]
        self._dirty_services.add(service)
        return [ev.ServiceOpened(at=now, service=service)]

    def extend_service(self, service: str, until: datetime, now: datetime) -> list[ev.Event]:
        """延时服务: the service issues tickets from now until `until`, whatever its hours say (a closed
        service stays closed). Today only: `until` must be later today; a new day ends it."""
        self._require_day(now)
        self._service(service)
        if until.tzinfo is None:
            raise E.InvalidArgument("`until` needs a time zone offset", service=service)
        if until <= now:
            raise E.UntilInPast(f"extended hours must end after {now:%H:%M}", service=service,
                                until=until.isoformat())
        if until.astimezone(now.tzinfo).date() != self.day:
            raise E.UntilAfterDayEnd(f"extended hours end by midnight of {self.day}", service=service,
                                     until=until.isoformat())
        if self.extended.get(service) == until:
            return []
        self.extended[service] = until
        self._dirty_services.add(service)
        return [ev.ServiceExtended(at=now, service=service, until=until)]

    def end_extension(self, service: str, now: datetime) -> list[ev.Event]:
        """End a service's extended hours now; its own hours apply again."""
        self._service(service)
        if self.extended.pop(service, None) is None:
            return []
        self._dirty_services.add(service)
        return [ev.ServiceExtensionEnded(at=now, service=service)]

    # ------------------------------------------------------------ the displays' ticker

    def post_notice(self, text_zh: str, text_en: str, until: datetime | None, now: datetime) -> list[ev.Event]:
        """Put a notice on the displays' ticker until `until` (None: until taken down); empty texts take it down.
        Posting the notice that shows already changes nothing."""
        text_zh, text_en = text_zh.strip(), text_en.strip()
        if until is not None:
            if until.tzinfo is None:
                raise E.InvalidArgument("`until` needs a time zone offset")
            if until <= now:
                raise E.UntilInPast(f"a notice must show until after {now:%H:%M}", until=until.isoformat())
        if not (text_zh or text_en):
            if self.notice is None:
                return []
            self.notice = None
            self._notice_taken_down = Notice(text_zh="", text_en="", at=now)
            self._notice_changed = True
            return [ev.NoticePosted(at=now, text_zh="", text_en="")]
        if not text_zh:
            raise E.InvalidArgument("a notice needs its Chinese text (text_zh)")
        old = self.notice
        if old is not None and (old.text_zh, old.text_en, old.until) == (text_zh, text_en, until):
            return []
        self.notice = Notice(text_zh=text_zh, text_en=text_en, until=until, at=now)
        self._notice_changed = True
        return [ev.NoticePosted(at=now, text_zh=text_zh, text_en=text_en, until=until)]

    # ------------------------------------------------------------ ratings and devices

    def rate(self, wid: int, number: str, level: int, now: datetime, reason: str = "",
             comment: str = "") -> list[ev.Event]:
        """好差评 for a finished visit at this window: once; levels 1-2 need a reason; 0 = 未评价."""
        self._window(wid)
        t = self.ticket(number)
        if t.bundle and t.step > 0 and t.status is T.WAITING:  # between two steps of a bundle
            if t.step_window != wid:
                raise E.NotAtWindow(f"{t.number}'s last step was at window {t.step_window}, not {wid}", number=t.number)
            return self._rate_step(t, wid, level, now, reason, comment)
        self._move(t, "rate")
        if t.window != wid:
            raise E.NotAtWindow(f"{t.number} was served at window {t.window}, not {wid}", number=t.number)
        reason, comment = self._record_rating(t, level, reason, comment, now, "was already rated")
        return [ev.VisitRated(at=now, ticket_id=t.id, number=t.number, service=t.service, window=t.window,
                              clerk=t.clerk, level=level, reason=reason, comment=comment)]

    def _rate_step(self, t: Ticket, wid: int, level: int, now: datetime, reason: str, comment: str) -> list[ev.Event]:
        """好差评 of a bundle's step just finished at `wid` while the ticket waits for its next step (once)."""
        reason, comment = self._record_rating(t, level, reason, comment, now, "already rated this step")
        done = self.bundles[t.bundle].steps[t.step - 1]
        return [ev.VisitRated(at=now, ticket_id=t.id, number=t.number, service=done, window=wid,
                              clerk=self.windows[wid].clerk,
                              level=level, reason=reason, comment=comment)]

    def _record_rating(self, t: Ticket, level: int, reason: str, comment: str, now: datetime,
                       already: str) -> tuple[str, str]:
        """Check and store a rating on the ticket (once; levels 1-2 need a reason): its trimmed reason and comment."""
        if t.rating is not None:
            raise E.AlreadyRated(f"{t.number} {already}", number=t.number)
        if level not in RATING_LEVELS:
            raise E.InvalidArgument(f"rating level must be one of {sorted(RATING_LEVELS)}", level=level)
        reason, comment = _text(reason), _text(comment)
        if level in LOW_RATINGS and not reason:
            raise E.ReasonRequired(f"{RATING_LEVELS[level][0]} needs a reason", level=level)
        t.rating, t.rating_reason, t.rating_comment, t.rated_at = level, reason or None, comment or None, now
        self._touch(t)
        return reason, comment

    def report_device(self, name: str, kind: str, state: str, detail: str, now: datetime) -> list[ev.Event]:
        """A device's health; only a change of state or detail is an event."""
        if not name or not kind or not state:
            raise E.InvalidArgument("a device report needs a name, a kind and a state")
        detail = _text(detail)  # bounded before comparing: a long detail repeated is no change
        old = self.devices.get(name)
        if old is not None and (old.kind, old.state, old.detail) == (kind, state, detail):
            return []
        self.devices[name] = DeviceState(name=name, kind=kind, state=state, detail=detail, since=now)
        self._dirty_devices.add(name)
        return [ev.DeviceReported(at=now, name=name, kind=kind, state=state, detail=detail)]
