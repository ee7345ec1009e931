"""Kiosk screens: idle timeout, admin gesture + PIN, language and elderly toggles, categories first, config, CLI, screenshots."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from hallq.cli import build_parser
from kiosk.config import KioskConfig, KioskConfigError
from kiosk.models import KioskView, Screen, ServiceButton
from qtclient.appkit import cjk_family
from tests.kiosk.conftest import tap, type_on_keypad

REPO = Path(__file__).resolve().parents[2]


def test_idle_timeout_returns_home_from_the_keypad_and_ends_green_mode(qtbot, make_kiosk):
    kiosk = make_kiosk(None, idle_seconds=1)
    tap(qtbot, kiosk.window.home.appointment)
    type_on_keypad(qtbot, kiosk, "12")
    assert kiosk.view.screen == Screen.KEYPAD
    qtbot.waitUntil(lambda: kiosk.view.screen == Screen.HOME, timeout=3000)
    assert kiosk.view.keypad_text == ""  # the next citizen does not see a half-typed code
    tap(qtbot, kiosk.window.home.green)
    assert kiosk.view.green
    qtbot.waitUntil(lambda: not kiosk.view.green, timeout=3000)


def test_no_quit_without_the_admin_gesture_and_pin(qtbot, make_kiosk):
    kiosk = make_kiosk(None, admin_pin="2580")
    w = kiosk.window
    assert not w.close() and w.isVisible()  # Alt+F4 / window manager close is ignored
    for _ in range(4):
        tap(qtbot, w.header.hall)
    assert kiosk.view.screen == Screen.HOME  # four taps are not the gesture
    tap(qtbot, w.header.hall)
    assert kiosk.view.screen == Screen.KEYPAD and w.keypad.title.text() == "管理员"
    type_on_keypad(qtbot, kiosk, "1234")
    tap(qtbot, w.keypad.ok)
    assert w.keypad.error.text() == "密码错误" and kiosk.view.screen == Screen.KEYPAD
    type_on_keypad(qtbot, kiosk, "2580")
    tap(qtbot, w.keypad.ok)
    assert kiosk.view.screen == Screen.ADMIN
    with qtbot.waitSignal(kiosk.quit_requested, timeout=1000):
        tap(qtbot, w.admin.quit)


def test_three_wrong_admin_pins_go_back_home(qtbot, make_kiosk):
    kiosk = make_kiosk(None, admin_pin="2580", admin_taps=2)
    for _ in range(2):
        tap(qtbot, kiosk.window.header.hall)
    for _ in range(3):
        type_on_keypad(qtbot, kiosk, "0000")
        tap(qtbot, kiosk.window.keypad.ok)
    assert kiosk.view.screen == Screen.HOME


def test_english_toggle_translates_the_screens_and_back(qtbot, make_kiosk):
    kiosk = make_kiosk(None)
    home = kiosk.window.home
    assert home.title.text() == "请选择要办理的业务" and home.tiles["social"].title.text() == "社保"
    tap(qtbot, kiosk.window.header.language)
    assert home.title.text() == "Please choose a service"
    assert home.tiles["social"].title.text() == "Social insurance"
    assert home.appointment.text() == "Appointment check-in"
    assert kiosk.window.badge.text() == "● Online"
    tap(qtbot, kiosk.window.header.language)
    assert home.title.text() == "请选择要办理的业务" and kiosk.window.badge.text() == "● 在线"


def test_elderly_mode_has_larger_tiles_and_type(qtbot, make_kiosk):
    kiosk = make_kiosk(None)
    tile = kiosk.window.home.tiles["social"]
    normal_height, normal_px = tile.height(), tile.title.font().pixelSize()
    tap(qtbot, kiosk.window.header.elderly)
    tile = kiosk.window.home.tiles["social"]
    qtbot.waitUntil(lambda: tile.height() > normal_height, timeout=2000)  # 4 rows a page instead of 6
    assert tile.title.font().pixelSize() > normal_px
    assert kiosk.window.header.elderly.text() == "标准模式"


def _buttons(n: int, cats: int) -> list[ServiceButton]:
    return [ServiceButton(code=f"s{i}", name_zh=f"业务{i}", name_en=f"S{i}", category=f"类{i % cats}",
                          waiting=0, wait_minutes=0, refusal=None) for i in range(n)]


@pytest.mark.parametrize(("n", "cats", "elderly", "orientation", "by_category"), [
    (12, 3, False, "portrait", False),  # up to 12: one tap to a service
    (13, 3, False, "portrait", True),  # more: category, then service (2 taps)
    (13, 1, False, "portrait", False),  # one category only: nothing to choose first (pages)
    (12, 3, False, "landscape", False),
    (13, 3, False, "landscape", True),
    # Elderly mode: 8 larger tiles a page (6 in landscape) and up to two pages of the services
    # themselves (下一页, then the service: still two taps) before categories come first.
    (16, 3, True, "portrait", False),
    (17, 3, True, "portrait", True),
    (12, 3, True, "landscape", False),
    (13, 3, True, "landscape", True),
])
def test_categories_come_first_only_when_the_services_do_not_fit(n, cats, elderly, orientation, by_category):
    v = KioskView(buttons=_buttons(n, cats), elderly=elderly, orientation=orientation)
    assert v.by_category is by_category
    # (A category with more services than a page would need a page turn: a third tap.)
    assert max(v.taps_to(b.code) for b in v.buttons) <= 2


def test_pages_hold_the_grid_and_turn_within_bounds():
    from kiosk.models import KioskModel

    m = KioskModel(elderly=True)
    m.view.buttons = _buttons(12, 1)
    assert m.view.page_count == 2 and len(m.view.page_entries()) == 8
    m.turn_page(-1)
    assert m.view.page == 0
    m.turn_page(1)
    m.turn_page(1)
    assert m.view.page == 1 and [b.code for b in m.view.page_entries()] == ["s8", "s9", "s10", "s11"]
    m.go_home()
    assert m.view.page == 0


def test_a_category_of_one_service_is_that_services_own_tile():
    from kiosk.models import CategoryEntry

    buttons = _buttons(13, 3) + [ServiceButton(code="solo", name_zh="综合咨询", name_en="Enquiries", category="咨询",
                                               waiting=0, wait_minutes=0, refusal=None)]
    entries = KioskView(buttons=buttons).home_entries()
    assert [type(e).__name__ for e in entries] == ["CategoryEntry"] * 3 + ["ServiceButton"]
    assert isinstance(entries[0], CategoryEntry) and [b.code for b in entries[0].services] == ["s0", "s3", "s6", "s9", "s12"]


def test_config_loads_the_example_and_refuses_bad_values(tmp_path):
    cfg = KioskConfig.load(REPO / "examples" / "kiosk.toml")
    assert cfg.orientation == "portrait" and cfg.admin_pin == "2580" and cfg.printer.endswith("printer-virtual.toml")
    bad = tmp_path / "k.toml"
    bad.write_text('[kiosk]\nidle_seconds = "soon"\n')
    with pytest.raises(KioskConfigError, match="idle_seconds"):
        KioskConfig.load(bad)
    bad.write_text('[kiosk]\ncolour = "red"\n')
    with pytest.raises(KioskConfigError, match="unknown kiosk keys: colour"):
        KioskConfig.load(bad)
    with pytest.raises(KioskConfigError, match="green_pin"):
        KioskConfig(green_pin="12ab")
    token = tmp_path / "t"
    token.write_text("secret\n")
    assert KioskConfig(token_file=str(token)).resolve_token() == "secret"


def test_cli_takes_the_issue_options():
    args = build_parser().parse_args(["kiosk", "--server", "http://127.0.0.1:8080", "--token", "T", "--printer",
                                      "p.toml", "--lang", "en", "--orientation", "landscape", "--elderly",
                                      "--windowed"])
    assert (args.server, args.token, args.printer, args.lang, args.orientation, args.elderly, args.windowed) == (
        "http://127.0.0.1:8080", "T", "p.toml", "en", "landscape", True, True)
    assert callable(args.func)


def test_screenshot_script_writes_every_screen_in_both_orientations_and_modes(qapp, tmp_path):
    from kiosk.screenshots import main

    assert cjk_family() is not None, "no CJK font: hanzi would render as boxes (apt install fonts-noto-cjk)"
    assert main([str(tmp_path), "--hall", "demo", "--lang", "zh"]) == 0  # English: test_kiosk_layout renders it
    files = sorted(p.name for p in tmp_path.glob("*.png"))
    for tag, size in (("portrait", (1080, 1920)), ("landscape", (1920, 1080))):
        for mode in ("", "-elderly"):
            for screen in ("home", "home-green", "busy", "ticket", "ticket-appointment", "ticket-printer-out",
                           "ticket-printer-back", "ticket-reprinted", "home-printer-out", "home-reprint",
                           "keypad-appointment", "keypad-appointment-refused", "keypad-letters", "keypad-green-pin",
                           "keypad-admin-pin", "message-cap", "message-unknown", "paused", "paused-connecting",
                           "admin"):
                assert f"{tag}{mode}-{screen}.png" in files
            image = QImage(str(tmp_path / f"{tag}{mode}-home.png"))
            assert (image.width(), image.height()) == size
    assert "landscape-elderly-home-page2.png" in files  # 8 services: two pages of 6 big tiles


def test_screenshot_script_takes_hall_configs(qapp, tmp_path):
    from kiosk.screenshots import main

    hall = tmp_path / "tiny.toml"
    hall.write_text('[hall]\nname_zh = "小厅"\nname_en = "Tiny hall"\n'
                    '[[services]]\ncode = "a"\nprefix = "A"\nname_zh = "甲"\nname_en = "A"\n'
                    '[[windows]]\nid = 1\nname_zh = "1号"\nname_en = "1"\nservices = ["a"]\n')
    assert main([str(tmp_path / "out"), "--hall", str(hall), "--lang", "en", "--orientation", "portrait",
                 "--mode", "elderly"]) == 0
    files = {p.name for p in (tmp_path / "out").iterdir()}
    assert "tiny-portrait-elderly-home-en.png" in files and len(files) == 20  # one hall, one kind of screen
