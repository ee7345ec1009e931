"""POST /api/whatif on the real app: a recorded day replayed with a plan sent as TOML text or JSON gives the same
figures as `hallq whatif`; bad days and plans are refused with stable codes; admins only."""
from __future__ import annotations

import pytest

from hallq.whatif import whatif
from queuecore import protocol as P
from queuecore.whatif import parse_plan
from tests.qtclient.conftest import ADMIN
from tests.server.conftest import DAY, at

STAFFED_TOML = '''start = "09:00"
serve_until = "17:00"
[[windows]]
id = 2
services = ["social", "estate"]
[[windows]]
id = 4
services = ["tax"]
'''
THREE = {"start": "09:00", "serve_until": "17:00", "windows": [
    {"id": 2, "services": ["social", "estate"]}, {"id": 4, "services": ["tax"]}, {"id": 3, "services": ["social"]}]}


def record_day(srv) -> None:
    """The day of tests/hallq/test_whatif.py, through the running server's service: social waits 0, 7, 12, 13."""
    service = srv.service

    def do(hhmm: str, *commands: P.Command) -> None:
        srv.clock.now = at(hhmm)
        for cmd in commands:
            reply = service.execute(cmd, ADMIN, pin_ok=True)
            assert isinstance(reply, P.Result), reply

    do("09:00", P.SignIn(window=2, staff_id="a", pin="x"), P.SignIn(window=4, staff_id="b", pin="x"),
       P.IssueTicket(service="social"), P.CallNext(window=2))
    do("09:01", P.StartServing(window=2))
    do("09:02", P.IssueTicket(service="social"))
    do("09:03", P.IssueTicket(service="social"))
    do("09:04", P.IssueTicket(service="social"))
    do("09:09", P.Finish(window=2), P.CallNext(window=2))
    do("09:10", P.StartServing(window=2))
    do("09:15", P.Transfer(window=2, service="tax"), P.CallNext(window=4), P.CallNext(window=2))
    do("09:16", P.StartServing(window=4), P.Recall(window=2))
    do("09:17", P.Skip(window=2), P.CallNext(window=2))
    do("09:18", P.StartServing(window=2))
    do("09:20", P.Finish(window=4), P.Requeue(window=2, number="B003"))
    do("09:25", P.Finish(window=2), P.CallNext(window=2))
    do("09:26", P.StartServing(window=2))
    do("09:30", P.Finish(window=2))


@pytest.fixture
async def day(make_server):
    srv = await make_server()
    record_day(srv)
    return srv


async def post(srv, body, who: str = "admin"):
    r = await srv.post("/api/whatif", who, body)
    return r.status, await r.json()


async def test_a_toml_plan_gives_back_the_days_own_waits_as_the_cli_does(day) -> None:
    status, body = await post(day, {"day": str(DAY), "plan": STAFFED_TOML})
    assert status == 200, body
    social = next(s for s in body["services"] if s["code"] == "social")
    assert (social["name_zh"], social["name_en"]) == ("社保", "Social insurance")
    assert social["recorded"] == {"arrivals": 4, "served": 4, "unserved": 0, "called": 4, "wait_avg": 8.0,
                                  "wait_p90": 13.0}
    assert social["plan"] == social["recorded"]
    assert body["windows"] == 2 and body["total"]["recorded"]["arrivals"] == 4


async def test_a_json_plan_with_another_window_is_the_same_replay_as_hallq_whatif(day) -> None:
    status, body = await post(day, {"day": str(DAY), "plan": THREE})
    assert status == 200, body
    _, planned = whatif(day.config, day.data / "hallq.db", DAY, parse_plan(THREE, day.config))
    social = next(s for s in body["services"] if s["code"] == "social")
    assert social["plan"]["wait_avg"] == round(planned["social"].avg(), 1) == 2.5  # waits 0, 0, 5, 5
    assert social["recorded"]["wait_avg"] == 8.0


@pytest.mark.parametrize(("body", "status", "code", "says"), [
    ({"day": "23/11/2026", "plan": STAFFED_TOML}, 400, "invalid_format", "YYYY-MM-DD"),
    ({"plan": STAFFED_TOML}, 400, "invalid_format", "day"),
    ({"day": str(DAY), "plan": STAFFED_TOML, "extra": 1}, 400, "invalid_format", "extra"),
    ({"day": str(DAY), "plan": "windows = ["}, 400, "invalid_plan", "not TOML"),
    ({"day": str(DAY), "plan": {"windows": [{"id": 2, "services": ["nope"]}]}}, 400, "invalid_plan",
     "no such services: nope"),
    ({"day": str(DAY), "plan": {"windows": []}}, 400, "invalid_plan", "no windows"),
    ({"day": str(DAY), "plan": {"windows": [{"id": 2, "services": ["social"], "until": "25:00"}]}}, 400,
     "invalid_plan", "not HH:MM"),
    ({"day": str(DAY), "plan": {"windows": [{"id": 2, "services": ["social"]}, {"id": 2, "services": []}]}}, 400,
     "invalid_plan", "listed twice"),
    ({"day": "2026-11-20", "plan": STAFFED_TOML}, 404, "no_arrivals", "no tickets of 2026-11-20"),
])
async def test_bad_requests_are_refused_with_a_stable_code_and_change_nothing(day, body, status, code, says) -> None:
    version = day.service.hall.version
    got, reply = await post(day, body)
    assert (got, reply["code"]) == (status, code) and says in reply["message"], reply
    assert day.service.hall.version == version


@pytest.mark.parametrize("who", ["kiosk", "display", "window1"])
async def test_only_an_admin_runs_a_what_if(day, who) -> None:
    status, reply = await post(day, {"day": str(DAY), "plan": STAFFED_TOML}, who)
    assert (status, reply["code"]) == (403, "forbidden")
