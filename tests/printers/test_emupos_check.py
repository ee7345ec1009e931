"""Independent check: our bytes through the emupos receipt-printer emulator (TCP and serial pty),
and our status mapping against its paper-out / cover-open faults."""
from __future__ import annotations

import time

import pytest

from printer_fakes import emupos_lines, emupos_raw_lines, full_ticket
from printers.config import PrinterConfig
from printers.errors import CoverOpen, PaperOut
from printers.layout import TextLine
from printers.printer import TicketPrinter
from printers.status import PrinterState

pytestmark = pytest.mark.slow


def network_printer(emu, port: int, **kw) -> TicketPrinter:
    return TicketPrinter(PrinterConfig(transport="network", host="127.0.0.1", port=port, **kw))


def print_and_fetch(emu, device: str, printer: TicketPrinter, ticket):
    before = len(emu.receipts(device))
    result = printer.print_ticket(ticket)
    receipt = emu.wait_new_receipt(device, before)
    return result, receipt, emupos_lines(emu.receipt_text(device, receipt["id"]))


def expected_text_lines(printer: TicketPrinter, ticket) -> list[str]:
    return [b.text.rstrip() for b in printer.layout(ticket).blocks if isinstance(b, TextLine)]


def assert_ticket_printed(lines: list[str], printer: TicketPrinter, ticket) -> None:
    # Every Chinese line comes back exactly, in order, with the QR code between them.
    text_lines = [line for line in lines if line and not line.startswith("[qr ")]
    assert text_lines == expected_text_lines(printer, ticket)
    assert f"[qr {ticket.status_url}]" in lines
    assert "A012" in lines
    assert "您前面还有 5 人等候" in lines
    assert "1. 居民身份证原件及复印件" in lines
    assert "请留意叫号，过号请到服务台" in lines
    assert "?" not in "".join(lines)


def test_ticket_over_tcp_decodes_to_our_chinese_lines_qr_and_number(emupos, tmp_path):
    printer = network_printer(emupos, emupos.tcp80)
    ticket = full_ticket()
    result, receipt, lines = print_and_fetch(emupos, "hall80", printer, ticket)
    assert receipt["boundary"] == "cut"  # our GS V ended the job, not a timeout
    assert result.confirmed is True
    assert_ticket_printed(lines, printer, ticket)
    png = emupos.receipt_png("hall80", receipt["id"])
    (tmp_path / "emupos-80.png").write_bytes(png)
    assert_same_geometry(printer, ticket, receipt, png)


def test_ticket_over_serial_pty_decodes_the_same(emupos):
    printer = TicketPrinter(PrinterConfig(transport="serial", device=str(emupos.serial_link), baudrate=9600))
    ticket = full_ticket(number="B007", people_ahead=5)
    status = printer.status()
    assert status.state is PrinterState.READY, status.describe()
    result, receipt, lines = print_and_fetch(emupos, "hall80", printer, ticket)
    assert "B007" in lines
    assert_ticket_printed([line.replace("B007", "A012") for line in lines], printer,
                          full_ticket(number="A012"))
    assert result.confirmed is True


def test_58mm_ticket_wraps_inside_384_dots(emupos):
    printer = network_printer(emupos, emupos.tcp58, width_mm=58, profile="gbk")
    ticket = full_ticket(hall_name="广东省深圳市南山区行政服务大厅（粤海街道分中心）")
    _, receipt, lines = print_and_fetch(emupos, "hall58", printer, ticket)
    assert receipt["width_dots"] == 384
    # The long hall name was wrapped by us (the printer would otherwise wrap mid-line itself).
    assert "广东省深圳市南山区行政服务大厅" in lines and "（粤海街道分中心）" in lines
    assert f"[qr {ticket.status_url}]" in lines
    assert_same_geometry(printer, ticket, receipt, emupos.receipt_png("hall58", receipt["id"]))


def test_rare_character_line_arrives_as_an_image_not_question_marks(emupos):
    printer = network_printer(emupos, emupos.tcp80, profile="gbk")
    ticket = full_ticket(service_name="刘䶮专窗")  # 䶮 (CJK Ext. A) is not in GBK
    _, _, lines = print_and_fetch(emupos, "hall80", printer, ticket)
    images = [line for line in lines if line.startswith("[image ")]
    assert len(images) == 1
    # Service names print at 2x2: the image is 4 hanzi x 24 dots wide, x2 by GS v 0 m=3.
    assert images[0] == "[image 192x48]"
    assert "刘" not in "".join(lines)  # the whole line went as an image
    assert "?" not in "".join(lines)


def assert_same_geometry(printer, ticket, receipt, png: bytes) -> None:
    """Our preview and emupos's rendering agree on the paper: same length, the big number where
    our layout puts it and as large as GS ! 6x6 makes it."""
    from PySide6.QtGui import QImage

    from printers.preview import MARGIN_DOTS, block_tops, render_image

    layout = printer.layout(ticket)
    ours = render_image(layout)
    theirs = QImage.fromData(png).convertToFormat(QImage.Format.Format_Grayscale8)
    assert theirs.width() == ours.width() == receipt["width_dots"]
    # emupos drops the feed after the last line; the preview has margins above and below.
    assert abs(theirs.height() - (ours.height() - 2 * MARGIN_DOTS)) <= 6
    index = next(i for i, b in enumerate(layout.blocks) if isinstance(b, TextLine) and b.text == ticket.number)
    top = block_tops(layout)[index]
    left, right, high, low = ink_box(theirs, top, top + 6 * 24)
    # 4 characters of a 12x24 font at 6x: 288 dots wide, centred on the paper; the glyphs of a
    # 24-dot cell are ~15 dots high, so ~90 at 6x (a 2x line would be ~30).
    assert abs((left + right) / 2 - theirs.width() / 2) <= 12
    assert right - left >= 250
    assert low - high >= 80


def ink_box(image, y0: int, y1: int) -> tuple[int, int, int, int]:
    """Bounding box (left, right, top, bottom) of dark pixels between rows y0 and y1."""
    stride = image.bytesPerLine()
    pixels = bytes(image.constBits())
    xs, ys = [], []
    for y in range(y0, min(y1, image.height())):
        row = pixels[y * stride: y * stride + image.width()]
        dark = [x for x, v in enumerate(row) if v < 128]
        if dark:
            xs += [dark[0], dark[-1]]
            ys.append(y)
    assert xs, f"no ink between rows {y0} and {y1}"
    return min(xs), max(xs), min(ys), max(ys)


def test_paper_out_is_reported_and_nothing_is_sent(emupos):
    printer = network_printer(emupos, emupos.tcp80)
    before = len(emupos.receipts("hall80"))
    emupos.set_fault("hall80", "paper-out", True)  # REST API
    try:
        status = printer.status()
        assert status.state is PrinterState.PAPER_OUT
        assert status.replies[4] & 0x60 == 0x60
        assert status.elapsed < 1.0
        with pytest.raises(PaperOut) as excinfo:
            printer.print_ticket(full_ticket())
        assert excinfo.value.code == "paper_out"
    finally:
        emupos.set_fault("hall80", "paper-out", False)
    # emupos holds data received while out of paper and prints it on reload: had we sent the
    # ticket, a receipt would appear now.
    time.sleep(1.5)
    assert len(emupos.receipts("hall80")) == before


def test_cover_open_via_the_emupos_cli(emupos):
    printer = network_printer(emupos, emupos.tcp80)
    done = emupos.cli("fault", "set", "hall80", "cover-open")
    assert done.returncode == 0, done.stdout + done.stderr
    try:
        status = printer.status()
        assert status.state is PrinterState.COVER_OPEN
        with pytest.raises(CoverOpen):
            printer.print_ticket(full_ticket())
    finally:
        assert emupos.cli("fault", "clear", "hall80", "cover-open").returncode == 0
    assert printer.status().state is PrinterState.READY


def test_paper_near_end_still_prints(emupos):
    printer = network_printer(emupos, emupos.tcp80)
    emupos.set_fault("hall80", "paper-near-end", True)
    try:
        before = len(emupos.receipts("hall80"))
        result = printer.print_ticket(full_ticket())
        assert result.status.state is PrinterState.PAPER_NEAR_END
        emupos.wait_new_receipt("hall80", before)
    finally:
        emupos.set_fault("hall80", "paper-near-end", False)


def test_hallq_printer_test_against_emupos(emupos, tmp_path, capsys):
    from hallq.cli import main

    config = tmp_path / "printer.toml"
    config.write_text(f'[printer]\nname = "emupos"\ntransport = "network"\nhost = "127.0.0.1"\n'
                      f'port = {emupos.tcp80}\nprofile = "gb18030"\n')
    before = len(emupos.receipts("hall80"))
    assert main(["printer", "test", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "status: ready" in out
    assert "confirmed by the printer" in out
    receipt = emupos.wait_new_receipt("hall80", before)
    text = emupos.receipt_text("hall80", receipt["id"])
    lines = emupos_lines(text)
    assert "hallq 打印机自检" in lines
    assert "gb18030 中文测试：政务服务【】〇——￥" in lines
    assert "[qr https://example.gov.cn/hallq/self-test]" in lines
    assert "4x A012" in lines
    # Each encoding's sample line went out in that encoding (the installer compares them).
    raw = emupos_raw_lines(text)
    assert "big5    中文測試：政務服務【】".encode("big5") in raw
    assert "gbk     中文测试：政务服务【】〇——￥".encode("gbk") in raw
    # emupos gives every byte a 12-dot cell, so it wraps the 3-byte UTF-8 characters early.
    assert "utf-8   中文测试：政务服务【】〇——￥".encode("utf-8") in b"".join(raw)
    assert sum(line.startswith(b"[image ") for line in raw) == 2  # image QR and the rare-character line
