"""Server fixtures: the real app on a real SQLite file, a settable clock, tokens for every role, clerks with PINs."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from queuecore.model import HallConfig, WindowConfig
from server.app import ServerConfig, create_app
from server.cli import add_clerk_in, create_token_in
from tests.queuecore.conftest import DAY, at, make_config


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw) -> None:
        self.now += timedelta(**kw)


@dataclass
class Hallq:
    """A running test server: its aiohttp test client, tokens by name, the clock and the data dir."""

    client: object
    tokens: dict[str, str]
    clock: Clock
    data: Path
    config: HallConfig

    def auth(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}

    async def post(self, path: str, who: str, body: object = None, headers: dict | None = None):
        import msgspec

        data = msgspec.json.encode(body) if body is not None and not isinstance(body, (bytes, str)) else body
        return await self.client.post(path, data=data or b"{}", headers={**self.auth(who), **(headers or {})})

    async def ws(self, who: str):
        return await self.client.ws_connect(f"/ws?token={self.tokens[who]}")

    @property
    def service(self):
        from server.app import SERVICE

        return self.client.server.app[SERVICE]


PINS = {"s1": "1111", "s2": "2222", "s4": "4444"}


def provision(data: Path, windows=(1, 2, 4)) -> dict[str, str]:
    tokens = {role: create_token_in(data, role, f"test-{role}", None) for role in ("kiosk", "display", "admin")}
    for w in windows:
        tokens[f"window{w}"] = create_token_in(data, "window", f"test-window{w}", w)
    for staff, pin in PINS.items():
        add_clerk_in(data, staff, f"Clerk {staff}", pin)
    return tokens


@contextmanager
def recording(config: HallConfig, data: Path) -> Iterator[Callable[..., None]]:
    """Record a day into a store through the real service, on a clock set per step: `do("09:10", *commands)` runs
    the commands as an admin at that hall time (each must succeed); the store is closed at the end."""
    from queuecore import protocol as P
    from server.auth import Principal
    from server.service import HallService
    from server.store import Store

    clock = Clock(at("09:00"))
    store = Store(data, durable=False)
    service = HallService(config, store, clock)
    admin = Principal(role="admin", name="recorder")

    def do(hhmm: str, *commands) -> None:
        clock.now = at(hhmm)
        for cmd in commands:
            reply = service.execute(cmd, admin, pin_ok=True)
            assert isinstance(reply, P.Result), reply

    try:
        yield do
    finally:
        store.close()


@pytest.fixture
def clock() -> Clock:
    return Clock(at("09:00"))


@pytest.fixture(scope="session")
def provisioned(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """One data dir with tokens and clerks (scrypt is slow on purpose), copied for each test."""
    data = tmp_path_factory.mktemp("provisioned") / "data"
    return data, provision(data)


@pytest.fixture
def make_server(aiohttp_client, tmp_path, clock, provisioned):
    async def make(config: HallConfig | None = None, data: Path | None = None, tokens: dict | None = None,
                   **server_kw) -> Hallq:
        config = config or make_config()
        if data is None:
            data = tmp_path / "data"
            if config.windows == make_config().windows and tokens is None:
                import shutil

                shutil.copytree(provisioned[0], data)
                tokens = dict(provisioned[1])
        if tokens is None:
            tokens = provision(data, windows=[w.id for w in config.windows][:60])
        app = create_app(ServerConfig(hall=config, data_dir=data, **server_kw), clock=clock)
        client = await aiohttp_client(app)
        return Hallq(client=client, tokens=tokens, clock=clock, data=data, config=config)

    return make


@pytest.fixture
async def srv(make_server) -> Hallq:
    return await make_server()


def many_windows_config(n: int) -> HallConfig:
    base = make_config()
    windows = tuple(WindowConfig(id=i, name_zh=f"{i}号窗口", name_en=f"Window {i}", services=("social",))
                    for i in range(1, n + 1))
    import msgspec

    return msgspec.structs.replace(base, windows=windows)


__all__ = ["DAY", "at", "Clock", "Hallq", "PINS", "provision", "many_windows_config"]
