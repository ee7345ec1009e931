"""A hall without an SMS provider collects no phone numbers: the kiosk's ticket screen has no 短信提醒 button, the
phone page hides its opt-in, and the opt-in route refuses (sms_unavailable) with nothing stored."""
from __future__ import annotations

import json
import sqlite3
import urllib.error
import urllib.request

from PySide6.QtWidgets import QPushButton

from kiosk.models import Screen
from tests.kiosk.conftest import network_config, tap


def test_a_hall_without_an_sms_provider_offers_no_keypad_and_collects_no_number(qtbot, make_kiosk, server,
                                                                                network_printer):
    kiosk = make_kiosk(network_config(network_printer))
    with qtbot.waitSignal(kiosk.print_done, timeout=5000):
        tap(qtbot, kiosk.window.home.tiles["social"])
    qtbot.waitUntil(lambda: kiosk.view.screen == Screen.TICKET, timeout=5000)
    assert not kiosk.window.ticket.findChild(QPushButton, "smsOptInButton").isVisible()
    page = server.url + kiosk.view.ticket.status_path
    with urllib.request.urlopen(page, timeout=5) as r:
        assert json.loads(r.read())["sms_available"] is False
    req = urllib.request.Request(page + "/notify", method="POST",
                                 data=json.dumps({"phone": "13812345678", "consent": True}).encode())
    try:
        urllib.request.urlopen(req, timeout=5)
        raise AssertionError("a hall that sends no SMS took a phone number")
    except urllib.error.HTTPError as exc:
        assert exc.code == 409 and json.loads(exc.read())["code"] == "sms_unavailable"
    with sqlite3.connect(server.config.data_dir / "hallq.db") as conn:
        assert conn.execute("SELECT count(*) FROM notify_subscriptions").fetchone()[0] == 0
