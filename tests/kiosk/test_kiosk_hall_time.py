"""Every time the kiosk shows is on the hall's clock (hall.timezone), not the device's; extended hours on the tiles."""
from __future__ import annotations

import os
import time as _time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import msgspec
from msgspec.structs import replace
import pytest

from kiosk.models import TicketView
from kiosk.printing import printable
from kiosk.screenshots import close, demo_hall, demo_issued, demo_snapshot, kiosk_for
from queuecore import protocol as P

NEW_YORK = ZoneInfo("America/New_York")
# 2026-11-23 09:41 in the hall (Asia/Shanghai, UTC+8) is 01:41 UTC and 20:41 the day before in New York.
HALL_NOW = datetime(2026, 11, 23, 1, 41, tzinfo=timezone.utc)


@pytest.fixture
def device_in_new_york():
    """The kiosk PC's own zone is New York (TZ), as a kiosk set up elsewhere or left on UTC would be."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    _time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    _time.tzset()


def online(kiosk, snapshot: P.Snapshot | None = None) -> None:
    kiosk.link.connection_changed.emit("online")
    kiosk.link.snapshot_received.emit(snapshot or demo_snapshot(demo_hall()))
    kiosk.model.set_printer("ready")


@pytest.mark.parametrize("clock", [
    lambda: HALL_NOW.astimezone(NEW_YORK),  # an aware clock in another zone
    lambda: HALL_NOW.astimezone(NEW_YORK).replace(tzinfo=None),  # the device's naive local time (New York)
    lambda: HALL_NOW,  # UTC, the default clock's zone
], ids=["aware-new-york", "naive-local", "utc"])
def test_the_header_clock_shows_the_halls_time(qapp, device_in_new_york, clock):
    kiosk = kiosk_for("portrait", False, "zh", clock=clock)
    try:
        online(kiosk)
        kiosk._on_tick()
        assert kiosk.window.header.clock.text() == "11月23日 星期一  09:41"  # not 11月22日 星期日 20:41
    finally:
        close(kiosk)


def test_the_default_clock_is_not_the_devices_zone(qapp, device_in_new_york):
    from kiosk.app import Kiosk
    from kiosk.config import KioskConfig
    from qtclient.link import HallLink

    link = HallLink("http://127.0.0.1:9", "x")
    kiosk = Kiosk(KioskConfig(server="http://127.0.0.1:9", token="x", windowed=True), link, None)
    try:
        online(kiosk)
        kiosk._on_tick()
        expected = datetime.now(ZoneInfo("Asia/Shanghai"))
        shown = kiosk.window.header.clock.text()
        assert shown.endswith(f"{expected:%H:%M}") or shown.endswith(f"{expected + timedelta(minutes=1):%H:%M}")
    finally:
        close(kiosk)


def test_ticket_and_appointment_times_on_screen_and_paper_are_the_halls(qapp, device_in_new_york):
    kiosk = kiosk_for("portrait", False, "zh", clock=lambda: HALL_NOW)
    try:
        hall = demo_hall()
        online(kiosk, demo_snapshot(hall))
        issued = demo_issued(hall, "A015", "appt", appointment_start=datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc))
        # As the link decodes it: times in UTC on the wire, whatever the server sent.
        issued = msgspec.convert(msgspec.to_builtins(replace(issued, ticket=replace(
            issued.ticket, issued_at=HALL_NOW))), P.IssuedTicket)
        ticket = TicketView.from_issued(issued, hall, "qr")
        kiosk.model.show_ticket(ticket)
        qapp.processEvents()
        assert kiosk.window.ticket.times.text() == "取号时间：09:41 · 预约时段 10:00"
        paper = printable(ticket, hall.name_zh, "zh")
        assert paper.issued_at.utcoffset() == timedelta(hours=8) and f"{paper.issued_at:%H:%M}" == "09:41"
    finally:
        close(kiosk)


def test_the_pause_screen_and_badge_show_the_last_contact_in_hall_time(qapp, device_in_new_york):
    kiosk = kiosk_for("portrait", False, "zh", clock=lambda: HALL_NOW)
    try:
        online(kiosk)
        last = datetime(2026, 11, 23, 1, 40, 5, tzinfo=timezone.utc).astimezone(NEW_YORK)  # as the link stamps it
        kiosk.link._last_contact = last
        kiosk.link.connection_changed.emit("offline")
        kiosk.model.set_link("offline", last, busy=False)
        qapp.processEvents()
        assert kiosk.window.paused.last.text() == "最后联系时间：09:40:05"
        assert kiosk.window.badge.text() == "● 连接中断 · 最后更新 09:40:05"
    finally:
        close(kiosk)


@pytest.mark.parametrize(("lang", "text"), [("zh", "延时服务至 20:00"), ("en", "Extended hours until 20:00")])
def test_a_service_open_late_today_says_until_when_on_its_tile(qapp, lang, text):
    kiosk = kiosk_for("portrait", False, lang, clock=lambda: HALL_NOW)
    try:
        hall = demo_hall()
        snap = demo_snapshot(hall)
        states = [replace(s, extended_until=datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc) if s.code == "social"
                          else None) for s in snap.services]  # 20:00 in the hall
        online(kiosk, replace(snap, services=states))
        qapp.processEvents()
        tiles = kiosk.window.home.tiles
        assert tiles["social"].note.isVisible() and tiles["social"].note.text() == text
        assert not tiles["tax"].note.isVisible()
    finally:
        close(kiosk)
