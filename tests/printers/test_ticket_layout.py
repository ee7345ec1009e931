"""The layout model: wrapping rules, sizes, and which lines a ticket gets."""
from __future__ import annotations

import pytest

from printer_fakes import full_ticket
from printers.layout import Feed, QrCode, TextLine, number_size, text_columns, ticket_layout, wrap


@pytest.mark.parametrize(
    ("text", "columns", "expected"),
    [
        ("请留意叫号过号请到服务台", 12, ["请留意叫号过", "号请到服务台"]),
        ("Please bring your identity card", 20, ["Please bring your", "identity card"]),
        # 禁则: a comma never opens a line; the character before it moves down with it.
        ("请留意叫号，过号请到服务台", 10, ["请留意叫", "号，过号请", "到服务台"]),
        # An opening bracket never ends a line.
        ("行政服务大厅（粤海）", 12, ["行政服务大厅", "（粤海）"]),
        ("ABCDEFGHIJKLMNOP", 6, ["ABCDEF", "GHIJKL", "MNOP"]),
        # Latin words stay whole; hanzi fill the line.
        ("窗口 A12 办理", 6, ["窗口", "A12 办", "理"]),
        ("", 10, [""]),
    ],
)
def test_wrap_follows_printer_cells_and_chinese_line_breaking(text, columns, expected):
    lines = wrap(text, columns)
    assert lines == expected
    assert all(text_columns(line) <= columns for line in lines)


def test_ascii_takes_one_cell_and_every_double_byte_character_two():
    # Kanji mode prints "ambiguous" punctuation (— · ¥) full width too.
    assert text_columns("A1") == 2
    assert text_columns("中—·￥") == 8


@pytest.mark.parametrize(("number", "columns", "size"), [
    ("A012", 48, 6), ("A012", 32, 6), ("A1012", 32, 6), ("VIP-1234", 32, 4), ("VIP-00001234", 32, 2),
])
def test_number_is_as_large_as_the_paper_allows(number, columns, size):
    assert number_size(number, columns) == size
    assert text_columns(number) * size <= columns


def test_full_ticket_has_every_part_in_order(ticket):
    blocks = ticket_layout(ticket, 80).blocks
    texts = [b.text for b in blocks if isinstance(b, TextLine)]
    assert texts[0] == "杭州市西湖区政务服务中心"
    order = ["【绿色通道】", "A012", "不动产登记", "Real estate registration", "您前面还有 5 人等候",
             "预计等候约 15 分钟", "取号时间：2024-05-20 09:31", "扫码查看排队进度", "请携带以下材料：",
             "1. 居民身份证原件及复印件", "2. 不动产权证书", "3. 申请表（现场填写）", "请留意叫号，过号请到服务台"]
    assert [t for t in texts if t in order] == order
    number = next(b for b in blocks if isinstance(b, TextLine) and b.text == "A012")
    assert (number.width, number.height, number.bold, number.align) == (6, 6, True, "center")
    qr = [b for b in blocks if isinstance(b, QrCode)]
    assert [q.data for q in qr] == ["https://hall.example.gov.cn/t/20240520-A012"]


def test_optional_parts_are_left_out():
    ticket = full_ticket(estimated_wait_minutes=None, priority_label=None, status_url=None, materials=(),
                         service_name_en=None)
    blocks = ticket_layout(ticket, 58).blocks
    texts = [b.text for b in blocks if isinstance(b, TextLine)]
    assert not any(isinstance(b, QrCode) for b in blocks)
    assert not any("预计" in t or "材料" in t or "【" in t for t in texts)
    assert "您前面还有 5 人等候" in texts


def test_english_ticket_uses_english_labels_and_service_name():
    blocks = ticket_layout(full_ticket(language="en"), 80).blocks
    texts = [b.text for b in blocks if isinstance(b, TextLine)]
    assert "Real estate registration" in texts and "5 people ahead of you" in texts
    assert "Please bring:" in texts
    big = [b.text for b in blocks if isinstance(b, TextLine) and b.width == 2]
    assert big == ["[Priority lane]", "Real estate registration"]  # the English name is the large line
    assert "不动产登记" not in texts  # an English ticket prints no Chinese (tests/printers/test_english_ticket.py)


@pytest.mark.parametrize("width_mm", [58, 80])
def test_every_line_fits_the_paper(width_mm):
    ticket = full_ticket(hall_name="内蒙古自治区呼和浩特市赛罕区人民政府政务服务中心（综合受理大厅）",
                         service_name="企业开办一窗通办综合受理窗口",
                         materials=("法定代表人身份证原件，以及全体股东签署的公司章程（一式两份）",))
    layout = ticket_layout(ticket, width_mm)
    for block in layout.blocks:
        if isinstance(block, TextLine):
            assert text_columns(block.text) * block.width <= layout.columns, block


def test_control_characters_never_reach_the_layout():
    ticket = full_ticket(hall_name="大厅\x1b@\x1dV\x00", materials=("身份证\n原件",))
    texts = [b.text for b in ticket_layout(ticket, 80).blocks if isinstance(b, TextLine)]
    assert all(ch >= " " for text in texts for ch in text)


def test_ticket_validates_its_data():
    with pytest.raises(ValueError):
        full_ticket(language="fr")
    with pytest.raises(ValueError):
        full_ticket(people_ahead=-1)
    assert full_ticket(materials=["身份证"]).materials == ("身份证",)
    assert any(isinstance(b, Feed) for b in ticket_layout(full_ticket(), 80).blocks)
