"""The pure rules of configuration changes (queuecore.configedit, Hall.change_config), as tables: what each op does,
what each refusal is, and that a refused change leaves the hall exactly as it was."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import msgspec
import pytest

from queuecore import errors as E
from queuecore import events as ev
from queuecore.config import export_doc, parse_config
from queuecore.configedit import ConfigOp, apply_ops, live_conflicts
from queuecore.hall import Hall
from queuecore.model import TimeRange
from tests.queuecore.conftest import DAY, at, make_config, open_hall

PASSPORT = {"code": "passport", "prefix": "P", "name_zh": "出入境", "name_en": "Exit-entry"}


def ops(*raw: dict) -> list[ConfigOp]:
    return msgspec.convert(list(raw), list[ConfigOp])


def codes(cfg) -> list[str]:
    return [s.code for s in cfg.services]


APPLIED = [
    ("put appends a new item", [{"op": "put", "kind": "service", "value": PASSPORT}],
     lambda c: codes(c) == ["estate", "social", "tax", "passport"]),
    ("put at an index inserts there", [{"op": "put", "kind": "service", "value": PASSPORT, "index": 0}],
     lambda c: codes(c)[0] == "passport"),
    ("put replaces the item with the same key in place", [{"op": "put", "kind": "service", "value": {
        "code": "social", "prefix": "B", "name_zh": "社会保险", "name_en": "Social insurance"}}],
     lambda c: codes(c) == ["estate", "social", "tax"] and c.service("social").name_zh == "社会保险"),
    ("move reorders (kiosk tile order)", [{"op": "move", "kind": "service", "key": "tax", "index": 0}],
     lambda c: codes(c) == ["tax", "estate", "social"]),
    ("removing a service drops it from the windows' lists",
     [{"op": "remove", "kind": "window", "key": 4}, {"op": "remove", "kind": "service", "key": "tax"}],
     lambda c: codes(c) == ["estate", "social"] and all("tax" not in w.services for w in c.windows)),
    ("a window key may come as text", [{"op": "remove", "kind": "window", "key": "3"}],
     lambda c: [w.id for w in c.windows] == [1, 2, 4]),
    ("set rules merges", [{"op": "set", "kind": "rules", "value": {"priority_ratio": 4}}],
     lambda c: c.rules.priority_ratio == 4 and c.rules.requeue_places == 3),
    ("set hall merges", [{"op": "set", "kind": "hall", "value": {"name_en": "Renamed Hall"}}],
     lambda c: (c.name_zh, c.name_en) == ("测试大厅", "Renamed Hall")),
    ("set a hall field", [{"op": "set", "kind": "default_outcome", "value": "accepted"}],
     lambda c: c.default_outcome == "accepted"),
    ("set the calendar", [{"op": "set", "kind": "calendar", "value": {"holidays": ["2026-12-25"]}}],
     lambda c: c.calendar.holidays == (date(2026, 12, 25),)),
    ("suspend_expire_minutes 0 is 'at 日终 only'", [{"op": "set", "kind": "rules",
                                                     "value": {"suspend_expire_minutes": 0}}],
     lambda c: c.rules.suspend_expire_minutes is None),
    ("weekday hours", [{"op": "put", "kind": "service", "value": {**PASSPORT, "hours": ["08:30-12:00"],
                                                                  "weekly": {"sat": ["09:00-11:00"], "sun": []}}}],
     lambda c: c.service("passport").weekly == {"sat": (TimeRange(time(9), time(11)),), "sun": ()}),
    ("replace takes a whole document", [{"op": "replace", "value": {"hall": {"name_zh": "新厅", "name_en": "New"},
                                                                      "services": [PASSPORT], "windows": [
        {"id": 9, "name_zh": "9号窗口", "name_en": "Window 9", "services": ["passport"]}]}}],
     lambda c: codes(c) == ["passport"] and [w.id for w in c.windows] == [9]),
]


@pytest.mark.parametrize("raw, check", [a[1:] for a in APPLIED], ids=[a[0] for a in APPLIED])
def test_ops_change_exactly_what_they_say(raw, check):
    before = make_config()
    after = apply_ops(before, ops(*raw))
    assert check(after)
    assert before == make_config()  # the old configuration object is untouched
    assert parse_config(export_doc(after, native=False)) == after  # and the result round-trips


INVALID = [
    ("unknown op", {"op": "frobnicate", "kind": "service"}, "unknown op"),
    ("unknown kind", {"op": "remove", "kind": "clerk", "key": "x"}, "needs a kind"),
    ("remove what is not there", {"op": "remove", "kind": "service", "key": "nope"}, "there is no service"),
    ("rename by put", {"op": "put", "kind": "service", "key": "tax", "value": PASSPORT}, "cannot be renamed"),
    ("a window id that is no number", {"op": "remove", "kind": "window", "key": "four"}, "window number"),
    ("an index out of range", {"op": "move", "kind": "service", "key": "tax", "index": 7}, "index must be"),
    ("set on a keyed list", {"op": "set", "kind": "services", "value": []}, "put/remove/move"),
    ("a table that is no table", {"op": "set", "kind": "rules", "value": 3}, "table of fields"),
    ("an unknown service on a window", {"op": "put", "kind": "window", "value": {
        "id": 9, "name_zh": "9", "name_en": "9", "services": ["nope"]}}, "unknown service 'nope'"),
    ("a duplicate prefix", {"op": "put", "kind": "service", "value": {**PASSPORT, "prefix": "A"}},
     "duplicate service prefix 'A'"),
    ("a bad hour range", {"op": "put", "kind": "service", "value": {**PASSPORT, "hours": ["12:00-08:00"]}},
     "ends before it starts"),
    ("a bad weekday", {"op": "put", "kind": "service", "value": {**PASSPORT, "weekly": {"funday": []}}},
     "'funday' is not one of"),
    ("a field of the wrong type", {"op": "set", "kind": "rules", "value": {"priority_ratio": "two"}}, "Expected"),
    ("an unknown field", {"op": "put", "kind": "service", "value": {**PASSPORT, "colour": "red"}}, "colour"),
    ("an unknown timezone", {"op": "set", "kind": "timezone", "value": "Mars/Olympus"}, "unknown timezone"),
]


@pytest.mark.parametrize("raw, words", [i[1:] for i in INVALID], ids=[i[0] for i in INVALID])
def test_an_invalid_change_is_config_invalid_with_words_that_name_it(raw, words):
    with pytest.raises(E.ConfigInvalid) as exc:
        apply_ops(make_config(), ops(raw))
    assert words in exc.value.message


def busy_hall() -> Hall:
    """Windows 1-4 open; A001 (estate) serving at window 1, B001 (green) waiting, C0001 (tax) waiting."""
    hall = open_hall()
    hall.issue("estate", at("09:00"))
    hall.issue("social", at("09:01"), "green")
    hall.issue("tax", at("09:02"))
    hall.call_next(1, at("09:03"))
    hall.start(1, at("09:04"))
    hall.take_changes()
    return hall


W1_TAX_ONLY = {"id": 1, "name_zh": "1号窗口", "name_en": "Window 1", "services": ["tax"]}
CONFLICTS = [
    ("a prefix that numbered today's tickets", [{"op": "put", "kind": "service", "value": {
        "code": "estate", "prefix": "Q", "name_zh": "不动产登记", "name_en": "Real estate"}}], ["prefix_in_use"]),
    ("more digits mid-day", [{"op": "put", "kind": "service", "value": {
        "code": "tax", "prefix": "C", "name_zh": "税务", "name_en": "Tax", "digits": 3}}], ["prefix_in_use"]),
    ("a new service taking a prefix used today", [
        {"op": "put", "kind": "service", "value": {"code": "tax", "prefix": "T", "name_zh": "税务",
                                                   "name_en": "Tax", "digits": 4}},
        {"op": "put", "kind": "service", "value": {**PASSPORT, "prefix": "C"}}], ["prefix_in_use"]),
    ("a service with open tickets removed", [{"op": "remove", "kind": "window", "key": 4},
                                             {"op": "remove", "kind": "service", "key": "tax"}],
     ["service_has_tickets", "window_open"]),
    ("a window losing the service it serves", [{"op": "put", "kind": "window", "value": W1_TAX_ONLY}],
     ["window_serving_service"]),
    ("an open window removed", [{"op": "remove", "kind": "window", "key": 3}], ["window_open"]),
    ("a window with a clerk closed in the plan", [{"op": "put", "kind": "window", "value": {
        "id": 3, "name_zh": "3号窗口", "name_en": "Window 3", "services": ["social", "estate"], "open": False}}],
     ["window_open"]),
    ("a priority class in use removed", [{"op": "remove", "kind": "priority", "key": "green"}],
     ["priority_in_use"]),
    ("a priority class in use changing kind", [{"op": "put", "kind": "priority", "value": {
        "code": "green", "name_zh": "绿色通道", "name_en": "Priority", "kind": "normal"}}], ["priority_in_use"]),
    ("the timezone with tickets today", [{"op": "set", "kind": "timezone", "value": "Asia/Urumqi"}],
     ["timezone_in_use"]),
]


@pytest.mark.parametrize("raw, expected", [c[1:] for c in CONFLICTS], ids=[c[0] for c in CONFLICTS])
def test_a_change_today_cannot_take_is_refused_and_changes_nothing(raw, expected):
    hall = busy_hall()
    before = (hall.config, hall.config_version, msgspec.to_builtins(list(hall.tickets.values())),
              msgspec.to_builtins(list(hall.windows.values())), dict(hall.issued))
    assert sorted({c.code for c in live_conflicts(hall, apply_ops(hall.config, ops(*raw)))}) == sorted(expected)
    with pytest.raises(E.QueueError) as exc:
        hall.change_config(hall.config_version, raw, at("10:00"))
    assert exc.value.code == expected[0] or exc.value.code in expected
    assert exc.value.details["next_day"] is True
    assert (hall.config, hall.config_version, msgspec.to_builtins(list(hall.tickets.values())),
            msgspec.to_builtins(list(hall.windows.values())), dict(hall.issued)) == before
    assert hall.take_changes() is None  # nothing to store, nothing to push


FREE = [
    ("renaming a service in use", [{"op": "put", "kind": "service", "value": {
        "code": "estate", "prefix": "A", "name_zh": "不动产登记（综合）", "name_en": "Real estate"}}]),
    ("a window gaining a service", [{"op": "put", "kind": "window", "value": {
        "id": 1, "name_zh": "1号窗口", "name_en": "Window 1", "services": ["estate", "tax"]}}]),
    ("a new service", [{"op": "put", "kind": "service", "value": PASSPORT}]),
    ("a new window (临时增开窗口)", [{"op": "put", "kind": "window", "value": {
        "id": 9, "name_zh": "9号窗口", "name_en": "Window 9", "services": ["tax"]}}]),
    ("the daily cap and target wait", [{"op": "put", "kind": "service", "value": {
        "code": "estate", "prefix": "A", "name_zh": "不动产登记", "name_en": "Real estate", "daily_cap": 1,
        "target_wait_minutes": 20}}]),
]


@pytest.mark.parametrize("raw", [f[1] for f in FREE], ids=[f[0] for f in FREE])
def test_a_change_that_fits_today_applies_at_once(raw):
    hall = busy_hall()
    events = hall.change_config(1, raw, at("10:00"))
    assert [type(e) for e in events] == [ev.ConfigChanged] and events[0].config_version == 2
    assert hall.config_version == 2 and hall.config == apply_ops(busy_hall().config, ops(*raw))
    changes = hall.take_changes()
    assert changes is not None and changes.config


def test_a_window_given_a_service_calls_its_waiting_tickets_next():
    hall = busy_hall()
    hall.finish(1, at("10:00"))
    with pytest.raises(E.NothingWaiting):
        hall.call_next(1, at("10:01"))
    hall.change_config(1, [{"op": "put", "kind": "window", "value": {
        "id": 1, "name_zh": "1号窗口", "name_en": "Window 1", "services": ["estate", "tax"]}}], at("10:02"))
    [called] = [e for e in hall.call_next(1, at("10:03")) if isinstance(e, ev.TicketCalled)]
    assert called.number == "C0001"


def test_a_removed_window_and_service_leave_every_index():
    hall = open_hall(windows=(1, 2, 3))
    hall.change_config(1, [{"op": "remove", "kind": "window", "key": 4},
                           {"op": "remove", "kind": "service", "key": "tax"}], at("10:00"))
    assert 4 not in hall.windows and "tax" not in hall.waiting and "tax" not in hall.services
    with pytest.raises(E.UnknownService):
        hall.issue("tax", at("10:01"))


def test_a_stale_base_version_is_config_changed():
    hall = busy_hall()
    hall.change_config(1, [{"op": "set", "kind": "rules", "value": {"priority_ratio": 3}}], at("10:00"))
    with pytest.raises(E.ConfigChanged) as exc:
        hall.change_config(1, [{"op": "set", "kind": "rules", "value": {"requeue_places": 1}}], at("10:01"))
    assert exc.value.details == {"current": 2}
    assert hall.config.rules.requeue_places == 3 and hall.config.rules.priority_ratio == 3


def test_scheduled_changes_apply_in_order_when_the_next_day_starts():
    hall = busy_hall()
    prefix = [{"op": "put", "kind": "service", "value": {"code": "estate", "prefix": "Q", "name_zh": "不动产登记",
                                                         "name_en": "Real estate"}}]
    [scheduled] = hall.change_config(1, prefix, at("10:00"), next_day=True)
    assert isinstance(scheduled, ev.ConfigScheduled) and scheduled.config_version == 2
    hall.change_config(2, [{"op": "set", "kind": "rules", "value": {"priority_ratio": 5}}], at("10:01"))  # now
    hall.change_config(3, [{"op": "remove", "kind": "priority", "key": "green"}], at("10:02"), next_day=True)
    assert hall.config.service("estate").prefix == "A" and hall.config.rules.priority_ratio == 5
    assert [v for v, _ in hall.pending_config] == [2, 4] and hall.config_version == 4
    events = hall.start_day(DAY + timedelta(days=1), at("08:00", DAY + timedelta(days=1)))
    applied = [e.config_version for e in events if isinstance(e, ev.ConfigChanged)]
    assert applied == [2, 4] and hall.pending_config == []
    assert hall.config.service("estate").prefix == "Q" and "green" not in hall.priorities
    assert hall.config.rules.priority_ratio == 5  # the change made now in between is kept
    hall.take_changes()
    [issued] = [e for e in hall.issue("estate", at("08:30", DAY + timedelta(days=1))) if isinstance(e, ev.TicketIssued)]
    assert issued.number == "Q001"


def test_a_scheduled_change_that_no_longer_fits_fails_alone_at_the_day_start():
    hall = busy_hall()
    window9 = {"id": 9, "name_zh": "9号窗口", "name_en": "Window 9", "services": ["tax"]}
    hall.change_config(1, [{"op": "put", "kind": "window", "value": window9}], at("10:00"), next_day=True)
    # Meanwhile tax goes away now (its ticket served), so "window 9 serves tax" is invalid tomorrow.
    hall.call_next(4, at("10:01")), hall.start(4, at("10:02")), hall.finish(4, at("10:03"))
    hall.sign_out(4, at("10:04"))
    hall.change_config(2, [{"op": "remove", "kind": "window", "key": 4},
                           {"op": "remove", "kind": "service", "key": "tax"}], at("10:05"))
    events = hall.start_day(DAY + timedelta(days=1), at("08:00", DAY + timedelta(days=1)))
    [failed] = [e for e in events if isinstance(e, ev.ConfigChangeFailed)]
    assert (failed.config_version, failed.code) == (2, "config_invalid") and "tax" in failed.message
    assert 9 not in hall.windows and hall.pending_config == [] and hall.config_version == 3


WEEKLY = {"sat": ["09:00-11:00"], "sun": []}
HOURS = [  # (when, 调休 workday?, issuable)
    ("2026-12-07T10:00", False, True),   # Monday: the ordinary hours
    ("2026-12-07T12:30", False, False),
    ("2026-12-05T10:00", False, True),   # Saturday: its own hours
    ("2026-12-05T11:30", False, False),
    ("2026-12-06T10:00", False, False),  # Sunday: not issued
    ("2026-12-06T10:00", True, True),    # a Sunday worked (调休): the ordinary hours
]


@pytest.mark.parametrize("when, workday, issuable", HOURS, ids=[f"{h[0]}{' 调休' if h[1] else ''}" for h in HOURS])
def test_hours_per_weekday(when, workday, issuable):
    cfg = apply_ops(make_config(), ops({"op": "put", "kind": "service", "value": {
        **PASSPORT, "hours": ["08:30-12:00"], "weekly": WEEKLY}}))
    if workday:
        cfg = apply_ops(cfg, ops({"op": "set", "kind": "calendar", "value": {"workdays": [when[:10]]}}))
    now = datetime.fromisoformat(when).replace(tzinfo=at("09:00").tzinfo)
    hall = Hall(cfg)
    hall.start_day(now.date(), now)
    assert (hall.issuable("passport", now) is None) is issuable


def test_a_window_closed_in_the_plan_refuses_sign_in_until_it_is_opened_again():
    hall = open_hall(windows=(1, 2, 3))
    window4 = {"id": 4, "name_zh": "4号窗口", "name_en": "Window 4", "services": ["tax"]}
    hall.change_config(1, [{"op": "put", "kind": "window", "value": {**window4, "open": False}}], at("10:00"))
    with pytest.raises(E.WindowNotInUse):
        hall.sign_in(4, "clerk4", at("10:01"))
    assert hall.windows[4].clerk is None
    hall.change_config(2, [{"op": "put", "kind": "window", "value": window4}], at("10:02"))  # 临时增开窗口
    assert [type(e) for e in hall.sign_in(4, "clerk4", at("10:03"))] == [ev.ClerkSignedIn]


def test_a_scheduled_change_can_be_withdrawn_before_the_day_it_would_apply():
    hall = busy_hall()
    prefix = [{"op": "put", "kind": "service", "value": {"code": "estate", "prefix": "Q", "name_zh": "不动产登记",
                                                         "name_en": "Real estate"}}]
    hall.change_config(1, prefix, at("10:00"), next_day=True)
    with pytest.raises(E.ConfigInvalid) as exc:
        hall.change_config(2, [{"op": "unschedule", "key": 1}], at("10:01"))  # version 1 was applied, not scheduled
    assert "no change 1 is scheduled (scheduled: 2)" in exc.value.message
    with pytest.raises(E.ConfigInvalid):
        hall.change_config(2, [{"op": "unschedule", "key": 2}, *prefix], at("10:01"))
    [withdrawn] = hall.change_config(2, [{"op": "unschedule", "key": 2}], at("10:02"))
    assert isinstance(withdrawn, ev.ConfigUnscheduled) and (withdrawn.config_version, withdrawn.cancelled) == (3, 2)
    assert hall.pending_config == [] and hall.config_version == 3
    events = hall.start_day(DAY + timedelta(days=1), at("08:00", DAY + timedelta(days=1)))
    assert not [e for e in events if isinstance(e, ev.ConfigChanged)]
    assert hall.config.service("estate").prefix == "A"
