"""差评 follow-up (回访): every low rating opens a case that runs open → contacted → verified → rectified → closed.

Rule: pure, like queuecore.hall. Time comes in as `now`; the deadlines are counted in working days
on the hall's calendar from the rating's day (queuecore.workdays); every move is in the tables
below, and an illegal one raises and changes nothing (cases are frozen: a move returns a new one).
A complaint verified as not valid is closed directly, its closing note being the explanation given
to the citizen; a valid one must be rectified before it is closed.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

import msgspec

from queuecore import errors as E
from queuecore.events import Event, VisitRated
from queuecore.model import LOW_RATINGS, HallConfig
from queuecore.workdays import add_working_days


class FollowUpStatus(StrEnum):
    OPEN = "open"  # the 差评 is in; nobody has contacted the citizen yet
    CONTACTED = "contacted"  # the citizen was reached (回访)
    VERIFIED = "verified"  # the complaint was checked: valid or not
    RECTIFIED = "rectified"  # the cause was fixed (整改)
    CLOSED = "closed"  # the citizen has the answer


S = FollowUpStatus

FOLLOWUP_TRANSITIONS: dict[tuple[FollowUpStatus, str], FollowUpStatus] = {
    (S.OPEN, "contact"): S.CONTACTED,
    (S.CONTACTED, "verify"): S.VERIFIED,
    (S.VERIFIED, "rectify"): S.RECTIFIED,
    (S.VERIFIED, "close"): S.CLOSED,
    (S.RECTIFIED, "close"): S.CLOSED,
}
# Moves out of VERIFIED that depend on the verdict: the case's `valid` must be this.
FOLLOWUP_GUARDS: dict[tuple[FollowUpStatus, str], bool] = {
    (S.VERIFIED, "rectify"): True,  # only a valid complaint is rectified ...
    (S.VERIFIED, "close"): False,  # ... and only one found not valid is closed without it
}
FOLLOWUP_ACTIONS = ("contact", "verify", "rectify", "close")
# The step that meets each deadline: the rectify deadline is met by the rectification, or, for a
# complaint found not valid, by closing it (the explanation given to the citizen).
DEADLINES = ("contact", "rectify")

MAX_NOTE = 500


class FollowUpStep(msgspec.Struct, frozen=True, kw_only=True):
    action: str  # one of FOLLOWUP_ACTIONS
    at: datetime
    actor: str  # staff id of the supervisor (or admin) who recorded it
    note: str
    valid: bool | None = None  # the verdict, on the "verify" step only


class FollowUp(msgspec.Struct, frozen=True, kw_only=True):
    id: str  # "FU-" + the ticket id: one case per rated visit
    ticket_id: str
    number: str
    service: str
    window: int | None
    clerk: str | None
    level: int  # 1 非常不满意 or 2 不满意
    reason: str
    comment: str
    rated_at: datetime
    opened_at: datetime
    contact_due: datetime
    rectify_due: datetime
    status: FollowUpStatus = FollowUpStatus.OPEN
    valid: bool | None = None  # None until verified
    steps: tuple[FollowUpStep, ...] = ()

    def step(self, action: str) -> FollowUpStep | None:
        return next((s for s in self.steps if s.action == action), None)


class FollowUpAdvanced(Event, tag="followup_advanced"):
    case_id: str
    ticket_id: str
    action: str
    actor: str
    note: str
    valid: bool | None
    status: FollowUpStatus


def opens_case(rating: VisitRated) -> bool:
    """Every 差评 (不满意 or 非常不满意) opens a follow-up case; other levels and 未评价 do not."""
    return rating.level in LOW_RATINGS


def open_case(rating: VisitRated, config: HallConfig, now: datetime) -> FollowUp:
    """The case for a 差评. Deadlines count from the rating's day in the hall's time zone, not from `now`,
    so a case opened late (after a restart) is not given extra time."""
    if not opens_case(rating):
        raise E.InvalidArgument(f"rating level {rating.level} is not a 差评", level=rating.level)
    local = rating.at.astimezone(ZoneInfo(config.timezone))
    rules, cal = config.rules, config.calendar
    return FollowUp(
        id=f"FU-{rating.ticket_id}", ticket_id=rating.ticket_id, number=rating.number, service=rating.service,
        window=rating.window, clerk=rating.clerk, level=rating.level, reason=rating.reason,
        comment=rating.comment, rated_at=rating.at, opened_at=now,
        contact_due=add_working_days(local, rules.followup_contact_days, cal),
        rectify_due=add_working_days(local, rules.followup_rectify_days, cal),
    )


def advance(case: FollowUp, action: str, actor: str, note: str, now: datetime,
            valid: bool | None = None) -> tuple[FollowUp, FollowUpAdvanced]:
    """One step of the case, recorded with who, when and a note; `valid` goes with "verify" only."""
    key = (case.status, action)
    new_status = FOLLOWUP_TRANSITIONS.get(key)
    if new_status is None or (key in FOLLOWUP_GUARDS and case.valid is not FOLLOWUP_GUARDS[key]):
        verdict = "" if case.valid is None else (" (valid)" if case.valid else " (not valid)")
        raise E.IllegalTransition(f"a {case.status}{verdict} follow-up cannot {action}",
                                  case=case.id, status=str(case.status), action=action)
    actor, note = (actor or "").strip(), (note or "").strip()[:MAX_NOTE]
    if not actor:
        raise E.InvalidArgument("a follow-up step needs its actor")
    if not note:
        raise E.NoteRequired(f"{action} needs a note", action=action)
    if (action == "verify") != (valid is not None):
        raise E.InvalidArgument("a verdict (valid) goes with verify, and verify needs one", action=action)
    if now < (case.steps[-1].at if case.steps else case.rated_at):
        raise E.InvalidArgument("a follow-up step cannot be dated before the previous one or the rating",
                                action=action)
    step = FollowUpStep(action=action, at=now, actor=actor, note=note, valid=valid)
    new = msgspec.structs.replace(case, status=new_status, steps=(*case.steps, step),
                                  valid=valid if action == "verify" else case.valid)
    return new, FollowUpAdvanced(at=now, case_id=case.id, ticket_id=case.ticket_id, action=action, actor=actor,
                                 note=note, valid=valid, status=new_status)


def met_at(case: FollowUp, deadline: str) -> datetime | None:
    """When the step that meets this deadline ("contact" or "rectify") was taken, or None."""
    if deadline == "contact":
        step = case.step("contact")
    elif deadline == "rectify":
        step = case.step("rectify") or (case.step("close") if case.valid is False else None)
    else:
        raise ValueError(f"no deadline {deadline!r}; expected one of {DEADLINES}")
    return step.at if step else None


def overdue(case: FollowUp, now: datetime) -> list[str]:
    """The deadlines missed: met after their time, or not met and already past at `now`."""
    missed = []
    for deadline, due in (("contact", case.contact_due), ("rectify", case.rectify_due)):
        done = met_at(case, deadline)
        if (done if done is not None else now) > due:
            missed.append(deadline)
    return missed
