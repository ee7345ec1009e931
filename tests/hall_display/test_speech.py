"""What a call says: digits one by one (A012 -> A 零一二), window numbers as halls say them, the chime, repeats."""
from __future__ import annotations

import pytest

from hall_display.speech import ALL_CLIPS, announcement_parts, call_parts, spoken_text, ticket_parts, window_parts


@pytest.mark.parametrize(("number", "parts"), [
    ("A012", ["A", "0", "1", "2"]),
    ("C0001", ["C", "0", "0", "0", "1"]),
    ("b100", ["B", "1", "0", "0"]),  # never 一百
    ("AB7", ["A", "B", "7"]),
])
def test_ticket_numbers_are_read_digit_by_digit(number, parts) -> None:
    assert ticket_parts(number) == parts


@pytest.mark.parametrize(("window", "parts"), [
    (3, ["3"]), (10, ["shi"]), (12, ["shi", "2"]), (20, ["2", "shi"]), (35, ["3", "shi", "5"]), (101, ["1", "0", "1"]),
])
def test_window_numbers_are_read_as_halls_say_them(window, parts) -> None:
    assert window_parts(window) == parts


def test_a012_to_window_3() -> None:
    assert spoken_text("A012", 3) == "请 A零一二 号 到 三 号窗口 办理"
    assert call_parts("A012", 3) == ["qing", "A", "0", "1", "2", "hao", "dao", "3", "hao_chuangkou", "banli"]
    assert spoken_text("A012", 12) == "请 A零一二 号 到 十二 号窗口 办理"


def test_a_chime_then_the_call_repeated() -> None:
    call = call_parts("A012", 3)
    assert announcement_parts("A012", 3, 2) == ["chime", *call, *call]
    assert announcement_parts("A012", 3, 0) == ["chime", *call]  # at least once
    assert set(announcement_parts("Z999", 99, 3)) <= set(ALL_CLIPS)


def test_a_number_without_letters_or_digits_is_refused() -> None:
    with pytest.raises(ValueError):
        ticket_parts("--")
