"""City server fixtures: one throwaway PostgreSQL cluster per session, a fresh database per test, a simulated hall day.

The cluster is started by the tests themselves (initdb + pg_ctl as the postgres user, a free port on
127.0.0.1: central.throwaway); nothing is skipped when PostgreSQL is missing: scripts/setup.sh installs it.
"""
from __future__ import annotations

import asyncio
import itertools
import shutil
from pathlib import Path

import pytest

from central.throwaway import Cluster
from tests.central.centralkit import DAY, HALL_TOML, CentralProcess

_names = itertools.count()


@pytest.fixture(scope="session")
def cluster():
    c = Cluster()
    yield c
    c.destroy()


@pytest.fixture
def dsn(cluster) -> str:
    return cluster.create_db(f"city{next(_names)}")


@pytest.fixture(scope="session")
def day_store(tmp_path_factory) -> Path:
    """One business day of a county hall (~200 visits, ~1,000 events) run against the real server."""
    from hallq.simulation import simulate_day

    data = tmp_path_factory.mktemp("day") / "data"
    asyncio.run(simulate_day(HALL_TOML, seed=3, day=DAY, tickets=200, data_dir=data))
    return data


@pytest.fixture
def hall_copy(day_store: Path, tmp_path: Path):
    def make(name: str) -> Path:
        data = tmp_path / name
        shutil.copytree(day_store, data)
        return data

    return make


@pytest.fixture
def central(dsn):
    c = CentralProcess(dsn)
    c.start()
    yield c
    c.kill()
