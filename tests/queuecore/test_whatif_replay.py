"""The pure what-if replay (queuecore.whatif): a plan parsed from TOML or JSON and checked against the hall, and a
replay told to stop ends with ReplayStopped instead of running on."""
from __future__ import annotations

from datetime import timedelta

import pytest

from queuecore.whatif import Arrival, PlanError, Replay, ReplayStopped, parse_plan
from tests.queuecore.conftest import DAY, TZ, at, make_config

CONFIG = make_config()


@pytest.mark.parametrize(("doc", "says"), [
    ("start = ", "not TOML"),
    ({"windows": []}, "no windows"),
    ({"windows": [{"id": 1, "services": ["estate"], "colour": "red"}]}, "unknown field"),
    ({"windows": [{"id": 1, "services": ["nope", "estate"]}]}, "no such services: nope"),
    ({"start": "8h", "windows": [{"id": 1, "services": ["estate"]}]}, "start: '8h' is not HH:MM"),
    ({"windows": [{"id": 1, "services": ["estate"]}, {"id": 1, "services": ["social"]}]}, "listed twice: 1"),
])
def test_a_bad_plan_is_refused_with_why(doc, says) -> None:
    with pytest.raises(PlanError) as info:
        parse_plan(doc, CONFIG)
    assert says in str(info.value) and info.value.code == "invalid_plan"


def test_toml_and_json_give_the_same_plan() -> None:
    text = 'start = "09:00"\n[[windows]]\nid = 2\nservices = ["social"]\nuntil = "12:00"\n'
    assert parse_plan(text, CONFIG) == parse_plan(
        {"start": "09:00", "windows": [{"id": 2, "services": ["social"], "until": "12:00"}]}, CONFIG)


def test_a_replay_told_to_stop_stops() -> None:
    arrivals = [Arrival(number=f"B{i:03}", service="social", priority="normal",
                        issued_at=at("09:00") + timedelta(seconds=i), appointment_start=None,
                        walk=timedelta(minutes=1), duration=timedelta(minutes=1), no_show=False) for i in range(1500)]
    plan = parse_plan({"start": "09:00", "serve_until": "23:00", "windows": [{"id": 2, "services": ["social"]}]},
                      CONFIG)
    with pytest.raises(ReplayStopped):
        Replay(CONFIG, plan, DAY, TZ).run(arrivals, stop=lambda: True)
    figures = Replay(CONFIG, plan, DAY, TZ).run(arrivals[:50], stop=lambda: False)
    assert figures["social"].served == 50
