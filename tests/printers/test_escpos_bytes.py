"""Exact ESC/POS bytes: a hand-written reference, golden tickets, python-escpos cross-checks, budget."""
from __future__ import annotations

import pytest

from printer_fakes import check_golden, full_ticket, text_runs
from printers.config import PrinterConfig
from printers.encoder import (
    EncodeOptions,
    encode_layout,
    encode_text,
    qr_image,
    qr_native,
    size_byte,
)
from printers.layout import Feed, QrCode, TextLine, TicketLayout, ticket_layout
from printers.printer import TicketPrinter
from printers.qr import qr_matrix


def encode(ticket, **config) -> bytes:
    return TicketPrinter(PrinterConfig(**config)).encode(ticket)


def test_small_layout_matches_bytes_written_from_the_epson_reference():
    layout = TicketLayout(576, (TextLine("请", 2, 2, bold=True, align="center"), Feed(2), QrCode("AB", 4)))
    expected = (
        b"\x1b\x40"                          # ESC @ initialise
        b"\x1c\x26"                          # FS & Kanji (double-byte) mode on
        b"\x1b\x61\x01"                      # ESC a 1 centre
        b"\x1d\x21\x11"                      # GS ! double width + double height
        b"\x1b\x45\x01"                      # ESC E 1 bold
        b"\xc7\xeb\x0a"                      # 请 in GB18030, LF
        b"\x1b\x64\x02"                      # ESC d 2 feed two lines
        b"\x1d\x28\x6b\x04\x00\x31\x41\x32\x00"  # GS ( k fn 165: QR model 2
        b"\x1d\x28\x6b\x03\x00\x31\x43\x04"      # fn 167: module 4 dots
        b"\x1d\x28\x6b\x03\x00\x31\x45\x31"      # fn 169: error correction M
        b"\x1d\x28\x6b\x05\x00\x31\x50\x30AB"    # fn 180: store "AB"
        b"\x1d\x28\x6b\x03\x00\x31\x51\x30"      # fn 181: print
        b"\x1b\x4a\x0c"                      # ESC J 12 dots below the symbol
        b"\x1c\x2e"                          # FS . Kanji mode off, before the cut
        b"\x1d\x56\x42\x00"                  # GS V 66 0 feed to cutter, partial cut
    )
    assert encode_layout(layout, EncodeOptions("gb18030")) == expected


@pytest.mark.parametrize(
    ("golden", "ticket", "config"),
    [
        ("ticket-80mm-gb18030.bin", full_ticket(), {}),
        ("ticket-58mm-gbk.bin", full_ticket(), {"width_mm": 58, "profile": "gbk"}),
        ("ticket-80mm-gbk-image-qr.bin", full_ticket(), {"profile": "gbk-image-qr"}),
        ("ticket-80mm-utf8-en.bin", full_ticket(language="en"), {"profile": "utf8"}),
        ("ticket-80mm-big5.bin", full_ticket(hall_name="臺北市政府聯合服務中心", service_name="戶籍登記",
                                             materials=("國民身分證",), footer="請留意叫號，過號請洽服務台"),
         {"profile": "big5"}),
        ("ticket-58mm-minimal.bin", full_ticket(priority_label=None, status_url=None, materials=(),
                                                estimated_wait_minutes=None, service_name_en=None),
         {"width_mm": 58}),
    ],
)
def test_ticket_bytes_match_golden_files(golden, ticket, config):
    check_golden(golden, encode(ticket, **config))


@pytest.mark.parametrize("width_mm", [58, 80])
def test_full_chinese_ticket_with_qr_fits_in_one_kilobyte(width_mm):
    data = encode(full_ticket(), width_mm=width_mm)
    assert 300 < len(data) <= 1024


def test_chinese_lines_travel_as_gb18030_text(ticket):
    data = encode(ticket)
    for text in ("杭州市西湖区政务服务中心", "您前面还有 5 人等候", "请留意叫号，过号请到服务台", "1. 居民身份证原件及复印件"):
        assert text.encode("gb18030") + b"\n" in data
    assert data.startswith(b"\x1b@\x1c&") and data.endswith(b"\x1c.\x1dVB\x00")
    assert b"\x1d!\x55A012\n" in data  # the number at 6x6


def test_native_qr_bytes_equal_python_escpos():
    from escpos.constants import QR_ECLEVEL_M
    from escpos.printer import Dummy

    url = "https://hall.example.gov.cn/t/20240520-A012"
    dummy = Dummy()
    dummy.qr(url, ec=QR_ECLEVEL_M, size=6, native=True)
    assert qr_native(url, 6) == dummy.output


def test_image_qr_equals_python_escpos_raster_of_the_same_matrix():
    from escpos.printer import Dummy
    from PIL import Image

    url = "https://hall.example.gov.cn/t/20240520-A012"
    matrix = qr_matrix(url)
    n, dots = len(matrix), 3  # module 6 dots = 3 dots sent, doubled by GS v 0 m=3
    image = Image.new("1", (n * dots, n * dots), 1)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                image.paste(0, (c * dots, r * dots, c * dots + dots, r * dots + dots))
    dummy = Dummy()
    dummy.image(image, high_density_horizontal=False, high_density_vertical=False, impl="bitImageRaster")
    assert qr_image(url, 6) == dummy.output
    assert len(qr_image(url, 6)) < 1400  # a quarter of the bytes of the same QR at full size


def test_image_qr_profile_sends_no_gs_k(ticket):
    data = encode(ticket, profile="gbk-image-qr")
    assert b"\x1d(k" not in data
    assert b"\x1dv0\x03" in data


@pytest.mark.parametrize("profile", ["gb18030", "gbk", "gbk-image-qr", "big5", "utf8"])
def test_nothing_prints_as_a_question_mark(profile):
    ticket = full_ticket(hall_name="【测试】大厅：〇号——¥100", service_name="刘䶮专窗", materials=("𠮷野家",))
    data = encode(ticket, profile=profile)
    runs = text_runs(data)
    assert runs and not any(b"?" in run for run in runs)
    # The lines the encoding cannot carry went out as images instead (UTF-8 carries them all).
    assert (b"\x1dv0" in data) == (profile != "utf8")


def test_line_the_encoding_cannot_carry_becomes_an_image_line():
    ticket = full_ticket(service_name="刘䶮专窗")  # 䶮 (U+4DAE) is outside GBK
    data = encode(ticket, profile="gbk")
    assert "刘".encode("gbk") not in data
    i = data.index(b"\x1dv0")
    m, width_bytes, rows = data[i + 3], int.from_bytes(data[i + 4:i + 6], "little"), int.from_bytes(data[i + 6:i + 8], "little")
    # A 2x2 line is drawn at 1x (4 hanzi x 24 dots = 12 bytes, 24 rows) and doubled by m=3.
    assert (m, width_bytes, rows) == (3, 12, 24)
    bits = data[i + 8:i + 8 + width_bytes * rows]
    # Ink in each of the four 24-dot cells: every character was drawn, none left blank.
    for cell in range(4):
        assert any(bits[r * 12 + cell * 3 + b] for r in range(24) for b in range(3)), cell
    assert data[i + 8 + len(bits):].startswith(b"\x1bJ")  # then the line's spacing gap


def test_four_byte_gb18030_characters_are_text_only_when_the_font_has_them():
    ticket = full_ticket(service_name="𠮷野家")  # U+20BB7 needs a four-byte GB18030 sequence
    assert "𠮷野家".encode("gb18030") not in encode(ticket)
    assert "𠮷野家".encode("gb18030") in encode(ticket, four_byte_chars=True)


def test_encode_text_refuses_what_the_encoding_lacks():
    assert encode_text("政务", "big5") is None
    assert encode_text("政務", "big5") == "政務".encode("big5")
    assert encode_text("¥", "gbk") is None and encode_text("￥", "gbk") == b"\xa3\xa4"


def test_utf8_profile_switches_the_printer_to_utf8():
    data = encode(full_ticket(), profile="utf8")
    assert data.startswith(b"\x1b@\x1c(C\x02\x000\x02\x1c&")
    assert "杭州市西湖区政务服务中心".encode("utf-8") in data


def test_control_characters_in_ticket_data_do_not_become_commands():
    data = encode(full_ticket(hall_name="大厅\x1b@\x1dVA\x00"))
    assert data.count(b"\x1b@") == 1 and data.count(b"\x1dV") == 1


@pytest.mark.parametrize(("w", "h", "n"), [(1, 1, 0x00), (2, 2, 0x11), (1, 2, 0x01), (6, 6, 0x55), (8, 8, 0x77)])
def test_gs_exclamation_size_byte(w, h, n):
    assert size_byte(w, h) == n


def test_size_out_of_range_is_refused():
    with pytest.raises(ValueError):
        size_byte(9, 1)


def test_layout_is_the_same_for_bytes_and_preview(ticket):
    printer = TicketPrinter(PrinterConfig())
    assert printer.layout(ticket) == ticket_layout(ticket, 80)
