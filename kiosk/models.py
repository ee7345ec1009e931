"""The kiosk's view state (no widgets): which screen shows what, from the hall state, the link, the printer and the citizen's taps.

Rule: at most one ticket request is in flight; everything a screen shows comes from here, so
the widgets only render it and report taps.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from PySide6.QtCore import QObject, Signal

from kiosk.texts import (  # noqa: F401 - re-exported: the app and the tests read them here
    REASONS,
    REFUSALS,
    QT_TRANSLATE_NOOP,
    printer_problem_text,
    refusal_text,
    text_of,
)
from qtclient.state import HallState, hall_zone  # noqa: F401 - hall_zone: the app reads it here
from queuecore.model import HallConfig, PriorityKind, in_lang, pairs_in
from queuecore.protocol import IssuedTicket

# Tiles on one page (columns, rows) per (orientation, elderly mode), sized for the fixed screens:
# the landscape screens keep a side column for 预约取号, 绿色通道 and the page buttons.
PAGE_GRID: dict[tuple[str, bool], tuple[int, int]] = {
    ("portrait", False): (2, 6), ("portrait", True): (2, 4),  # 适老化: fewer, larger tiles
    ("landscape", False): (4, 3), ("landscape", True): (3, 2),
}
# Pages of services the home screen may show before it shows categories first: at most two taps
# to any service (下一页, then the service; or the category, then the service).
DIRECT_PAGES = {False: 1, True: 2}


def hall_time(when: datetime, timezone: str) -> datetime:
    """`when` on the hall's clock (a naive `when` is the device's local time)."""
    return when.astimezone(hall_zone(timezone))


class Screen(StrEnum):
    HOME = "home"  # services (or categories), 预约取号, 绿色通道
    CATEGORY = "category"  # the services of one category
    BUSY = "busy"  # a request is in flight
    TICKET = "ticket"  # the issued number, large
    KEYPAD = "keypad"  # appointment code or a PIN
    MESSAGE = "message"  # a refusal, explained
    PAUSED = "paused"  # 暂停取号: no server
    ADMIN = "admin"  # after the admin PIN: quit, reprint, back


class Keypad(StrEnum):
    APPOINTMENT = "appointment"
    GREEN_PIN = "green_pin"
    ADMIN_PIN = "admin_pin"


class PrintState(StrEnum):
    PRINTING = "printing"
    PRINTED = "printed"
    FAILED = "failed"  # the number is on screen only: 请拍照留存


PRINTER_OK_STATES = frozenset({"ready", "paper_near_end", "unknown"})

# A printer error code (printers.errors) -> the device state reported to the server.
ERROR_TO_STATE = {
    "paper_out": "paper_out", "cover_open": "cover_open", "printer_offline": "offline",
    "printer_unreachable": "unreachable", "connection_lost": "unreachable", "write_timeout": "unreachable",
}


@dataclass(frozen=True)
class ServiceButton:
    code: str
    name_zh: str
    name_en: str
    category: str  # the grouping key (its Chinese)
    waiting: int
    wait_minutes: int
    refusal: str | None  # None: can issue now
    closed_reason: str = ""
    closed_reason_en: str = ""  # from the hall's close_reasons; "" for words typed in Chinese only
    category_en: str = ""
    extended_until: datetime | None = None  # 延时服务: issuing stays open until then (hall time)

    @property
    def enabled(self) -> bool:
        return self.refusal is None

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_zh

    def category_name(self, lang: str) -> str:
        return in_lang(lang, self.category, self.category_en)

    def reason_text(self, lang: str = "zh") -> str:
        """Why it is greyed: the admin's own words when they gave some (in English only when the hall's list has
        them), else the refusal in a few words."""
        if self.refusal is None:
            return ""
        reason = self.closed_reason_en if lang == "en" else self.closed_reason
        if self.refusal == "service_closed" and reason:
            return reason
        return text_of(REASONS.get(self.refusal, QT_TRANSLATE_NOOP("KioskText", "暂不可取号")))


BUNDLE_PREFIX = "bundle:"  # a tile's code for a 一票到底 bundle, e.g. "bundle:startup"


def bundle_code(tile_code: str) -> str | None:
    """The bundle a tile stands for, or None for a service tile."""
    return tile_code[len(BUNDLE_PREFIX):] if tile_code.startswith(BUNDLE_PREFIX) else None


def service_buttons(state: HallState) -> list[ServiceButton]:
    """One button per configured service, in configuration order, with its live counts and refusal; then one per
    一票到底 bundle (its first step's queue and refusal; greyed when any of its steps is closed)."""
    if state.hall is None:
        return []
    out = []
    bundles = []
    for b in state.hall.bundles:
        first = state.services.get(b.steps[0])
        closed = next((state.services[c] for c in b.steps if c in state.services
                       and state.services[c].refusal == "service_closed"), None)
        refusal = "service_closed" if closed else (first.refusal if first else "day_not_started")
        first_svc = state.hall.service(b.steps[0])
        reason = closed.closed_reason if closed else ""
        bundles.append(ServiceButton(
            code=BUNDLE_PREFIX + b.code, name_zh=b.name_zh, name_en=b.name("en", state.hall),
            category=first_svc.category if first_svc else "", waiting=first.waiting if first else 0,
            category_en=first_svc.category_en if first_svc else "",
            wait_minutes=first.estimated_wait_minutes if first else 0, refusal=refusal,
            closed_reason=reason, closed_reason_en=_close_reason_en(state.hall, reason)))
    for svc in state.hall.services:
        s = state.services.get(svc.code)
        extended = s.extended_until if s else None
        reason = s.closed_reason if s else ""
        out.append(ServiceButton(
            code=svc.code, name_zh=svc.name_zh, name_en=svc.name_en, category=svc.category,
            category_en=svc.category_en,
            waiting=s.waiting if s else 0, wait_minutes=s.estimated_wait_minutes if s else 0,
            refusal=(s.refusal if s else "day_not_started"), closed_reason=reason,
            closed_reason_en=_close_reason_en(state.hall, reason),
            extended_until=hall_time(extended, state.hall.timezone) if extended else None))
    return out + bundles


def _close_reason_en(hall: HallConfig, reason: str) -> str:
    """The English of a closed service's reason when the hall lists it; "" for free text (shown as 暂停取号)."""
    en = hall.close_reason(reason, "en")
    return en if en and en != reason else ""


def categories(buttons: list[ServiceButton]) -> list[str]:
    """Categories in first-seen order ("" groups the uncategorised)."""
    seen: list[str] = []
    for b in buttons:
        if b.category not in seen:
            seen.append(b.category)
    return seen


@dataclass(frozen=True)
class CategoryEntry:
    """A category on the home screen (categories first): its name and the services it opens."""

    name: str  # the grouping key (its Chinese)
    services: tuple[ServiceButton, ...]

    def label(self, lang: str) -> str:
        return self.services[0].category_name(lang) if self.services else self.name

    @property
    def enabled(self) -> bool:
        return any(b.enabled for b in self.services)


def priority_code(hall: HallConfig | None, kind: PriorityKind) -> str | None:
    if hall is None:
        return None
    return next((p.code for p in hall.priorities if p.kind is kind), None)


@dataclass(frozen=True)
class TicketView:
    """An issued ticket as the confirmation screen and the printer show it."""

    number: str
    ticket_id: str
    service_name_zh: str
    service_name_en: str
    people_ahead: int
    wait_minutes: int
    materials: tuple[str, ...]
    qr_data: str
    issued_at: datetime
    priority_label_zh: str | None = None
    priority_label_en: str | None = None
    print_state: PrintState = PrintState.PRINTING
    printer_state: str = ""  # why it did not print (a device state), when FAILED
    appointment_at: datetime | None = None  # the start of the appointment slot (hall time)
    status_path: str = ""  # "/t/<public id>": the phone page, and its SMS opt-in (kiosk.sms_optin)
    steps_zh: tuple[str, ...] = ()  # 一票到底: the bundle's services, in order
    steps_en: tuple[str, ...] = ()
    materials_en: tuple[str, ...] = ()

    def service_name(self, lang: str) -> str:
        return self.service_name_en if lang == "en" and self.service_name_en else self.service_name_zh

    def materials_in(self, lang: str) -> tuple[str, ...]:
        return pairs_in(lang, self.materials, self.materials_en)

    @classmethod
    def from_issued(cls, issued: IssuedTicket, hall: HallConfig | None, qr_data: str) -> TicketView:
        t = issued.ticket
        label_zh = label_en = None
        tz = hall.timezone if hall is not None else ""
        if hall is not None:
            cls_ = next((p for p in hall.priorities if p.code == t.priority), None)
            if cls_ is not None and cls_.kind is not PriorityKind.NORMAL:
                label_zh, label_en = cls_.name_zh, cls_.name_en
        # Times on the hall's clock, as on the screen and the printed ticket, whatever the device's zone.
        return cls(number=t.number, ticket_id=t.id, service_name_zh=issued.service_name_zh,
                   service_name_en=issued.service_name_en, people_ahead=issued.people_ahead,
                   wait_minutes=issued.estimated_wait_minutes, materials=tuple(issued.materials),
                   qr_data=qr_data, issued_at=hall_time(t.issued_at, tz), priority_label_zh=label_zh,
                   priority_label_en=label_en,
                   appointment_at=hall_time(t.appointment_start, tz) if t.appointment_start else None,
                   status_path=issued.status_path, steps_zh=tuple(issued.steps_zh), steps_en=tuple(issued.steps_en),
                   materials_en=tuple(issued.materials_en))


def qr_text(template: str, *, number: str, ticket_id: str, day: str, server: str, hall_name: str,
            status_path: str = "") -> str:
    """The QR content: the configured URL; else the ticket's status page on the hall server; else a plain line."""
    if template:
        return template.format(number=number, ticket_id=ticket_id, day=day, server=server.rstrip("/"))
    if status_path:
        return server.rstrip("/") + status_path
    return f"{hall_name} {number} {ticket_id}"


@dataclass
class KioskView:
    """Everything on screen at one moment."""

    screen: Screen = Screen.PAUSED
    lang: str = "zh"
    elderly: bool = False
    orientation: str = "portrait"
    link_state: str = "offline"
    last_contact: datetime | None = None
    ever_online: bool = False
    hall_name_zh: str = ""
    hall_name_en: str = ""
    notice_zh: str = ""  # the hall's standing kiosk notice
    notice_en: str = ""
    timezone: str = ""  # the hall's (IANA name); "" until the first snapshot: the device's own
    buttons: list[ServiceButton] = field(default_factory=list)
    category: str | None = None  # the category screen's
    page: int = 0  # of the home or category screen's tiles
    green: bool = False  # 绿色通道 chosen: the next service tap issues a priority ticket
    has_appointments: bool = False
    has_green: bool = False
    keypad: Keypad = Keypad.APPOINTMENT
    keypad_text: str = ""
    keypad_error: str = ""
    message_title: str = ""
    message_body: str = ""
    ticket: TicketView | None = None
    printer_state: str = "unknown"
    printer_detail: str = ""
    unprinted: TicketView | None = None  # the last ticket that did not print, for a reprint
    day_closed_at: datetime | None = None  # 日终: the hall closed the day (hall time); None while open

    def closed_for_today(self) -> bool:
        """After 日终 the home screen is 今日已结束办理, not tiles (a ticket on show stays until it times out)."""
        return self.day_closed_at is not None and self.screen in (Screen.HOME, Screen.CATEGORY, Screen.MESSAGE)

    def hall_name(self) -> str:
        return self.hall_name_en if self.lang == "en" and self.hall_name_en else self.hall_name_zh

    def notice(self) -> str:
        """The hall's kiosk notice in the screen's language ("" when the hall has none in that language)."""
        return self.notice_en if self.lang == "en" else self.notice_zh

    def category_label(self) -> str:
        """The open category's name in the screen's language."""
        b = next((b for b in self.buttons if b.category == self.category), None)
        return b.category_name(self.lang) if b is not None else (self.category or "")

    @property
    def printer_ok(self) -> bool:
        return self.printer_state in PRINTER_OK_STATES

    def hall_time(self, when: datetime) -> datetime:
        return hall_time(when, self.timezone)

    @property
    def grid(self) -> tuple[int, int]:
        """Columns and rows of tiles on one page."""
        return PAGE_GRID[(self.orientation, self.elderly)]

    @property
    def page_size(self) -> int:
        cols, rows = self.grid
        return cols * rows

    @property
    def by_category(self) -> bool:
        """Too many services for the pages the home screen may show: categories first (2 taps)."""
        return (len(self.buttons) > self.page_size * DIRECT_PAGES[self.elderly]
                and len(categories(self.buttons)) > 1)

    def category_buttons(self) -> list[ServiceButton]:
        return [b for b in self.buttons if b.category == self.category]

    def home_entries(self) -> list[ServiceButton | CategoryEntry]:
        """The home screen's tiles, services grouped by category; categories first when they do not fit,
        where a category of one service is that service's own tile (one tap, its real name)."""
        groups = [[b for b in self.buttons if b.category == c] for c in categories(self.buttons)]
        if not self.by_category:
            return [b for group in groups for b in group]
        return [g[0] if len(g) == 1 else CategoryEntry(g[0].category, tuple(g)) for g in groups]

    def entries(self) -> list[ServiceButton | CategoryEntry]:
        """The tiles of the screen on show: a category's services, or the home screen's."""
        return list(self.category_buttons()) if self.screen == Screen.CATEGORY else self.home_entries()

    @property
    def page_count(self) -> int:
        return max(1, -(-len(self.entries()) // self.page_size))

    @property
    def current_page(self) -> int:
        return max(0, min(self.page, self.page_count - 1))

    def page_entries(self) -> list[ServiceButton | CategoryEntry]:
        start = self.current_page * self.page_size
        return self.entries()[start:start + self.page_size]

    def taps_to(self, code: str) -> int:
        """Taps from the home screen to this service's ticket: page turns, a category, the tile."""
        size = self.page_size
        for i, entry in enumerate(self.home_entries()):
            if isinstance(entry, ServiceButton) and entry.code == code:
                return i // size + 1
            if isinstance(entry, CategoryEntry):
                codes = [b.code for b in entry.services]
                if code in codes:
                    return i // size + 1 + codes.index(code) // size + 1
        raise KeyError(code)


class KioskModel(QObject):
    """The view state and its transitions; `changed` after each one. No I/O: app.py does that."""

    changed = Signal()

    def __init__(self, *, lang: str = "zh", elderly: bool = False, orientation: str = "portrait",
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = KioskView(lang=lang, elderly=elderly, orientation=orientation)
        self.hall = HallState()

    def _set(self, **changes) -> None:
        for key, value in changes.items():
            setattr(self.view, key, value)
        self.changed.emit()

    # ------------------------------------------------------------ hall and link

    def refresh_hall(self) -> None:
        h = self.hall.hall
        self._set(buttons=service_buttons(self.hall), timezone=h.timezone if h else "",
                  hall_name_zh=h.name_zh if h else "", hall_name_en=h.name_en if h else "",
                  notice_zh=h.kiosk_notice_zh if h else "", notice_en=h.kiosk_notice_en if h else "",
                  has_appointments=priority_code(h, PriorityKind.APPOINTMENT) is not None,
                  has_green=priority_code(h, PriorityKind.PRIORITY) is not None,
                  day_closed_at=hall_time(self.hall.day_closed_at, h.timezone if h else "")
                  if self.hall.day_closed_at else None)

    def set_link(self, state: str, last_contact: datetime | None, *, busy: bool) -> None:
        """Online: leave the pause (to home, or stay busy for a request being re-sent). Otherwise pause."""
        v = self.view
        if state == "online":
            screen = Screen.BUSY if busy else (Screen.HOME if v.screen in (Screen.PAUSED, Screen.BUSY) else v.screen)
            self._set(link_state=state, last_contact=last_contact, ever_online=True, screen=screen)
        else:
            # The ticket screen stays: its number is real, the citizen may be photographing it.
            screen = v.screen if v.screen in (Screen.TICKET, Screen.ADMIN) else Screen.PAUSED
            self._set(link_state=state, last_contact=last_contact, screen=screen)

    @property
    def online(self) -> bool:
        return self.view.link_state == "online"

    # ------------------------------------------------------------ citizen's moves

    def go_home(self) -> None:
        self._set(screen=Screen.HOME if self.online else Screen.PAUSED, category=None, green=False,
                  keypad_text="", keypad_error="", page=0)

    def open_category(self, category: str) -> None:
        self._set(screen=Screen.CATEGORY, category=category, page=0)

    def turn_page(self, delta: int) -> None:
        """上一页 (-1) / 下一页 (+1) on the home or category screen."""
        v = self.view
        self._set(page=max(0, min(v.current_page + delta, v.page_count - 1)))

    def set_green(self, on: bool) -> None:
        self._set(green=on, screen=Screen.HOME, category=None, page=0)

    def open_keypad(self, purpose: Keypad) -> None:
        self._set(screen=Screen.KEYPAD, keypad=purpose, keypad_text="", keypad_error="")

    def keypad_input(self, text: str) -> None:
        limit = 12 if self.view.keypad != Keypad.APPOINTMENT else 32
        self._set(keypad_text=text[:limit], keypad_error="")

    def keypad_refused(self, message: str) -> None:
        self._set(keypad_text="", keypad_error=message)

    def busy(self) -> None:
        self._set(screen=Screen.BUSY)

    def show_refusal(self, code: str) -> None:
        title, body = refusal_text(code)
        self._set(screen=Screen.MESSAGE, message_title=title, message_body=body)

    def show_admin(self) -> None:
        self._set(screen=Screen.ADMIN)

    def toggle_language(self) -> None:
        self._set(lang="en" if self.view.lang == "zh" else "zh")

    def toggle_elderly(self) -> None:
        self._set(elderly=not self.view.elderly, category=None, page=0,
                  screen=Screen.HOME if self.view.screen == Screen.CATEGORY else self.view.screen)

    # ------------------------------------------------------------ ticket and printer

    def show_ticket(self, ticket: TicketView) -> None:
        self._set(screen=Screen.TICKET, ticket=ticket, green=False, category=None)

    def print_finished(self, number: str, ok: bool, printer_state: str = "") -> None:
        v = self.view
        # A failed print is the freshest news of the printer: the screens follow it until the next check.
        printer = {"printer_state": printer_state} if not ok and printer_state else {}
        if v.ticket is not None and v.ticket.number == number:
            t = replace(v.ticket, print_state=PrintState.PRINTED if ok else PrintState.FAILED,
                        printer_state="" if ok else printer_state)
            unprinted = None if ok else t
            if ok and v.unprinted is not None and v.unprinted.number != number:
                unprinted = v.unprinted
            self._set(ticket=t, unprinted=unprinted, **printer)
        elif v.unprinted is not None and v.unprinted.number == number and ok:
            self._set(unprinted=None)
        elif printer:
            self._set(**printer)

    def reprinting(self) -> None:
        v = self.view
        if v.ticket is not None and v.unprinted is not None and v.ticket.number == v.unprinted.number:
            self._set(ticket=replace(v.ticket, print_state=PrintState.PRINTING))

    def set_printer(self, state: str, detail: str = "") -> None:
        if (state, detail) != (self.view.printer_state, self.view.printer_detail):
            self._set(printer_state=state, printer_detail=detail)
