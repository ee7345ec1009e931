"""What a call says: "请 A012 号 到 19号咨询台 办理" as clip keys, ticket numbers read digit by digit (A 零一二).

Rule: the window is named as its sign reads (the window's configured name_zh), composed from
clips: the numbers in it as halls say them (19 -> 十九), letters, and the words of WORDS
(号窗口, 综合, 咨询, 台, 绿色, 通道 ...). A name with a character no clip can say is spoken as
"N号窗口" (its window id): never a wrong word, never silence.

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
# Words on window signs (name_zh), as clip key -> (hanzi, pinyin). Longest match first when a
# name is read, so 号窗口 uses its own clip (one natural phrase), 窗口 and 窗 the others.
WORDS = {"chuangkou": ("窗口", "chuang1kou3"), "chuang": ("窗", "chuang1"), "zonghe": ("综合", "zong1he2"),
         "zixun": ("咨询", "zi1xun2"), "tai": ("台", "tai2"), "lvse": ("绿色", "lv4se4"),
         "tongdao": ("通道", "tong1dao4"), "fuwu": ("服务", "fu2wu4"), "shouli": ("受理", "shou4li3"),
         "zhuan": ("专", "zhuan1"), "qu": ("区", "qu1"), "gui": ("柜", "gui4"), "ban": ("办", "ban4")}
DIGITS = {"0": "ling2", "1": "yi1", "2": "er4", "3": "san1", "4": "si4", "5": "wu3", "6": "liu4", "7": "qi1",
          "8": "ba1", "9": "jiu3"}
# Letters are said as in English, the way halls say them; espeak's Mandarin voice does that for a bare letter.
LETTERS = {c: c for c in string.ascii_uppercase}
CLIP_TEXT: dict[str, str] = {**PHRASES, **{k: p for k, (_, p) in WORDS.items()}, **DIGITS, **LETTERS}
HANZI = {"qing": "请", "hao": "号", "dao": "到", "hao_chuangkou": "号窗口", "banli": "办理", "shi": "十",
         **{k: h for k, (h, _) in WORDS.items()}, **{d: DIGIT_HANZI[int(d)] for d in DIGITS}, **LETTERS}
ALL_CLIPS: tuple[str, ...] = (CHIME, *CLIP_TEXT)
NUMBER_KEYS = frozenset({*DIGITS, "shi"})
# Sign text -> clip key, longest first; the digits and letters are handled on their own.
_SIGN = sorted({"号窗口": "hao_chuangkou", "号": "hao", **{h: k for k, (h, _) in WORDS.items()}}.items(),
               key=lambda kv: -len(kv[0]))


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


def name_parts(name: str) -> list[str] | None:
    """A window's sign as clip keys ("19号咨询台" -> 十 九 号 咨询 台), or None if a character has no clip.

    Numbers are read as window numbers (19 -> 十九); spaces and punctuation are not said."""
    parts: list[str] = []
    i = 0
    while i < len(name):
        c = name[i]
        if c.isascii() and c.isdigit():
            j = i
            while j < len(name) and name[j].isascii() and name[j].isdigit():
                j += 1
            parts += window_parts(int(name[i:j]))
            i = j
        elif c.isascii() and c.isalpha():
            parts.append(c.upper())
            i += 1
        elif c.isspace() or c in "-·・()（）":
            i += 1
        else:
            word = next(((w, k) for w, k in _SIGN if name.startswith(w, i)), None)
            if word is None:
                return None
            parts.append(word[1])
            i += len(word[0])
    return parts or None


def window_name_parts(window: int, name: str = "") -> list[str]:
    """What is said for the window: its sign (name) when every part of it has a clip, else "N号窗口"."""
    return (name_parts(name) if name else None) or [*window_parts(window), "hao_chuangkou"]


def call_parts(number: str, window: int, name: str = "") -> list[str]:
    """One reading of a call, as clip keys: 请 A 零一二 号 到 <the window's sign> 办理."""
    return ["qing", *ticket_parts(number), "hao", "dao", *window_name_parts(window, name), "banli"]


def announcement_parts(number: str, window: int, repeat: int, name: str = "") -> list[str]:
    """The chime once, then the call `repeat` times (at least once)."""
    return [CHIME] + call_parts(number, window, name) * max(1, repeat)


def said(parts: list[str]) -> str:
    """Clip keys as a listener hears them: numbers and words in groups, "十九 号咨询台"."""
    groups: list[tuple[bool, str]] = []
    for p in parts:
        number = p in NUMBER_KEYS
        if groups and groups[-1][0] == number:
            groups[-1] = (number, groups[-1][1] + HANZI[p])
        else:
            groups.append((number, HANZI[p]))
    return " ".join(text for _, text in groups)


def spoken_text(number: str, window: int, name: str = "") -> str:
    """The call as a listener hears it: "请 A零一二 号 到 三 号窗口 办理", "… 到 十九 号咨询台 办理"."""
    ticket = "".join(HANZI[p] for p in ticket_parts(number))
    return f"请 {ticket} 号 到 {said(window_name_parts(window, name))} 办理"
