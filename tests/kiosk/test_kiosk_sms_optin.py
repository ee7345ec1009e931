"""短信提醒 on the kiosk: after issuing, an optional phone-number keypad with the consent line; the number goes to
the real server by the phone page's route (POST /t/<id>/notify) and comes back masked; skipping sends nothing."""
from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton

from kiosk.models import Screen
from kiosk.widgets.sms_optin import CONSENT_ZH, TEXTS
from server.notify.outbox import CONSENT_ZH as SERVER_CONSENT
from tests.kiosk.conftest import network_config, tap
from tests.qtclient.conftest import loop_thread, provisioned_data, sms_server  # noqa: F401

SHOTS = Path("/tmp/hq14/shots")


@pytest.fixture
def server(sms_server):  # this module's hall sends SMS
    return sms_server


def public_entry(server, kiosk) -> dict:
    with urllib.request.urlopen(server.url + kiosk.view.ticket.status_path, timeout=5) as r:
        return json.loads(r.read())


def key(kiosk, k: str) -> QPushButton:
    return kiosk.sms.panel.findChild(QPushButton, f"smsKey-{k}")


def issue(qtbot, kiosk, service: str = "social") -> None:
    tap(qtbot, kiosk.window.home.tiles[service])
    qtbot.waitUntil(lambda: kiosk.view.screen == Screen.TICKET, timeout=5000)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_number_typed_on_the_keypad_is_registered_masked_through_the_phone_route(qtbot, make_kiosk, server, lang,
                                                                                  network_printer):
    kiosk = make_kiosk(network_config(network_printer), language=lang, ticket_seconds=3)
    with qtbot.waitSignal(kiosk.print_done, timeout=5000):
        issue(qtbot, kiosk)
    w = TEXTS[lang]
    opener = kiosk.window.ticket.findChild(QPushButton, "smsOptInButton")
    assert opener.text() == w["open"]
    tap(qtbot, opener)
    panel = kiosk.sms.panel
    assert panel.isVisible() and panel.consent.text() == w["consent"]
    assert panel.submit.text() == w["submit"] and not panel.submit.isEnabled()  # nothing typed yet
    for ch in "1381234567":
        tap(qtbot, key(kiosk, ch))
    assert panel.display.text() == "138 1234 567" and not panel.submit.isEnabled()  # 10 digits: not yet
    tap(qtbot, key(kiosk, "9"))
    tap(qtbot, key(kiosk, "back"))
    tap(qtbot, key(kiosk, "8"))
    assert panel.display.text() == "138 1234 5678" and panel.submit.isEnabled()
    qtbot.wait(3500)  # longer than the ticket's 3 s countdown: it waits while the citizen types
    assert kiosk.view.screen == Screen.TICKET and panel.isVisible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    kiosk.window.grab().save(str(SHOTS / f"kiosk-sms-{lang}.png"))

    tap(qtbot, panel.submit)
    qtbot.waitUntil(lambda: kiosk.sms.masked.get(kiosk.view.ticket.ticket_id) == "138****5678", timeout=5000)
    assert panel.status.text() == w["done"].replace("%1", "138****5678") and panel.digits == ""  # not kept
    assert public_entry(server, kiosk)["sms"] == "138****5678"  # the server has it, as the phone page shows
    qtbot.waitUntil(lambda: not panel.isVisible(), timeout=5000)
    assert opener.text() == w["on"] and not opener.isEnabled()
    kiosk.window.grab().save(str(SHOTS / f"kiosk-sms-on-{lang}.png"))
    qtbot.waitUntil(lambda: kiosk.view.screen == Screen.HOME, timeout=6000)  # the countdown runs again


def test_skipping_sends_nothing_and_a_bad_number_is_refused_on_the_kiosk(qtbot, make_kiosk, server, network_printer):
    kiosk = make_kiosk(network_config(network_printer), ticket_seconds=60)
    issue(qtbot, kiosk)
    tap(qtbot, kiosk.window.ticket.findChild(QPushButton, "smsOptInButton"))
    panel = kiosk.sms.panel
    for ch in "12345678901":  # 11 digits, but no mobile number starts 12
        tap(qtbot, key(kiosk, ch))
    tap(qtbot, panel.submit)
    assert panel.error.text() == TEXTS["zh"]["invalid_number"] and panel.isVisible()
    tap(qtbot, panel.skip)
    assert not panel.isVisible() and kiosk.view.screen == Screen.TICKET
    assert public_entry(server, kiosk)["sms"] is None  # nothing reached the server
    # Opened again: an empty keypad (the number typed before is not kept); home closes it.
    tap(qtbot, kiosk.window.ticket.findChild(QPushButton, "smsOptInButton"))
    assert panel.digits == "" and panel.display.text() == TEXTS["zh"]["placeholder"]
    kiosk.model.go_home()
    assert not panel.isVisible()


def test_a_ticket_that_did_not_print_keeps_its_screen_for_the_photo(qtbot, make_kiosk, server):
    kiosk = make_kiosk(None, photo_seconds=60)  # no printer: the ticket is shown to be photographed
    issue(qtbot, kiosk)
    assert not kiosk.window.ticket.findChild(QPushButton, "smsOptInButton").isVisible()


def test_the_kiosk_shows_the_same_consent_line_as_the_phone_page():
    assert CONSENT_ZH == SERVER_CONSENT

