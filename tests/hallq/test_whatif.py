"""`hallq whatif`: a recorded day replayed through the real core with the staffing that served it gives back its
own waits; another plan gives other waits, the same every time; the sample hall's simulated day gets under 30 min."""
from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hallq.cli import main
from hallq.whatif import Plan, PlanWindow, comparison, recorded_day, whatif
from queuecore import protocol as P
from tests.queuecore.conftest import DAY, make_config
from tests.server.conftest import recording

CONFIG = make_config()
ROOT = Path(__file__).parents[2]


def record_day(data: Path) -> None:
    """A small day at windows 2 (social) and 4 (tax): a visit, a transfer to tax, a no-show who comes back."""
    w2, w4 = 2, 4
    with recording(CONFIG, data) as do:
        do("09:00", P.SignIn(window=w2, staff_id="a", pin="x"), P.SignIn(window=w4, staff_id="b", pin="x"),
           P.IssueTicket(service="social"), P.CallNext(window=w2))  # B001, waits 0
        do("09:01", P.StartServing(window=w2))
        do("09:02", P.IssueTicket(service="social"))  # B002
        do("09:03", P.IssueTicket(service="social"))  # B003: will not come at first
        do("09:04", P.IssueTicket(service="social"))  # B004
        do("09:09", P.Finish(window=w2), P.CallNext(window=w2))  # B002 waited 7
        do("09:10", P.StartServing(window=w2))
        do("09:15", P.Transfer(window=w2, service="tax"), P.CallNext(window=w4), P.CallNext(window=w2))  # B003 waited 12
        do("09:16", P.StartServing(window=w4), P.Recall(window=w2))
        do("09:17", P.Skip(window=w2), P.CallNext(window=w2))  # B004 waited 13
        do("09:18", P.StartServing(window=w2))
        do("09:20", P.Finish(window=w4), P.Requeue(window=w2, number="B003"))  # B003 is back
        do("09:25", P.Finish(window=w2), P.CallNext(window=w2))
        do("09:26", P.StartServing(window=w2))
        do("09:30", P.Finish(window=w2))


STAFFED = Plan(start="09:00", serve_until="17:00",
               windows=[PlanWindow(id=2, services=["social", "estate"]), PlanWindow(id=4, services=["tax"])])


def test_the_staffing_that_served_the_day_gives_back_its_own_waits(tmp_path: Path) -> None:
    record_day(tmp_path)
    actual, replayed = whatif(CONFIG, tmp_path / "hallq.db", DAY, STAFFED)
    assert actual["social"].waits == [0, 7, 12, 13] and actual["social"].served == 4
    assert replayed["social"].waits == actual["social"].waits
    assert (replayed["social"].served, replayed["social"].unserved) == (4, 0)
    arrivals, _ = recorded_day(tmp_path / "hallq.db", DAY, ZoneInfo(CONFIG.timezone))
    b2, b3 = arrivals[1], arrivals[2]
    assert (b2.transfer_to, b2.duration.total_seconds(), b2.second.total_seconds()) == ("tax", 300, 240)
    assert (b3.no_show, b3.back_after.total_seconds(), b3.duration.total_seconds()) == (True, 180, 240)


def test_another_plan_gives_other_waits_the_same_every_time(tmp_path: Path) -> None:
    record_day(tmp_path)
    two = Plan(start="09:00", serve_until="17:00", windows=[*STAFFED.windows, PlanWindow(id=3, services=["social"])])
    _, first = whatif(CONFIG, tmp_path / "hallq.db", DAY, two)
    _, again = whatif(CONFIG, tmp_path / "hallq.db", DAY, two)
    # B002 goes to window 3 at once; B003 waits for it (09:08), B004 for window 2 (09:09).
    assert first["social"].waits == again["social"].waits == [0, 0, 5, 5]
    late = Plan(start="09:10", serve_until="09:20", windows=[PlanWindow(id=2, services=["social"])])
    _, short = whatif(CONFIG, tmp_path / "hallq.db", DAY, late)
    assert (short["social"].served, short["social"].unserved) == (1, 2)  # B002's transfer: tax is not staffed


def test_the_cli_prints_both_sides_and_refuses_an_unknown_service(tmp_path: Path, capsys) -> None:
    record_day(tmp_path / "data")
    config = ROOT / "tests" / "server" / "data" / "open-hall.toml"
    plan = tmp_path / "plan.toml"
    plan.write_text('start = "09:00"\nserve_until = "17:00"\n[[windows]]\nid = 2\nservices = ["nope"]\n')
    assert main(["whatif", "--day", "2026-11-23", "--plan", str(plan), "--data", str(tmp_path / "data"),
                 "--config", str(config)]) == 2
    assert "no such services: nope" in capsys.readouterr().err
    table = comparison(CONFIG, *whatif(CONFIG, tmp_path / "data" / "hallq.db", DAY, STAFFED))
    assert table.splitlines()[0].split() == ["service", "arrivals", "avg", "p90", "served", "unserved", "|",
                                             "plan", "avg", "p90", "served", "unserved"]
    assert table.splitlines()[2].split()[:6] == ["social", "4", "8.0", "13.0", "4", "0"]


def test_the_sample_halls_simulated_day_gets_under_30_minutes_with_the_example_plan(tmp_path: Path) -> None:
    from hallq.simulation import simulate_day
    from queuecore.config import load_config
    from queuecore.whatif import parse_plan, total

    config_path = ROOT / "examples" / "county-hall.toml"
    asyncio.run(simulate_day(config_path, seed=1, day=date(2026, 11, 23), data_dir=tmp_path / "day"))
    config = load_config(str(config_path))
    actual, planned = whatif(config, tmp_path / "day" / "hallq.db", date(2026, 11, 23),
                             parse_plan((ROOT / "examples" / "whatif-one-window.toml").read_text(), config))
    before, after = total(actual), total(planned)
    assert before.avg() > 50 and after.avg() < 30 and after.p90() < before.p90()
    assert after.unserved == 0 and after.arrivals == before.arrivals
    assert (round(before.avg(), 1), round(after.avg(), 1)) == pytest.approx((59.1, 26.3), abs=0.05)
