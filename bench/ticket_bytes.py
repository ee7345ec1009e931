"""Bytes of a full Chinese ticket with QR (goal <= 1 KB) per paper width and mode, and its time at 9600 baud."""
from __future__ import annotations

from datetime import datetime

from printers.config import PrinterConfig
from printers.preview import paper_height
from printers.printer import TicketPrinter
from printers.ticket import PrintableTicket

BAUD = 9600
BITS_PER_BYTE = 10  # 8N1: start bit + 8 data bits + stop bit


def sample_ticket() -> PrintableTicket:
    return PrintableTicket(
        hall_name="杭州市西湖区政务服务中心",
        number="A012",
        service_name="不动产登记",
        service_name_en="Real estate registration",
        people_ahead=5,
        estimated_wait_minutes=15,
        issued_at=datetime(2024, 5, 20, 9, 31),
        priority_label="绿色通道",
        status_url="https://hall.example.gov.cn/t/20240520-A012",
        materials=("居民身份证原件及复印件", "不动产权证书", "申请表（现场填写）"),
    )


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
    rows = run()
    width = max(len(name) for name, _ in rows)
    for name, figure in rows:
        print(f"{name:<{width}}  {figure}")


if __name__ == "__main__":
    main()
