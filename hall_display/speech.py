"""What a call says: "请 A012 号 到 3 号窗口 办理" as clip keys, ticket numbers read digit by digit (A 零一二).

Plain Python, no Qt, no I/O. The browser display (server/static/display.js) has the same rules in
JavaScript; a Chromium test checks the two agree.
"""
from __future__ import annotations

import string

CHIME = "chime"
DIGIT_HANZI = "零一二三四五六七八九"

# Clip key -> what espeak-ng -v cmn-latn-pinyin reads for the default clip set (tone numbers).
PHRASES = {"qing": "qing3", "hao": "hao4", "dao": "dao4", "hao_chuangkou": "hao4chuang1kou3", "banli": "ban4li3",
           "shi": "shi2"}
DIGITS = {"0": "ling2", "1": "yi1", "2": "er4", "3": "san1", "4": "si4", "5": "wu3", "6": "liu4", "7": "qi1",
          "8": "ba1", "9": "jiu3"}
# Letters are said as in English, the way halls say them; espeak's Mandarin voice does that for a bare letter.
LETTERS = {c: c for c in string.ascii_uppercase}
CLIP_TEXT: dict[str, str] = {**PHRASES, **DIGITS, **LETTERS}
HANZI = {"qing": "请", "hao": "号", "dao": "到", "hao_chuangkou": "号窗口", "banli": "办理", "shi": "十",
         **{d: DIGIT_HANZI[int(d)] for d in DIGITS}, **LETTERS}
ALL_CLIPS: tuple[str, ...] = (CHIME, *CLIP_TEXT)


def ticket_parts(number: str) -> list[str]:
    """"A012" -> ["A", "0", "1", "2"]: every character on its own, so 012 is 零一二, never 十二."""
    parts = [c.upper() for c in number if c.isascii() and c.isalnum()]
    if not parts:
        raise ValueError(f"not a ticket number: {number!r}")
    return parts


def window_parts(window: int) -> list[str]:
    """Window ids as said in halls: 3 -> 三, 12 -> 十二, 20 -> 二十, 35 -> 三十五; 100 and up digit by digit."""
    if window < 0:
        raise ValueError(f"not a window: {window}")
    if window < 10:
        return [str(window)]
    if window < 100:
        tens, ones = divmod(window, 10)
        parts = ([] if tens == 1 else [str(tens)]) + ["shi"]
        return parts + ([str(ones)] if ones else [])
    return list(str(window))


def call_parts(number: str, window: int) -> list[str]:
    """One reading of a call, as clip keys: 请 A 零一二 号 到 三 号窗口 办理."""
    return ["qing", *ticket_parts(number), "hao", "dao", *window_parts(window), "hao_chuangkou", "banli"]


def announcement_parts(number: str, window: int, repeat: int) -> list[str]:
    """The chime once, then the call `repeat` times (at least once)."""
    return [CHIME] + call_parts(number, window) * max(1, repeat)


def spoken_text(number: str, window: int) -> str:
    """The call as a listener hears it: "请 A零一二 号 到 三 号窗口 办理"."""
    ticket = "".join(HANZI[p] for p in ticket_parts(number))
    win = "".join(HANZI[p] for p in window_parts(window))
    return f"请 {ticket} 号 到 {win} 号窗口 办理"
