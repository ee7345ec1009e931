"""Printer profiles: what a family of ESC/POS printers understands (text encoding, native QR, status)."""
from __future__ import annotations

from dataclasses import dataclass

# Text encodings we send with FS & (Kanji mode) on; python codec names.
ENCODINGS = ("gb18030", "gbk", "big5", "utf-8")

# Paper width -> printable dots at 203 dpi (the common print-head widths of 58/80 mm printers).
WIDTH_DOTS = {58: 384, 80: 576}
# Font A cell: 12x24 dots; a hanzi takes two cells (24x24), as on every Chinese ESC/POS printer.
CELL_WIDTH = 12
CELL_HEIGHT = 24
# ESC 2 default line spacing: 30 dots (3.75 mm), used by the preview to match the paper.
LINE_SPACING = 30


@dataclass(frozen=True, slots=True)
class PrinterProfile:
    name: str
    description: str
    encoding: str
    native_qr: bool  # GS ( k; older 58 mm models lack it and get an image QR instead
    status_queries: bool = True  # answers DLE EOT 1/2/4
    # Whether the font ROM has the four-byte GB18030 characters (CJK Ext A/B, emoji). Most
    # cheap printers only carry the two-byte GBK repertoire, so such lines go out as images.
    four_byte_chars: bool = False

    def __post_init__(self) -> None:
        if self.encoding not in ENCODINGS:
            raise ValueError(f"unknown encoding {self.encoding!r}; one of {', '.join(ENCODINGS)}")


PROFILES: dict[str, PrinterProfile] = {
    p.name: p
    for p in (
        PrinterProfile(
            "gb18030",
            "current Chinese printers (Xprinter, Gprinter, Epson TM-T82 CN): GB18030, native QR",
            "gb18030",
            native_qr=True,
        ),
        PrinterProfile("gbk", "Chinese printers with a GBK font: GBK, native QR", "gbk", native_qr=True),
        PrinterProfile(
            "gbk-image-qr",
            "older Chinese printers without GS ( k: GBK, QR code sent as an image",
            "gbk",
            native_qr=False,
        ),
        PrinterProfile("big5", "Traditional Chinese printers: Big5, native QR", "big5", native_qr=True),
        PrinterProfile("utf8", "printers with a UTF-8 mode (FS ( C): UTF-8, native QR", "utf-8", native_qr=True),
    )
}
DEFAULT_PROFILE = "gb18030"
