"""What-if with 一票到底: a recorded bundle ticket is a visit per step on both sides (each step waits from its queue
entry), the replay takes it from step to step as far as it went that day, and a plan without a step's windows
leaves that step unserved."""
from __future__ import annotations

from pathlib import Path

import msgspec

from queuecore import protocol as P
from queuecore.model import Bundle
from queuecore.whatif import Plan, PlanWindow
from server.whatif import whatif
from tests.queuecore.conftest import DAY, make_config
from tests.server.conftest import recording

START_UP = Bundle(code="startup", name_zh="企业开办", name_en="Business start-up", steps=("estate", "social", "tax"))
CONFIG = msgspec.structs.replace(make_config(), bundles=(START_UP,))
STAFFED = Plan(start="09:00", serve_until="17:00", windows=[
    PlanWindow(id=1, services=["estate"]), PlanWindow(id=2, services=["social", "estate"]),
    PlanWindow(id=4, services=["tax"])])


def record(data: Path, *, second_step_outcome: str = "completed") -> None:
    """A001 (the bundle) estate@1 09:10-09:20, social@2 09:25-09:40, tax@4 09:50-10:05; B001 (social) 09:41-09:45."""
    with recording(CONFIG, data) as do:
        do("09:00", *(P.SignIn(window=w, staff_id=f"s{w}", pin="x") for w in (1, 2, 4)), P.IssueBundle(bundle="startup"))
        do("09:05", P.IssueTicket(service="social"))
        do("09:10", P.CallNext(window=1))
        do("09:12", P.StartServing(window=1))
        do("09:20", P.Finish(window=1))
        do("09:25", P.CallNext(window=2))
        do("09:26", P.StartServing(window=2))
        do("09:40", P.Finish(window=2, outcome=second_step_outcome))
        do("09:41", P.CallNext(window=2), P.StartServing(window=2))
        do("09:45", P.Finish(window=2))
        if second_step_outcome == "completed":
            do("09:50", P.CallNext(window=4), P.StartServing(window=4))
            do("10:05", P.Finish(window=4))


def view(figures) -> dict:
    return {code: (f.arrivals, f.waits, f.served, f.unserved) for code, f in figures.items()}


def test_each_step_is_a_visit_on_both_sides_and_the_replay_goes_from_step_to_step(tmp_path: Path) -> None:
    record(tmp_path)
    actual, planned = whatif(CONFIG, tmp_path / "hallq.db", DAY, STAFFED)
    assert view(actual) == {"estate": (1, [10.0], 1, 0), "social": (2, [5.0, 36.0], 2, 0), "tax": (1, [10.0], 1, 0)}
    # Replayed: every window is free when its visit comes: A001 estate 09:00-09:10 (a 2 min walk, 8 min), B001 at
    # window 2 09:05-09:09, A001 social 09:10-09:26, A001 tax from 09:26.
    assert view(planned) == {"estate": (1, [0.0], 1, 0), "social": (2, [0.0, 0.0], 2, 0), "tax": (1, [0.0], 1, 0)}
    no_tax = Plan(start="09:00", serve_until="17:00", windows=STAFFED.windows[:2])
    _, short = whatif(CONFIG, tmp_path / "hallq.db", DAY, no_tax)
    assert view(short)["tax"] == (1, [], 0, 1)  # it reached the tax step, where nobody serves


def test_a_bundle_that_ended_at_a_step_that_day_ends_there_in_the_replay(tmp_path: Path) -> None:
    record(tmp_path, second_step_outcome="incomplete")  # 补正 at the second step: the ticket went no further
    actual, planned = whatif(CONFIG, tmp_path / "hallq.db", DAY, STAFFED)
    assert set(actual) == set(planned) == {"estate", "social"}
    assert view(planned)["social"] == (2, [0.0, 0.0], 2, 0)
