"""The hall service: authorize a command, decide it in the pure core, persist, then tell every subscriber.

Rule: decisions are made one at a time, synchronously, on the event loop, so two windows can
never be handed the same ticket and no lock is needed. A decision is stored (group commit)
before anyone is answered or told.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import msgspec

from queuecore import events as ev
from queuecore import protocol as P
from queuecore.errors import QueueError
from queuecore.hall import Hall
from queuecore.model import Appointment, HallConfig, Ticket, WindowState
from server import auth, estimates, views
from server.followups import FollowUps
from server.notify.outbox import Cipher, Outbox
from server.auth import Principal
from server.store import REPLY_DAYS, Rows, Store, StoreError

log = logging.getLogger("hallq.server")

REFUSAL_CACHE = 4096  # refused commands' replies (nothing stored) kept in memory for repeats
PIN_FAILURES_ALLOWED = 5
PIN_LOCKOUT = timedelta(minutes=10)
# The commands a kiosk's issue limit (HallService._check_rate) counts.
RATE_LIMITED = (P.IssueTicket, P.IssueBundle, P.CheckIn)


class Denied(Exception):
    """Authentication or authorization refused: `status` is 401 or 403; `code` is stable."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class Subscriber(Protocol):
    audience: str  # views.FULL / STAFF / PUBLIC: what this client may see

    def offer(self, payload: bytes) -> bool: ...  # False: gone or too far behind; it will be dropped

    def drop(self, reason: str) -> None: ...


class Staged(msgspec.Struct):
    """One decided command, frozen: its rows for the store, its pushes, its calls for recent_calls."""

    rows: Rows
    payloads: dict[str, bytes]  # by audience
    calls: list[P.CallView]
    new_day: bool = False  # the calls of earlier days leave recent_calls
    reload: bool = False  # 日终: once stored, every subscriber gets a fresh snapshot (a device reload)


class HallService:
    def __init__(self, config: HallConfig, store: Store, clock: Callable[[], datetime] | None = None, *,
                 kiosk_issue_limit: int = 60, backup_days: int = 30) -> None:
        # `config` (the hall TOML) seeds a new store; from then on the store's configuration is the hall's
        # (changed live by change_config; `hallq config import` applies a file). See _load.
        self.seed = self.config = config
        self.config_listeners: list[Callable[[HallConfig], None]] = []  # e.g. the report worker
        self.sms_available = False  # an SMS provider is configured (server.notify.outbox.ctx): opt-ins are offered
        self.backup_days = backup_days
        self.kiosk_issue_limit = kiosk_issue_limit
        self._issue_times: dict[str, deque[datetime]] = {}
        self._refusals: dict[str, str | None] | None = None
        self.store = store
        self.tz = ZoneInfo(config.timezone)
        self.clock = clock or (lambda: datetime.now(self.tz))
        self.subscribers: set[Subscriber] = set()
        # Repeated command ids: refusals (nothing stored) here; decisions awaiting their batch's write
        # in _inflight; stored decisions in the store's replies table (see _replay).
        self._refused: OrderedDict[tuple[str, str], tuple[str, str, P.Error]] = OrderedDict()
        self._inflight: dict[tuple[str, str], tuple[str, str, P.Result | P.Error, asyncio.Future | None]] = {}
        self._pin_failures: dict[str, list[datetime]] = {}
        # Each device's last report and how many since start (an unchanged report is no event): the
        # console's "device stopped reporting" alert watches the devices that repeat theirs (heartbeats).
        self.device_seen: dict[str, tuple[datetime, int, str]] = {}  # name -> (last report, reports, version)
        self.started_at = self.clock()  # devices not heard from since count as silent from here
        self.recent_calls: deque[P.CallView] = deque(maxlen=20)
        self._pending: list[Staged] = []
        self._batch: asyncio.Future[bool] | None = None  # resolved when the staged batch is stored
        self._kick_scheduled = False
        self._joiners: list[Subscriber] = []  # subscribers waiting for the staged batch to be stored
        self._readers: list[tuple[asyncio.Future, str]] = []
        self.followups = FollowUps(config, store, self.tz)
        self._side: tuple[Any, ev.Event, tuple] | None = None  # a follow-up step decided, for _stage
        self._config_cmd: tuple[P.ChangeConfig, Principal] | None = None  # decided, for its row (_config_rows)
        self._seed_warned = False  # the hall file differs from the stored configuration: said once
        self._load()
        self._roll(self.clock())
        self.flush()

    # ------------------------------------------------------------ state

    def _load(self) -> None:
        """(Re)build the hall from the store: at start, and after a failed write."""
        state = self.store.load()
        config = self._stored_config(state)
        self.hall = hall = Hall(config, day=state.day, tickets=state.tickets, windows=state.windows,
                                appointments=state.appointments, closed_services=state.closed_services,
                                version=state.version, devices=state.devices, extended_services=state.extended_services,
                                notice=state.notice, config_version=max(state.config_version, 1),
                                pending_config=state.pending_config)
        self.estimates = estimates.load(config, self.store, state.day)  # learned wait estimates
        self._use_config(config)
        hall.day_closed_at = self.store.day_closed_at(state.day)  # 日终 survives a restart
        self._refused.clear()
        self._inflight.clear()
        self.followups.stored()  # what was not written is gone: the store is the truth again
        if state.day:
            self.store.prune_replies(state.day - timedelta(days=REPLY_DAYS - 1))
        self._pin_failures = {sid: [datetime.fromisoformat(t) for t in times]
                              for sid, times in self.store.pin_failures().items()}
        self.recent_calls.clear()
        if state.day:
            for data in self.store.recent_events(("ticket_called", "ticket_recalled", "ticket_resumed"), 20,
                                                    since=state.day.isoformat()):
                e = msgspec.json.decode(data, type=ev.AnyEvent)
                if isinstance(e, ev.ANNOUNCED):
                    self.recent_calls.append(self._call_view(e))
        self.outbox = Outbox(self.store.conn, Cipher.from_dir(self.store.path.parent), state.day)  # SMS opt-ins
        log.info("hall loaded: day %s, version %d, %d tickets today, %d active",
                 state.day, state.version, len(state.tickets), len(hall.active_tickets()))

    def _stored_config(self, state) -> HallConfig:
        """The store's configuration; a new store takes the seed (the TOML) as version 1, stored now."""
        if not state.config_doc:
            self.store.seed_config(msgspec.json.encode(self.seed).decode(), self.clock())
            log.info("configuration: seeded version 1 from the hall file (%d services, %d windows)",
                     len(self.seed.services), len(self.seed.windows))
            return self.seed
        try:
            stored = msgspec.json.decode(state.config_doc, type=HallConfig)
        except msgspec.ValidationError as exc:  # written by this code: only a hand-edited file gets here
            raise StoreError(f"the stored hall configuration is unreadable: {exc}") from exc
        if stored != self.seed and not self._seed_warned:
            self._seed_warned = True
            log.warning("configuration: the hall file differs from the stored configuration (version %d), which "
                        "the hall runs; `hallq config import FILE` applies a file as a change", state.config_version)
        return stored

    def _use_config(self, config: HallConfig) -> None:
        """The service's own views of the configuration follow the hall's (at load, and after a change)."""
        changed = config is not self.config
        self.config = config
        self.tz = ZoneInfo(config.timezone)
        self.followups.config, self.followups.tz = config, self.tz
        if changed:
            self.estimates.use_config(config)
            for listener in self.config_listeners:
                listener(config)

    def _call_view(self, e: ev.Event) -> P.CallView:
        """A call, recall or resumed visit as displays list it."""
        t = self.hall.tickets.get(e.ticket_id)
        return P.CallView(ticket_id=e.ticket_id, number=e.number, service=t.service if t else getattr(e, "service", ""),
                          window=e.window, at=e.at, recall=getattr(e, "recalls", 0))

    def service_states(self, codes: list[str] | None = None) -> list[P.ServiceState]:
        now = self.clock()
        hall = self.hall
        out = []
        for code in codes if codes is not None else list(hall.services):
            waiting = len(hall.waiting.get(code, ()))
            out.append(P.ServiceState(
                code=code, waiting=waiting, issued=hall.issued.get(code, 0), daily_cap=hall.services[code].daily_cap,
                open=code not in hall.closed, refusal=hall.issuable(code, now), closed_reason=hall.closed.get(code, ""),
                estimated_wait_minutes=hall.estimated_wait_minutes(code, waiting),
                windows_open=hall.open_windows_for(code), extended_until=hall.extension(code, now)))
        return out

    def snapshot(self, audience: str = views.FULL) -> P.Snapshot:
        return views.snapshot(self._snapshot(), audience)

    def _snapshot(self) -> P.Snapshot:
        hall = self.hall
        return P.Snapshot(
            version=hall.version, day=hall.day, now=self.clock(), hall=self.config, config_version=hall.config_version,
            services=self.service_states(), windows=list(hall.windows.values()),
            tickets=sorted(hall.active_tickets(), key=lambda t: (t.rank, t.seq)),
            recent_calls=list(self.recent_calls), closed_services=sorted(hall.closed),
            devices=sorted(hall.devices.values(), key=lambda d: d.name), notice=hall.notice,
            day_closed_at=hall.day_closed_at, sms=self.sms_available)

    def close(self) -> None:
        """Store what is staged (its commands are still waiting for their answer)."""
        self.flush()

    def subscribe(self, sub: Subscriber) -> None:
        """Queue the snapshot and join the broadcast in one step (no await may come between).

        While a decided batch awaits its write the join waits for it, so a snapshot never shows
        an undurable change."""
        if not self._pending:
            self._join(sub)
        else:
            self._joiners.append(sub)
            self._schedule_flush()

    def _join(self, sub: Subscriber) -> None:
        sub.offer(P.encode(self.snapshot(sub.audience)))
        self.subscribers.add(sub)

    def unsubscribe(self, sub: Subscriber) -> None:
        self.subscribers.discard(sub)
        if sub in self._joiners:
            self._joiners.remove(sub)

    def drop(self, sub: Subscriber) -> None:
        """A subscriber whose outbox is full: cut off, never awaited."""
        self.unsubscribe(sub)
        sub.drop("outbox full: client too slow")

    def _broadcast(self, payloads: dict[str, bytes]) -> None:
        # One audience after another: the same bytes go out in a row (framed once, see ws.text_frame).
        for audience in views.AUDIENCES:
            payload = payloads.get(audience)
            if payload is None:
                continue
            for sub in [s for s in self.subscribers if s.audience == audience]:
                if not sub.offer(payload):
                    self.drop(sub)

    # ------------------------------------------------------------ commands

    def _authorize(self, cmd: P.Command, who: Principal) -> P.Command:
        if who.role != "admin" and who.role not in cmd.roles:
            raise Denied(403, "forbidden", f"a {who.role} token may not {P.command_tag(type(cmd))}")
        if isinstance(cmd, P.WindowCommand):
            if who.role == "window":
                if cmd.window is None:
                    cmd = msgspec.structs.replace(cmd, window=who.window)
                elif cmd.window != who.window:
                    raise Denied(403, "wrong_window", f"this token acts for window {who.window} only")
            elif cmd.window is None:
                raise P.ProtocolError("invalid_format", "`window` is required")
        return cmd

    def _require_clerk(self, cmd: P.Command, who: Principal) -> None:
        """A window token's clerk commands need a signed-in clerk (checked after a repeat is answered)."""
        if who.role == "window" and isinstance(cmd, P.WindowCommand) and cmd.needs_clerk:
            ws = self.hall.windows.get(cmd.window)
            if ws is None or ws.clerk is None:
                raise Denied(403, "clerk_not_signed_in", f"sign in at window {cmd.window} first")

    def tick(self) -> None:
        """Called every few seconds: start a new day at midnight, and tell everyone when a service's issuing
        hours open or close (kiosks grey its button) — changes that no command causes."""
        now = self.clock()
        self._roll(now)
        expired = self.hall.expire_suspensions(now)  # 挂起 past rules.suspend_expire_minutes
        if expired:
            log.info("%d suspended visits expired (not resumed in time)", len(expired))
            self._stage(expired)
        refusals = {code: self.hall.issuable(code, now) for code in self.hall.services}
        if self._refusals is not None:
            changed = [c for c, r in refusals.items() if self._refusals.get(c) != r]
            if changed:
                self.hall.touch_services(changed)
                self._stage([])
        self._refusals = refusals
        if self._pending:
            self._schedule_flush()

    def _check_rate(self, cmd: P.Command, who: Principal, now: datetime) -> None:
        """A kiosk issues at most `kiosk_issue_limit` tickets a minute: a stuck button or a prank
        must not empty a service's daily cap."""
        if who.role != "kiosk" or not isinstance(cmd, RATE_LIMITED):
            return
        recent = self._issue_times.setdefault(who.key, deque())
        while recent and now - recent[0] > timedelta(minutes=1):
            recent.popleft()
        if len(recent) >= self.kiosk_issue_limit:
            raise Denied(429, "rate_limited", f"this kiosk issued {len(recent)} tickets in the last minute; "
                                              "wait a moment")
        recent.append(now)

    # ------------------------------------------------------------ clerk PINs

    def recent_pin_failures(self, staff_id: str, now: datetime) -> list[datetime]:
        """The staff id's wrong PINs that still count (PIN_FAILURES_ALLOWED of them lock the staff id out)."""
        return [t for t in self._pin_failures.get(staff_id, []) if now - t < PIN_LOCKOUT]

    def lift_pin_lockout(self, staff_id: str, store_lift: Callable[[int], None]) -> int:
        """Forget the staff id's wrong PINs; `store_lift(count)` writes that (and its audit row) to the store
        first, so a failed write forgets nothing. Returns how many there were."""
        had = len(self._pin_failures.get(staff_id, []))
        store_lift(had)
        self._pin_failures.pop(staff_id, None)
        return had

    def _check_lockout(self, staff_id: str, now: datetime) -> list[datetime]:
        """The staff id's recent wrong PINs; Denied(locked_out) when there are too many."""
        fails = self.recent_pin_failures(staff_id, now)
        if len(fails) >= PIN_FAILURES_ALLOWED:
            left = max(1, int((fails[-PIN_FAILURES_ALLOWED] + PIN_LOCKOUT - now).total_seconds() // 60) + 1)
            raise Denied(403, "locked_out", f"too many wrong PINs for {staff_id}: locked for {left} more min, "
                                            "or until an admin lifts it")
        return fails

    def _check_pin(self, cmd: P.SignIn, pin_ok: bool | None, now: datetime, who: Principal) -> None:
        fails = self._check_lockout(cmd.staff_id, now)
        if not pin_ok:
            fails.append(now)
            self._pin_failures[cmd.staff_id] = fails
            audit = []
            if len(fails) == PIN_FAILURES_ALLOWED:
                audit.append(_audit_row(now, who, "clerk_locked_out", {"staff_id": cmd.staff_id,
                                                                         "window": cmd.window}))
                log.warning("clerk %s locked out after %d wrong PINs (last from %s:%s)", cmd.staff_id,
                            len(fails), who.role, who.name)
            self._save_pin_failures(cmd.staff_id, fails, audit)
            raise Denied(403, "bad_credentials", "unknown staff id or wrong PIN")
        if self._pin_failures.pop(cmd.staff_id, None):
            self._save_pin_failures(cmd.staff_id, [], [])

    def _save_pin_failures(self, staff_id: str, fails: list[datetime], audit: list[tuple]) -> None:
        try:
            self.store.set_pin_failures(staff_id, [t.isoformat() for t in fails], audit)
        except StoreError:
            log.error("could not store the wrong-PIN count of %s (kept in memory)", staff_id)

    def _unlock_clerk(self, staff_id: str, now: datetime, who: Principal) -> None:
        """An admin lifts a lockout (audited, even when there was none to lift)."""
        had = self.lift_pin_lockout(staff_id, lambda n: self.store.set_pin_failures(
            staff_id, [], [_audit_row(now, who, "clerk_unlocked", {"staff_id": staff_id, "failures": n})]))
        log.info("clerk %s: PIN lockout lifted by %s:%s (%d wrong PINs forgotten)", staff_id, who.role, who.name, had)

    async def _verify_pin(self, staff_id: str, pin: str) -> bool:
        """scrypt off the event loop, at most PIN_THREADS at a time; unknown staff ids cost the same as known ones."""
        clerk = self.store.clerk(staff_id)
        ok = await asyncio.get_running_loop().run_in_executor(_pin_pool(), auth.check_pin, pin,
                                                              clerk["pin_hash"] if clerk else None)
        return ok and clerk is not None

    def _dispatch(self, cmd: P.Command, now: datetime, pin_ok: bool | None, who: Principal) -> list[ev.Event]:
        h = self.hall
        w = getattr(cmd, "window", None)
        match cmd:
            case P.IssueTicket():
                return h.issue(cmd.service, now, cmd.priority, public_id=new_public_id())
            case P.IssueBundle():
                return h.issue_bundle(cmd.bundle, now, cmd.priority, public_id=new_public_id())
            case P.CheckIn():
                return h.check_in(cmd.code, now, public_id=new_public_id())
            case P.SignIn():
                self._check_pin(cmd, pin_ok, now, who)
                # After the PIN (no hint for a wrong one), and read now rather than with the PIN hash before
                # the await: a clerk disabled while scrypt ran is still refused.
                if (self.store.clerk(cmd.staff_id) or {}).get("disabled_at"):
                    raise Denied(403, "clerk_disabled", f"clerk {cmd.staff_id} is disabled: an admin may enable them")
                return h.sign_in(w, cmd.staff_id, now)
            case P.SignOut():
                return h.sign_out(w, now)
            case P.CallNext():
                return h.call_next(w, now)
            case P.CallTicket():
                return h.call_ticket(w, cmd.number, now)
            case P.CallByScan():
                # Only an unknown code costs a lookup (indexed): was it a ticket of another day?
                issued_on = None if cmd.public_id in h.by_public_id else self.store.ticket_day(cmd.public_id)
                return h.call_by_scan(w, cmd.public_id, now, issued_on=issued_on)
            case P.Recall():
                return h.recall(w, now)
            case P.StartServing():
                return h.start(w, now)
            case P.Skip():
                return h.skip(w, now)
            case P.Finish():
                return h.finish(w, now, cmd.outcome)
            case P.Transfer():
                return h.transfer(w, cmd.service, now, cmd.keep_arrival)
            case P.Suspend():
                return h.suspend(w, now, cmd.kind, cmd.bring)
            case P.Resume():
                return h.resume(w, cmd.number, now)
            case P.Requeue():
                return h.requeue(cmd.number, now, w)
            case P.PauseWindow():
                return h.pause(w, cmd.reason, now)
            case P.ResumeWindow():
                return h.resume_window(w, now)
            case P.RateVisit():
                return h.rate(w, cmd.number, cmd.level, now, cmd.reason, cmd.comment)
            case P.ReportDevice():
                self.device_seen[who.name] = (now, self.device_seen.get(who.name, (now, 0, ""))[1] + 1, cmd.version)
                return h.report_device(who.name, cmd.kind, cmd.state, cmd.detail, now)
            case P.CancelTicket():
                return h.cancel(cmd.number, cmd.reason, now)
            case P.ChangeConfig():
                events = h.change_config(cmd.base_version, cmd.ops, now, next_day=cmd.effective == "next_day")
                self._config_cmd = (cmd, who)  # for its config_changes row (see _config_rows)
                return events
            case P.StartDay():
                return h.start_day(now.date(), now)
            case P.CloseDay():
                return h.close_day(now, cmd.reason, force=cmd.force)
            case P.OpenService():
                return h.open_service(cmd.service, now)
            case P.CloseService():
                return h.close_service(cmd.service, cmd.reason, now)
            case P.ExtendService():
                return h.extend_service(cmd.service, cmd.until.astimezone(self.tz), now)
            case P.EndServiceExtension():
                return h.end_extension(cmd.service, now)
            case P.PostNotice():
                return h.post_notice(cmd.text_zh, cmd.text_en, cmd.until.astimezone(self.tz) if cmd.until else None, now)
            case P.CreateAppointments():
                # a full name sent as name_masked is masked too: it never reaches the store
                appts = [Appointment(code=a.code.upper(), service=a.service, day=a.start.astimezone(self.tz).date(),
                                     start=a.start.astimezone(self.tz), end=a.end.astimezone(self.tz),
                                     name_masked=views.mask_name(a.name_masked)) for a in cmd.appointments]
                return h.create_appointments(appts, now)
            case P.CancelAppointment():
                return h.cancel_appointment(cmd.code, now, cmd.reason)
            case P.AdvanceFollowUp():
                self._side = self.followups.advance(cmd.case_id, cmd.action, f"{who.role}:{who.name}", cmd.note,
                                                    now, cmd.valid)
                return []
            case P.UnlockClerk():
                self._unlock_clerk(cmd.staff_id, now, who)
                return []
            case P.GetSnapshot() | P.Ping():
                return []
        raise P.ProtocolError("invalid_format", f"unsupported command {type(cmd).__name__}")

    def _stage(self, events: list[ev.Event]) -> Staged | None:
        """Freeze what the last decision changed (rows, pushes) and queue it for the next group commit.

        Frozen now, on the loop thread: later decisions mutate the same tickets while this
        batch is being written, and neither the file nor the pushes may show them early."""
        changes = self.hall.take_changes()
        if changes is None:
            return self._stage_side()
        calls = [self._call_view(e) for e in events if isinstance(e, ev.ANNOUNCED)]
        announcements = []
        for c in calls:
            wc = self.hall.window_configs[c.window]
            announcements.append(P.Announcement(
                version=changes.version, ticket_id=c.ticket_id, number=c.number, service=c.service, window=c.window,
                window_name_zh=wc.name_zh, window_name_en=wc.name_en, recall=c.recall, at=c.at))
        push = P.Change(version=changes.version, events=events, tickets=changes.tickets, windows=changes.windows,
                        services=self.service_states(changes.services), announcements=announcements,
                        devices=changes.devices, notice=changes.notice)
        payloads = views.encode_change(push)
        staged = Staged(rows=self.store.rows_for(changes, events), payloads=payloads, calls=calls,
                        new_day=any(isinstance(e, ev.DayStarted) for e in events),
                        reload=any(isinstance(e, ev.DayClosed) for e in events))
        staged.rows.followups.extend(self.followups.opened_by(events))  # a 差评 opens its case in the same commit
        staged.rows.estimates.extend(self.estimates.rows_for(self.hall, events))  # estimate vs actual wait, logged
        staged.rows.outbox.extend(self.outbox.rows_for(self.hall, events, self.clock()))  # SMS, in the same commit
        if changes.config:
            self._config_rows(staged, events)
        self._pending.append(staged)
        return staged

    def _config_rows(self, staged: Staged, events: list[ev.Event]) -> None:
        """A configuration change made, scheduled, applied or failed: its history row and the configuration
        itself, in the change's own transaction. An applied one reaches every device as a fresh snapshot."""
        cmd, who = self._config_cmd or (None, None)
        self._config_cmd = None
        for e in events:
            if isinstance(e, ev.ConfigChanged | ev.ConfigScheduled | ev.ConfigUnscheduled) and cmd is not None:
                status = "pending" if isinstance(e, ev.ConfigScheduled) else "applied"
                if isinstance(e, ev.ConfigUnscheduled):  # the withdrawn one is cancelled, its history kept
                    staged.rows.config.append((e.cancelled, "", "", "", "cancelled", "[]", "[]", "", None,
                                               f"withdrawn by version {e.config_version}"))
                staged.rows.config.append((
                    e.config_version, e.at.isoformat(), f"{who.role}:{who.name}", cmd.effective, status,
                    msgspec.json.encode(cmd.ops).decode(), msgspec.json.encode(e.summary).decode(), cmd.note,
                    e.at.isoformat() if status == "applied" else None, ""))
                if isinstance(e, ev.ConfigUnscheduled):
                    log.info("configuration version %d withdrawn before it applied", e.cancelled)
            elif isinstance(e, ev.ConfigChanged):  # a scheduled change, applied as the day started
                staged.rows.config.append((e.config_version, "", "", "", "applied", "[]", "[]", "", e.at.isoformat(), ""))
            elif isinstance(e, ev.ConfigChangeFailed):
                log.error("configuration version %d, scheduled for today, failed: %s", e.config_version, e.message)
                staged.rows.config.append((e.config_version, "", "", "", "failed", "[]", "[]", "", None,
                                           f"{e.code}: {e.message}"))
        staged.rows.meta.extend([("config", msgspec.json.encode(self.hall.config).decode()),
                                 ("config_version", str(self.hall.config_version))])
        if any(isinstance(e, ev.ConfigChanged) for e in events):
            staged.reload = True
            self._use_config(self.hall.config)
            log.info("configuration version %d in force (%s)", self.hall.config_version,
                     "; ".join(s for e in events if isinstance(e, ev.ConfigChanged) for s in e.summary) or "scheduled")

    def _stage_side(self) -> Staged | None:
        """A decision outside the hall's state (a follow-up step): its rows, no push, no new version."""
        if self._side is None:
            return None
        _, event, row = self._side
        rows = Rows(version=self.hall.version, tickets=[], windows=[], appointments=[], followups=[row],
                    events=[self.store.event_row(self.hall.version, event)])
        staged = Staged(rows=rows, payloads={}, calls=[])
        self._pending.append(staged)
        return staged

    # Group commit. Decisions are made one after another on the event loop; all decisions of
    # one loop turn form a batch, written in one transaction (one fsync) at the start of the
    # next turn, then published; only then are their commands answered. Nobody hears of a
    # change before it is stored. The write runs on the loop thread on purpose: on a store
    # thread every sqlite call must win the GIL back from the busy loop, and a batch took
    # 3 ms instead of 0.5 ms (measured; see bench/issue_throughput.py).

    def flush(self) -> bool:
        """Store and publish what is staged. False: nothing was stored (every staged command failed)."""
        self._kick_scheduled = False
        if not self._pending:
            return True
        pending, self._pending = self._pending, []
        done, self._batch = self._batch, None
        try:
            self.store.save_batch([p.rows for p in pending], day=self.hall.day, closed_services=self.hall.closed,
                                  extended_services=self.hall.extended, notice=self.hall.notice)
        except StoreError:
            # Memory ran ahead of the file: go back to what is stored. Every command of the
            # batch is answered store_unavailable, so nobody was told of a lost change.
            log.error("store write failed: reloading the hall from %s", self.store.path)
            self._load()
            ok = False
        else:
            self._inflight.clear()  # their replies are in the store now
            self.followups.stored()
            for staged in pending:
                self._publish(staged)
            if any(staged.reload for staged in pending):
                self._reload_all()
            ok = True
        if done is not None and not done.done():
            done.set_result(ok)
        self._join_waiting()
        return ok

    def _reload_all(self) -> None:
        """Every device starts over from a fresh snapshot (the Qt link and the browser display take a snapshot
        push as a resync): after 日终 a terminal shows its signed-out window, a kiosk its closed services."""
        snap = self._snapshot()
        payloads = {aud: P.encode(views.snapshot(snap, aud)) for aud in views.AUDIENCES}
        self._broadcast(payloads)
        log.info("%d devices told to reload (day closed or configuration changed)", len(self.subscribers))

    def backup(self, now: datetime) -> P.DayCloseResult:
        """Back the store up into <data>/backups and drop backups older than backup_days (a result's backup fields)."""
        from server import backup

        target = backup.backup_dir(self.store.path.parent)
        try:
            path = backup.take_backup(self.store.path, target, now)
        except (backup.BackupError, OSError) as exc:
            log.error("day-close backup failed: %s", exc)
            return P.DayCloseResult(version=0, events=[], backup=None, backup_error=str(exc))
        removed = backup.prune_backups(target, now, self.backup_days)
        return P.DayCloseResult(version=0, events=[], backup=str(path), backups_removed=[str(r) for r in removed])

    def _with_backup(self, reply: P.Result, done: P.DayCloseResult) -> P.Result:
        data = msgspec.json.decode(reply.data, type=P.DayCloseResult)
        data = msgspec.structs.replace(data, backup=done.backup, backup_error=done.backup_error,
                                       backups_removed=done.backups_removed)
        return P.Result(id=reply.id, data=data)

    def _join_waiting(self) -> None:
        # Memory equals the stored hall now: a snapshot tells nothing that is not durable.
        joiners, self._joiners = self._joiners, []
        for sub in joiners:
            self._join(sub)
        readers, self._readers = self._readers, []
        if readers:
            snap = self._snapshot()
            for r, audience in readers:
                if not r.done():
                    r.set_result(views.snapshot(snap, audience))

    async def durable_snapshot(self, audience: str = views.FULL) -> P.Snapshot:
        """A snapshot of stored state only (after the staged batch is written, if there is one)."""
        if not self._pending:
            return self.snapshot(audience)
        fut = asyncio.get_running_loop().create_future()
        self._readers.append((fut, audience))
        self._schedule_flush()
        return await fut

    def _schedule_flush(self) -> None:
        if not self._kick_scheduled and self._pending:
            self._kick_scheduled = True
            asyncio.get_running_loop().call_soon(self.flush)

    def _publish(self, staged: Staged) -> None:
        if staged.new_day:
            self.recent_calls.clear()
        self.recent_calls.extend(staged.calls)
        self._broadcast(staged.payloads)

    def _roll(self, now: datetime) -> None:
        events = self.hall.roll_day(now)
        if events:
            log.info("business day %s started: %d tickets of the previous day expired", now.date(),
                     sum(isinstance(e, ev.TicketExpired) for e in events))
            self._stage(events)

    def _decide(self, cmd: P.Command, who: Principal, pin_ok: bool | None) -> tuple[P.Result | P.Error, bool]:
        """Authorize and decide one command; stage its changes. Returns the reply and whether it may be cached."""
        started = time.perf_counter()
        now = self.clock()
        aud = views.audience(who.role)
        self._side = None
        try:
            self._roll(now)
            cmd = self._authorize(cmd, who)
            self._require_clerk(cmd, who)
            self._check_rate(cmd, who, now)
            events = self._dispatch(cmd, now, pin_ok, who)
            staged = self._stage(events)
            # Encoded now: the objects in it change with the next decision, before the reply goes out.
            # (A snapshot is taken once the batch is stored: see execute/submit.)
            reply: P.Result | P.Error = P.Result(id=cmd.id, data=None if isinstance(cmd, P.GetSnapshot) else
                                                 msgspec.Raw(P.encode(views.redact_result(
                                                     self._result_data(cmd, events, now), aud))))
            # Reads are answered afresh each time: a replayed snapshot would be stale (and large).
            cacheable = not isinstance(cmd, P.GetSnapshot | P.Ping)
            if staged is not None and cmd.id:
                staged.rows.replies.append((who.key, cmd.id, P.encode_text(reply), now.isoformat(),
                                            P.command_tag(type(cmd)), _fingerprint(cmd)))
            if who.role in ("admin", "supervisor") and cacheable:
                row = _audit_row(now, who, P.command_tag(type(cmd)), _public_fields(cmd))
                if staged is not None:
                    staged.rows.audit.append(row)
                elif not isinstance(cmd, P.UnlockClerk):  # that one wrote its own, with what it lifted
                    self.store.write_audit([row])
            outcome = f"ok v{self.hall.version}"
        except (QueueError, P.ProtocolError) as exc:
            reply = P.Error(id=cmd.id, code=exc.code, message=exc.message, details=getattr(exc, "details", {}))
            outcome = exc.code
            cacheable = True
        except Denied as exc:
            reply = P.Error(id=cmd.id, code=exc.code, message=exc.message)
            outcome = exc.code
            cacheable = False  # a retry after signing in must really run
        except StoreError as exc:  # an audit row or lockout that could not be written
            reply = P.Error(id=cmd.id, code=exc.code, message="the hall store could not write; try again")
            outcome = exc.code
            cacheable = False
        self._side = None
        log.info("%s %s by %s:%s -> %s (%.2f ms)", P.command_tag(type(cmd)), _brief(cmd), who.role, who.name,
                 outcome, (time.perf_counter() - started) * 1000)
        return reply, cacheable

    # A repeated command id (per token) is answered with the first decision, never decided again:
    # from _inflight while that decision's batch is being written (the repeat waits for the write),
    # then from the store (for REPLY_DAYS days, across restarts). Refusals changed nothing and are
    # kept in memory only. An id reused for another command, or other arguments, is refused.

    def _replay(self, cmd: P.Command, who: Principal) -> P.Error | tuple[P.Result | P.Error, asyncio.Future | None] | None:
        if not cmd.id or isinstance(cmd, P.GetSnapshot | P.Ping):
            return None
        key = (who.key, cmd.id)
        entry = self._inflight.get(key)
        if entry is None:
            refused = self._refused.get(key)
            if refused is not None:
                entry = (*refused, None)
            else:
                row = self.store.reply(*key)
                if row is None:
                    return None
                entry = (row[0], row[1], msgspec.json.decode(row[2], type=P.Result), None)
        tag, fingerprint, reply, batch = entry
        if (tag and tag != P.command_tag(type(cmd))) or (fingerprint and fingerprint != _fingerprint(cmd)):
            log.warning("%s id=%s by %s:%s -> id_reused (first used for %s)", P.command_tag(type(cmd)), cmd.id,
                        who.role, who.name, tag)
            what = "other arguments" if tag == P.command_tag(type(cmd)) else "another command"
            return P.Error(id=cmd.id, code="id_reused", message=f"the id {cmd.id!r} was already used for {what} "
                                                                f"({tag}); send a new id")
        return reply, batch

    async def _answer_replay(self, hit: P.Error | tuple, cmd: P.Command, who: Principal) -> P.Result | P.Error:
        if isinstance(hit, P.Error):
            return hit
        reply, batch = hit
        if batch is not None and not await asyncio.shield(batch):
            return self._store_failed(cmd)
        log.info("%s id=%s by %s:%s -> replayed", P.command_tag(type(cmd)), cmd.id, who.role, who.name)
        return reply

    def _remember(self, cmd: P.Command, who: Principal, reply: P.Result | P.Error,
                  batch: asyncio.Future | None) -> None:
        """Keep a decided reply for repeats: in flight until its batch is stored, a refusal in memory."""
        if not cmd.id:
            return
        entry = (P.command_tag(type(cmd)), _fingerprint(cmd), reply)
        if isinstance(reply, P.Error):
            self._refused[(who.key, cmd.id)] = entry
            if len(self._refused) > REFUSAL_CACHE:
                self._refused.popitem(last=False)
        elif batch is not None:
            self._inflight[(who.key, cmd.id)] = (*entry, batch)

    def _store_failed(self, cmd: P.Command) -> P.Error:
        return P.Error(id=cmd.id, code=StoreError.code, message="the hall store could not write; nothing changed, "
                                                               "try again")

    def _lookup(self, cmd: P.Command, who: Principal) -> tuple[P.Command, P.Error | tuple | None]:
        """Role and window first, then the repeat (looked up only for a sender allowed to run the command).

        Returns the authorized command and, when it is settled already, its refusal or replay."""
        try:
            cmd = self._authorize(cmd, who)
        except (Denied, P.ProtocolError) as exc:
            log.info("%s %s by %s:%s -> %s", P.command_tag(type(cmd)), _brief(cmd), who.role, who.name, exc.code)
            return cmd, P.Error(id=cmd.id, code=exc.code, message=exc.message)
        return cmd, self._replay(cmd, who)

    def execute(self, cmd: P.Command, who: Principal, *, pin_ok: bool | None = None) -> P.Result | P.Error:
        """Run one command to its durable reply, synchronously (commits at once). For tools and tests."""
        cmd, hit = self._lookup(cmd, who)
        if hit is not None:
            return hit if isinstance(hit, P.Error) else hit[0]
        reply, cacheable = self._decide(cmd, who, pin_ok)
        if not self.flush():
            return self._store_failed(cmd)
        if isinstance(cmd, P.GetSnapshot) and isinstance(reply, P.Result):
            reply = P.Result(id=cmd.id, data=self.snapshot(views.audience(who.role)))
        if isinstance(cmd, P.CloseDay) and isinstance(reply, P.Result):
            reply = self._with_backup(reply, self.backup(self.clock()))
        if cacheable and isinstance(reply, P.Error):
            self._remember(cmd, who, reply, None)
        return reply

    async def submit(self, cmd: P.Command, who: Principal) -> P.Result | P.Error:
        """Decide one command; the commands decided in one loop turn share one commit.

        Decisions stay strictly one after another in the core; nobody is answered and nothing is
        broadcast before the batch is durably stored."""
        cmd, hit = self._lookup(cmd, who)
        if hit is not None:
            return await self._answer_replay(hit, cmd, who)
        pin_ok = None
        if isinstance(cmd, P.SignIn):
            try:
                self._check_lockout(cmd.staff_id, self.clock())
            except Denied as exc:
                return P.Error(id=cmd.id, code=exc.code, message=exc.message)
            pin_ok = await self._verify_pin(cmd.staff_id, cmd.pin)
            hit = self._replay(cmd, who)  # a copy of this command may have been decided while we hashed
            if hit is not None:
                return await self._answer_replay(hit, cmd, who)
        reply, cacheable = self._decide(cmd, who, pin_ok)
        batch = None
        if self._pending:
            if self._batch is None:
                self._batch = asyncio.get_running_loop().create_future()
            batch = self._batch
            self._schedule_flush()
        if cacheable:
            self._remember(cmd, who, reply, batch)  # before any await: a repeat arriving now finds it
        if batch is not None and not await asyncio.shield(batch):
            return self._store_failed(cmd)
        if isinstance(cmd, P.GetSnapshot) and isinstance(reply, P.Result):
            reply = P.Result(id=cmd.id, data=await self.durable_snapshot(views.audience(who.role)))
        if isinstance(cmd, P.CloseDay) and isinstance(reply, P.Result):
            # After the close is stored, off the loop: its own connection reads one WAL snapshot.
            done = await asyncio.get_running_loop().run_in_executor(None, self.backup, self.clock())
            reply = self._with_backup(reply, done)
        return reply

    def _result_data(self, cmd: P.Command, events: list[ev.Event], now: datetime) -> Any:
        if isinstance(cmd, P.AdvanceFollowUp) and self._side is not None:
            return self._side[0]
        if isinstance(cmd, P.Ping):
            return {"version": self.hall.version, "now": now}
        if isinstance(cmd, P.CloseDay):
            return P.DayCloseResult(version=self.hall.version, events=events)
        if isinstance(cmd, P.ChangeConfig):
            return P.ConfigChangeResult(version=self.hall.version, config_version=self.hall.config_version,
                                        effective=cmd.effective, events=events,
                                        summary=[s for e in events for s in getattr(e, "summary", [])])
        ticket = None
        for e in events:
            tid = getattr(e, "ticket_id", None)
            if tid:
                ticket = self.hall.tickets.get(tid)
                break
        if isinstance(cmd, P.IssueTicket | P.IssueBundle | P.CheckIn) and ticket is not None:
            svc = self.hall.services[ticket.service]
            bundle = self.hall.bundles.get(ticket.bundle) if ticket.bundle else None
            steps = [self.hall.services[code] for code in bundle.steps] if bundle else []
            return P.IssuedTicket(
                steps_zh=tuple(s.name_zh for s in steps), steps_en=tuple(s.name_en for s in steps),
                ticket=ticket, service_name_zh=svc.name_zh, service_name_en=svc.name_en,
                people_ahead=ticket.ahead_at_issue,
                estimated_wait_minutes=self.hall.estimated_wait_minutes(ticket.service, ticket.ahead_at_issue),
                materials=svc.materials, materials_en=svc.materials_in("en"), status_path=f"/t/{ticket.public_id}")
        window = self.hall.windows.get(cmd.window) if isinstance(cmd, P.WindowCommand) else None
        if window is not None and ticket is None and window.current:
            ticket = self.hall.tickets.get(window.current)
        return P.CommandResult(version=self.hall.version, events=events, ticket=ticket, window=window)

    def ticket_status(self, number: str, audience: str = views.FULL) -> dict[str, Any]:
        now = self.clock()
        t = self.hall.ticket(number)
        return {"ticket": views.ticket(t, audience),
                "people_ahead": self.hall.people_ahead(number, now) if t.status == "waiting" else 0}


PUBLIC_ID_MIN_LENGTH = 16
_pool: ThreadPoolExecutor | None = None
PIN_THREADS = 2  # a flood of sign-ins queues here instead of taking every core


def new_public_id() -> str:
    """96 random bits, URL-safe: the ticket's QR code and status page id."""
    return secrets.token_urlsafe(12)


def _pin_pool() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(PIN_THREADS, thread_name_prefix="pin")
    return _pool


def _public_fields(cmd: P.Command) -> dict[str, Any]:
    """A command's fields as logs and the audit trail may show them: no PIN, no appointment code."""
    fields = {k: v for k, v in msgspec.structs.asdict(cmd).items() if v is not None and k not in ("pin", "code")}
    if isinstance(cmd, P.CreateAppointments):
        fields["appointments"] = len(cmd.appointments)
    return fields


def _fingerprint(cmd: P.Command) -> str:
    """What makes a repeat the same command: its type and arguments (the PIN is left out: it is not stored)."""
    fields = {k: v for k, v in msgspec.structs.asdict(cmd).items() if k not in ("id", "pin")}
    return hashlib.sha256(P.command_tag(type(cmd)).encode() + P.encode(fields)).hexdigest()[:32]


def _audit_row(now: datetime, who: Principal, action: str, detail: dict[str, Any]) -> tuple:
    return (now.isoformat(), f"{who.role}:{who.name}", action, P.encode_text(detail))


def _brief(cmd: P.Command) -> str:
    return " ".join(f"{k}={v}" for k, v in _public_fields(cmd).items())

