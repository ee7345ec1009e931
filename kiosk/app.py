"""The kiosk app: wires the HallLink, the model, the screens and the printer worker; `run(config)` is its main.

Rules: one ticket request in flight, with an id of our own; the link re-sends it with that id
after a lost connection or a timeout, so it can never issue a second ticket; a number is shown
only when the server issued it; printing never blocks the screen.
"""
from __future__ import annotations

import hmac
import logging
import secrets
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import msgspec
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QStackedWidget, QVBoxLayout, QWidget

from kiosk.config import KioskConfig
from kiosk.models import (
    Keypad,
    KioskModel,
    KioskView,
    PrintState,
    Screen,
    TicketView,
    bundle_code,
    hall_zone,
    priority_code,
    qr_text,
    refusal_text,
    text_of,
    REFUSALS,
)
from kiosk.printing import PrinterThread, printable
from kiosk.sms_optin import SmsOptIn
from kiosk.widgets.common import style_sheet
from kiosk.widgets.home import HomeScreen
from kiosk.widgets.keypad import KeypadScreen
from kiosk.widgets.screens import AdminScreen, BusyScreen, ClosedScreen, Header, MessageScreen, PausedScreen
from kiosk.widgets.ticket import TicketScreen
from printers.printer import TicketPrinter
from qtclient.appkit import ConnectionBadge, show_full_screen
from qtclient.heartbeat import Heartbeat
from qtclient.link import ONLINE, HallLink
from qtclient.state import VersionGap
from queuecore import protocol as P
from queuecore.model import PriorityKind

log = logging.getLogger("hallq.kiosk")

I18N_DIR = Path(__file__).with_name("i18n")
# Refusals of a check-in that the citizen fixes by typing again: shown on the keypad itself.
APPOINTMENT_CODES = frozenset({"unknown_appointment", "appointment_used", "appointment_too_early",
                               "appointment_expired", "invalid_format"})
ADMIN_PIN_TRIES = 3


class KioskWindow(QWidget):
    """The one full-screen window: header over a stack of screens. Ignores keys and close requests."""

    def __init__(self, link: HallLink, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kioskWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._link = link
        self._may_close = False
        self._elderly: bool | None = None
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        self.header = Header()
        root.addWidget(self.header)
        self.badge = ConnectionBadge(link)
        self.badge.setWordWrap(True)  # "disconnected, last update ..." in large type beside the toggles
        self.header.badge_slot.addWidget(self.badge)
        self.stack = QStackedWidget()
        root.addWidget(self.stack, 1)
        self.home = HomeScreen()
        self.ticket = TicketScreen()
        self.keypad = KeypadScreen()
        self.busy = BusyScreen()
        self.message = MessageScreen()
        self.paused = PausedScreen()
        self.admin = AdminScreen()
        self.closed = ClosedScreen()  # 日终: instead of the home screen until the next day
        self.screens = {Screen.HOME: self.home, Screen.CATEGORY: self.home, Screen.TICKET: self.ticket,
                        Screen.KEYPAD: self.keypad, Screen.BUSY: self.busy, Screen.MESSAGE: self.message,
                        Screen.PAUSED: self.paused, Screen.ADMIN: self.admin}
        for w in (self.home, self.ticket, self.keypad, self.busy, self.message, self.paused, self.admin, self.closed):
            self.stack.addWidget(w)

    def render(self, v: KioskView) -> None:
        if v.elderly != self._elderly:
            self._elderly = v.elderly
            self.setStyleSheet(style_sheet(v.elderly))
        self.header.render(v)
        self.badge.timezone = hall_zone(v.timezone)
        screen = self.closed if v.closed_for_today() else self.screens[v.screen]
        screen.render(v)
        self.stack.setCurrentWidget(screen)

    def retranslate(self) -> None:
        """A new badge: it sets its text only when the link's state changes."""
        self.header.badge_slot.removeWidget(self.badge)
        self.badge.hide()  # deleteLater waits for the event loop; until then it would overlap the new one
        self.badge.deleteLater()
        self.badge = ConnectionBadge(self._link)
        self.badge.setWordWrap(True)
        self.header.badge_slot.addWidget(self.badge)

    def allow_close(self) -> None:
        self._may_close = True

    def closeEvent(self, event: QCloseEvent) -> None:
        # Alt+F4 or a window manager's close must not end the kiosk: only the admin PIN does.
        if self._may_close:
            event.accept()
        else:
            event.ignore()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        event.accept()  # no keyboard on a kiosk; a plugged-in one must not reach the screens


class Kiosk(QObject):
    """The controller: intents from the screens -> commands to the server and jobs for the printer."""

    quit_requested = Signal()  # the admin confirmed with the PIN
    ticket_shown = Signal(str)  # number: the confirmation screen shows it (tests, the benchmark)
    print_done = Signal(str, bool)  # number, printed

    def __init__(self, config: KioskConfig, link: HallLink, printer: TicketPrinter | None, *,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.config = config
        self.link = link
        self.clock = clock
        self.model = KioskModel(lang=config.language, elderly=config.elderly, orientation=config.orientation)
        self._translator = None
        if config.language == "en":
            self._install_translation("en")  # before the window, so its first texts are English too
        self.window = KioskWindow(link)
        self._pending: P.IssueTicket | P.IssueBundle | P.CheckIn | None = None  # sent, no final outcome yet
        self._admin_taps: list[float] = []
        self._admin_fails = 0
        self._reported: tuple[str, str] | None = None
        # The heartbeat carries the printer's state; it holds the model, not self (it must not keep the kiosk alive).
        model, has_printer = self.model, printer is not None
        self.heartbeat = Heartbeat(link, "printer", lambda: (model.view.printer_state, model.view.printer_detail[:200])
                                   if has_printer else ("unreachable", "no printer configured"),
                                   interval_s=config.heartbeat_seconds, parent=self)
        self._last_screen: tuple | None = None  # (screen, green, keypad): a new place restarts the timers
        self._countdown = 0

        self.printer = PrinterThread(printer, self) if printer is not None else None
        if self.printer is not None:
            w = self.printer.worker
            w.printed.connect(self._on_printed)
            w.print_failed.connect(self._on_print_failed)
            w.status_checked.connect(self._on_printer_status)

        link.connection_changed.connect(self._on_link)
        link.snapshot_received.connect(self._on_snapshot)
        link.change_received.connect(self._on_change)
        link.command_finished.connect(self._on_finished)
        link.command_failed.connect(self._on_failed)

        win = self.window
        win.header.hall_tapped.connect(self._on_hall_tapped)
        win.header.language_toggle_requested.connect(self.toggle_language)
        win.header.elderly_toggle_requested.connect(self.model.toggle_elderly)
        win.home.service_requested.connect(self.request_service)
        win.home.category_requested.connect(self.model.open_category)
        win.home.page_requested.connect(self.model.turn_page)
        win.home.appointment_requested.connect(lambda: self.model.open_keypad(Keypad.APPOINTMENT))
        win.home.green_requested.connect(self._on_green)
        win.home.green_cancel_requested.connect(lambda: self.model.set_green(False))
        win.home.home_requested.connect(self.model.go_home)
        win.home.reprint_requested.connect(self.reprint)
        win.ticket.home_requested.connect(self.model.go_home)
        win.ticket.reprint_requested.connect(self.reprint)
        win.keypad.text_changed.connect(self.model.keypad_input)
        win.keypad.submitted.connect(self._on_keypad)
        win.keypad.home_requested.connect(self.model.go_home)
        win.message.home_requested.connect(self.model.go_home)
        win.admin.home_requested.connect(self.model.go_home)
        win.admin.reprint_requested.connect(self.reprint)
        win.admin.quit_requested.connect(self._quit)

        self.model.changed.connect(self._on_view)
        self.sms_available = False  # until a snapshot says the hall sends SMS
        self.sms = SmsOptIn(self)  # 短信提醒: the optional phone-number keypad after issuing
        self._idle = self._timer(config.idle_seconds * 1000, self._on_idle, single=True)
        self._tick = self._timer(1000, self._on_tick)
        self._poll = self._timer(int(config.printer_poll_seconds * 1000), self._poll_printer)
        if self.printer is not None:
            self._poll.start()
        self._tick.start()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)  # any touch anywhere restarts the idle timeout
        if self.printer is None:
            # Said on the home screen before the first tap, not only after a ticket fails to print.
            self.model.set_printer("unreachable", "no printer configured")
        self._on_tick()
        self.model.set_link(link.state, link.last_contact, busy=False)

    def _timer(self, ms: int, slot, *, single: bool = False) -> QTimer:
        t = QTimer(self)
        t.setInterval(ms)
        t.setSingleShot(single)
        t.timeout.connect(slot)
        return t

    @property
    def view(self) -> KioskView:
        return self.model.view

    def start(self) -> None:
        """Connect, check the printer, show the window (full screen unless configured windowed)."""
        self.heartbeat.start()
        self.link.start()
        self._poll_printer()
        w = self.window
        if self.config.windowed:
            w.setFixedSize(*self.config.screen_size)
            w.show()
        else:
            w.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
            w.setCursor(Qt.CursorShape.BlankCursor)  # a touch screen: no mouse pointer in the middle
            show_full_screen(w)

    def stop(self) -> None:
        for t in (self._idle, self._tick, self._poll):
            t.stop()
        self.heartbeat.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.link.stop()
        if self.printer is not None:
            self.printer.stop()
        if self._translator is not None and app is not None:
            app.removeTranslator(self._translator)  # the application outlives this kiosk (tests, screenshots)
            self._translator = None
        self.window.allow_close()
        self.window.close()

    # ------------------------------------------------------------ hall and link

    @Slot(str)
    def _on_link(self, state: str) -> None:
        # A request cut off by the loss is re-sent by the link once back (or has failed by then): stay busy for it.
        self.model.set_link(state, self.link.last_contact, busy=self._pending is not None)
        if state == ONLINE and (self.view.printer_state != "unknown" or self.printer is None):
            self._report(force=True)

    @Slot(object)
    def _on_snapshot(self, snap: P.Snapshot) -> None:
        self.sms_available = snap.sms  # the hall sends SMS: the ticket screen offers the opt-in keypad
        self.model.hall.apply_snapshot(snap)
        self.model.refresh_hall()

    @Slot(object)
    def _on_change(self, change: P.Change) -> None:
        try:
            self.model.hall.apply_change(change)
        except VersionGap:
            self.link.resync()
            return
        if change.services or any(type(e).__name__ in ("ServiceClosed", "ServiceOpened", "DayStarted", "DayClosed")
                                  for e in change.events):
            self.model.refresh_hall()

    # ------------------------------------------------------------ ticket requests

    @Slot(str)
    def request_service(self, service: str) -> None:
        """A service tile was tapped: one IssueTicket, unless one is already in flight."""
        priority = priority_code(self.model.hall.hall, PriorityKind.PRIORITY) if self.view.green else None
        bundle = bundle_code(service)
        if bundle is not None:  # 一票到底: one ticket for every step
            self._send(P.IssueBundle(id=self._new_id(), bundle=bundle, priority=priority))
            return
        self._send(P.IssueTicket(id=self._new_id(), service=service, priority=priority))

    def check_in(self, code: str) -> None:
        self._send(P.CheckIn(id=self._new_id(), code=code.strip().upper()))

    def _new_id(self) -> str:
        return f"kiosk-{secrets.token_hex(8)}"

    def _send(self, cmd: P.IssueTicket | P.IssueBundle | P.CheckIn) -> None:
        if self._pending is not None or not self.model.online:
            log.info("tap ignored: %s", "a request is in flight" if self._pending else "offline")
            return
        self._pending = cmd
        self.model.busy()
        # Re-sent by the link (same id) while its outcome is unknown, for as long as a citizen waits.
        self.link.send(cmd, resend=replace(self.link.timings.resend, within=self.config.retry_seconds))

    @Slot(str, object)
    def _on_finished(self, cid: str, data: object) -> None:
        cmd = self._pending
        if cmd is None or cid != cmd.id:
            return
        self._pending = None
        if not isinstance(data, P.IssuedTicket):
            try:
                data = msgspec.convert(data, P.IssuedTicket)
            except msgspec.ValidationError:
                self.model.show_refusal("invalid_reply")
                return
        hall = self.model.hall.hall
        t = data.ticket
        # The phone opens the page from mobile data: the hall's public URL when it has one, else this server.
        server = hall.public_base_url if hall and hall.public_base_url else self.link.server_url
        qr = qr_text(self.config.ticket_url, number=t.number, ticket_id=t.id, day=t.day.isoformat(),
                     server=server, hall_name=hall.name_zh if hall else "", status_path=data.status_path)
        ticket = TicketView.from_issued(data, hall, qr)
        if self.printer is None:
            ticket = replace(ticket, print_state=PrintState.FAILED, printer_state="unreachable")
        self.model.show_ticket(ticket)
        self.ticket_shown.emit(t.number)
        if self.printer is not None:
            self.printer.print_requested.emit(t.number, printable(ticket, self.view.hall_name(), self.view.lang))

    @Slot(str, str, str)
    def _on_failed(self, cid: str, code: str, message: str) -> None:
        cmd = self._pending
        if cmd is None or cid != cmd.id:
            return
        self._pending = None
        if code in ("connection_lost", "offline"):
            # Not sent, or the link gave up re-sending it while the server was away: no number to
            # show. Home, or the pause screen while offline; the citizen taps again.
            log.warning("%s id=%s: %s; no ticket shown", type(cmd).__name__, cid, code)
            self.model.go_home()
            return
        if isinstance(cmd, P.CheckIn) and code in APPOINTMENT_CODES:
            title, body = refusal_text(code if code != "invalid_format" else "unknown_appointment")
            self.model.open_keypad(Keypad.APPOINTMENT)
            self.model.keypad_refused(f"{title}：{body}" if self.view.lang == "zh" else f"{title}: {body}")
            return
        self.model.show_refusal(code)

    # ------------------------------------------------------------ keypad, green channel, admin

    @Slot(str)
    def _on_keypad(self, text: str) -> None:
        purpose = self.view.keypad
        if purpose == Keypad.APPOINTMENT:
            self.check_in(text)
        elif purpose == Keypad.GREEN_PIN:
            if hmac.compare_digest(text.encode(), self.config.green_pin.encode()):
                self.model.set_green(True)
            else:
                self.model.keypad_refused(text_of(REFUSALS["wrong_pin"][0]))
        else:
            if hmac.compare_digest(text.encode(), self.config.admin_pin.encode()):
                self._admin_fails = 0
                self.model.show_admin()
            else:
                self._admin_fails += 1
                if self._admin_fails >= ADMIN_PIN_TRIES:
                    self._admin_fails = 0
                    self.model.go_home()
                else:
                    self.model.keypad_refused(text_of(REFUSALS["wrong_pin"][0]))

    @Slot()
    def _on_green(self) -> None:
        if self.config.green_pin:
            self.model.open_keypad(Keypad.GREEN_PIN)
        else:
            self.model.set_green(True)

    @Slot()
    def _on_hall_tapped(self) -> None:
        now = time.monotonic()
        self._admin_taps = [t for t in self._admin_taps if now - t <= self.config.admin_tap_seconds] + [now]
        if len(self._admin_taps) >= self.config.admin_taps and self.view.screen not in (Screen.BUSY,):
            self._admin_taps.clear()
            self.model.open_keypad(Keypad.ADMIN_PIN)

    @Slot()
    def _quit(self) -> None:
        log.info("kiosk quit by the admin")
        self.quit_requested.emit()

    # ------------------------------------------------------------ language

    @Slot()
    def toggle_language(self) -> None:
        self.model.view.lang = "en" if self.view.lang == "zh" else "zh"
        self._install_translation(self.view.lang)
        self.window.retranslate()
        self.model.changed.emit()

    def _install_translation(self, lang: str) -> None:
        from qtclient.appkit import install_translation

        app = QApplication.instance()
        if self._translator is not None:
            app.removeTranslator(self._translator)
            self._translator = None
        self._translator = install_translation(app, lang, I18N_DIR, "kiosk")

    # ------------------------------------------------------------ printer

    @Slot()
    def reprint(self) -> None:
        t = self.view.unprinted
        if t is None or self.printer is None:
            return
        self.model.reprinting()
        self.printer.print_requested.emit(t.number, printable(t, self.view.hall_name(), self.view.lang))

    @Slot(str, int)
    def _on_printed(self, number: str, nbytes: int) -> None:
        log.info("ticket %s printed (%d bytes)", number, nbytes)
        self.model.print_finished(number, True)
        if self.view.screen == Screen.TICKET and self.view.ticket and self.view.ticket.number == number:
            # A reprint that worked: back to the printed ticket's short countdown, not the photo time.
            self._countdown = min(self._countdown, self.config.ticket_seconds)
            self.window.ticket.set_countdown(self._countdown)
        self.print_done.emit(number, True)

    @Slot(str, str, str)
    def _on_print_failed(self, number: str, state: str, message: str) -> None:
        log.warning("ticket %s not printed: %s", number, message)
        self.model.print_finished(number, False, state)
        if self.view.screen == Screen.TICKET and self.view.ticket and self.view.ticket.number == number:
            self._countdown = self.config.photo_seconds  # time to take a photo
            self.window.ticket.set_countdown(self._countdown)
        self.print_done.emit(number, False)

    @Slot(str, str)
    def _on_printer_status(self, state: str, detail: str) -> None:
        self.model.set_printer(state, detail)
        # A printer with a fault is asked more often, so "reprint" appears soon after it is fixed.
        every = self.config.printer_poll_seconds if self.view.printer_ok else min(2.0, self.config.printer_poll_seconds)
        self._poll.setInterval(int(every * 1000))
        self._report()

    @Slot()
    def _poll_printer(self) -> None:
        if self.printer is not None:
            self.printer.status_requested.emit()

    def _report(self, force: bool = False) -> None:
        """Tell the server (device health for the admin) when the printer's state changes."""
        state = self.view.printer_state if self.printer is not None else "unreachable"
        detail = (self.view.printer_detail if self.printer is not None else "no printer configured")[:200]
        if not force and self._reported is not None and self._reported[0] == state:
            return
        if not self.model.online:
            return  # reported on the next connect
        self._reported = (state, detail)
        self.link.send(P.ReportDevice(kind="printer", state=state, detail=detail))

    # ------------------------------------------------------------ timers

    @Slot()
    def _on_view(self) -> None:
        v = self.view
        place = (v.screen, v.green, v.keypad)
        if place != self._last_screen:
            self._last_screen = place
            if v.screen == Screen.TICKET:
                failed = v.ticket is not None and v.ticket.print_state == PrintState.FAILED
                self._countdown = self.config.photo_seconds if failed else self.config.ticket_seconds
            self._restart_idle()
        self.window.render(v)
        self.window.header.set_clock(self.clock(), v)
        if v.screen == Screen.TICKET:
            self.window.ticket.set_countdown(self._countdown)

    def _restart_idle(self) -> None:
        v = self.view
        if v.screen in (Screen.KEYPAD, Screen.MESSAGE, Screen.CATEGORY, Screen.ADMIN) or (
                v.screen == Screen.HOME and v.green):
            self._idle.start()
        else:
            self._idle.stop()

    @Slot()
    def _on_idle(self) -> None:
        log.info("idle on %s: back to home", self.view.screen)
        self.model.go_home()

    @Slot()
    def _on_tick(self) -> None:
        self.window.header.set_clock(self.clock(), self.view)
        if self.view.screen == Screen.TICKET and not self.sms.is_open:  # typing a number: the countdown waits
            self._countdown -= 1
            if self._countdown <= 0:
                self.model.go_home()
            else:
                self.window.ticket.set_countdown(self._countdown)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin) and self._idle.isActive():
            self._idle.start()
        return False


def make_printer(config: KioskConfig) -> TicketPrinter:
    from printers.config import PrinterConfig

    if config.printer:
        return TicketPrinter(PrinterConfig.load(config.printer))
    return TicketPrinter(PrinterConfig(transport="virtual", folder=config.virtual_printer_folder, name="kiosk"))


def run(config: KioskConfig) -> int:
    """The kiosk's main: full screen until the admin quits it."""
    from qtclient.appkit import make_app

    app = make_app("hallq-kiosk")
    link = HallLink(config.server, config.resolve_token())
    kiosk = Kiosk(config, link, make_printer(config))
    kiosk.quit_requested.connect(app.quit)
    kiosk.start()
    try:
        return app.exec()
    finally:
        kiosk.stop()
