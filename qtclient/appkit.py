"""What every hallq Qt app needs at startup and on screen: the application object, a CJK font,
the English translation, a connection badge bound to a HallLink, and screenshots."""
from __future__ import annotations

import os
import sys
from datetime import datetime, tzinfo
from pathlib import Path

from PySide6.QtCore import QLocale, QTranslator, Slot
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from qtclient.link import CONNECTING, ONLINE, HallLink

CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Noto Sans SC")


def make_app(name: str, argv: list[str] | None = None) -> QApplication:
    """The QApplication (offscreen when there is no screen) with a CJK default font."""
    app = QApplication.instance()
    if app is None:
        if not (os.environ.get("QT_QPA_PLATFORM") or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(name)
    app.setOrganizationName("hallq")
    family = cjk_family()
    if family:
        app.setFont(QFont(family, app.font().pointSize()))
    shots = os.environ.get("HALLQ_SCREENSHOT_DIR")
    if shots and not name.endswith("-screenshots"):
        _start_screenshots(app, Path(shots), name, float(os.environ.get("HALLQ_SCREENSHOT_EVERY", "5")))
    return app


def _start_screenshots(app: QApplication, folder: Path, name: str, every_s: float) -> None:
    """HALLQ_SCREENSHOT_DIR: keep NAME[-N].png there up to date with the app's visible windows (how the
    demo shows a machine without a screen what every app looks like)."""
    from PySide6.QtCore import QTimer

    folder.mkdir(parents=True, exist_ok=True)
    label = os.environ.get("HALLQ_SCREENSHOT_NAME", name)

    def shoot() -> None:
        windows = [w for w in app.topLevelWidgets() if w.isVisible() and w.width() > 1 and w.height() > 1]
        for i, w in enumerate(sorted(windows, key=lambda w: -w.width() * w.height())):
            save_png(w, folder / (f"{label}.png" if i == 0 else f"{label}-{i + 1}.png"))

    timer = QTimer(app)
    timer.timeout.connect(shoot)
    timer.start(int(every_s * 1000))
    app.aboutToQuit.connect(shoot)
    app._hallq_screenshot_timer = timer  # keep it alive with the app


def cjk_family() -> str | None:
    """The first installed font family that has Simplified Chinese, or None (hanzi would be boxes)."""
    families = set(QFontDatabase.families())
    return next((f for f in CJK_FAMILIES if f in families), None)


def install_translation(app: QApplication, lang: str, directory: Path, basename: str) -> QTranslator | None:
    """Source strings are Simplified Chinese; lang "en" loads DIRECTORY/BASENAME_en.qm (pyside6-lrelease).

    Returns the installed translator (keep a reference), or None for Chinese."""
    if lang.startswith("zh"):
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        return None
    translator = QTranslator(app)
    path = directory / f"{basename}_{lang}.qm"
    if not translator.load(str(path)):
        raise FileNotFoundError(f"no translation {path}")
    app.installTranslator(translator)
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    return translator


class ConnectionBadge(QLabel):
    """Shows the link's state: 在线 / 连接中… / 连接中断 · 最后更新 hh:mm:ss (every app shows connection state)."""

    def __init__(self, link: HallLink, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._link = link
        self.timezone: tzinfo | None = None  # the hall's, once known: its time is shown (None: the device's)
        self.setObjectName("connectionBadge")
        link.connection_changed.connect(self._on_state)
        self._on_state(link.state)

    @Slot(str)
    def _on_state(self, state: str) -> None:
        self.setProperty("state", state)
        if state == ONLINE:
            self.setText(self.tr("● 在线"))
            self.setStyleSheet("color: #1b7f3a;")
        elif state == CONNECTING:
            self.setText(self.tr("● 连接中…"))
            self.setStyleSheet("color: #b26a00;")
        else:
            last: datetime | None = self._link.last_contact
            when = last.astimezone(self.timezone).strftime("%H:%M:%S") if last else "—"
            self.setText(self.tr("● 连接中断 · 最后更新 %1").replace("%1", when))
            self.setStyleSheet("color: #c62828;")


def save_png(widget: QWidget, path: Path) -> Path:
    """A screenshot of one widget (works offscreen); returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path


def show_full_screen(widget: QWidget) -> None:
    """Full screen even without a window manager (a kiosk PC running bare X, or Xvfb): Qt's full-screen
    state is a request that a window manager fulfils, so the screen's geometry is set first."""
    screen = widget.screen() or QApplication.primaryScreen()
    if screen is not None:
        # Fixed to the screen, as in windowed mode and the layout tests: a page whose texts ask for more room
        # (every service in extended hours, in English, in elderly type) is fitted into the screen, never
        # grown past its edge where the bottom buttons could not be reached.
        widget.setFixedSize(screen.geometry().size())
        widget.setGeometry(screen.geometry())
    widget.showFullScreen()
