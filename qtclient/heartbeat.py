"""Heartbeat: every app reports its health and version every `interval_s` while online (rule: the server marks a
device stale after 3 missed heartbeats, queuecore.alerts.is_stale)."""
from __future__ import annotations

import logging
from collections.abc import Callable
from importlib import metadata

from PySide6.QtCore import QObject, QTimer, Slot

from queuecore import protocol as P
from qtclient.link import ONLINE, HallLink
from qtclient.outstanding import NO_RESEND

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_S = 30.0


def app_version() -> str:
    try:
        return metadata.version("hallq")
    except metadata.PackageNotFoundError:
        return "dev"


class Heartbeat(QObject):
    """Sends ReportDevice(kind, state, detail, version) on connect and every `interval_s`; `health()` says
    (state, detail) now (e.g. the kiosk's printer). A lost beat is not resent: the next one follows."""

    def __init__(self, link: HallLink, kind: str, health: Callable[[], tuple[str, str]] = lambda: ("ready", ""),
                 interval_s: float = DEFAULT_INTERVAL_S, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.link, self.kind, self.health = link, kind, health
        self.version = app_version()
        self.sent = 0
        self._timer = QTimer(self)
        self._timer.setInterval(max(100, int(interval_s * 1000)))
        self._timer.timeout.connect(self.beat)
        link.connection_changed.connect(self._on_connection)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @Slot(str)
    def _on_connection(self, state: str) -> None:
        if state == ONLINE and self._timer.isActive():
            self.beat()

    @Slot()
    def beat(self) -> None:
        if not self.link.is_online:
            return
        state, detail = self.health()
        self.link.send(P.ReportDevice(kind=self.kind, state=state, detail=detail[:200], version=self.version[:200]),
                       resend=NO_RESEND)
        self.sent += 1
