"""The learned wait estimates follow a live configuration change (not only the hall's rules do)."""
from __future__ import annotations

from tests.config.test_config_live import change, issue
from tests.server.conftest import clock, make_server, provisioned, srv  # noqa: F401  (fixtures)


async def test_a_priority_class_added_live_counts_as_green_in_the_learned_estimates(srv):
    status, body = await change(srv, [{"op": "put", "kind": "priority", "value": {
        "code": "veteran", "name_zh": "军人优先", "name_en": "Veterans", "kind": "priority"}}])
    assert status == 200, body
    r = await srv.post("/api/tickets", "kiosk", {"service": "social", "priority": "veteran"})
    assert r.status == 200, await r.text()
    assert len(srv.service.estimates.learned.priority_arrivals.get("social", ())) == 1


async def test_a_service_time_changed_live_is_the_learned_estimates_prior_at_once(srv):
    await issue(srv, "social")  # the prior of this hour is worked out (and kept)
    svc = next(s for s in srv.config.services if s.code == "social")
    minutes = svc.avg_service_minutes * 4
    status, body = await change(srv, [{"op": "put", "kind": "service", "value": {
        "code": "social", "prefix": svc.prefix, "name_zh": svc.name_zh, "name_en": svc.name_en,
        "avg_service_minutes": minutes}}])
    assert status == 200, body
    now = srv.service.clock()
    assert srv.service.estimates._prior("social", now) == minutes
