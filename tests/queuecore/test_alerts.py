"""超时预警 as a table: each rule's quiet, lead and red cases, from a snapshot, the rules and a fixed `now`."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import msgspec
import pytest

from queuecore.alerts import LEAD, RED, AlertRules, evaluate, rules_from
from queuecore.model import DeviceState, Ticket, TicketStatus, WindowState, WindowStatus
from tests.queuecore.conftest import DAY, at, make_config

CONFIG = make_config()  # estate: target wait 30, warn 15, alert 30; windows 1-4
ALL_OPEN = [WindowState(id=i, status=WindowStatus.OPEN, clerk=f"c{i}", since=at("08:30")) for i in (1, 2, 3, 4)]


def ticket(number="A001", service="estate", status=TicketStatus.WAITING, arrival="10:00", serving=None, window=None):
    return Ticket(id=f"{DAY:%Y%m%d}-{number}", number=number, day=DAY, seq=1, service=service, priority="normal",
                  status=status, issued_at=at(arrival), arrival_at=at(arrival), rank=1.0, window=window,
                  serving_at=at(serving) if serving else None)


def snap(tickets=(), windows=ALL_OPEN, devices=()):
    return SimpleNamespace(tickets=list(tickets), windows=list(windows), devices=list(devices))


def kinds(alerts):
    return [(a.kind, a.severity) for a in alerts]


@pytest.mark.parametrize("now, expected", [
    ("10:24", []),                     # 24 min: before the 5 min lead
    ("10:25", [("wait", LEAD)]),       # the lead: 5 min before the 30 min target
    ("10:30", [("wait", RED)]),        # the target passed
])
def test_waiting_ticket_nears_then_passes_its_service_target_wait(now, expected):
    assert kinds(evaluate(snap([ticket()]), CONFIG, at(now))) == expected


@pytest.mark.parametrize("now, expected", [
    ("10:14", []), ("10:15", [("serving", LEAD)]), ("10:30", [("serving", RED)]),
])
def test_visit_in_service_turns_lead_at_warn_minutes_and_red_at_alert_minutes(now, expected):
    t = ticket(status=TicketStatus.SERVING, serving="10:00", window=1)
    found = evaluate(snap([t]), CONFIG, at(now))
    assert kinds(found) == expected
    assert all(a.window == 1 and a.ticket == "A001" for a in found)


def test_lead_is_configurable():
    assert kinds(evaluate(snap([ticket()]), CONFIG, at("10:21"), AlertRules(lead_minutes=10))) == [("wait", LEAD)]


@pytest.mark.parametrize("waiting, open_windows, expected", [
    (1, {1, 2, 3, 4}, []),                                    # served
    (1, {4}, [("unserved_queue", LEAD)]),                      # estate waits, only the tax window is open
    (3, {4}, [("unserved_queue", RED)]),                       # and the queue grew
])
def test_queue_that_no_open_window_serves(waiting, open_windows, expected):
    windows = [WindowState(id=i, status=WindowStatus.OPEN if i in open_windows else WindowStatus.CLOSED)
               for i in (1, 2, 3, 4)]
    tickets = [ticket(f"A00{i}", arrival="10:10") for i in range(1, waiting + 1)]
    assert kinds(evaluate(snap(tickets, windows), CONFIG, at("10:12"))) == expected


def test_a_paused_window_does_not_serve_its_queue():
    windows = [*ALL_OPEN[3:], *(WindowState(id=i, status=WindowStatus.PAUSED, clerk="c", since=at("10:00"),
                                             pause_reason="午休") for i in (1, 2, 3))]
    assert ("unserved_queue", LEAD) in kinds(evaluate(snap([ticket(arrival="10:05")], windows), CONFIG, at("10:06")))


@pytest.mark.parametrize("now, expected", [
    ("08:59", []),                     # before opening
    ("09:05", [("unstaffed", LEAD)]),  # open, within the grace
    ("09:10", [("unstaffed", RED)]),   # grace over
    ("10:00", []),                     # an hour later a closed window is a planned one
])
def test_window_unstaffed_at_opening(now, expected):
    windows = [*ALL_OPEN[:3], WindowState(id=4)]
    found = evaluate(snap([], windows), CONFIG, at(now))
    assert kinds(found) == expected and all(a.window == 4 for a in found)


@pytest.mark.parametrize("now, expected", [
    ("10:09", []), ("10:10", [("paused", LEAD)]), ("10:15", [("paused", RED)]),
])
def test_clerk_paused_longer_than_allowed_default_15_minutes(now, expected):
    windows = [*ALL_OPEN[1:], WindowState(id=1, status=WindowStatus.PAUSED, clerk="c1", since=at("10:00"),
                                          pause_reason="离岗")]
    found = evaluate(snap([], windows), CONFIG, at(now))
    assert kinds(found) == expected and all(a.detail == "离岗" for a in found)


@pytest.mark.parametrize("state, expected", [
    ("ready", []), ("paper_near_end", [("device", LEAD)]), ("paper_out", [("device", RED)]),
    ("cover_open", [("device", RED)]), ("offline", [("device", RED)]),
])
def test_printer_states(state, expected):
    d = DeviceState(name="kiosk-1", kind="printer", state=state, since=at("10:00"))
    assert kinds(evaluate(snap(devices=[d]), CONFIG, at("10:01"))) == expected


@pytest.mark.parametrize("silent_s, expected", [(30, []), (45, [("device_silent", LEAD)]),
                                                (90, [("device_silent", RED)])])
def test_a_device_that_stops_reporting(silent_s, expected):
    d = DeviceState(name="kiosk-1", kind="printer", state="ready", since=at("08:00"))
    now = at("10:00")
    found = evaluate(snap(devices=[d]), CONFIG, now, last_seen={"kiosk-1": now - timedelta(seconds=silent_s)})
    assert kinds(found) == expected


def test_ids_are_stable_and_name_the_severity_red_first():
    tickets = [ticket("A001", arrival="09:50"), ticket("A002", arrival="10:00")]
    first = evaluate(snap(tickets), CONFIG, at("10:26"))
    again = evaluate(snap(tickets), CONFIG, at("10:27"))
    assert [a.id for a in first] == [a.id for a in again]
    assert [a.severity for a in first] == [RED, LEAD]
    assert first[0].id.endswith(":red") and first[1].id.endswith(":lead")


def test_rules_from_a_config_table():
    assert rules_from({"lead_minutes": 3, "pause_max_minutes": 20}).pause_max_minutes == 20
    assert rules_from(None) == AlertRules()
    assert rules_from({"opening": "08:30"}).opening.hour == 8
    with pytest.raises(msgspec.ValidationError):
        rules_from({"lead_minute": 3})  # a typo is refused, not ignored
