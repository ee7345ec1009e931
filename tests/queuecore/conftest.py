"""A small hall for rule tests: three services, four windows, three priority classes, fixed times."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from queuecore.hall import Hall
from queuecore.model import HallConfig, PriorityClass, PriorityKind, Rules, Service, TimeRange, WindowConfig

TZ = timezone(timedelta(hours=8))
DAY = date(2026, 11, 23)


def at(hhmm: str, day: date = DAY) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), TZ)


def make_config(**rules) -> HallConfig:
    return HallConfig(
        name_zh="测试大厅",
        name_en="Test Hall",
        services=(
            Service(code="estate", prefix="A", name_zh="不动产登记", name_en="Real estate",
                    hours=(TimeRange(time(8, 30), time(12, 0)), TimeRange(time(13, 30), time(17, 0))), daily_cap=5,
                    avg_service_minutes=10, materials=("身份证",)),
            Service(code="social", prefix="B", name_zh="社保", name_en="Social insurance", avg_service_minutes=6),
            Service(code="tax", prefix="C", name_zh="税务", name_en="Tax", digits=4),
        ),
        windows=(
            WindowConfig(id=1, name_zh="1号窗口", name_en="Window 1", services=("estate",)),
            WindowConfig(id=2, name_zh="2号窗口", name_en="Window 2", services=("social", "estate")),
            WindowConfig(id=3, name_zh="3号窗口", name_en="Window 3", services=("social", "estate"), ordered=False),
            WindowConfig(id=4, name_zh="4号窗口", name_en="Window 4", services=("tax",)),
        ),
        priorities=(
            PriorityClass(code="normal", name_zh="普通", name_en="Normal"),
            PriorityClass(code="green", name_zh="绿色通道", name_en="Priority", kind=PriorityKind.PRIORITY),
            PriorityClass(code="appt", name_zh="预约", name_en="Appointment", kind=PriorityKind.APPOINTMENT),
        ),
        rules=Rules(**rules),
    )


def open_hall(*, windows=(1, 2, 3, 4), **rules) -> Hall:
    hall = Hall(make_config(**rules))
    hall.start_day(DAY, at("08:00"))
    for w in windows:
        hall.sign_in(w, f"clerk{w}", at("08:00"))
    hall.take_changes()
    return hall


@pytest.fixture
def hall() -> Hall:
    return open_hall()
