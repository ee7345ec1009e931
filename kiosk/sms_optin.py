"""短信提醒 opt-in on the kiosk: after issuing, an optional phone-number keypad with the consent line.

Rule: the number goes to the server by the phone page's own route (POST /t/<id>/notify with consent), so it is
sealed, masked and deleted after the day there, never kept here: the kiosk forgets it once the server answers
(it keeps only the masked form the server returns, for the button). Skipping, going home or the idle timeout
close the panel with nothing sent. While it is open the confirmation screen's countdown waits. It is offered
beside 完成 once the ticket is printing or printed (a ticket that did not print keeps its screen for the photo).
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Slot

from kiosk.models import PrintState, Screen
from kiosk.widgets.common import button
from kiosk.widgets.sms_optin import SmsOptInPanel, words
from queuecore.notify import PHONE_RE  # the server's rule too

if TYPE_CHECKING:
    from kiosk.app import Kiosk

log = logging.getLogger("hallq.kiosk")
DONE_MS = 2500  # how long "已开启" stays before the panel closes


class SmsOptIn(QObject):
    def __init__(self, kiosk: Kiosk) -> None:
        super().__init__(kiosk)
        self.kiosk, self.link = kiosk, kiosk.link
        window = kiosk.window
        self.button = button(name="smsOptInButton", role="quiet")
        self.button.clicked.connect(self.open)
        window.ticket.buttons.insertWidget(0, self.button)  # beside 完成 (a row of its own would crowd the card)
        self.panel = SmsOptInPanel(window)
        self.panel.hide()
        self.panel.digits_changed.connect(self._on_digits)
        self.panel.submitted.connect(self.submit)
        self.panel.skipped.connect(self.close)
        window.installEventFilter(self)  # the panel covers the window at every size
        self.ticket_id = ""  # the ticket the panel (or the masked number) is for
        self.masked: dict[str, str] = {}  # ticket id -> the masked number the server confirmed
        self.error = ""
        self.status = ""
        self._request: str | None = None
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(self.close)
        self._done = QTimer(self)
        self._done.setSingleShot(True)
        self._done.setInterval(DONE_MS)
        self._done.timeout.connect(self.close)
        kiosk.model.changed.connect(self._on_view)
        self.link.command_finished.connect(self._on_finished)
        self.link.command_failed.connect(self._on_failed)
        self._on_view()

    @property
    def is_open(self) -> bool:
        return self.panel.isVisible()

    def _ticket(self):
        v = self.kiosk.view
        return v.ticket if v.screen == Screen.TICKET else None

    @Slot()
    def open(self) -> None:
        t = self._ticket()
        if t is None or not getattr(t, "status_path", "") or t.ticket_id in self.masked:
            return
        self.ticket_id, self.error, self.status, self._request = t.ticket_id, "", "", None
        self.panel.reset()
        self.panel.setGeometry(self.kiosk.window.rect())
        self.panel.show()
        self.panel.raise_()
        self._idle.start(self.kiosk.config.idle_seconds * 1000)
        self._render()

    @Slot()
    def close(self) -> None:
        self._idle.stop()
        self._done.stop()
        self._request = None
        self.panel.reset()  # the number is not kept here
        self.panel.hide()
        self._on_view()

    @Slot(str)
    def _on_digits(self, digits: str) -> None:
        self.error = ""
        self._idle.start()
        self._render()

    @Slot(str)
    def submit(self, digits: str) -> None:
        t = self._ticket()
        if t is None or self._request is not None:
            return
        self._idle.start()
        if not PHONE_RE.fullmatch(digits):
            self.error = words(self.kiosk.view.lang)["invalid_number"]
            self._render()
            return
        # The consent is the button the citizen pressed, under the consent line it shows.
        self._request = self.link.request("POST", t.status_path + "/notify", {"phone": digits, "consent": True})
        self.status = words(self.kiosk.view.lang)["sending"]
        self._render()

    @Slot(str, object)
    def _on_finished(self, rid: str, data: object) -> None:
        if rid != self._request:
            return
        self._request = None
        masked = str(data.get("masked", "")) if isinstance(data, dict) else ""
        self.masked[self.ticket_id] = masked
        log.info("sms opt-in at the kiosk: %s", masked)
        self.panel.reset()
        self.status = words(self.kiosk.view.lang)["done"].replace("%1", masked)
        self._render(busy=True)
        self._idle.stop()
        self._done.start()

    @Slot(str, str, str)
    def _on_failed(self, rid: str, code: str, message: str) -> None:
        if rid != self._request:
            return
        self._request = None
        w = words(self.kiosk.view.lang)
        self.status = ""
        if code == "invalid_argument":
            self.error = w["invalid_number"]
        elif code in ("ticket_ended", "unknown_ticket"):
            self.error = w[code]
        elif code in ("offline", "timeout", "network_error"):
            self.error = w["offline"]
        else:
            self.error = w["failed"].replace("%1", code)
        self._render()

    def _render(self, busy: bool | None = None) -> None:
        v = self.kiosk.view
        self.panel.render(v.lang, v.elderly, error=self.error, status=self.status,
                          busy=self._request is not None if busy is None else busy)

    @Slot()
    def _on_view(self) -> None:
        t = self._ticket()
        if self.is_open and (t is None or t.ticket_id != self.ticket_id):
            self.close()  # home, a new ticket, the day closed: nothing sent
            return
        w = words(self.kiosk.view.lang)
        on = t is not None and t.ticket_id in self.masked
        # Not while a ticket that did not print is on screen: that screen is for its photo (and its reprint).
        self.button.setVisible(t is not None and bool(getattr(t, "status_path", ""))
                               and t.print_state != PrintState.FAILED and self.kiosk.sms_available)
        self.button.setEnabled(not on)
        self.button.setText(w["on"] if on else w["open"])
        if self.is_open:
            self._render()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.is_open:
            self.panel.setGeometry(self.kiosk.window.rect())
        return False
