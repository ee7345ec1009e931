"""Shared pieces of the kiosk screens: the style sheet (sizes per orientation and elderly mode), touch tiles and the QR widget."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from printers.qr import qr_matrix

ELDERLY_SCALE = 1.4  # 适老化: type about 40 % larger (GB/T 37668 asks for large, high-contrast text)


def style_sheet(elderly: bool) -> str:
    """The whole kiosk's look in one sheet; sizes in px because the screens have fixed pixel sizes."""
    k = ELDERLY_SCALE if elderly else 1.0

    def px(n: float) -> str:
        return f"{round(n * k)}px"

    return f"""
    QWidget#kioskWindow {{ background: #eef2f7; }}
    QLabel {{ color: #1a1a1a; font-size: {px(32)}; }}
    QLabel[role="hall"] {{ font-size: {px(40)}; font-weight: bold; color: #0b3d91; }}
    QLabel[role="clock"] {{ font-size: {px(36)}; color: #0b3d91; }}
    QLabel[role="title"] {{ font-size: {px(50)}; font-weight: bold; }}
    QLabel[role="section"] {{ font-size: {px(32)}; color: #4a5568; font-weight: bold; padding-top: 8px; }}
    QLabel[role="note"] {{ font-size: {px(28)}; color: #4a5568; }}
    QLabel[role="warn"] {{ font-size: {px(34)}; color: #b71c1c; font-weight: bold; }}
    QLabel[role="ok"] {{ font-size: {px(34)}; color: #1b5e20; font-weight: bold; }}
    QLabel[role="number"] {{ font-weight: bold; color: #0b3d91; }}
    QLabel[role="big"] {{ font-size: {px(44)}; font-weight: bold; }}
    QLabel[role="paused"] {{ font-size: {px(96)}; font-weight: bold; color: #b71c1c; }}
    QLabel[role="keypadText"] {{ font-size: {px(64)}; font-weight: bold; background: white;
        border: 3px solid #0b3d91; border-radius: 12px; padding: 12px; }}
    QLabel#connectionBadge {{ font-size: {px(26)}; }}
    QPushButton {{ font-size: {px(34)}; border-radius: 16px; padding: 12px 20px; background: #0b3d91;
        color: white; border: none; }}
    QPushButton:pressed {{ background: #072a66; }}
    QPushButton:disabled {{ background: #b8c0cc; color: #eef2f7; }}
    QPushButton[role="tile"] {{ background: white; border: 3px solid #0b3d91; color: #1a1a1a; }}
    QPushButton[role="tile"]:pressed {{ background: #dbe6f7; }}
    QPushButton[role="tile"]:disabled {{ background: #e2e5ea; border: 3px solid #b8c0cc; }}
    QPushButton[role="green"] {{ background: #1b7f3a; }}
    QPushButton[role="green"]:pressed {{ background: #125c29; }}
    QPushButton[role="quiet"] {{ background: #dfe5ee; color: #0b3d91; font-size: {px(28)}; }}
    QPushButton[role="key"] {{ background: white; color: #1a1a1a; border: 2px solid #8a96a8;
        font-size: {px(48)}; font-weight: bold; }}
    QPushButton[role="key"]:pressed {{ background: #dbe6f7; }}
    QPushButton[role="danger"] {{ background: #b71c1c; }}
    QWidget[role="greenBanner"] {{ background: #d7f0de; border-radius: 12px; }}
    QWidget[role="card"] {{ background: white; border-radius: 20px; }}
    """


def scaled(n: float, elderly: bool) -> int:
    return round(n * (ELDERLY_SCALE if elderly else 1.0))


def label(text: str = "", role: str | None = None, *, wrap: bool = True,
          align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter) -> QLabel:
    w = QLabel(text)
    if role:
        w.setProperty("role", role)
    w.setWordWrap(wrap)
    w.setAlignment(align)
    return w


def button(text: str = "", role: str | None = None, name: str = "", min_height: int = 110) -> QPushButton:
    b = QPushButton(text)
    if role:
        b.setProperty("role", role)
    if name:
        b.setObjectName(name)
    b.setMinimumHeight(min_height)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a touch screen: no focus frames, no keyboard
    b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return b


class Tile(QPushButton):
    """A large touch button with a title and a second line (counts, or why it is greyed)."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setProperty("role", "tile")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(18, 10, 18, 10)
        lay.setSpacing(4)
        self.title = QLabel()
        self.info = QLabel()
        for w in (self.title, self.info):
            # The button takes every tap; the labels only draw.
            w.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            w.setWordWrap(True)
            w.setStyleSheet("background: transparent;")
            lay.addWidget(w)

    def set_texts(self, title: str, info: str, *, elderly: bool, enabled: bool, warn: bool = False,
                  height: int = 150) -> None:
        self.title.setText(title)
        self.info.setText(info)
        color = "#1a1a1a" if enabled else "#6b7280"
        info_color = "#b71c1c" if warn else "#1b5e20" if enabled else "#6b7280"
        self.title.setStyleSheet(f"background: transparent; font-size: {scaled(40, elderly)}px; "
                                 f"font-weight: bold; color: {color};")
        self.info.setStyleSheet(f"background: transparent; font-size: {scaled(28, elderly)}px; color: {info_color};")
        self.setEnabled(enabled)
        self.setMinimumHeight(height)


class QrWidget(QWidget):
    """A QR code drawn from its modules (crisp at any size), with the white quiet zone it needs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data = ""
        self._matrix: tuple[tuple[bool, ...], ...] = ()
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_data(self, data: str, side: int) -> None:
        if data != self._data:
            self._data = data
            self._matrix = qr_matrix(data) if data else ()
        self.setFixedSize(QSize(side, side))
        self.update()

    @property
    def data(self) -> str:
        return self._data

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("white"))
        n = len(self._matrix)
        if n:
            quiet = 4  # modules of white around the symbol, as the QR standard asks
            cell = self.width() / (n + 2 * quiet)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("black"))
            for y, row in enumerate(self._matrix):
                for x, dark in enumerate(row):
                    if dark:
                        p.drawRect(round((x + quiet) * cell), round((y + quiet) * cell),
                                   round((x + quiet + 1) * cell) - round((x + quiet) * cell),
                                   round((y + quiet + 1) * cell) - round((y + quiet) * cell))
        p.end()


def clear_layout(layout) -> None:
    """Remove and delete every item of a layout (later, so a tile that emitted the tap survives the slot)."""
    while layout.count():
        item = layout.takeAt(0)
        w = item.widget()
        if w is not None:
            w.hide()
            w.setParent(None)
            w.deleteLater()
        elif item.layout() is not None:
            clear_layout(item.layout())
            item.layout().deleteLater()
