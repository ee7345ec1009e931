"""A ticket request whose reply is lost: the link re-sends it with its id, so the kiosk shows the one ticket the server issued, or none."""
from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from kiosk.app import Kiosk
from kiosk.config import KioskConfig
from kiosk.models import Screen
from qtclient.link import HallLink
from tests.qtclient.conftest import FAST, relay  # noqa: F401


@pytest.fixture
def kiosk_at(qtbot, server) -> Iterator[Callable[..., Kiosk]]:
    """A kiosk without a printer on `url` (the server, or a relay in front of it)."""
    made: list[Kiosk] = []

    def make(url: str, **settings) -> Kiosk:
        config = KioskConfig(server=url, token=server.tokens["kiosk"], windowed=True, **settings)
        kiosk = Kiosk(config, HallLink(config.server, config.resolve_token(), timings=FAST), None)
        made.append(kiosk)
        qtbot.addWidget(kiosk.window)
        kiosk.start()
        qtbot.waitUntil(lambda: kiosk.view.screen == Screen.HOME and bool(kiosk.view.buttons), timeout=5000)
        return kiosk

    yield make
    for k in made:
        k.stop()


def test_a_ticket_whose_reply_is_lost_with_the_connection_is_shown_once_as_issued(qtbot, server, relay,  # noqa: F811
                                                                                   kiosk_at) -> None:
    kiosk = kiosk_at(relay.url)
    shown: list[str] = []
    kiosk.ticket_shown.connect(shown.append)
    relay.lose_replies()
    kiosk.request_service("social")
    qtbot.waitUntil(lambda: len(server.snapshot().tickets) == 1, timeout=3000)  # issued; the kiosk does not know
    relay.cut()
    qtbot.waitUntil(lambda: kiosk.view.screen == Screen.TICKET, timeout=5000)
    qtbot.wait(300)
    assert shown == ["B001"] and kiosk.view.ticket.number == "B001"
    assert [t.number for t in server.snapshot().tickets] == ["B001"]


def test_a_request_unanswered_past_retry_seconds_is_dropped_while_paused_and_never_resent(qtbot, server,
                                                                                          kiosk_at) -> None:
    kiosk = kiosk_at(server.url, retry_seconds=0.5)
    sent: list[str] = []
    real_send = kiosk.link._ws.sendTextMessage
    kiosk.link._ws.sendTextMessage = lambda text: (sent.append(text), real_send(text))[1]
    server.stop()  # first: the request goes out on a socket whose server is gone
    kiosk.request_service("social")
    qtbot.waitUntil(lambda: kiosk.view.screen == Screen.PAUSED, timeout=3000)
    qtbot.waitUntil(lambda: kiosk._pending is None, timeout=3000)  # the link gave up after retry_seconds
    assert kiosk.view.screen == Screen.PAUSED  # no refusal over the pause screen
    server.start()
    qtbot.waitUntil(lambda: kiosk.view.screen == Screen.HOME, timeout=5000)
    qtbot.wait(300)
    assert len([t for t in sent if '"issue_ticket"' in t]) == 1  # not sent again
    assert server.snapshot().tickets == [] and kiosk.view.ticket is None
