"""Outcomes with classes: finish records a code from the hall's list, its default when none is given, and refuses others."""
from __future__ import annotations

import msgspec
import pytest

from queuecore.hall import Hall
from queuecore.model import DEFAULT_OUTCOMES, HallConfig, Outcome, OutcomeClass, TicketStatus, outcome_class
from tests.queuecore.conftest import DAY, at, make_config, open_hall
from tests.queuecore.test_hall import issue, refused


def serving(hall, wid: int = 1) -> str:
    issue(hall)
    hall.call_next(wid, at("09:00"))
    hall.start(wid, at("09:01"))
    return hall.windows[wid].current


def test_default_outcomes_are_the_five_classes_with_codes_equal_to_the_class_values() -> None:
    assert [(o.code, o.name_zh, o.cls) for o in DEFAULT_OUTCOMES] == [
        ("completed", "办结", OutcomeClass.COMPLETED),
        ("accepted", "受理", OutcomeClass.ACCEPTED),
        ("incomplete", "补正", OutcomeClass.INCOMPLETE),
        ("refused", "不予受理", OutcomeClass.REFUSED),
        ("enquiry", "咨询", OutcomeClass.ENQUIRY),
    ]
    assert all(o.name_en for o in DEFAULT_OUTCOMES)
    cfg = make_config()
    assert cfg.outcomes == DEFAULT_OUTCOMES and cfg.default_outcome == "completed"


@pytest.mark.parametrize("code", [o.code for o in DEFAULT_OUTCOMES])
def test_finish_records_the_chosen_outcome_code(code: str) -> None:
    hall = open_hall()
    tid = serving(hall)
    (e,) = hall.finish(1, at("09:10"), code)
    assert (hall.tickets[tid].status, hall.tickets[tid].outcome, e.outcome) == (TicketStatus.DONE, code, code)


def hall_with(cfg: HallConfig) -> Hall:
    hall = Hall(cfg)
    hall.start_day(DAY, at("08:00"))
    hall.sign_in(1, "clerk1", at("08:00"))
    return hall


def test_finish_without_an_outcome_records_the_halls_default() -> None:
    hall = hall_with(msgspec.structs.replace(make_config(), default_outcome="enquiry"))
    tid = serving(hall)
    (e,) = hall.finish(1, at("09:10"))
    assert hall.tickets[tid].outcome == e.outcome == "enquiry"


@pytest.mark.parametrize("code", ["done", "办结", "Completed", "cancelled", "expired", "", " completed"])
def test_finish_with_an_outcome_the_hall_does_not_list_is_refused_and_changes_nothing(code: str) -> None:
    hall = open_hall()
    serving(hall)
    err = refused(hall, "unknown_outcome", hall.finish, 1, at("09:10"), code)
    assert err.details == {"outcome": code}


def test_a_halls_own_outcome_list_replaces_the_defaults() -> None:
    own = (Outcome(code="ok", name_zh="已办", name_en="Done", cls=OutcomeClass.COMPLETED),
           Outcome(code="back", name_zh="退件", name_en="Returned", cls=OutcomeClass.REFUSED))
    cfg = msgspec.structs.replace(make_config(), outcomes=own, default_outcome="ok")
    assert outcome_class(cfg, "back") is OutcomeClass.REFUSED
    assert outcome_class(cfg, "completed") is None  # a default code the hall does not list
    hall = hall_with(cfg)
    tid = serving(hall)
    refused(hall, "unknown_outcome", hall.finish, 1, at("09:10"), "completed")
    hall.finish(1, at("09:10"))
    assert hall.tickets[tid].outcome == "ok"


@pytest.mark.parametrize(("code", "cls"), [
    ("completed", OutcomeClass.COMPLETED),
    ("accepted", OutcomeClass.ACCEPTED),
    ("incomplete", OutcomeClass.INCOMPLETE),
    ("refused", OutcomeClass.REFUSED),
    ("enquiry", OutcomeClass.ENQUIRY),
    ("done", OutcomeClass.COMPLETED),  # stored before outcomes had classes
    ("cancelled", None),
    ("expired", None),
    ("材料不全", None),  # free text once allowed: no class
    (None, None),
])
def test_outcome_class_of_a_stored_outcome(code: str | None, cls: OutcomeClass | None) -> None:
    assert outcome_class(make_config(), code) is cls
