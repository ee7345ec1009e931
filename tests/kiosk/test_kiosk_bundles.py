"""一票到底 at the kiosk: a bundle is one more tile; a tap issues one ticket for every step, and the printed ticket
lists the steps in order."""
from __future__ import annotations

import msgspec
import pytest

from kiosk.models import Screen
from printers.layout import ticket_layout
from printers.ticket import sample_ticket
from queuecore.model import Bundle
from tests.kiosk.conftest import serial_config, tap

BUNDLE = Bundle(code="startup", name_zh="企业开办一件事", name_en="Business start-up", steps=("social", "tax"))


@pytest.fixture
def bundle_server(server):
    """The hall defines the bundle: added live, as an admin does (the store's configuration wins over the file)."""
    from queuecore import protocol as P

    reply = server.execute(P.ChangeConfig(base_version=1, ops=[
        {"op": "put", "kind": "bundle", "value": msgspec.to_builtins(BUNDLE)}]))
    assert isinstance(reply, P.Result), reply
    return server


def test_a_bundle_tile_issues_one_ticket_and_prints_its_steps(qtbot, make_kiosk, bundle_server, serial_printer):
    kiosk = make_kiosk(serial_config(serial_printer))
    tile = kiosk.window.home.tiles["bundle:startup"]
    assert next(b for b in kiosk.view.buttons if b.code == "bundle:startup").name_zh == "企业开办一件事"
    with qtbot.waitSignal(kiosk.print_done, timeout=5000) as printed:
        tap(qtbot, tile)
    number, ok = printed.args
    assert ok and number == "B001"
    stored = bundle_server.snapshot()
    (t,) = stored.tickets
    assert (t.number, t.service, t.bundle, t.step) == ("B001", "social", "startup", 0)
    assert kiosk.view.screen == Screen.TICKET and kiosk.view.ticket.steps_zh == ("社保", "税务")
    qtbot.waitUntil(lambda: "一票到底".encode("gb18030") in bytes(serial_printer.received), timeout=3000)
    received = bytes(serial_printer.received)
    assert received.index("1. 社保".encode("gb18030")) < received.index("2. 税务".encode("gb18030"))


def test_a_bundle_tile_is_greyed_when_any_of_its_steps_is_closed(qtbot, make_kiosk, bundle_server):
    from queuecore import protocol as P

    bundle_server.execute(P.CloseService(service="tax", reason="系统升级"))
    kiosk = make_kiosk(None)
    qtbot.waitUntil(lambda: not next(b for b in kiosk.view.buttons if b.code == "bundle:startup").enabled,
                    timeout=3000)
    button = next(b for b in kiosk.view.buttons if b.code == "bundle:startup")
    assert button.reason_text() == "系统升级"


def test_the_ticket_layout_lists_the_steps_only_for_a_bundle() -> None:
    def texts(ticket):
        return [b.text for b in ticket_layout(ticket).blocks if hasattr(b, "text")]

    plain = texts(sample_ticket())
    assert not any("一票到底" in t for t in plain)
    steps = texts(sample_ticket(steps=("营业执照", "刻章", "税务发票", "社保登记")))
    i = steps.index("一票到底，依次办理：")
    assert steps[i + 1:i + 5] == ["1. 营业执照", "2. 刻章", "3. 税务发票", "4. 社保登记"]
