"""Console fixtures: the server's real app and clock (tests/server), plus console accounts with passwords."""
from __future__ import annotations

import pytest

from server.console_cli import add_user_in
from tests.server.conftest import Clock, Hallq, clock, make_server, provisioned  # noqa: F401  (fixtures)

USERS = {"zhang": ("张主任", "supervisor", "correct-horse-1"), "root": ("李管理", "admin", "admin-pass-22")}


@pytest.fixture
async def con(make_server) -> Hallq:
    hq = await make_server()
    for username, (name, role, password) in USERS.items():
        add_user_in(hq.data, username, name, role, password)
    return hq


async def login(hq: Hallq, username: str = "zhang", password: str | None = None):
    """Log in as the console page does; the client's cookie jar keeps the session. Returns (response, body)."""
    password = USERS[username][2] if password is None else password
    r = await hq.client.post("/console/api/login", json={"username": username, "password": password},
                             headers={"X-Hallq-Login": "1"})
    return r, await r.json()
