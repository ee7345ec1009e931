"""The shared app pieces: CJK font, connection badge texts, screenshots, translations."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from qtclient.appkit import ConnectionBadge, cjk_family, install_translation, make_app, save_png
from qtclient.link import HallLink


def test_app_has_a_cjk_font(qapp) -> None:
    app = make_app("hallq-test")
    assert cjk_family() is not None and app.font().family() == cjk_family()


def test_badge_follows_the_link_and_shows_the_last_contact(qtbot, tmp_path: Path) -> None:
    link = HallLink("http://127.0.0.1:9", "token")
    badge = ConnectionBadge(link)
    qtbot.addWidget(badge)
    assert "连接中断" in badge.text() and "—" in badge.text()
    link.connection_changed.emit("connecting")
    assert badge.text() == "● 连接中…"
    link.connection_changed.emit("online")
    assert badge.text() == "● 在线" and badge.property("state") == "online"
    shot = save_png(badge, tmp_path / "badge.png")
    assert not QImage(str(shot)).isNull()


def test_a_missing_translation_is_an_error_and_chinese_needs_none(qapp, tmp_path: Path) -> None:
    assert install_translation(qapp, "zh_CN", tmp_path, "kiosk") is None
    with pytest.raises(FileNotFoundError):
        install_translation(qapp, "en", tmp_path, "kiosk")


def test_full_screen_takes_the_whole_screen_even_without_a_window_manager(qtbot) -> None:
    from PySide6.QtWidgets import QWidget

    from qtclient.appkit import show_full_screen

    w = QWidget()
    qtbot.addWidget(w)
    w.resize(300, 200)
    show_full_screen(w)
    assert w.geometry() == w.screen().geometry() and w.isFullScreen()


def test_full_screen_never_grows_past_the_screen_when_its_content_asks_for_more(qtbot) -> None:
    """A kiosk page whose texts want more height than the screen (every service in extended hours, English,
    elderly type) is fitted into the screen; before, the window grew past the bottom edge with its buttons."""
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    from qtclient.appkit import show_full_screen

    w = QWidget()
    qtbot.addWidget(w)
    screen = w.screen().geometry()
    lay = QVBoxLayout(w)
    for _ in range(3):
        tall = QWidget()
        tall.setMinimumHeight(screen.height() // 2)
        lay.addWidget(tall)
    show_full_screen(w)
    assert w.geometry() == screen and w.isFullScreen()


def test_screenshot_dir_keeps_a_picture_of_the_visible_windows(qtbot, tmp_path, monkeypatch) -> None:
    from PySide6.QtWidgets import QLabel

    from qtclient import appkit

    label = QLabel("叫号")
    qtbot.addWidget(label)
    label.resize(200, 80)
    label.show()
    app = make_app("hallq-test")
    appkit._start_screenshots(app, tmp_path / "shots", "hallq-test", 0.05)
    qtbot.waitUntil(lambda: (tmp_path / "shots" / "hallq-test.png").exists(), timeout=3000)
    assert not QImage(str(tmp_path / "shots" / "hallq-test.png")).isNull()
    app._hallq_screenshot_timer.stop()
