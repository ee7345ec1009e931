"""Layout checks for a rendered window: no visible widget overlaps a sibling or leaves its parent, no text is cut."""
from __future__ import annotations

from itertools import combinations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel, QPushButton, QStyle, QStyleOptionButton, QWidget

TOLERANCE = 1  # px: rounding between the font metrics and the label's own line layout


def describe(w: QWidget) -> str:
    names = []
    while w is not None and not w.isWindow():
        text = w.text() if isinstance(w, (QLabel, QPushButton)) else ""
        names.append(f"{type(w).__name__}" + (f"#{w.objectName()}" if w.objectName() else "")
                     + (f"({text[:30]!r})" if text else ""))
        w = w.parentWidget()
    return " < ".join(names)


def _label_problem(label: QLabel) -> str | None:
    text = label.text()
    if not text.strip() or label.pixmap() is not None and not label.pixmap().isNull():
        return None
    label.ensurePolished()
    fm = QFontMetrics(label.font())
    cr = label.contentsRect()
    m = label.margin()
    cr = cr.adjusted(m, m, -m, -m)
    flags = int(label.alignment().value)
    if label.wordWrap():
        needed = fm.boundingRect(QRect(0, 0, cr.width(), 1_000_000), flags | Qt.TextFlag.TextWordWrap.value, text)
    else:
        needed = fm.boundingRect(QRect(0, 0, 1_000_000, 1_000_000), flags, text)
    if needed.width() > cr.width() + TOLERANCE or needed.height() > cr.height() + TOLERANCE:
        return f"text needs {needed.width()}x{needed.height()}, has {cr.width()}x{cr.height()}"
    return None


def _button_problem(b: QPushButton) -> str | None:
    text = b.text()
    if not text.strip():
        return None
    b.ensurePolished()
    opt = QStyleOptionButton()
    opt.initFrom(b)
    opt.text = text
    contents = b.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, opt, b)
    fm = QFontMetrics(b.font())
    needed = fm.boundingRect(QRect(0, 0, 1_000_000, 1_000_000), int(Qt.AlignmentFlag.AlignCenter.value), text)
    if needed.width() > contents.width() + TOLERANCE or needed.height() > contents.height() + TOLERANCE:
        return f"text needs {needed.width()}x{needed.height()}, has {contents.width()}x{contents.height()}"
    return None


def _ink_problem(w: QWidget) -> str | None:
    """A widget that sizes itself by its text's ink (the ticket number)."""
    ink = w.ink()
    if ink.width() > w.width() or ink.height() > w.height():
        return f"ink needs {ink.width()}x{ink.height()}, has {w.width()}x{w.height()}"
    return None


def layout_problems(window: QWidget) -> list[str]:
    """Every visible widget under `window`: inside its parent, clear of its siblings, its text whole."""
    problems: list[str] = []

    def walk(parent: QWidget) -> None:
        kids = [c for c in parent.children() if isinstance(c, QWidget) and c.isVisible() and not c.isWindow()]
        inside = parent.rect()
        for c in kids:
            g = c.geometry()
            if g.width() <= 0 or g.height() <= 0:
                problems.append(f"{describe(c)}: no room ({g.width()}x{g.height()})")
            elif not inside.contains(g):
                problems.append(f"{describe(c)}: {g.getRect()} leaves its parent ({inside.width()}x{inside.height()})")
        for a, b in combinations(kids, 2):
            if a.geometry().intersects(b.geometry()):
                common = a.geometry().intersected(b.geometry())
                problems.append(f"{describe(a)} overlaps {describe(b)} by {common.width()}x{common.height()}")
        for c in kids:
            problem = (_label_problem(c) if isinstance(c, QLabel)
                       else _button_problem(c) if isinstance(c, QPushButton)
                       else _ink_problem(c) if hasattr(c, "ink") else None)
            if problem:
                problems.append(f"{describe(c)}: {problem}")
            walk(c)

    walk(window)
    return problems
