"""The demo's closing summary: with a simulated crowd, waits are told in the crowd's (simulated) minutes."""
from __future__ import annotations

import re

from hallq.demo import summary
from queuecore import protocol as P
from server.auth import Principal
from server.service import HallService
from server.store import Store
from tests.queuecore.conftest import at, make_config
from tests.server.conftest import Clock

ADMIN = Principal(role="admin", name="test-admin", key="admin")


def served_hall(tmp_path, waits_s: list[int]) -> HallService:
    """Tickets of the social service, each called `waits_s[i]` real seconds after it was issued."""
    clock = Clock(at("09:00"))
    service = HallService(make_config(), Store(tmp_path), clock)
    service.execute(P.SignIn(window=2, staff_id="s2", pin="x"), ADMIN, pin_ok=True)
    for wait in waits_s:
        service.execute(P.IssueTicket(service="social"), ADMIN)
        clock.advance(seconds=wait)
        assert isinstance(service.execute(P.CallNext(window=2), ADMIN), P.Result)
        service.execute(P.Finish(window=2), ADMIN)
    return service


def test_a_simulated_crowd_s_wait_is_told_in_simulated_minutes(tmp_path) -> None:
    service = served_hall(tmp_path, [2, 4])  # 3 s real on average: 6 simulated minutes at 120x
    text = summary(service, speed=120)
    assert re.search(r"average wait 6\.0 simulated min \(3 s real at 120×\)", text), text
    assert "2 tickets issued, 2 served" in text


def test_without_a_simulation_the_wait_is_real_time(tmp_path) -> None:
    service = served_hall(tmp_path, [90, 150])
    assert "average wait 2.0 min" in summary(service)
