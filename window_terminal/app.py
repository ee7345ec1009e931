"""The window terminal's wiring: HallLink pushes -> models -> widgets, widget intents -> commands; and main().

Rules: one command of the clerk's in flight at a time (a second press is dropped until the
first one's change has arrived), each with its own id; the link re-sends a command whose outcome
is unknown (timeout, lost connection) with that id, so the server replays its first reply
instead of calling a second ticket. Ratings are the citizen's: one made offline, or whose
outcome the link gave up on, is sent again with its id at each reconnect until stored; they
never block the clerk.
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any

import msgspec
from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QGuiApplication

from qtclient.heartbeat import Heartbeat
from qtclient.link import ONLINE, HallLink, LinkTimings
from queuecore import events as ev
from queuecore import protocol as P
from window_terminal.config import TerminalConfig
from window_terminal.models import RatingModel, TerminalModel
from window_terminal.widgets.rating import RatingView
from window_terminal.widgets.terminal import TerminalView
from window_terminal.widgets.texts import done_message, error_message, finished_message

log = logging.getLogger("hallq.window_terminal")

HERE = Path(__file__).resolve().parent
UNSENT = frozenset({"offline", "timeout", "connection_lost"})  # a rating not (known to be) stored
MAX_PENDING_RATINGS = 200


@dataclass
class _Sent:
    action: str
    command: P.Command


class TerminalApp(QObject):
    """One window terminal: the link, the clerk's view, and the citizen's rating view."""

    def __init__(self, config: TerminalConfig, *, link: HallLink | None = None, timings: LinkTimings | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.config = config
        self.link = link or HallLink(config.server, config.token, self, timings=timings)
        self.model = TerminalModel(language=config.language, parent=self)
        self.model.window_id = config.window
        self.rating = RatingModel(config.rating_timeout_s, parent=self)
        self.view = TerminalView(self.model, self.link, compact=config.layout == "compact",
                                 pause_reasons=config.pause_reasons)
        self.rating_view = RatingView(self.rating)
        self.rating_dedicated = False  # True: the rating view has a screen of its own
        model = self.model  # not self: the heartbeat must not keep the app alive
        self.heartbeat = Heartbeat(self.link, "terminal", lambda: ("ready", f"window {model.window_id or '?'}"),
                                   interval_s=config.heartbeat_seconds, parent=self)
        # Our own ids (not the link's) so that a rating can be sent again as the very same command.
        self._id_prefix = f"wt-{secrets.token_hex(4)}"
        self._ids = count(1)
        self._sent: dict[str, _Sent] = {}  # clerk commands awaiting their final outcome
        self._ratings: dict[str, _Sent] = {}  # by id, until stored
        self._unsent: set[str] = set()  # ratings to send again at the next reconnect
        self._whoami: str | None = None  # the pending GET /api/me

        link = self.link
        link.connection_changed.connect(self.model.set_connection)
        link.connection_changed.connect(self._on_connection)
        link.snapshot_received.connect(self.model.apply_snapshot)
        link.change_received.connect(self.model.apply_change)
        link.command_finished.connect(self._on_finished)
        link.command_failed.connect(self._on_failed)
        link.command_retrying.connect(self._on_retrying)
        self.model.set_connection(link.state)

        v = self.view
        v.sign_in_requested.connect(lambda staff, pin: self._send("sign_in", P.SignIn(staff_id=staff, pin=pin)))
        v.sign_out_requested.connect(lambda: self._send("sign_out", P.SignOut()))
        v.call_next_requested.connect(lambda: self._send("call_next", P.CallNext()))
        v.recall_requested.connect(lambda: self._send("recall", P.Recall()))
        v.start_requested.connect(lambda: self._send("start", P.StartServing()))
        v.skip_requested.connect(lambda: self._send("skip", P.Skip()))
        v.finish_requested.connect(lambda outcome: self._send("finish", P.Finish(outcome=outcome)))
        v.transfer_requested.connect(lambda service: self._send("transfer", P.Transfer(service=service)))
        v.suspend_requested.connect(lambda kind, bring: self._send(
            "suspend", P.Suspend(kind=kind, bring=[b for b in bring.split("\n") if b])))
        v.resume_ticket_requested.connect(lambda number: self._send("resume_ticket", P.Resume(number=number)))
        v.call_number_requested.connect(lambda number: self._send("call_number", P.CallTicket(number=number)))
        v.call_by_scan_requested.connect(lambda pid: self._send("call_by_scan", P.CallByScan(public_id=pid)))
        v.pause_requested.connect(lambda reason: self._send("pause", P.PauseWindow(reason=reason)))
        v.resume_window_requested.connect(lambda: self._send("resume_window", P.ResumeWindow()))

        r = self.rating_view
        # The clerk's F-keys keep working while the rating window has the focus (e.g. after a tap).
        r.addActions(list(v.actions_by_name.values()))
        r.level_chosen.connect(self.rating.choose_level)
        r.reason_chosen.connect(self.rating.choose_reason)
        r.comment_changed.connect(self.rating.set_comment)
        r.submit_requested.connect(self.rating.submit)
        self.rating.rate_requested.connect(self._rate)
        self.rating.changed.connect(self._show_rating)

    # ------------------------------------------------------------ lifecycle

    def start(self) -> None:
        self.view.show()
        self._place_rating_view()
        self.heartbeat.start()
        self.link.start()

    def stop(self) -> None:
        self.heartbeat.stop()
        self.link.stop()
        self.rating_view.close()
        self.view.close()

    def _place_rating_view(self) -> None:
        """A second screen gets the rating view full screen; else it is a small window shown after each finish."""
        screens = QGuiApplication.screens()
        index = self.config.rating_screen
        if index < 0:
            index = 1 if len(screens) > 1 else -1
        if 0 <= index < len(screens):
            self.rating_dedicated = True
            self.rating_view.setGeometry(screens[index].geometry())
            self.rating_view.showFullScreen()
            return
        # Shown without taking the focus: the clerk's F-keys must keep working after F5.
        self.rating_view.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
        self.rating_view.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)

    @Slot()
    def _show_rating(self) -> None:
        self.rating_view.window_name = self.model.window_name()
        if self.rating_dedicated:
            return
        if self.rating.phase == RatingModel.IDLE:
            if self.rating_view.isVisible():
                was_active = self.rating_view.isActiveWindow()
                self.rating_view.hide()
                if was_active:
                    self.view.activateWindow()
        elif not self.rating_view.isVisible():
            clerk_active = self.view.isActiveWindow()
            self.rating_view.show()
            if clerk_active:  # some platforms activate every new window regardless
                self.view.activateWindow()

    # ------------------------------------------------------------ clerk commands

    def _new_id(self) -> str:
        return f"{self._id_prefix}-{next(self._ids)}"

    def _send(self, action: str, command: P.Command) -> str | None:
        if self.model.busy:
            log.info("%s dropped: the previous command is not settled yet", action)
            return None
        command = msgspec.structs.replace(command, id=self._new_id())
        self._sent[command.id] = _Sent(action, command)
        self.model.command_sent(command.id)
        self.link.send(command, result_type=P.CommandResult)
        return command.id

    @Slot(str)
    def _on_connection(self, state: str) -> None:
        if state != ONLINE:
            return
        if self.model.clerk is None:
            # Which window this token is, and whether a clerk is signed in there already (the
            # terminal restarted mid-shift): then the working view comes back without a new sign-in.
            self._whoami = self.link.request("GET", "/api/me")
        unsent, self._unsent = self._unsent, set()
        for cid in unsent:
            if cid in self._ratings:
                self.link.send(self._ratings[cid].command, result_type=P.CommandResult)

    @Slot(str, object)
    def _on_finished(self, cid: str, data: Any) -> None:
        if cid == self._whoami:
            self._whoami = None
            if isinstance(data, dict) and data.get("window") is not None:
                self.model.window_id = data["window"]
                if data.get("clerk") and self.model.clerk is None:
                    log.info("resumed clerk %s at window %s", data["clerk"], data["window"])
                    self.model.signed_in(data["window"], data["clerk"])
                else:
                    self.model.changed.emit()
                if data.get("clerk") and data["clerk"] == self.model.clerk:
                    self.model.clerk_name = data.get("clerk_name")
                    self.model.changed.emit()
            return
        if cid in self._ratings:
            sent = self._ratings.pop(cid)
            self.rating.sent(sent.command.number)  # type: ignore[attr-defined]
            return
        sent = self._sent.pop(cid, None)
        if sent is None:
            return
        result: P.CommandResult | None = data if isinstance(data, P.CommandResult) else None
        number = result.ticket.number if result and result.ticket else ""
        if sent.action == "sign_in" and result is not None and result.window is not None:
            self.model.signed_in(result.window.id, sent.command.staff_id)  # type: ignore[attr-defined]
            self._whoami = self.link.request("GET", "/api/me")  # for the clerk's name in the header
        elif sent.action == "sign_out":
            self.model.signed_out()
        elif sent.action == "finish" and number:
            self.rating.begin(number, *self.model.rating_reasons())
        log.info("%s done%s", sent.action, f" {number}" if number else "")
        if sent.action == "finish":
            code = getattr(sent.command, "outcome", None) or self.model.default_outcome()
            self.model.show_message(finished_message(number, self.model.outcome_name(code)))
        else:
            action = sent.action
            if action == "call_by_scan" and result is not None and any(
                    isinstance(e, ev.TicketResumed) for e in result.events):
                action = "resume_ticket"  # a suspended visit whose citizen is back
            self.model.show_message(done_message(action, number))
        self.model.command_done(cid, result.version if result else None)

    @Slot(str, str, str)
    def _on_failed(self, cid: str, code: str, message: str) -> None:
        if cid == self._whoami:  # an older server without /api/me: the sign-in page as before
            self._whoami = None
            return
        if cid in self._ratings:
            self._rating_failed(cid, code)
            return
        sent = self._sent.pop(cid, None)
        if sent is None:
            return
        log.info("%s id=%s failed: %s %s", sent.action, cid, code, message)
        if code == "clerk_not_signed_in":
            self.model.signed_out()
        self.model.show_message(error_message(code), "error")
        self.model.command_done(cid)

    @Slot(str, str)
    def _on_retrying(self, cid: str, why: str) -> None:
        """No reply yet: the link asks again with the same id; the clerk sees why it takes long."""
        if cid in self._sent:
            self.model.show_message(error_message(why), "error")

    # ------------------------------------------------------------ the citizen's rating

    @Slot(str, int, str, str)
    def _rate(self, number: str, level: int, reason: str, comment: str) -> None:
        if len(self._ratings) >= MAX_PENDING_RATINGS:
            log.warning("%d ratings still unsent: dropping the rating of %s", len(self._ratings), number)
            return
        cmd = P.RateVisit(id=self._new_id(), number=number, level=level, reason=reason, comment=comment)
        self._ratings[cmd.id] = _Sent("rate", cmd)
        self.link.send(cmd, result_type=P.CommandResult)

    def _rating_failed(self, cid: str, code: str) -> None:
        sent = self._ratings[cid]
        number = sent.command.number  # type: ignore[attr-defined]
        if code in UNSENT:
            # Kept and sent again with the same id at the next reconnect; the citizen need not wait for it.
            self._unsent.add(cid)
            self.rating.sent(number)
            return
        del self._ratings[cid]
        if code == "already_rated":
            self.rating.sent(number)
            return
        log.warning("rating of %s refused: %s", number, code)
        self.rating.refused(number, code)

    @property
    def unsent_ratings(self) -> int:
        return len(self._ratings)


def main(config: TerminalConfig, argv: list[str] | None = None) -> int:
    from qtclient.appkit import install_translation, make_app

    app = make_app("hallq-window", argv)
    translator = install_translation(app, config.language, HERE, "window_terminal")  # noqa: F841 (kept alive)
    terminal = TerminalApp(config)
    terminal.start()
    code = app.exec()
    terminal.stop()
    return code
