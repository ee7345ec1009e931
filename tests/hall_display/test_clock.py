"""The wall display's clock is the hall's: its timezone (hall.timezone) and the server's time, whatever the device says."""
from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import msgspec
import pytest
from PySide6.QtCore import QLocale

from hall_display.models import DisplayModel
from hall_display.screenshots import sample_snapshot
from hall_display.widgets import DisplayBoard

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def device_in_new_york(monkeypatch) -> Iterator[None]:
    """The device's own zone is New York (12 or 13 hours behind the hall)."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    yield
    monkeypatch.undo()
    time.tzset()


def board(qtbot, snap) -> DisplayBoard:
    model = DisplayModel()  # the real device clock
    model.apply_snapshot(snap)
    model.set_link("online", None)
    b = DisplayBoard(model, animate=False)
    qtbot.addWidget(b)
    b.resize(1920, 1080)
    return b


def test_the_time_shown_is_the_halls_not_the_device_zones(qtbot, device_in_new_york) -> None:
    now = datetime.now(timezone.utc)
    b = board(qtbot, msgspec.structs.replace(sample_snapshot(), now=now))  # server and device agree on the instant
    hall_now = now.astimezone(SHANGHAI)
    assert datetime.now().astimezone().utcoffset() != hall_now.utcoffset()  # the zones really differ
    h, m, s = map(int, b.time.text().split(":"))
    off = (h * 3600 + m * 60 + s - (hall_now.hour * 3600 + hall_now.minute * 60 + hall_now.second)) % 86_400
    assert off <= 2 or off >= 86_400 - 1  # (around midnight the two may straddle it)
    assert b.date.text().startswith(f"{hall_now.year}年{hall_now.month}月{hall_now.day}日")


def test_the_device_clocks_error_is_corrected_by_the_servers(qtbot, device_in_new_york) -> None:
    snap = sample_snapshot()  # the server says 2026-11-23 09:41:27 in Shanghai, whatever the device's date
    b = board(qtbot, snap)
    assert "09:41:27" <= b.time.text() <= "09:41:30"
    assert b.date.text() == "2026年11月23日 星期一"
    assert b.model.clock().utcoffset() == timedelta(hours=8)


def test_no_time_is_shown_before_the_hall_says_which(qtbot) -> None:
    b = DisplayBoard(DisplayModel(), animate=False)
    qtbot.addWidget(b)
    assert b.time.text() == "" and b.date.text() == ""
