"""The kiosk's view state (no widgets): which screen shows what, from the hall state, the link, the printer and the citizen's taps.

Rule: at most one ticket request is in flight; everything a screen shows comes from here, so
the widgets only render it and report taps.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from PySide6.QtCore import QCoreApplication, QObject, Signal

from qtclient.state import HallState
from queuecore.model import HallConfig, PriorityKind
from queuecore.protocol import IssuedTicket

# Buttons on one screen before the home screen shows categories first (the "≤ 12").
MAX_BUTTONS = 12
MAX_BUTTONS_ELDERLY = 6  # 适老化: fewer, larger buttons
CTX = "KioskText"  # translation context of the texts below


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate looks for
    return text


def text_of(text: str) -> str:
    """A text of this module in the current language (source: Simplified Chinese)."""
    return QCoreApplication.translate(CTX, text)


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


# What the citizen reads for each refusal or failure (error codes are the server's, stable).
REFUSALS: dict[str, tuple[str, str]] = {
    "unknown_appointment": (QT_TRANSLATE_NOOP("KioskText", "预约码无效"),
                            QT_TRANSLATE_NOOP("KioskText", "没有找到这个预约码，请核对后重新输入，或到服务台咨询。")),
    "appointment_used": (QT_TRANSLATE_NOOP("KioskText", "预约码已使用"),
                         QT_TRANSLATE_NOOP("KioskText", "这个预约已经取过号了。如号票遗失，请到服务台。")),
    "appointment_too_early": (QT_TRANSLATE_NOOP("KioskText", "还未到签到时间"),
                              QT_TRANSLATE_NOOP("KioskText", "预约时段开始前 30 分钟内才能取号，请稍后再来。")),
    "appointment_expired": (QT_TRANSLATE_NOOP("KioskText", "预约已过期"),
                            QT_TRANSLATE_NOOP("KioskText", "您的预约时段已过，请现场取号或重新预约。")),
    "outside_hours": (QT_TRANSLATE_NOOP("KioskText", "不在取号时间"),
                      QT_TRANSLATE_NOOP("KioskText", "该业务现在不能取号，请在办理时间内再来。")),
    "daily_cap_reached": (QT_TRANSLATE_NOOP("KioskText", "今日号已取完"),
                          QT_TRANSLATE_NOOP("KioskText", "该业务今天的号已经发完，请改日再来或网上预约。")),
    "service_closed": (QT_TRANSLATE_NOOP("KioskText", "业务暂停办理"),
                       QT_TRANSLATE_NOOP("KioskText", "该业务今天暂停办理，请到服务台咨询。")),
    "rate_limited": (QT_TRANSLATE_NOOP("KioskText", "取号太频繁"),
                     QT_TRANSLATE_NOOP("KioskText", "本机取号过于频繁，请稍等一分钟再试。")),
    "offline": (QT_TRANSLATE_NOOP("KioskText", "暂停取号"),
                QT_TRANSLATE_NOOP("KioskText", "与服务器的连接中断，请稍候。")),
    "timeout": (QT_TRANSLATE_NOOP("KioskText", "服务器无响应"),
                QT_TRANSLATE_NOOP("KioskText", "没有取到号，请重试；如仍不行请到服务台。")),
    "day_not_started": (QT_TRANSLATE_NOOP("KioskText", "尚未开始营业"),
                        QT_TRANSLATE_NOOP("KioskText", "大厅今天还没有开始取号，请稍候。")),
    "wrong_pin": (QT_TRANSLATE_NOOP("KioskText", "密码错误"),
                  QT_TRANSLATE_NOOP("KioskText", "请工作人员重新输入。")),
}
GENERIC_REFUSAL = (QT_TRANSLATE_NOOP("KioskText", "无法取号"), QT_TRANSLATE_NOOP("KioskText", "请到服务台咨询（错误代码 %1）。"))

# A greyed service button says why, in a few words.
REASONS: dict[str, str] = {
    "outside_hours": QT_TRANSLATE_NOOP("KioskText", "不在取号时间"),
    "daily_cap_reached": QT_TRANSLATE_NOOP("KioskText", "今日已取完"),
    "service_closed": QT_TRANSLATE_NOOP("KioskText", "暂停办理"),
    "day_not_started": QT_TRANSLATE_NOOP("KioskText", "尚未开始"),
}

PRINTER_PROBLEMS: dict[str, str] = {
    "paper_out": QT_TRANSLATE_NOOP("KioskText", "打印机缺纸"),
    "cover_open": QT_TRANSLATE_NOOP("KioskText", "打印机盖未关"),
    "offline": QT_TRANSLATE_NOOP("KioskText", "打印机离线"),
    "unreachable": QT_TRANSLATE_NOOP("KioskText", "打印机未连接"),
}
PRINTER_OK_STATES = frozenset({"ready", "paper_near_end", "unknown"})

# A printer error code (printers.errors) -> the device state reported to the server.
ERROR_TO_STATE = {
    "paper_out": "paper_out", "cover_open": "cover_open", "printer_offline": "offline",
    "printer_unreachable": "unreachable", "connection_lost": "unreachable", "write_timeout": "unreachable",
}


def refusal_text(code: str) -> tuple[str, str]:
    title, body = REFUSALS.get(code, GENERIC_REFUSAL)
    return text_of(title), text_of(body).replace("%1", code)


def printer_problem_text(state: str) -> str:
    return text_of(PRINTER_PROBLEMS.get(state, QT_TRANSLATE_NOOP("KioskText", "打印机故障")))


@dataclass(frozen=True)
class ServiceButton:
    code: str
    name_zh: str
    name_en: str
    category: str
    waiting: int
    wait_minutes: int
    refusal: str | None  # None: can issue now
    closed_reason: str = ""

    @property
    def enabled(self) -> bool:
        return self.refusal is None

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_zh

    def reason_text(self) -> str:
        """Why it is greyed: the admin's own words when they gave some, else the refusal in a few words."""
        if self.refusal is None:
            return ""
        if self.refusal == "service_closed" and self.closed_reason:
            return self.closed_reason
        return text_of(REASONS.get(self.refusal, QT_TRANSLATE_NOOP("KioskText", "暂不可取号")))


def service_buttons(state: HallState) -> list[ServiceButton]:
    """One button per configured service, in configuration order, with its live counts and refusal."""
    if state.hall is None:
        return []
    out = []
    for svc in state.hall.services:
        s = state.services.get(svc.code)
        out.append(ServiceButton(
            code=svc.code, name_zh=svc.name_zh, name_en=svc.name_en, category=svc.category,
            waiting=s.waiting if s else 0, wait_minutes=s.estimated_wait_minutes if s else 0,
            refusal=(s.refusal if s else "day_not_started"), closed_reason=s.closed_reason if s else ""))
    return out


def categories(buttons: list[ServiceButton]) -> list[str]:
    """Categories in first-seen order ("" groups the uncategorised)."""
    seen: list[str] = []
    for b in buttons:
        if b.category not in seen:
            seen.append(b.category)
    return seen


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

    def service_name(self, lang: str) -> str:
        return self.service_name_en if lang == "en" and self.service_name_en else self.service_name_zh

    @classmethod
    def from_issued(cls, issued: IssuedTicket, hall: HallConfig | None, qr_data: str) -> TicketView:
        t = issued.ticket
        label_zh = label_en = None
        if hall is not None:
            cls_ = next((p for p in hall.priorities if p.code == t.priority), None)
            if cls_ is not None and cls_.kind is not PriorityKind.NORMAL:
                label_zh, label_en = cls_.name_zh, cls_.name_en
        return cls(number=t.number, ticket_id=t.id, service_name_zh=issued.service_name_zh,
                   service_name_en=issued.service_name_en, people_ahead=issued.people_ahead,
                   wait_minutes=issued.estimated_wait_minutes, materials=tuple(issued.materials),
                   qr_data=qr_data, issued_at=t.issued_at, priority_label_zh=label_zh, priority_label_en=label_en)


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
    buttons: list[ServiceButton] = field(default_factory=list)
    category: str | None = None  # the category screen's
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

    def hall_name(self) -> str:
        return self.hall_name_en if self.lang == "en" and self.hall_name_en else self.hall_name_zh

    @property
    def printer_ok(self) -> bool:
        return self.printer_state in PRINTER_OK_STATES

    @property
    def max_buttons(self) -> int:
        return MAX_BUTTONS_ELDERLY if self.elderly else MAX_BUTTONS

    @property
    def by_category(self) -> bool:
        """Too many services for one screen: the home screen shows categories first (2 taps)."""
        return len(self.buttons) > self.max_buttons and len(categories(self.buttons)) > 1

    def category_buttons(self) -> list[ServiceButton]:
        return [b for b in self.buttons if b.category == self.category]


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
        self._set(buttons=service_buttons(self.hall),
                  hall_name_zh=h.name_zh if h else "", hall_name_en=h.name_en if h else "",
                  has_appointments=priority_code(h, PriorityKind.APPOINTMENT) is not None,
                  has_green=priority_code(h, PriorityKind.PRIORITY) is not None)

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
                  keypad_text="", keypad_error="")

    def open_category(self, category: str) -> None:
        self._set(screen=Screen.CATEGORY, category=category)

    def set_green(self, on: bool) -> None:
        self._set(green=on, screen=Screen.HOME, category=None)

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
        self._set(elderly=not self.view.elderly, category=None,
                  screen=Screen.HOME if self.view.screen == Screen.CATEGORY else self.view.screen)

    # ------------------------------------------------------------ ticket and printer

    def show_ticket(self, ticket: TicketView) -> None:
        self._set(screen=Screen.TICKET, ticket=ticket, green=False, category=None)

    def print_finished(self, number: str, ok: bool, printer_state: str = "") -> None:
        v = self.view
        if v.ticket is not None and v.ticket.number == number:
            t = replace(v.ticket, print_state=PrintState.PRINTED if ok else PrintState.FAILED,
                        printer_state="" if ok else printer_state)
            unprinted = None if ok else t
            if ok and v.unprinted is not None and v.unprinted.number != number:
                unprinted = v.unprinted
            self._set(ticket=t, unprinted=unprinted)
        elif v.unprinted is not None and v.unprinted.number == number and ok:
            self._set(unprinted=None)

    def reprinting(self) -> None:
        v = self.view
        if v.ticket is not None and v.unprinted is not None and v.ticket.number == v.unprinted.number:
            self._set(ticket=replace(v.ticket, print_state=PrintState.PRINTING))

    def set_printer(self, state: str, detail: str = "") -> None:
        if (state, detail) != (self.view.printer_state, self.view.printer_detail):
            self._set(printer_state=state, printer_detail=detail)
