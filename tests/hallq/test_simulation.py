"""`hallq simulate`: a seeded day against the real in-process server is repeatable and agrees with the store."""
from __future__ import annotations

import asyncio
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from hallq.cli import main
from hallq.simulation import SimulationConfig, load_simulation, simulate_day

HALL = Path(__file__).parents[1] / "server" / "data" / "open-hall.toml"
DAY = date(2026, 11, 23)


def run_day(seed: int, data: Path | None = None, tickets: int = 80):
    return asyncio.run(simulate_day(HALL, seed=seed, day=DAY, tickets=tickets, data_dir=data))


def test_the_same_seed_gives_the_same_day_and_another_seed_another(tmp_path: Path) -> None:
    first, again, other = run_day(3), run_day(3), run_day(4)
    assert first.rows() == again.rows() and first.requests == again.requests
    assert first.rows() != other.rows()


def test_the_figures_agree_with_what_the_server_stored(tmp_path: Path) -> None:
    result = run_day(5, tmp_path / "data", tickets=120)
    figures = result.figures.values()
    arrivals = sum(f.arrivals for f in figures)
    assert 80 <= arrivals <= 160  # Poisson around 120
    with sqlite3.connect(tmp_path / "data" / "hallq.db") as conn:
        stored = dict(conn.execute("select status, count(*) from tickets group by status").fetchall())
        rated = conn.execute("select count(*) from tickets where rating is not null").fetchone()[0]
    assert sum(stored.values()) == arrivals
    assert stored.get("done", 0) == sum(f.served for f in figures)
    assert stored.get("waiting", 0) == sum(f.unserved for f in figures)
    assert rated == sum(result.ratings.values())
    assert all(w >= 0 for f in figures for w in f.waits)


def test_the_simulation_table_is_checked(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="simulation"):
        load_simulation({"simulation": {"tickets_per_dya": 5}})
    assert load_simulation({}) == SimulationConfig()


def test_the_command_prints_a_table(capsys) -> None:
    assert main(["simulate", "--config", str(HALL), "--tickets", "40", "--day", "2026-11-23", "--seed", "2"]) == 0
    out = capsys.readouterr().out
    assert "avg wait min" in out and "TOTAL" in out and "ratings:" in out


def test_a_paced_day_follows_the_wall_clock() -> None:
    import time

    short = SimulationConfig(tickets_per_day=30, opens="09:00", closes="09:20", serve_until="09:30")
    started = time.monotonic()
    result = asyncio.run(simulate_day(HALL, seed=1, day=DAY, sim=short, speed=1200))
    elapsed = time.monotonic() - started
    # 08:30 -> last event (about 09:30) at 1200x is 3 s of wall time; fast mode would take a fraction of that.
    assert result.last_event is not None
    simulated = (result.last_event - result.last_event.replace(hour=8, minute=30)).total_seconds()
    assert elapsed >= simulated / 1200 * 0.9
    assert sum(f.arrivals for f in result.figures.values()) > 0
