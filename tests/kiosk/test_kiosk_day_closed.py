"""日终 at the kiosk: after the admin closes the day the kiosk shows 今日已结束办理 (Closed for today) instead of tiles,
also after a restart of the kiosk; a new business day brings the tiles back. A bundle ticket's confirmation screen
lists its steps as the printed ticket does."""
from __future__ import annotations

import dataclasses
import shutil

import msgspec
import pytest

from queuecore import protocol as P
from queuecore.model import Bundle
from tests.kiosk.conftest import tap


def ok(reply):
    assert isinstance(reply, P.Result), reply
    return reply


def test_the_kiosk_shows_closed_for_today_after_day_close_until_a_new_day(qtbot, make_kiosk, server) -> None:
    kiosk = make_kiosk(None)
    win = kiosk.window
    assert win.stack.currentWidget() is win.home and kiosk.view.day_closed_at is None
    ok(server.execute(P.IssueTicket(service="social"), "kiosk"))
    server.clock.advance(hours=8, minutes=30)  # 17:30
    ok(server.execute(P.CloseDay(reason="下班")))
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.closed, timeout=5000)
    assert win.closed.title.text() == "今日已结束办理"
    assert win.closed.when.text() == "本日办理已于 17:30 结束"
    assert kiosk.view.closed_for_today()

    again = make_kiosk(None)  # a kiosk (re)started after the close learns it from its snapshot
    qtbot.waitUntil(lambda: again.window.stack.currentWidget() is again.window.closed, timeout=5000)

    server.clock.advance(hours=15)  # 08:30 the next morning
    ok(server.execute(P.StartDay()))
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.home, timeout=5000)
    assert kiosk.view.day_closed_at is None and not kiosk.view.closed_for_today()


def test_closed_for_today_in_english(qtbot, make_kiosk, server) -> None:
    kiosk = make_kiosk(None)
    kiosk.toggle_language()
    ok(server.execute(P.CloseDay()))
    qtbot.waitUntil(lambda: kiosk.window.stack.currentWidget() is kiosk.window.closed, timeout=5000)
    try:
        assert kiosk.window.closed.title.text() == "Closed for today"
        assert kiosk.window.closed.when.text() == "Today's service ended at 09:00"
    finally:
        kiosk.toggle_language()  # the translator is the application's: leave it in Chinese


BUNDLE = Bundle(code="startup", name_zh="企业开办", name_en="Business start-up", steps=("social", "tax"))


@pytest.fixture
def bundle_server(server, provisioned_data, tmp_path):
    """The same server on a fresh store whose hall has the bundle (a store keeps the configuration it began with)."""
    server.stop()
    fresh = tmp_path / "bundle-data"
    shutil.copytree(provisioned_data[0], fresh)
    server.config = dataclasses.replace(server.config, data_dir=fresh,
                                        hall=msgspec.structs.replace(server.config.hall, bundles=(BUNDLE,)))
    server.start()
    return server


@pytest.mark.parametrize(("lang", "title", "steps"), [
    ("zh", "一票到底，依次办理：", "1. 社保\n2. 税务"),
    ("en", "One ticket for every step, in order:", "1. Social insurance\n2. Tax"),
])
def test_the_confirmation_screen_lists_a_bundles_steps(qtbot, make_kiosk, bundle_server, lang, title, steps) -> None:
    kiosk = make_kiosk(None)
    if lang == "en":
        kiosk.toggle_language()
    try:
        with qtbot.waitSignal(kiosk.ticket_shown, timeout=5000):
            tap(qtbot, kiosk.window.home.tiles["bundle:startup"])
        screen = kiosk.window.ticket
        assert (screen.steps_title.text(), screen.steps.text()) == (title, steps)
        assert not screen.steps.isHidden()
        kiosk.model.go_home()
        with qtbot.waitSignal(kiosk.ticket_shown, timeout=5000):
            tap(qtbot, kiosk.window.home.tiles["social"])
        assert screen.steps.isHidden() and screen.steps_title.isHidden()
    finally:
        if lang == "en":
            kiosk.toggle_language()
