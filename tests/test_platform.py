"""Guards for platform facts the whole project relies on (a library upgrade that breaks them fails here first)."""
from __future__ import annotations

import sys


def test_qt_void_calls_do_not_leak_references_to_none() -> None:
    # PySide6 6.12.0 on CPython 3.11 drops one reference to None per void Qt call, and the
    # process aborts with "none_dealloc" after some hours of GUI use. 6.11.3 is pinned for that.
    from PySide6.QtCore import QObject

    obj = QObject()
    before = sys.getrefcount(None)
    for _ in range(1000):
        obj.setObjectName("x")
    assert abs(sys.getrefcount(None) - before) < 50


def test_a_cjk_font_is_installed(qapp) -> None:
    from PySide6.QtGui import QFontDatabase

    families = set(QFontDatabase.families())
    assert families & {"Noto Sans CJK SC", "WenQuanYi Micro Hei"}, "install fonts-noto-cjk (scripts/setup.sh does)"
