"""Config, command line, layouts, English, and the screenshots module."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage

from hallq.cli import build_parser
from qtclient.appkit import install_translation
from tests.window_terminal.conftest import issue, settle, sign_in
from window_terminal import screenshots
from window_terminal.app import HERE
from window_terminal.cli import config_from_args
from window_terminal.config import ConfigError, TerminalConfig

ROOT = Path(__file__).resolve().parents[2]


def test_the_example_config_loads() -> None:
    cfg = TerminalConfig.load(ROOT / "examples" / "window.toml")
    assert (cfg.layout, cfg.language, cfg.rating_timeout_s, cfg.window) == ("full", "zh", 30, 1)
    assert cfg.pause_reasons == ()  # the hall's list is offered (test_english_terminal.py); none set locally


@pytest.mark.parametrize("data, word", [
    ({"server": "127.0.0.1:8080", "token": "t"}, "server"),
    ({"server": "http://h:1", "token": "t", "layout": "tiny"}, "layout"),
    ({"server": "http://h:1", "token": "t", "colour": "red"}, "colour"),
    ({"server": "http://h:1"}, "token"),
])
def test_a_bad_config_names_the_key(data, word) -> None:
    with pytest.raises(ConfigError, match=word):
        TerminalConfig.from_dict(data)


def test_hallq_window_command_line() -> None:
    args = build_parser().parse_args(["window", "--server", "http://127.0.0.1:8080", "--token", "T", "--lang", "en",
                                      "--compact", "--rating-screen", "1"])
    cfg = config_from_args(args)
    assert (cfg.server, cfg.token, cfg.language, cfg.layout, cfg.rating_screen) == (
        "http://127.0.0.1:8080", "T", "en", "compact", 1)
    assert args.func(build_parser().parse_args(["window", "--token", "T"])) == 2  # no server: a message, no crash


def test_compact_layout_is_an_always_on_top_strip(qtbot, server, make_terminal) -> None:
    issue(server, "estate")
    app = make_terminal(layout="compact")
    assert app.view.size() == QSize(900, 80)
    assert app.view.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    sign_in(qtbot, app)
    qtbot.keyClick(app.view, Qt.Key.Key_F1)
    settle(qtbot, app)
    assert app.view.number_label.text() == "A001" and app.view.buttons["call_next"].text() == "F1 叫号"
    assert app.view.waiting_label.text() == "等候 A0" and "不动产登记" in app.view.waiting_label.toolTip()


def test_full_layout_is_a_normal_window(qtbot, server, make_terminal) -> None:
    app = make_terminal()
    assert not app.view.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert app.view.width() >= 900 and app.view.height() >= 500


def test_english_comes_from_the_committed_translation(qtbot, qapp, server) -> None:
    translator = install_translation(qapp, "en", HERE, "window_terminal")
    try:
        from qtclient.link import HallLink
        from window_terminal.models import TerminalModel
        from window_terminal.widgets.terminal import TerminalView

        view = TerminalView(TerminalModel(language="en"), HallLink(server.url, "x"))
        qtbot.addWidget(view)
        assert view.buttons["call_next"].text() == "F1 Call next"
        assert view.sign_in_button.text() == "Sign in (Enter)"
        from PySide6.QtCore import QCoreApplication

        from window_terminal.widgets.texts import error_message, finished_message
        assert QCoreApplication.translate("TerminalView", "办理结果") == "Outcome of the visit"
        assert finished_message("A012", "Refused") == "A012 finished (Refused); the citizen may rate"
        assert error_message("unknown_outcome") == "This hall has no such outcome; choose again"
    finally:
        qapp.removeTranslator(translator)
        from PySide6.QtCore import QLocale
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))


def test_screenshots_module_writes_every_view(qtbot, tmp_path) -> None:
    assert screenshots.main([str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.glob("*.png"))
    assert names == sorted(["full_amber.png", "full_red.png", "full_sign_in.png", "compact_amber.png",
                            "compact_red.png", "compact_sign_in.png", "finish_outcome.png", "rating.png",
                            "rating_low.png", "suspend_kind.png"])
    strip = QImage(str(tmp_path / "compact_amber.png"))
    assert (strip.width(), strip.height()) == (900, 80)
    # The timers really are amber and red: the label backgrounds' colours are in the pictures.
    assert has_colour(tmp_path / "full_amber.png", 0xFFD966) and not has_colour(tmp_path / "full_amber.png", 0xC62828)
    assert has_colour(tmp_path / "full_red.png", 0xC62828) and not has_colour(tmp_path / "full_red.png", 0xFFD966)
    assert has_colour(tmp_path / "compact_red.png", 0xC62828)


def has_colour(path: Path, rgb: int) -> bool:
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    pixel = bytes([rgb & 0xFF, rgb >> 8 & 0xFF, rgb >> 16 & 0xFF, 0xFF])  # B, G, R, A in memory
    data = bytes(image.constBits())
    start = 0
    while (i := data.find(pixel, start)) >= 0:
        if i % 4 == 0:  # a whole pixel, not bytes straddling two
            return True
        start = i + 1
    return False
