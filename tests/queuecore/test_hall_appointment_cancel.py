"""Cancelling an appointment (admin, before check-in): the rule as a table, and a refused move changes nothing."""
from __future__ import annotations

import pytest

from queuecore import events as ev
from queuecore.hall import Hall
from tests.queuecore.conftest import at, open_hall
from tests.queuecore.test_hall import appt, refused


def booked() -> Hall:
    hall = open_hall()
    hall.create_appointments([appt("K7Q2"), appt("USED1"), appt("GONE1")], at("08:00"))
    hall.check_in("USED1", at("09:50"))
    hall.cancel_appointment("GONE1", at("09:00"))
    hall.take_changes()
    return hall


@pytest.mark.parametrize(("code", "refusal"), [
    ("K7Q2", None),  # booked, not checked in: cancelled
    ("k7q2 ", None),  # codes are read as the kiosk reads them: trimmed, upper case
    ("USED1", "appointment_used"),  # checked in: it has a ticket; cancel that instead
    ("GONE1", "appointment_cancelled"),  # once is enough
    ("NOPE", "unknown_appointment"),
])
def test_cancel_appointment_rule(code: str, refusal: str | None) -> None:
    hall = booked()
    if refusal is not None:
        refused(hall, refusal, hall.cancel_appointment, code, at("10:00"))
        return
    events = hall.cancel_appointment(code, at("10:00"), reason="  citizen called  ")
    assert events == [ev.AppointmentCancelled(at=at("10:00"), code="K7Q2", reason="citizen called")]
    assert hall.appointments["K7Q2"].cancelled_at == at("10:00")
    changes = hall.take_changes()
    assert [a.code for a in changes.appointments] == ["K7Q2"]


def test_a_cancelled_appointment_cannot_check_in() -> None:
    hall = booked()
    refused(hall, "appointment_cancelled", hall.check_in, "GONE1", at("09:55"))
    assert hall.appointments["GONE1"].ticket_id is None
