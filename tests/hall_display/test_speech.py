"""What a call says: digits one by one (A012 -> A 零一二), window numbers as halls say them, the chime, repeats."""
from __future__ import annotations

import pytest

from hall_display.speech import (ALL_CLIPS, announcement_parts, call_parts, name_parts, spoken_text, ticket_parts,
                                 window_parts)


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


@pytest.mark.parametrize(("name", "window", "said"), [
    ("19号咨询台", 19, "十九 号咨询台"),
    ("20号绿色通道", 20, "二十 号绿色通道"),
    ("16号综合窗口", 16, "十六 号综合窗口"),
    ("3号窗口", 3, "三 号窗口"),
    ("综合受理15号窗口", 15, "综合受理 十五 号窗口"),
    ("A区 3号窗口", 3, "A区 三 号窗口"),
])
def test_the_window_is_named_as_its_sign_reads(name, window, said) -> None:
    assert spoken_text("A012", window, name) == f"请 A零一二 号 到 {said} 办理"
    assert set(announcement_parts("A012", window, 2, name)) <= set(ALL_CLIPS)


def test_every_window_sign_of_the_sample_hall_can_be_said() -> None:
    from queuecore.config import load_config
    from tests.hall_display.halls import COUNTY

    for w in load_config(str(COUNTY)).windows:
        assert name_parts(w.name_zh) is not None, w.name_zh


def test_a_sign_with_a_word_no_clip_says_is_announced_by_its_window_number() -> None:
    # 企业开办 has no clip: "三十三 号窗口" is said, never a wrong or a missing word.
    assert name_parts("33号企业开办专窗") is None
    assert spoken_text("C001", 33, "33号企业开办专窗") == "请 C零零一 号 到 三十三 号窗口 办理"
    assert call_parts("C001", 33, "33号企业开办专窗") == call_parts("C001", 33)
