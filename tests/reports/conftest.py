"""Report fixtures: one simulated week (real server, real store) shared by the module's tests, copied per test that writes."""
from __future__ import annotations

import asyncio
import shutil
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from queuecore.config import load_config
from server.reports.source import FactSource, open_reading
from tests.reports.week import HALL, WEEK, simulate_week


@pytest.fixture(scope="session")
def week_data(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("week") / "data"
    asyncio.run(simulate_week(data))
    return data


@pytest.fixture(scope="session")
def hall():
    return load_config(str(HALL))


@pytest.fixture
def week_copy(week_data: Path, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(week_data, data)
    return data


@pytest.fixture
def evening(hall) -> datetime:
    """Friday evening of the week: the store's day, so Friday is live."""
    return datetime.combine(WEEK[-1], time(19, 0), ZoneInfo(hall.timezone))


def source_for(data: Path, hall, *, read_only: bool) -> FactSource:
    return FactSource(open_reading(data / "hallq.db", read_only=read_only), hall, read_only=read_only)
