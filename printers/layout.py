"""The ticket layout model: one list of blocks, rendered to ESC/POS bytes (encoder) and to a PNG (preview)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from printers.profiles import CELL_WIDTH, WIDTH_DOTS
from printers.ticket import DEFAULT_FOOTER, DEFAULT_FOOTER_EN, PrintableTicket

Align = Literal["left", "center", "right"]

# C0/C1 controls in ticket data would be ESC/POS commands on the wire: never let them through.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Chinese punctuation that must not start a line (禁则): it is pulled up to the previous line.
_NO_LINE_START = set("，。、；：？！）》」』】〕…—·,.;:?!)")
# Opening brackets that must not end a line: they move down to the text they open.
_NO_LINE_END = set("（《「『【〔([")

LABELS = {
    "zh": {
        "ahead": "您前面还有 {n} 人等候",
        "wait": "预计等候约 {m} 分钟",
        "issued": "取号时间：{t}",
        "scan": "扫码查看排队进度",
        "materials": "请携带以下材料：",
        "steps": "一票到底，依次办理：",
        "footer": DEFAULT_FOOTER,
    },
    "en": {
        "ahead": "{n} people ahead of you",
        "wait": "Estimated wait: about {m} min",
        "issued": "Issued: {t}",
        "scan": "Scan to follow your place in the queue",
        "materials": "Please bring:",
        "steps": "One ticket for every step, in order:",
        "footer": DEFAULT_FOOTER_EN,
    },
}


@dataclass(frozen=True, slots=True)
class TextLine:
    """One printed line (already wrapped to the paper), in character-size multiples of font A."""

    text: str
    width: int = 1  # GS ! width multiplier, 1..8
    height: int = 1  # GS ! height multiplier, 1..8
    bold: bool = False
    align: Align = "left"
    # Forces this line's encoding; only the self-test page uses it (to show every encoding).
    encoding: str | None = None
    # Forces a raster image line; the self-test page uses it to show the image path works.
    as_image: bool = False


@dataclass(frozen=True, slots=True)
class QrCode:
    data: str
    module_dots: int  # dots per QR module
    align: Align = "center"
    image: bool | None = None  # None: the printer profile decides (native GS ( k or image)


@dataclass(frozen=True, slots=True)
class Feed:
    lines: int


Block = TextLine | QrCode | Feed
QR_MODULE_DOTS = 6


@dataclass(frozen=True, slots=True)
class TicketLayout:
    width_dots: int
    blocks: tuple[Block, ...]

    @property
    def columns(self) -> int:
        """Half-width character cells per line (a hanzi takes two)."""
        return self.width_dots // CELL_WIDTH


def char_columns(ch: str) -> int:
    # In Kanji mode a Chinese printer prints ASCII in a 12-dot cell and every double-byte
    # character (hanzi, full-width and "ambiguous" punctuation like — · ¥) in a 24-dot cell.
    return 1 if ord(ch) < 0x80 else 2


def text_columns(text: str) -> int:
    return sum(char_columns(ch) for ch in text)


def clean(text: str) -> str:
    return _CONTROLS.sub(" ", text).strip()


def wrap(text: str, columns: int) -> list[str]:
    """Wrap to `columns` cells: anywhere between hanzi, at spaces between Latin words."""
    text = clean(text)
    if columns < 2:
        raise ValueError("columns must be >= 2")
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        if text_columns(line + token) <= columns:
            line += token
            continue
        if line.strip():
            if token[0] in _NO_LINE_START and len(line) >= 2:
                # Move the last character down so the punctuation does not open the next line.
                line, token = line[:-1], line[-1] + token
            elif line[-1] in _NO_LINE_END and len(line) >= 2:
                line, token = line[:-1], line[-1] + token
            lines.append(line.rstrip())
        line = token.lstrip()
        while text_columns(line) > columns:  # a word longer than the line: hard break
            cut = _fit(line, columns)
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    """Each non-ASCII character alone; ASCII words with their leading spaces."""
    return re.findall(r"[ \t]*[!-~]+|[ \t]*.", text)


def _fit(text: str, columns: int) -> int:
    used = 0
    for i, ch in enumerate(text):
        used += char_columns(ch)
        if used > columns:
            return max(i, 1)
    return len(text)


def _lines(text: str, columns: int, *, width: int = 1, height: int = 1, bold: bool = False,
           align: Align = "left", indent: str = "") -> list[TextLine]:
    wrapped = wrap(text, columns // width - text_columns(indent))
    return [
        TextLine((indent if i else "") + part if indent else part, width, height, bold, align)
        for i, part in enumerate(wrapped)
    ]


def number_size(number: str, columns: int) -> int:
    """The largest GS ! multiplier (<= 6) at which the ticket number fits on one line."""
    return max(1, min(6, columns // max(text_columns(number), 1)))


def ticket_layout(ticket: PrintableTicket, width_mm: int = 80) -> TicketLayout:
    width_dots = WIDTH_DOTS[width_mm]
    cols = width_dots // CELL_WIDTH
    labels = LABELS[ticket.language]
    blocks: list[Block] = []
    add = blocks.extend

    add(_lines(ticket.hall_name, cols, height=2, bold=True, align="center"))
    blocks.append(TextLine("-" * cols))
    if ticket.priority_label:
        mark = "【{}】" if ticket.language == "zh" else "[{}]"  # 【】 are Chinese punctuation
        add(_lines(mark.format(clean(ticket.priority_label)), cols, width=2, height=2, bold=True, align="center"))
    size = number_size(clean(ticket.number), cols)
    blocks.append(TextLine(clean(ticket.number), size, size, bold=True, align="center"))
    # A Chinese ticket adds the English name; an English one prints no Chinese at all.
    main, second = ticket.service_name, ticket.service_name_en if ticket.language == "zh" else None
    add(_lines(main, cols, width=2, height=2, bold=True, align="center"))
    if second:
        add(_lines(second, cols, align="center"))
    blocks.append(Feed(1))
    add(_lines(labels["ahead"].format(n=ticket.people_ahead), cols, height=2, align="center"))
    if ticket.estimated_wait_minutes is not None:
        add(_lines(labels["wait"].format(m=ticket.estimated_wait_minutes), cols, align="center"))
    add(_lines(labels["issued"].format(t=f"{ticket.issued_at:%Y-%m-%d %H:%M}"), cols, align="center"))
    if ticket.status_url:
        blocks.append(Feed(1))
        # 6-dot modules (0.75 mm): easy for phone cameras; a version 4-6 URL stays < 250 dots,
        # inside 58 mm paper too. Even, so an image QR can be sent at half size (GS v 0 m=3).
        blocks.append(QrCode(clean(ticket.status_url), module_dots=QR_MODULE_DOTS))
        add(_lines(labels["scan"], cols, align="center"))
    for label, items in ((labels["steps"], ticket.steps), (labels["materials"], ticket.materials)):
        if items:  # 一票到底's steps, then 一次性告知: a bold title over a numbered list
            blocks.append(Feed(1))
            add(_lines(label, cols, bold=True))
            for i, item in enumerate(items, 1):
                prefix = f"{i}. "
                add(_lines(prefix + item, cols, indent=" " * len(prefix)))
    blocks.append(TextLine("-" * cols))
    add(_lines(labels["footer"] if ticket.footer is None else ticket.footer, cols, align="center"))
    return TicketLayout(width_dots, tuple(blocks))
