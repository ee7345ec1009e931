"""A hall's live configuration change (issue 13) reaches the city: the forwarder ships the store's configuration
whenever its version moves, so the centre's service names follow without restarting anything."""
from __future__ import annotations

import psycopg

from queuecore import protocol as P
from server.auth import Principal
from server.service import HallService
from server.store import Store
from tests.central.centralkit import add_hall
from tests.central.test_central_ingest import HALL, forward_all


def service_names(dsn: str, hall: str) -> dict[str, str]:
    with psycopg.connect(dsn) as conn:
        return dict(conn.execute("SELECT code, name_zh FROM hall_services WHERE hall = %s", (hall,)).fetchall())


def test_a_renamed_service_reaches_the_centre_with_the_next_batch(central, dsn, hall_copy):
    data = hall_copy("h1")
    token = add_hall(dsn, "h1")
    forward_all(data, central.url, token)
    assert service_names(dsn, "h1")["realestate"] == "不动产登记"
    store = Store(data)
    try:
        service = HallService(HALL, store)
        svc = next(s for s in service.config.services if s.code == "realestate")
        item = {"code": svc.code, "prefix": svc.prefix, "name_zh": "不动产登记（综合窗）", "name_en": svc.name_en}
        reply = service.execute(P.ChangeConfig(base_version=service.hall.config_version,
                                               ops=[{"op": "put", "kind": "service", "value": item}]),
                                Principal(role="admin", name="test"))
        assert isinstance(reply, P.Result), reply
        assert service.flush()
    finally:
        store.close()
    forward_all(data, central.url, token)
    assert service_names(dsn, "h1")["realestate"] == "不动产登记（综合窗）"
