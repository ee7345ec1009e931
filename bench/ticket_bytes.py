"""Bytes of a full Chinese ticket with QR (goal <= 1 KB) per paper width and mode, and its time at 9600 baud."""
from __future__ import annotations

from printers.config import PrinterConfig
from printers.preview import paper_height
from printers.printer import TicketPrinter
from bench.harness import print_rows
from printers.ticket import sample_ticket

BAUD = 9600
BITS_PER_BYTE = 10  # 8N1: start bit + 8 data bits + stop bit


def seconds_at(nbytes: int, baud: int = BAUD) -> float:
    return nbytes * BITS_PER_BYTE / baud


def run() -> list[tuple[str, str]]:
    ticket = sample_ticket()
    rows: list[tuple[str, str]] = []
    for width in (80, 58):
        for profile, label in (("gb18030", "native QR"), ("gbk-image-qr", "image QR")):
            size = len(TicketPrinter(PrinterConfig(width_mm=width, profile=profile)).encode(ticket))
            verdict = "ok" if size <= 1024 else "over 1 KB"
            rows.append((f"{width} mm ticket, {label} ({profile})", f"{size} bytes ({verdict})"))
            rows.append((f"{width} mm ticket, {label}: time at {BAUD} baud 8N1",
                         f"{seconds_at(size):.2f} s"))
    # For scale: the same 80 mm ticket as one raster image (what image-only drivers send).
    printer = TicketPrinter(PrinterConfig(width_mm=80))
    dots = paper_height(printer.layout(ticket))
    raster = 576 // 8 * dots
    rows.append(("80 mm ticket as one raster image (for comparison)",
                 f"{raster} bytes ({dots} rows, {dots / 8:.0f} mm), {seconds_at(raster):.0f} s at {BAUD} baud"))
    return rows


def main() -> None:
    print_rows(run())


if __name__ == "__main__":
    main()
