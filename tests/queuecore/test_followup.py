"""差评 follow-up: deadlines in working days, every (status, action) pair, refusals that change nothing, overdue flags."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import msgspec
import pytest

from queuecore import errors as E
from queuecore.events import VisitRated
from queuecore.followup import (
    FOLLOWUP_ACTIONS,
    FOLLOWUP_GUARDS,
    FOLLOWUP_TRANSITIONS,
    FollowUp,
    FollowUpAdvanced,
    FollowUpStatus as S,
    advance,
    met_at,
    open_case,
    opens_case,
    overdue,
)
from queuecore.model import Rules
from tests.queuecore.conftest import make_config
from tests.queuecore.test_workdays import CAL

TZ = timezone(timedelta(hours=8))
CONFIG = msgspec.structs.replace(make_config(), calendar=CAL)  # 2026 中秋 + National Day, 1 and 5 days


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def end_of(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(23, 59, 59), TZ)


def rating(when: str = "2026-09-30T16:00", level: int = 2) -> VisitRated:
    return VisitRated(at=at(when), ticket_id="20260930-A012", number="A012", service="estate", window=1,
                      clerk="clerk1", level=level, reason="等候时间长", comment="排了一个小时")


def new_case() -> FollowUp:
    return open_case(rating(), CONFIG, at("2026-09-30T16:00"))


# The legal road to each place a case can be in; the verdict matters in VERIFIED and CLOSED.
ROADS: dict[str, list[tuple[str, bool | None]]] = {
    "open": [],
    "contacted": [("contact", None)],
    "verified-valid": [("contact", None), ("verify", True)],
    "verified-not-valid": [("contact", None), ("verify", False)],
    "rectified": [("contact", None), ("verify", True), ("rectify", None)],
    "closed-valid": [("contact", None), ("verify", True), ("rectify", None), ("close", None)],
    "closed-not-valid": [("contact", None), ("verify", False), ("close", None)],
}


def case_at(place: str) -> FollowUp:
    case = new_case()
    for i, (action, valid) in enumerate(ROADS[place]):
        case, _ = advance(case, action, "sup1", f"{action} note", at(f"2026-10-08T09:0{i}"), valid=valid)
    return case


def refused(case: FollowUp, code: str, *args, **kw) -> E.QueueError:
    before = msgspec.json.encode(case)
    with pytest.raises(E.QueueError) as info:
        advance(case, *args, **kw)
    assert info.value.code == code, info.value
    assert msgspec.json.encode(case) == before, "a refused step changed the case"
    return info.value


# ------------------------------------------------------------------ opening


def test_a_dissatisfied_rating_on_the_eve_of_national_day_is_due_after_the_holiday() -> None:
    case = new_case()
    assert (case.id, case.ticket_id, case.number, case.service, case.window, case.clerk, case.level) == (
        "FU-20260930-A012", "20260930-A012", "A012", "estate", 1, "clerk1", 2)
    assert (case.reason, case.comment, case.status, case.valid, case.steps) == (
        "等候时间长", "排了一个小时", S.OPEN, None, ())
    assert case.contact_due == end_of("2026-10-08")  # 1 working day: the Thursday after the holiday
    assert case.rectify_due == end_of("2026-10-13")  # 5: Thu 8, Fri 9, 调休 Sat 10, Mon 12, Tue 13


def test_deadlines_follow_the_configured_days_and_count_from_the_rating_not_the_opening() -> None:
    cfg = msgspec.structs.replace(CONFIG, rules=Rules(followup_contact_days=2, followup_rectify_days=15))
    case = open_case(rating("2026-09-29T10:00"), cfg, at("2026-10-09T10:00"))
    assert case.opened_at == at("2026-10-09T10:00") and case.rated_at == at("2026-09-29T10:00")
    assert (case.contact_due, case.rectify_due) == (end_of("2026-10-08"), end_of("2026-10-26"))


def test_deadlines_count_in_the_halls_time_zone() -> None:
    # 2026-09-11 17:30 UTC is Saturday 01:30 in Shanghai: day 0 is the Saturday, so 1 working day is Monday.
    r = msgspec.structs.replace(rating(), at=datetime(2026, 9, 11, 17, 30, tzinfo=timezone.utc))
    case = open_case(r, CONFIG, r.at)
    assert case.contact_due == end_of("2026-09-14") and case.contact_due.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize(("level", "opens"), [(1, True), (2, True), (3, False), (4, False), (5, False), (0, False)])
def test_only_a_low_rating_opens_a_case(level: int, opens: bool) -> None:
    assert opens_case(rating(level=level)) is opens
    if opens:
        assert open_case(rating(level=level), CONFIG, at("2026-09-30T16:00")).level == level
    else:
        with pytest.raises(E.InvalidArgument):
            open_case(rating(level=level), CONFIG, at("2026-09-30T16:00"))


# ------------------------------------------------------------------ the state machine


PLACE_STATUS = {"open": S.OPEN, "contacted": S.CONTACTED, "verified-valid": S.VERIFIED,
                "verified-not-valid": S.VERIFIED, "rectified": S.RECTIFIED, "closed-valid": S.CLOSED,
                "closed-not-valid": S.CLOSED}


def legal(place: str, action: str) -> bool:
    case = case_at(place)
    key = (case.status, action)
    return key in FOLLOWUP_TRANSITIONS and FOLLOWUP_GUARDS.get(key, case.valid) is case.valid


@pytest.mark.parametrize("action", FOLLOWUP_ACTIONS)
@pytest.mark.parametrize("place", list(ROADS))
def test_followup_transition_table(place: str, action: str) -> None:
    case = case_at(place)
    assert case.status is PLACE_STATUS[place]
    valid = True if action == "verify" else None
    now = at("2026-10-09T10:00")
    if legal(place, action):
        new, event = advance(case, action, " sup2 ", " 已电话联系 ", now, valid=valid)
        assert new.status is FOLLOWUP_TRANSITIONS[(case.status, action)]
        assert new.steps == (*case.steps, new.steps[-1])
        step = new.steps[-1]
        assert (step.action, step.at, step.actor, step.note, step.valid) == (action, now, "sup2", "已电话联系", valid)
        assert event == FollowUpAdvanced(at=now, case_id=case.id, ticket_id=case.ticket_id, action=action,
                                         actor="sup2", note="已电话联系", valid=valid, status=new.status)
    else:
        refused(case, "illegal_transition", action, "sup2", "note", now, valid=valid)


def test_the_tables_allow_exactly_the_documented_roads() -> None:
    allowed = {(place, action) for place in ROADS for action in FOLLOWUP_ACTIONS if legal(place, action)}
    assert allowed == {
        ("open", "contact"), ("contacted", "verify"), ("verified-valid", "rectify"),
        ("verified-not-valid", "close"), ("rectified", "close"),
    }


def test_a_valid_complaint_runs_the_whole_road_and_keeps_every_step() -> None:
    case = case_at("closed-valid")
    assert [(s.action, s.actor, s.note, s.valid) for s in case.steps] == [
        ("contact", "sup1", "contact note", None), ("verify", "sup1", "verify note", True),
        ("rectify", "sup1", "rectify note", None), ("close", "sup1", "close note", None)]
    assert case.valid is True


def test_a_complaint_found_not_valid_is_closed_without_rectification() -> None:
    case = case_at("closed-not-valid")
    assert [s.action for s in case.steps] == ["contact", "verify", "close"] and case.valid is False
    assert met_at(case, "rectify") == case.steps[-1].at  # the explanation meets the rectify deadline


@pytest.mark.parametrize(("place", "action", "kw", "code"), [
    ("open", "contact", {"note": "  "}, "note_required"),
    ("open", "contact", {"note": ""}, "note_required"),
    ("open", "contact", {"actor": " "}, "invalid_argument"),
    ("open", "contact", {"valid": True}, "invalid_argument"),  # a verdict only goes with verify
    ("contacted", "verify", {"valid": None}, "invalid_argument"),  # verify needs one
    ("verified-valid", "rectify", {"valid": False}, "invalid_argument"),
    ("contacted", "verify", {"now": at("2026-10-08T08:59")}, "invalid_argument"),  # before the previous step
    ("open", "contact", {"now": at("2026-09-30T15:59")}, "invalid_argument"),  # before the rating
    ("open", "reopen", {}, "illegal_transition"),  # no such action
])
def test_step_refusals_change_nothing(place: str, action: str, kw: dict, code: str) -> None:
    args = {"actor": "sup1", "note": "note", "now": at("2026-10-09T10:00"),
            "valid": True if action == "verify" else None, **kw}
    refused(case_at(place), code, action, args["actor"], args["note"], args["now"], valid=args["valid"])


def test_a_long_note_is_bounded() -> None:
    case, event = advance(new_case(), "contact", "sup1", "长" * 800, at("2026-10-08T09:00"))
    assert len(case.steps[-1].note) == len(event.note) == 500


# ------------------------------------------------------------------ overdue


def walk(steps: list[tuple[str, bool | None, str]]) -> FollowUp:
    case = new_case()
    for action, valid, when in steps:
        case, _ = advance(case, action, "sup1", "note", at(when), valid=valid)
    return case


C, V, R, X = "contact", "verify", "rectify", "close"


@pytest.mark.parametrize(("steps", "now", "missed", "why"), [
    ([], "2026-10-08T23:59:59", [], "open, and the contact deadline is exactly now: not yet missed"),
    ([], "2026-10-09T00:00", ["contact"], "open past the contact deadline"),
    ([], "2026-10-14T00:00", ["contact", "rectify"], "open past both"),
    ([(C, None, "2026-10-08T23:59:59")], "2026-10-09T10:00", [], "contacted at the last second"),
    ([(C, None, "2026-10-09T09:00")], "2026-10-09T10:00", ["contact"], "contacted late stays missed"),
    ([(C, None, "2026-10-08T09:00"), (V, True, "2026-10-09T09:00")], "2026-10-14T00:00", ["rectify"],
     "valid and not rectified by the rectify deadline"),
    ([(C, None, "2026-10-08T09:00"), (V, True, "2026-10-09T09:00"), (R, None, "2026-10-13T17:00")],
     "2026-10-20T00:00", [], "rectified in time; closing later is not late"),
    ([(C, None, "2026-10-08T09:00"), (V, True, "2026-10-09T09:00"), (R, None, "2026-10-14T09:00"),
      (X, None, "2026-10-14T10:00")], "2026-10-20T00:00", ["rectify"], "rectified late, even once closed"),
    ([(C, None, "2026-10-08T09:00"), (V, False, "2026-10-09T09:00"), (X, None, "2026-10-12T09:00")],
     "2026-10-20T00:00", [], "not valid, explained and closed in time"),
    ([(C, None, "2026-10-08T09:00"), (V, False, "2026-10-09T09:00")], "2026-10-14T00:00", ["rectify"],
     "not valid but never closed: the citizen still has no answer"),
    ([(C, None, "2026-10-10T09:00"), (V, False, "2026-10-10T10:00"), (X, None, "2026-10-15T09:00")],
     "2026-10-20T00:00", ["contact", "rectify"], "both late"),
])
def test_overdue(steps: list, now: str, missed: list[str], why: str) -> None:
    assert overdue(walk(steps), at(now)) == missed, why


def test_met_at_knows_only_the_two_deadlines() -> None:
    with pytest.raises(ValueError, match="no deadline 'verify'"):
        met_at(new_case(), "verify")
