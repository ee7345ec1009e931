"""Fixtures for the wall display: the real server (shared with tests/qtclient), a zoned hall, and display apps wired to it."""
from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator

import msgspec
import pytest

from hall_display.announcer import Announcer, TimedAnnouncer
from hall_display.app import DisplayApp
from hall_display.config import DisplayConfig
from queuecore import protocol as P
from server.app import ServerConfig
from tests.qtclient.conftest import FAST, PINS, ServerThread, loop_thread, make_link, provisioned_data, server  # noqa: F401
from tests.queuecore.conftest import at, make_config
from tests.server.conftest import Clock

# Windows 1, 2 in zone A区 (estate, social); 3, 4 in B区 (social, estate, tax): tax is B区 only.
ZONES = {1: "A区", 2: "A区", 3: "B区", 4: "B区"}


def zoned_config():
    hall = make_config()
    windows = tuple(msgspec.structs.replace(w, zone=ZONES[w.id]) for w in hall.windows)
    return msgspec.structs.replace(hall, windows=windows)


@pytest.fixture
def zoned_server(loop_thread, tmp_path, provisioned_data) -> Iterator[ServerThread]:  # noqa: F811
    data = tmp_path / "zoned-data"
    shutil.copytree(provisioned_data[0], data)
    srv = ServerThread(loop=loop_thread, config=ServerConfig(hall=zoned_config(), data_dir=data, durable=False),
                       clock=Clock(at("09:00")), tokens=dict(provisioned_data[1]))
    srv.start()
    yield srv
    srv.stop()


def ok(reply) -> P.Result:
    assert isinstance(reply, P.Result), reply
    return reply


def sign_in(srv: ServerThread, window: int = 1) -> None:
    staff = {1: "s1", 2: "s2", 4: "s4"}[window]
    ok(srv.execute(P.SignIn(staff_id=staff, pin=PINS[staff]), f"window{window}"))


def issue(srv: ServerThread, service: str = "estate") -> str:
    return ok(srv.execute(P.IssueTicket(service=service), "admin")).data["ticket"]["number"]


def call_next(srv: ServerThread, window: int = 1) -> str:
    """Call the next ticket at a window; a ticket still there is skipped (过号) first."""
    reply = srv.execute(P.CallNext(), f"window{window}")
    if isinstance(reply, P.Error) and reply.code == "window_busy":
        ok(srv.execute(P.Skip(), f"window{window}"))
        reply = srv.execute(P.CallNext(), f"window{window}")
    return ok(reply).data["ticket"]["number"]


def recall(srv: ServerThread, window: int = 1) -> None:
    ok(srv.execute(P.Recall(), f"window{window}"))


@pytest.fixture
def make_display(qtbot) -> Iterator[Callable[..., DisplayApp]]:
    """A DisplayApp on the real server with a TimedAnnouncer; started and online when returned."""
    apps: list[DisplayApp] = []

    def make(srv: ServerThread, *, announcer: Announcer | None = None, start: bool = True, **cfg) -> DisplayApp:
        config = DisplayConfig(server=srv.url, token=srv.tokens["display"], **cfg)
        app = DisplayApp(config, announcer=announcer or TimedAnnouncer(0.05), timings=FAST, animate=False)
        qtbot.addWidget(app.board)
        app.board.resize(1920, 1080)
        apps.append(app)
        if start:
            with qtbot.waitSignal(app.link.snapshot_received, timeout=5000):
                app.start()
        return app

    yield make
    for app in apps:
        app.stop()
