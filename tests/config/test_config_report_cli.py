"""`hallq report` reads a hall's live configuration from its store (names as the hall calls its services now),
unless --config names a file."""
from __future__ import annotations

from hallq.cli import main
from queuecore import protocol as P
from server.auth import Principal
from server.service import HallService
from server.store import Store, stored_config
from tests.queuecore.conftest import DAY, at, make_config

ADMIN = Principal(role="admin", name="test")


def test_the_report_command_names_services_as_the_live_configuration_does(tmp_path, capsys):
    data = tmp_path / "data"
    store = Store(data)
    try:
        service = HallService(make_config(), store, clock=lambda: at("09:00"))
        assert isinstance(service.execute(P.IssueTicket(service="social"), Principal(role="kiosk", name="k")), P.Result)
        renamed = {"code": "social", "prefix": "B", "name_zh": "社会保险综合窗", "name_en": "Social insurance desk"}
        reply = service.execute(P.ChangeConfig(base_version=1, ops=[{"op": "put", "kind": "service", "value": renamed}]),
                                ADMIN)
        assert isinstance(reply, P.Result), reply
        assert service.flush()
    finally:
        store.close()
    assert stored_config(data / "hallq.db").service("social").name_zh == "社会保险综合窗"
    assert main(["report", "services", "--from", str(DAY), "--to", str(DAY), "--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert "社会保险综合窗" in out
    assert stored_config(tmp_path / "nothing.db") is None
