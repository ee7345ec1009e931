"""Shared pieces of the kiosk screens: the style sheet (sizes per orientation and elderly mode), touch tiles and the QR widget."""
from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent
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
    QPushButton[role="page"] {{ background: white; color: #0b3d91; border: 3px solid #4a5568;
        font-size: {px(34)}; font-weight: bold; }}
    QPushButton[role="page"]:pressed {{ background: #dbe6f7; }}
    QPushButton[role="page"]:disabled {{ background: #eef2f7; color: #b8c0cc; border: 3px solid #d5dbe4; }}
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
    """A large touch button: a title, a second line (counts, or why it is greyed) and an optional note.

    Its size comes from the page grid, not from its text: long names wrap, and when they would
    still not fit, the type gets smaller step by step (never below FIT_FLOOR of the mode's size)
    rather than being cut."""

    FIT_FLOOR = 0.7
    ONE_LINE_FLOOR = 0.85  # smaller than this to keep the second line whole: wrap it instead
    TITLE_PX, INFO_PX = 40, 28

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setProperty("role", "tile")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(18, 10, 18, 10)
        lay.setSpacing(0)  # the lines' own leading separates them; spacing would also go around the stretches
        lay.addStretch(1)
        self.title = QLabel()
        self.title.setObjectName("tileTitle")
        self.info = QLabel()
        self.info.setObjectName("tileInfo")
        self.note = QLabel()
        self.note.setObjectName("tileNote")
        for w in (self.title, self.info, self.note):
            # The button takes every tap; the labels only draw.
            w.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            w.setWordWrap(True)
            lay.addWidget(w)
        lay.addStretch(1)
        self._elderly = False
        self._colors = ("#1a1a1a", "#1b5e20")
        self._scale = 0.0  # of the mode's type size, as last fitted

    def set_texts(self, title: str, info: str, *, elderly: bool, enabled: bool, warn: bool = False,
                  note: str = "") -> None:
        self.title.setText(title)
        self.info.setText(info)
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self._elderly = elderly
        self._colors = ("#1a1a1a" if enabled else "#6b7280",
                        "#b71c1c" if warn else "#1b5e20" if enabled else "#6b7280")
        self.setEnabled(enabled)
        self._scale = 0.0
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit()

    def _needed_height(self, scale: float, width: int, *, one_line_info: bool) -> int | None:
        """Height of the texts at this scale, or None when they do not fit that way (a word wider
        than the tile; with `one_line_info`, a second line that wraps)."""
        total = 0
        shown = [(w, px) for w, px in ((self.title, self.TITLE_PX), (self.info, self.INFO_PX), (self.note, self.INFO_PX))
                 if w.text() and (w is not self.note or not self.note.isHidden())]
        for w, px in shown:
            font = QFont(self.font())
            font.setPixelSize(scaled(px * scale, self._elderly))
            font.setBold(w is not self.info)
            fm = QFontMetrics(font)
            r = fm.boundingRect(QRect(0, 0, width, 1_000_000),
                                int(Qt.AlignmentFlag.AlignCenter.value) | Qt.TextFlag.TextWordWrap.value, w.text())
            if r.width() > width or (one_line_info and w is not self.title and r.height() > fm.lineSpacing() + 1):
                return None
            total += r.height()
        return total

    def _fit(self) -> None:
        m = self.layout().contentsMargins()
        width, height = self.width() - m.left() - m.right(), self.height() - m.top() - m.bottom()
        scale = 1.0
        if width > 0 and height > 0:
            # Counts on one line ("等候 12 人 · 约 35 分钟", not "…35 分" + "钟") if a slightly smaller
            # type allows it; else any wrapping that fits, as large as it fits.
            for one_line_info, floor in ((True, self.ONE_LINE_FLOOR), (False, self.FIT_FLOOR)):
                scale = 1.0
                while scale > floor:
                    needed = self._needed_height(scale, width, one_line_info=one_line_info)
                    if needed is not None and needed <= height:
                        break
                    scale = round(scale - 0.05, 2)
                if scale > floor:
                    break
        if scale == self._scale:
            return
        self._scale = scale
        title_color, info_color = self._colors
        self.title.setStyleSheet(f"background: transparent; font-size: {scaled(self.TITLE_PX * scale, self._elderly)}px; "
                                 f"font-weight: bold; color: {title_color};")
        small = f"background: transparent; font-size: {scaled(self.INFO_PX * scale, self._elderly)}px;"
        self.info.setStyleSheet(f"{small} color: {info_color};")
        self.note.setStyleSheet(f"{small} color: #0b3d91; font-weight: bold;")
        # Lay the labels out for their new type now, not on a later turn of the event loop.
        self.layout().invalidate()
        self.layout().activate()


class FitLabel(QLabel):
    """A wrapped label whose type gets smaller (down to `floor` of its size) until the text takes at
    most `max_lines` lines at its width; past the floor it keeps wrapping, never cuts."""

    def __init__(self, px: int, style: str = "", *, max_lines: int = 2, floor: float = 0.7,
                 align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignCenter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._px, self._style, self._max_lines, self._floor = px, style, max_lines, floor
        self._shown_px = 0
        self.setWordWrap(True)
        self.setAlignment(align)
        self._fit()

    def set_size(self, px: int, style: str | None = None) -> None:
        self._px = px
        if style is not None:
            self._style = style
        self._shown_px = 0
        self._fit()

    def setText(self, text: str) -> None:  # noqa: N802 (Qt override)
        super().setText(text)
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        px = self._px
        width = self.contentsRect().width()
        if width > 0 and self.text():
            floor = round(self._px * self._floor)
            while px > floor:
                font = QFont(self.font())
                font.setPixelSize(px)
                fm = QFontMetrics(font)
                r = fm.boundingRect(QRect(0, 0, width, 1_000_000),
                                    int(self.alignment().value) | Qt.TextFlag.TextWordWrap.value, self.text())
                if r.width() <= width and r.height() <= fm.lineSpacing() * self._max_lines + fm.leading():
                    break
                px -= 2
        if px != self._shown_px:
            self._shown_px = px
            self.setStyleSheet(f"{self._style} font-size: {px}px;")


class BigNumber(QWidget):
    """The ticket number, very large: sized and centred by the ink of its characters, not by the font's
    line box (half of which is empty above and below capitals and digits), so it takes no room it does
    not show and is never squeezed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._font = QFont(self.font())
        self._font.setBold(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def text(self) -> str:
        return self._text

    def set_number(self, text: str, px: int) -> None:
        self._text = text
        self._font = QFont(self.font())
        self._font.setPixelSize(px)
        self._font.setBold(True)
        self.updateGeometry()
        self.update()

    def ink(self) -> QRect:
        """The number's ink, relative to its baseline origin."""
        return QFontMetrics(self._font).tightBoundingRect(self._text)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        ink = self.ink()
        pad = self._font.pixelSize() // 10
        return QSize(ink.width() + 2 * pad, ink.height() + 2 * pad)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        ink = self.ink()
        p = QPainter(self)
        p.setFont(self._font)
        p.setPen(QColor("#0b3d91"))
        # Put the ink's centre on the widget's centre.
        x = (self.width() - ink.width()) / 2 - ink.left()
        y = (self.height() - ink.height()) / 2 - ink.top()
        p.drawText(round(x), round(y), self._text)
        p.end()


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
