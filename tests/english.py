"""English mode shows no Chinese: the CJK pattern and the visible texts of a Qt window, for the test_english_* tests."""
from __future__ import annotations

import re

# Hanzi, CJK punctuation (【】、。) and full-width forms (：，（）).
CJK = re.compile(r"[\u2e80-\u303f\u3400-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")
# The language toggle names the other language in that language (as every bilingual screen does).
TOGGLE = "中文"


def visible_texts(window) -> list[tuple[str, str]]:
    """(object name or class, text) of every visible label, button and line edit in the window."""
    from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit

    out = []
    for w in window.findChildren(QLabel) + window.findChildren(QAbstractButton) + window.findChildren(QLineEdit):
        if not w.isVisible():
            continue
        texts = [w.text()] + ([w.placeholderText()] if isinstance(w, QLineEdit) else [])
        out += [(w.objectName() or type(w).__name__, t) for t in texts if t]
    return out


def chinese(texts, allowed: frozenset[str] | set[str] = frozenset({TOGGLE})) -> list[str]:
    """The texts (strings or (name, text) pairs) with Chinese in them, once the allowed proper names are taken out."""
    found = []
    for item in texts:
        name, text = item if isinstance(item, tuple) else ("", item)
        rest = text
        for word in sorted(allowed, key=len, reverse=True):
            rest = rest.replace(word, "")
        if CJK.search(rest):
            found.append(f"{name}: {text!r}" if name else repr(text))
    return found
