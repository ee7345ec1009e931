"""Window terminal fixtures: the real hall server in its thread (from the qtclient tests) and terminals wired to it."""
from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt

from qtclient.link import HallLink
from queuecore import protocol as P
from tests.qtclient.conftest import FAST, PINS, loop_thread, make_link, provisioned_data, relay, server  # noqa: F401
from window_terminal.app import TerminalApp
from window_terminal.config import TerminalConfig
from window_terminal.models import HOTKEYS


def pytest_collection_modifyitems(config, items) -> None:
    # The offscreen platform cannot pass a shown window's min/max size to a window system and
    # says so on every layout change of a top-level window; under X11 the same code is silent.
    for item in items:
        if "window_terminal" in str(item.fspath):
            item.add_marker(pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"))


@pytest.fixture
def make_terminal(qtbot, server) -> Iterator[Callable[..., TerminalApp]]:  # noqa: F811
    apps: list[TerminalApp] = []

    def make(token: str = "window1", *, url: str | None = None, **config) -> TerminalApp:
        """A terminal on the server (or on `url`: e.g. a relay in front of it)."""
        cfg = TerminalConfig(server=url or server.url, token=server.tokens[token], **config)
        link = HallLink(cfg.server, cfg.token, timings=FAST)
        app = TerminalApp(cfg, link=link)
        apps.append(app)
        qtbot.addWidget(app.view)
        qtbot.addWidget(app.rating_view)
        app.start()
        qtbot.waitUntil(lambda: app.model.online and app.model.state.version is not None, timeout=5000)
        activate(qtbot, app)
        return app

    yield make
    for app in apps:
        app.link.stop()


def activate(qtbot, app: TerminalApp) -> None:
    """F-keys are window shortcuts: the terminal must be the active window, as on the clerk's desk."""
    app.view.activateWindow()
    qtbot.waitUntil(app.view.isActiveWindow, timeout=2000)


def issue(server, service: str = "estate") -> str:  # noqa: F811
    reply = server.execute(P.IssueTicket(service=service))
    assert isinstance(reply, P.Result), reply
    return reply.data["ticket"]["number"]


def settle(qtbot, app: TerminalApp) -> None:
    qtbot.waitUntil(lambda: not app.model.busy, timeout=5000)


def sign_in(qtbot, app: TerminalApp, staff: str = "s1", pin: str | None = None) -> None:
    view = app.view
    view.staff_edit.setText(staff)
    qtbot.keyClicks(view.pin_edit, pin if pin is not None else PINS[staff])
    qtbot.mouseClick(view.sign_in_button, Qt.MouseButton.LeftButton)
    settle(qtbot, app)


def press(qtbot, app: TerminalApp, action: str, by: str) -> None:
    """One press of an action: a click on its button, or its F-key."""
    if by == "button":
        qtbot.mouseClick(app.view.buttons[action], Qt.MouseButton.LeftButton)
    else:
        qtbot.keyClick(app.view, getattr(Qt.Key, f"Key_{HOTKEYS[action]}"))
