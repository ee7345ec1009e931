"""What a wall display shows, measured: every text on it (QLabel or wall Text), where it is, whether it fits."""
from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QRect, QRectF
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QLabel, QWidget

from hall_display.widgets.text import Text


@dataclass
class Shown:
    widget: QWidget
    text: str
    font: QFont
    lines: list[str]
    rect: QRect  # in the board's coordinates

    @property
    def name(self) -> str:
        return self.widget.objectName() or type(self.widget).__name__

    def cap_height(self) -> float:
        return QFontMetricsF(self.font).capHeight()


def shown_texts(board: QWidget) -> list[Shown]:
    """Every non-empty text visible on the board."""
    out = []
    for w in board.findChildren(QWidget):
        if not w.isVisibleTo(board) or not isinstance(w, (QLabel, Text)) or not w.text():
            continue
        if isinstance(w, Text):
            lines, font = w.lines(), w.text_font()
        else:
            lines, font = w.text().split("\n"), w.font()
        out.append(Shown(w, w.text(), font, lines, QRect(w.mapTo(board, w.rect().topLeft()), w.size())))
    return out


def problems(board: QWidget) -> list[str]:
    """Why a text on the board is not shown whole: wider or taller than its box, a box outside its
    parent's or the board's, an ellipsis, a part of it missing, or another text over it."""
    found: list[str] = []
    texts = shown_texts(board)
    for s in texts:
        w = s.widget
        fm = QFontMetricsF(s.font)
        what = f"{s.name} {s.text!r}"
        if "…" in s.text and s.name != "banner":  # the banner's own "正在连接服务器…" is text, not elision
            found.append(f"{what}: ellipsis")
        if re.sub(r"\s", "", "".join(s.lines)) != re.sub(r"\s", "", s.text):
            found.append(f"{what}: lines {s.lines} lose text")
        box = w.contentsRect() if isinstance(w, QLabel) else w.rect()
        for line in s.lines:
            if fm.horizontalAdvance(line) > box.width() + 0.5:
                found.append(f"{what}: {line!r} is {fm.horizontalAdvance(line):.0f} px wide in {box.width()} px")
        if isinstance(w, Text):
            for ink in w.ink_rects():
                if not QRectF(w.rect()).adjusted(-0.5, -0.5, 0.5, 0.5).contains(ink):
                    found.append(f"{what}: ink {ink} outside its box {w.rect()}")
        elif fm.height() * len(s.lines) > box.height() + 0.5:
            found.append(f"{what}: {len(s.lines)} lines need {fm.height() * len(s.lines):.0f} px, box {box.height()}")
        node = w
        while node is not board:
            parent = node.parentWidget()
            if not parent.rect().contains(node.geometry()):
                found.append(f"{what}: {node.objectName() or type(node).__name__} {node.geometry()} "
                             f"sticks out of {parent.objectName() or type(parent).__name__} {parent.rect()}")
            node = parent
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            if a.rect.intersects(b.rect):
                found.append(f"{a.name} {a.text!r} {a.rect} overlaps {b.name} {b.text!r} {b.rect}")
    return found


def every_page(board: QWidget, turns: int = 60) -> set[str]:
    """All texts the board shows as its pages turn (one full round of the longest list at most `turns`)."""
    seen: set[str] = set()
    for _ in range(turns):
        seen |= {s.text for s in shown_texts(board)}
        if not hasattr(board, "next_page"):
            break
        board.next_page()
    return seen
