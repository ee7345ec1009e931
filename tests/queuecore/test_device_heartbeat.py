"""The heartbeat rule: a device is stale (失联) after 3 missed heartbeats; until then it shows the state it reported."""
from __future__ import annotations

from datetime import timedelta

import pytest

from queuecore.alerts import AlertRules, device_status, is_stale
from tests.queuecore.conftest import at

SEEN = at("10:00")


@pytest.mark.parametrize("silent_s, interval_s, stale", [
    (0, 30, False), (31, 30, False),  # one heartbeat late
    (61, 30, False),  # two missed
    (89.9, 30, False), (90, 30, True),  # the third missed: stale
    (3600, 30, True),
    (29, 10, False), (30, 10, True),  # a shorter interval: stale sooner
])
def test_a_device_is_stale_after_three_missed_heartbeats(silent_s, interval_s, stale) -> None:
    assert is_stale(SEEN, SEEN + timedelta(seconds=silent_s), interval_s) is stale


@pytest.mark.parametrize("state, silent_s, shown", [
    ("ready", 10, "ready"), ("paper_out", 10, "paper_out"), ("paper_near_end", 89, "paper_near_end"),
    ("cover_open", 10, "cover_open"), ("offline", 10, "offline"),
    ("ready", 90, "stale"), ("paper_out", 120, "stale"),  # silence outranks the last report
])
def test_the_console_shows_the_reported_state_until_the_device_goes_silent(state, silent_s, shown) -> None:
    assert device_status(state, SEEN, SEEN + timedelta(seconds=silent_s), 30) == shown
    assert device_status(state, None, SEEN, 30) == state  # never heard from: nothing to measure yet


@pytest.mark.parametrize("rules, seconds", [(AlertRules(), 90), (AlertRules(heartbeat_seconds=10), 30),
                                            (AlertRules(device_stale_seconds=300), 300)])
def test_the_silence_limit_is_three_heartbeats_unless_set(rules, seconds) -> None:
    assert rules.stale_seconds() == seconds
