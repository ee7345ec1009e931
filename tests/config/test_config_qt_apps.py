"""The Qt apps follow a live configuration change without a restart (a real server in its thread, real links):
the window terminal's transfer picker offers a new service, and a zoned wall display takes a window moved into
its zone (its calls then show there)."""
from __future__ import annotations

import pytest

from queuecore import protocol as P
from tests.hall_display.conftest import (ZONES, call_next, issue, make_display, ok, sign_in,  # noqa: F401
                                         zoned_server)
from tests.qtclient.conftest import loop_thread, make_link, provisioned_data, server  # noqa: F401
from tests.window_terminal.conftest import make_terminal  # noqa: F401

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")


def change(srv, ops: list) -> P.Result:
    return ok(srv.execute(P.ChangeConfig(base_version=_config_version(srv), ops=ops), "admin"))


def _config_version(srv) -> int:
    import json
    import urllib.request

    req = urllib.request.Request(f"{srv.url}/api/config", headers={"Authorization": f"Bearer {srv.tokens['admin']}"})
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.load(r)["config_version"]


def test_the_terminals_transfer_picker_offers_a_service_added_while_it_runs(qtbot, server, make_terminal) -> None:
    ok(server.execute(P.IssueTicket(service="estate"), "admin"))
    term = make_terminal("window1")
    ok(server.execute(P.SignIn(staff_id="s1", pin="1111"), "window1"))
    qtbot.waitUntil(lambda: term.model.state.windows[1].clerk == "s1", timeout=5000)
    ok(server.execute(P.CallNext(), "window1"))
    qtbot.waitUntil(lambda: term.model.current() is not None, timeout=5000)
    assert [code for code, _ in term.model.transfer_targets()] == ["social", "tax"]
    change(server, [{"op": "put", "kind": "service", "value": {
        "code": "passport", "prefix": "P", "name_zh": "出入境", "name_en": "Exit-entry"}}])
    qtbot.waitUntil(lambda: [c for c, _ in term.model.transfer_targets()] == ["social", "tax", "passport"],
                    timeout=5000)
    assert dict(term.model.transfer_targets())["passport"] == "出入境"
    assert term.model.current().number == "A001"  # the visit at the window went on


def test_a_zoned_display_takes_a_window_moved_into_its_zone(qtbot, zoned_server, make_display) -> None:
    display = make_display(zoned_server, zone="A区")
    sign_in(zoned_server, 4)
    issue(zoned_server, "tax")
    first = call_next(zoned_server, 4)  # window 4 is in B区: not on this display
    qtbot.waitUntil(lambda: any(c.number == first for c in display.model.state.recent_calls), timeout=5000)
    assert [r.number for r in display.model.calls()] == []
    window4 = {"id": 4, "name_zh": "4号窗口", "name_en": "Window 4", "services": ["tax"], "zone": "A区"}
    change(zoned_server, [{"op": "put", "kind": "window", "value": window4}])
    # The reload shows window 4's calls here now (also the one made before the move: it is still current).
    qtbot.waitUntil(lambda: [r.number for r in display.model.calls()] == [first], timeout=5000)
    issue(zoned_server, "tax")
    second = call_next(zoned_server, 4)
    qtbot.waitUntil(lambda: [r.number for r in display.model.calls()][:1] == [second], timeout=5000)
    assert ZONES[4] == "B区"  # the file said B区; the live configuration says A区
