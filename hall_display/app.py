"""The wall display app: wires HallLink -> DisplayModel -> DisplayBoard, and calls -> the announcer queue.

Rule: a call is shown the moment it arrives; the announcer is fed after, and the screen never
waits for it.
"""
from __future__ import annotations

import logging
import signal
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QApplication

from hall_display.announcer import Announcer, make_announcer
from hall_display.config import DisplayConfig
from hall_display.models import DisplayModel
from hall_display.widgets import DisplayBoard
from qtclient.appkit import show_full_screen
from qtclient.heartbeat import Heartbeat
from qtclient.link import HallLink, LinkTimings
from queuecore.protocol import Announcement

log = logging.getLogger("hallq.display")

I18N_DIR = Path(__file__).with_name("i18n")


class DisplayApp(QObject):
    """One display: its link, model, board and announcer, wired; `start()` connects."""

    def __init__(self, config: DisplayConfig, *, announcer: Announcer | None = None, link: HallLink | None = None,
                 timings: LinkTimings | None = None, animate: bool = True, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.config = config
        self.link = link or HallLink(config.server, config.token, self, timings=timings)
        self.model = DisplayModel(zone=config.zone, lang=config.lang, big_rows=config.big_rows,
                                  recent_rows=config.recent_rows, highlight_seconds=config.highlight_seconds,
                                  parent=self)
        self.announcer = announcer or make_announcer(silent=config.silent, repeat=config.repeat,
                                                     clips_dir=config.clips, parent=self)
        self.board = DisplayBoard(self.model, config.notice, animate=animate)
        self.board.setWindowTitle(self.tr("综合显示屏"))
        self.link.connection_changed.connect(self._on_connection)
        self.link.snapshot_received.connect(self.model.apply_snapshot)
        self.link.change_received.connect(self.model.apply_change)
        self.link.announcement_received.connect(self._on_announcement)
        self.heartbeat = Heartbeat(self.link, "display", interval_s=config.heartbeat_seconds, parent=self)

    @Slot(str)
    def _on_connection(self, state: str) -> None:
        self.model.set_link(state, self.link.last_contact)

    @Slot(object)
    def _on_announcement(self, ann: Announcement) -> None:
        if not self.model.accepts(ann):
            return
        self.model.mark_called(ann)  # the screen first ...
        self.announcer.announce(ann)  # ... then the queue, which starts on the next loop turn

    def start(self) -> None:
        self.heartbeat.start()
        self.link.start()

    def stop(self) -> None:
        self.heartbeat.stop()
        self.link.stop()


def main(config: DisplayConfig) -> int:
    from qtclient.appkit import install_translation, make_app

    app = make_app("hallq-display")
    translator = install_translation(app, config.lang, I18N_DIR, "hall_display")  # noqa: F841 (kept alive)
    display = DisplayApp(config)
    if config.windowed:
        display.board.resize(1280, 720)
        display.board.show()
    else:
        display.board.setCursor(Qt.CursorShape.BlankCursor)
        show_full_screen(display.board)
    display.start()
    # Ctrl+C ends the app: Python only sees the signal when the event loop hands it control.
    signal.signal(signal.SIGINT, lambda *_: QApplication.quit())
    tick = QTimer()
    tick.start(250)
    tick.timeout.connect(lambda: None)
    code = app.exec()
    display.stop()
    return code
