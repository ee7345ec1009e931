"""Wall text: wraps where Qt's line breaker allows (between hanzi, at spaces) and is never elided or clipped.

Rule: a text gets the largest size that fits its box (`fit_px`); a word that is wider than the
box at the smallest size shrinks further rather than being cut. Lines are painted with a fixed
line height (LINE em, the ink of hanzi and Latin centred in it), not the CJK font's 1.45 em.
"""
from __future__ import annotations

import math
from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QTextLayout, QTextOption
from PySide6.QtWidgets import QWidget

LINE = 1.25  # line height / pixel size: holds the ink of 国, H, g and ( with room to spare
MIN_PX = 8
INK_PROBE = "国Hgjy(|"
CAPS_LINE = 0.95  # for text of capitals and digits only (ticket numbers): no room kept for hanzi or descenders
CAPS_PROBE = "A0Z"


def make_font(base: QFont, px: int, bold: bool) -> QFont:
    f = QFont(base)
    f.setPixelSize(max(MIN_PX, int(px)))
    f.setBold(bold)
    return f


def line_height(font: QFont, line: float = LINE) -> int:
    return math.ceil(font.pixelSize() * line)


@lru_cache(maxsize=256)
def _ink(family: str, px: int, bold: bool, probe: str) -> tuple[float, float]:
    """Top (negative) and bottom of the probe's ink relative to the baseline."""
    f = QFont(family)
    f.setPixelSize(px)
    f.setBold(bold)
    r = QFontMetricsF(f).tightBoundingRect(probe)
    return r.top(), r.bottom()


def baseline(font: QFont, line: float = LINE, probe: str = INK_PROBE) -> float:
    """Where the baseline sits in a line box of line_height(font, line): the probe's ink centred."""
    top, bottom = _ink(font.family(), font.pixelSize(), font.bold(), probe)
    return (line_height(font, line) - (bottom - top)) / 2 - top


def cap_height(font: QFont) -> float:
    return QFontMetricsF(font).capHeight()


def px_for_cap(base: QFont, cap: float, bold: bool) -> int:
    """The smallest pixel size whose cap height is at least `cap`."""
    return _px_for_cap(font_key(base), round(cap, 2), bold)


@lru_cache(maxsize=256)
def _px_for_cap(key: str, cap: float, bold: bool) -> int:
    base = _FONTS[key]
    px = max(MIN_PX, math.ceil(cap / 0.72))
    while cap_height(make_font(base, px, bold)) >= cap and px > MIN_PX:
        px -= 1
    while cap_height(make_font(base, px, bold)) < cap:
        px += 1
    return px


_FONTS: dict[str, QFont] = {}


def font_key(font: QFont) -> str:
    """A font's key for the caches below (QFont.key() names every attribute that changes the glyphs)."""
    key = font.key()
    _FONTS.setdefault(key, QFont(font))
    return key


def break_lines(text: str, font: QFont | str, width: float) -> list[str]:
    """The text in lines of at most `width` where a break is allowed; a word wider than that stays whole.
    `font` may be a font's cache key (Text.font_key) instead."""
    key = font if isinstance(font, str) else font_key(font)
    return list(_break_lines(text, key, round(width, 1))) if text else []


@lru_cache(maxsize=8192)
def _break_lines(text: str, key: str, width: float) -> tuple[str, ...]:
    # The board lays itself out on every change: the same texts are broken again and again.
    layout = QTextLayout(text, _FONTS[key])
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    lines: list[str] = []
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(max(1.0, width))
        lines.append(text[line.textStart():line.textStart() + line.textLength()].strip())
    layout.endLayout()
    return tuple(s for s in lines if s) or (text,)


def balanced(text: str, font: QFont, width: float, *, break_after: str = "") -> list[str]:
    """As break_lines, but with lines of even length ("不动产 / 登记", not "不动产登 / 记"); with
    `break_after`, a line ends after that character first where it can ("20号 / 绿色通道")."""
    lines = break_lines(text, font, width)
    if len(lines) < 2 or widest(lines, font) > width:
        return lines
    k = text.find(break_after) if break_after else -1
    if 0 < k < len(text) - 1 and QFontMetricsF(font).horizontalAdvance(text[:k + 1]) <= width:
        rest = balanced(text[k + 1:].strip(), font, width)
        if 1 + len(rest) <= len(lines) and widest(rest, font) <= width:
            return [text[:k + 1], *rest]
    lo, hi = widest(lines, font) / len(lines), width  # too narrow for len(lines) lines ... wide enough
    for _ in range(12):
        mid = (lo + hi) / 2
        if len(break_lines(text, font, mid)) <= len(lines):
            hi = mid
        else:
            lo = mid
    return break_lines(text, font, hi)


def ink_width(font: QFont | str, line: str) -> float:
    """The width a line needs: its advance, or more where a glyph's ink reaches past it (the hook of J)."""
    return _ink_width(line, font if isinstance(font, str) else font_key(font))


@lru_cache(maxsize=16384)
def _ink_width(line: str, key: str) -> float:
    fm = QFontMetricsF(_FONTS[key])
    ink = fm.tightBoundingRect(line)
    return max(fm.horizontalAdvance(line), ink.right()) - min(0.0, ink.left())


def widest(lines: list[str], font: QFont | str) -> float:
    key = font if isinstance(font, str) else font_key(font)
    return max((_ink_width(s, key) for s in lines), default=0.0)


def fits(text: str, font: QFont, width: float, max_lines: int) -> bool:
    lines = break_lines(text, font, width)
    return len(lines) <= max_lines and widest(lines, font) <= width


def fit_px(text: str, base: QFont, width: float, *, bold: bool, px_max: int, px_min: int, max_lines: int) -> int:
    """The largest size in [px_min, px_max] at which the text fits `width` in `max_lines` lines; below
    px_min more lines are allowed, and only a word wider than the box shrinks the text further."""
    px_min = max(MIN_PX, min(px_min, px_max))
    if not text or fits(text, make_font(base, px_max, bold), width, max_lines):
        return px_max
    lo, hi = px_min, px_max  # fits at lo (checked below), not at hi
    if fits(text, make_font(base, lo, bold), width, max_lines):
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if fits(text, make_font(base, mid, bold), width, max_lines):
                lo = mid
            else:
                hi = mid
        return lo
    px = px_min
    while px > MIN_PX and fits(text, make_font(base, px, bold), width, 10_000) is False:
        px -= 1
    return px


class Text(QWidget):
    """One piece of wall text. The board sets its size and font; it breaks its own lines and paints them."""

    def __init__(self, parent: QWidget | None = None, *, color: str = "white", bold: bool = False,
                 align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft, name: str = "", caps: bool = False,
                 break_after: str = "") -> None:
        super().__init__(parent)
        self._break_after = break_after  # "号": a window's name breaks after its number first
        # caps: capitals and digits only (a ticket number), in a tighter line box.
        self._line, self._probe = (CAPS_LINE, CAPS_PROBE) if caps else (LINE, INK_PROBE)
        if name:
            self.setObjectName(name)
        self._text = ""
        self._color = QColor(color)
        self._background: QColor | None = None
        self._bold = bold
        self._align = align
        self._font = make_font(self.font(), 40, bold)
        self.font_key = font_key(self._font)
        self._lines: list[str] | None = None
        self._placed: tuple[tuple[int, int], list[tuple[str, QPointF]]] | None = None  # (size, placed()) last painted

    # ------------------------------------------------------------ what and how

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:  # noqa: N802 (the QLabel name: tests and tools read wall text alike)
        if text != self._text:
            self._text = text
            self._lines = self._placed = None
            self.update()

    def set_px(self, px: int, bold: bool | None = None) -> None:
        if bold is not None:
            self._bold = bold
        if px == self._font.pixelSize() and self._bold == self._font.bold():
            return
        self._font = make_font(self.font(), px, self._bold)
        self.font_key = font_key(self._font)
        self._lines = self._placed = None
        self.update()

    def set_color(self, color: str, background: str | None = None) -> None:
        colors = (QColor(color), QColor(background) if background else None)
        if colors != (self._color, self._background):
            self._color, self._background = colors
            self.update()

    def color(self) -> QColor:
        return self._color

    def text_font(self) -> QFont:
        return self._font

    def px(self) -> int:
        return self._font.pixelSize()

    # ------------------------------------------------------------ measures

    def line_height(self) -> int:
        return line_height(self._font, self._line)

    def natural_width(self) -> int:
        return math.ceil(_ink_width(self._text, self.font_key)) if self._text else 0

    def lines(self) -> list[str]:
        """The lines as painted in the current width."""
        if self._lines is None:
            self._lines = balanced(self._text, self._font, self.width(), break_after=self._break_after)
        return self._lines

    def height_for(self, width: int) -> int:
        return max(1, len(break_lines(self._text, self._font, width))) * self.line_height()

    def fit(self, width: float, *, px_max: int, px_min: int, max_lines: int = 1) -> int:
        """Take the largest size that fits `width` (see fit_px); returns it."""
        px = fit_px(self._text, self.font(), width, bold=self._bold, px_max=px_max, px_min=px_min,
                    max_lines=max_lines)
        self.set_px(px)
        return px

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self._lines = self._placed = None
        super().resizeEvent(event)

    def placed(self) -> list[tuple[str, QPointF]]:
        """Each line with the point its baseline starts at, in this widget's coordinates (kept until the text,
        size or box changes: a blink or the clock repaints without measuring again)."""
        size = (self.width(), self.height())
        if self._placed is not None and self._placed[0] == size:
            return self._placed[1]
        fm = QFontMetricsF(self._font)
        lh = self.line_height()
        lines = self.lines()
        y0 = (self.height() - lh * len(lines)) / 2 if self._align & Qt.AlignmentFlag.AlignVCenter else 0.0
        base = baseline(self._font, self._line, self._probe)
        out = []
        for i, line in enumerate(lines):
            ink = fm.tightBoundingRect(line)
            left = -min(0.0, ink.left())  # the ink starts left of the pen (J): move the pen right
            w = ink_width(self._font, line)
            if self._align & Qt.AlignmentFlag.AlignRight:
                x = self.width() - w
            elif self._align & Qt.AlignmentFlag.AlignHCenter:
                x = (self.width() - w) / 2
            else:
                x = 0.0
            out.append((line, QPointF(x + left, y0 + i * lh + base)))
        self._placed = (size, out)
        return out

    def ink_rects(self) -> list[QRectF]:
        """Where each painted line's ink is, in this widget's coordinates (tests check it lies inside)."""
        fm = QFontMetricsF(self._font)
        return [fm.tightBoundingRect(line).translated(at) for line, at in self.placed()]

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        p = QPainter(self)
        if self._background is not None:
            p.fillRect(self.rect(), self._background)
        if self._text:
            p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            p.setFont(self._font)
            p.setPen(self._color)
            for line, at in self.placed():
                p.drawText(at, line)
        p.end()
