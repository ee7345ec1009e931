"""Layout -> ESC/POS bytes in text mode: ESC @, FS &, text in the printer's encoding, GS !, GS ( k, FS ., cut.

Rule: nothing ever prints as `?`. A line the printer's encoding (or font) cannot represent goes
out as a raster image line (GS v 0) drawn with our own CJK font.
"""
from __future__ import annotations

from dataclasses import dataclass

from printers.layout import Align, Feed, QrCode, TextLine, TicketLayout
from printers.qr import qr_matrix

ESC, GS, FS = b"\x1b", b"\x1d", b"\x1c"
INIT = ESC + b"@"
KANJI_ON = FS + b"&"
KANJI_OFF = FS + b"."
# FS ( C fn 48 m=2: UTF-8 character encoding (Epson TM and the clones that copy it).
UTF8_MODE = FS + b"(C" + bytes([2, 0, 0x30, 2])
# GS V 66 n: feed to the cutter, then partial cut (leaves a hinge, the usual ticket choice).
FEED_AND_CUT = GS + b"VB" + bytes([0])
QR_EC = {"L": 48, "M": 49, "Q": 50, "H": 51}
ALIGN = {"left": 0, "center": 1, "right": 2}
# Dots fed below a QR code so the caption line does not touch the symbol (a small quiet zone).
QR_GAP_DOTS = 12


@dataclass(frozen=True, slots=True)
class EncodeOptions:
    encoding: str = "gb18030"
    native_qr: bool = True
    # Whether the font has GB18030's four-byte characters; if not such lines become images.
    four_byte_chars: bool = False
    cut: bool = True


def size_byte(width: int, height: int) -> int:
    if not (1 <= width <= 8 and 1 <= height <= 8):
        raise ValueError("character size multipliers are 1..8")
    return (width - 1) << 4 | (height - 1)


def encode_text(text: str, encoding: str, four_byte_chars: bool = False) -> bytes | None:
    """The text in the printer's encoding, or None if any character cannot be printed as text."""
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return None
    if encoding == "gb18030" and not four_byte_chars and len(data) != _gb18030_short_len(text):
        return None
    return data


def _gb18030_short_len(text: str) -> int:
    # Length if every character used the one- or two-byte forms (GBK repertoire).
    return sum(1 if ord(ch) < 0x80 else 2 for ch in text)


def qr_native(data: str, module_dots: int, ec: str = "M") -> bytes:
    """GS ( k: model 2, module size, error correction, store, print (Epson function 165-181)."""
    payload = data.encode("utf-8")
    if len(payload) > 7089:
        raise ValueError("too much data for a QR code")

    def fn(body: bytes) -> bytes:
        return GS + b"(k" + len(body).to_bytes(2, "little") + body

    return (fn(b"1A2\x00") + fn(b"1C" + bytes([module_dots])) + fn(b"1E" + bytes([QR_EC[ec]]))
            + fn(b"1P0" + payload) + fn(b"1Q0"))


def raster(width_bytes: int, rows: int, data: bytes, scale_x: int = 1, scale_y: int = 1) -> bytes:
    """GS v 0 m xL xH yL yH d...: m picks double width (1), double height (2) or both (3)."""
    if len(data) != width_bytes * rows:
        raise ValueError("raster data does not match its size")
    m = (1 if scale_x == 2 else 0) | (2 if scale_y == 2 else 0)
    return GS + b"v0" + bytes([m]) + width_bytes.to_bytes(2, "little") + rows.to_bytes(2, "little") + data


def qr_image(data: str, module_dots: int) -> bytes:
    """The QR code as a raster image; even module sizes are sent at half size with GS v 0 m=3."""
    matrix = qr_matrix(data)
    scale = 2 if module_dots % 2 == 0 else 1
    dots = module_dots // scale
    width = len(matrix) * dots
    width_bytes = (width + 7) // 8
    out = bytearray()
    for row in matrix:
        line = bytearray(width_bytes)
        for c, dark in enumerate(row):
            if dark:
                for d in range(c * dots, c * dots + dots):
                    line[d // 8] |= 0x80 >> (d % 8)
        out += bytes(line) * dots
    return raster(width_bytes, len(matrix) * dots, bytes(out), scale, scale)


class _Writer:
    """Accumulates commands and only emits a mode change when the mode actually changes."""

    def __init__(self) -> None:
        self.out = bytearray()
        self.align: Align = "left"
        self.size = 0
        self.bold = False

    def set_align(self, align: Align) -> None:
        if align != self.align:
            self.out += ESC + b"a" + bytes([ALIGN[align]])
            self.align = align

    def set_size(self, width: int, height: int) -> None:
        n = size_byte(width, height)
        if n != self.size:
            self.out += GS + b"!" + bytes([n])
            self.size = n

    def set_bold(self, bold: bool) -> None:
        if bold != self.bold:
            self.out += ESC + b"E" + bytes([1 if bold else 0])
            self.bold = bold


def encode_layout(layout: TicketLayout, options: EncodeOptions = EncodeOptions()) -> bytes:
    w = _Writer()
    w.out += INIT
    if options.encoding == "utf-8":
        w.out += UTF8_MODE
    w.out += KANJI_ON
    for block in layout.blocks:
        if isinstance(block, TextLine):
            _text_line(w, block, options)
        elif isinstance(block, QrCode):
            w.set_align(block.align)
            native = options.native_qr if block.image is None else not block.image
            w.out += qr_native(block.data, block.module_dots) if native else qr_image(block.data, block.module_dots)
            w.out += ESC + b"J" + bytes([QR_GAP_DOTS])
        elif isinstance(block, Feed):
            if block.lines:
                w.out += ESC + b"d" + bytes([block.lines])
        else:  # pragma: no cover - the layout types are closed
            raise TypeError(f"unknown block {block!r}")
    w.out += KANJI_OFF
    if options.cut:
        w.out += FEED_AND_CUT
    return bytes(w.out)


def _text_line(w: _Writer, line: TextLine, options: EncodeOptions) -> None:
    w.set_align(line.align)
    encoding = line.encoding or options.encoding
    data = None if line.as_image else encode_text(line.text, encoding, options.four_byte_chars)
    if data is not None:
        w.set_size(line.width, line.height)
        w.set_bold(line.bold)
        w.out += data + b"\n"
        return
    # Rare characters: draw the line ourselves. GS v 0's own doubling keeps the image small.
    from printers.render import text_raster

    sx = 2 if line.width % 2 == 0 else 1
    sy = 2 if line.height % 2 == 0 else 1
    width_bytes, rows, bits = text_raster(line.text, line.width // sx, line.height // sy, line.bold)
    w.out += raster(width_bytes, rows, bits, sx, sy)
    # A raster block moves the paper by its own height only: add the text line's spacing gap.
    w.out += ESC + b"J" + bytes([max(30 - 24, 0) * line.height])
