"""The real hall server in its own thread (own asyncio loop, own SQLite), fakes of it and a relay in front of it, and HallLinks to them."""
from __future__ import annotations

import asyncio
import shutil
import threading
import uuid
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import msgspec
import pytest
from aiohttp import web

from qtclient.link import HallLink, LinkTimings
from qtclient.outstanding import Resend
from queuecore import protocol as P
from server import runner
from server.app import ServerConfig
from server.auth import Principal
from server.service import HallService
from server.store import Store
from tests.queuecore.conftest import at, make_config
from tests.server.conftest import PINS, Clock, provision

# Fast enough for a test folder under ~40 s, slow enough to never fire by accident.
FAST = LinkTimings(command_timeout=3.0, connect_timeout=3.0, ping_interval=0.5, dead_after=2.0,
                   backoff_initial=0.05, backoff_max=0.4, request_timeout=3.0,
                   resend=Resend(max_sends=5, within=8.0))
ADMIN = Principal(role="admin", name="test-admin", key="test-admin")


class LoopThread:
    """An asyncio loop on its own thread: the server and its store are created and used only there."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="hallq-server", daemon=True)
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, Any], timeout: float = 10.0) -> Any:
        """Run a coroutine on the loop thread and return its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@dataclass
class ServerThread:
    """A real hallq server on 127.0.0.1 that a test can stop and start again on the same port and data."""

    loop: LoopThread
    config: ServerConfig
    clock: Clock
    tokens: dict[str, str]
    port: int = 0
    app_factory: Callable[[], web.Application] | None = None
    _runner: web.AppRunner | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._runner is not None

    def start(self) -> None:
        assert self._runner is None

        async def go() -> tuple[web.AppRunner, int]:
            if self.app_factory is None:
                return await runner.start(self.config, "127.0.0.1", self.port, clock=self.clock)
            r = web.AppRunner(self.app_factory(), access_log=None, shutdown_timeout=2.0)
            await r.setup()
            await web.TCPSite(r, "127.0.0.1", self.port, reuse_address=True).start()
            return r, r.addresses[0][1]

        self._runner, self.port = self.loop.run(go())

    def stop(self) -> None:
        if self._runner is not None:
            r, self._runner = self._runner, None
            self.loop.run(r.cleanup())

    def execute_while_stopped(self, command: Any, who: Principal = ADMIN) -> Any:
        """Change the hall's stored state while no server runs, so no client can see it happen."""
        assert self._runner is None
        store = Store(self.config.data_dir, durable=False)
        try:
            return HallService(self.config.hall, store, self.clock).execute(command, who)
        finally:
            store.close()

    def execute(self, command: P.Command, token: str = "admin") -> P.Result | P.Error:
        """Send a command as another client would: its own WebSocket, from the server's thread."""
        assert self._runner is not None
        if command.id is None:
            command = msgspec.structs.replace(command, id=f"helper-{uuid.uuid4().hex}")

        async def go() -> P.Result | P.Error:
            headers = {"Authorization": f"Bearer {self.tokens[token]}"}
            async with aiohttp.ClientSession() as session, session.ws_connect(f"{self.url}/ws",
                                                                                headers=headers) as ws:
                await ws.send_str(P.encode_text(command))
                for _ in range(10_000):  # the snapshot and other pushes come first
                    push = P.decode_push((await ws.receive(timeout=5)).data)
                    if isinstance(push, (P.Result, P.Error)) and push.id == command.id:
                        return push
            raise AssertionError(f"no reply to {command!r}")

        return self.loop.run(go())

    def snapshot(self, token: str = "admin") -> P.Snapshot:
        """The hall as this token's role sees it (admins see everything)."""
        reply = self.execute(P.GetSnapshot(), token)
        assert isinstance(reply, P.Result), reply
        return msgspec.convert(reply.data, P.Snapshot)


@pytest.fixture(scope="session")
def provisioned_data(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """Tokens and clerks once per session (PIN hashing is slow on purpose); each test copies the dir."""
    data = tmp_path_factory.mktemp("qtclient-provisioned") / "data"
    return data, provision(data)


@pytest.fixture
def loop_thread() -> Iterator[LoopThread]:
    lt = LoopThread()
    yield lt
    lt.close()


@pytest.fixture
def server(loop_thread, tmp_path, provisioned_data) -> Iterator[ServerThread]:
    yield from _server_thread(loop_thread, tmp_path / "data", provisioned_data)


@pytest.fixture
def sms_server(loop_thread, tmp_path, provisioned_data) -> Iterator[ServerThread]:
    """The same, with an SMS provider configured (the local fake gateway's protocol; nothing need listen: a message
    that cannot go out is retried), so kiosks and phone pages offer the opt-in."""
    yield from _server_thread(loop_thread, tmp_path / "sms-data", provisioned_data,
                              notify={"sms_url": "http://127.0.0.1:9/sms"})


def _server_thread(loop_thread, data: Path, provisioned_data, **extra) -> Iterator[ServerThread]:
    shutil.copytree(provisioned_data[0], data)
    srv = ServerThread(loop=loop_thread, config=ServerConfig(hall=make_config(), data_dir=data, durable=False,
                                                             extra=extra),
                       clock=Clock(at("09:00")), tokens=dict(provisioned_data[1]))
    srv.start()
    yield srv
    srv.stop()


def ws_app(handler: Callable, sockets: set[web.WebSocketResponse]) -> web.Application:
    """A fake hall server: only /ws, served by `handler`; the sockets it holds are closed at shutdown."""
    async def close_all(app: web.Application) -> None:
        for ws in list(sockets):
            await ws.close()

    app = web.Application()
    app.router.add_get("/ws", handler)
    app.on_shutdown.append(close_all)
    return app


def hung_app(snapshot: str | None) -> web.Application:
    """A /ws that completes the handshake, sends `snapshot` (if any) and then answers nothing, not even pings."""
    sockets: set[web.WebSocketResponse] = set()

    async def ws_handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=False)  # pings reach us, and we drop them: a hung server
        await ws.prepare(request)
        sockets.add(ws)
        if snapshot is not None:
            await ws.send_str(snapshot)
        async for _ in ws:
            pass
        sockets.discard(ws)
        return ws

    return ws_app(ws_handler, sockets)


@pytest.fixture
def make_hung_server(loop_thread, tmp_path) -> Iterator[Callable[[str | None], ServerThread]]:
    servers: list[ServerThread] = []

    def make(snapshot: str | None) -> ServerThread:
        srv = ServerThread(loop=loop_thread, config=ServerConfig(hall=make_config(), data_dir=tmp_path),
                           clock=Clock(at("09:00")), tokens={}, app_factory=lambda: hung_app(snapshot))
        srv.start()
        servers.append(srv)
        return srv

    yield make
    for srv in servers:
        srv.stop()


@dataclass
class ScriptedHall:
    """A /ws that sends `snapshot` on connect and handles each command frame as `script` says.

    script(connection, nth, command) -> "reply" | "refuse" | "ignore" | "drop", where `connection`
    counts connections from 1 and `nth` counts the frames with this command's id so far (1: the
    first). "reply" answers {"connection": c, "nth": n}; "refuse" an Error "id_reused"; "drop"
    closes the socket without a reply. `log` records ("snapshot", c) and ("frame", c, text) in order.
    """

    snapshot: str
    script: Callable[[int, int, P.Command], str]
    snapshot_delay: float = 0.0  # seconds between the handshake and the snapshot
    log: list[tuple] = field(default_factory=list)
    connections: int = 0
    _seen: dict[str, int] = field(default_factory=dict)

    def frames(self, cid: str | None = None) -> list[tuple[int, str]]:
        return [(e[1], e[2]) for e in self.log if e[0] == "frame" and (cid is None or P.decode_command(e[2]).id == cid)]

    def app(self) -> web.Application:
        sockets: set[web.WebSocketResponse] = set()

        async def ws_handler(request: web.Request) -> web.WebSocketResponse:
            ws = web.WebSocketResponse()
            await ws.prepare(request)
            sockets.add(ws)
            self.connections += 1
            conn = self.connections

            async def send_snapshot() -> None:
                await asyncio.sleep(self.snapshot_delay)
                self.log.append(("snapshot", conn))
                await ws.send_str(self.snapshot)

            # Frames are read (and logged) while the snapshot waits: one sent too early shows as such.
            snapshot_sent = asyncio.ensure_future(send_snapshot())
            async for msg in ws:
                self.log.append(("frame", conn, msg.data))
                cmd = P.decode_command(msg.data)
                nth = self._seen[cmd.id] = self._seen.get(cmd.id, 0) + 1
                action = self.script(conn, nth, cmd)
                if action == "reply":
                    await ws.send_str(P.encode_text(P.Result(id=cmd.id, data={"connection": conn, "nth": nth})))
                elif action == "refuse":
                    await ws.send_str(P.encode_text(P.Error(id=cmd.id, code="id_reused", message="scripted")))
                elif action == "drop":
                    await ws.close()
                else:
                    assert action == "ignore", action
            snapshot_sent.cancel()
            sockets.discard(ws)
            return ws

        return ws_app(ws_handler, sockets)


@pytest.fixture
def make_scripted_server(loop_thread, tmp_path) -> Iterator[Callable[[ScriptedHall], ServerThread]]:
    servers: list[ServerThread] = []

    def make(hall: ScriptedHall) -> ServerThread:
        srv = ServerThread(loop=loop_thread, config=ServerConfig(hall=make_config(), data_dir=tmp_path),
                           clock=Clock(at("09:00")), tokens={}, app_factory=hall.app)
        srv.start()
        servers.append(srv)
        return srv

    yield make
    for srv in servers:
        srv.stop()


@dataclass(eq=False)
class _Relayed:
    to_client: asyncio.StreamWriter
    to_server: asyncio.StreamWriter
    mode: str = "pass"  # server -> client bytes: "pass" | "lose" | "hold"
    held: list[bytes] = field(default_factory=list)


class Relay:
    """A TCP relay in front of a server: the network between a link and its server, which a test can break.

    It can lose or hold back what the server sends on the connections open now (commands still
    reach the server) and cut them; connections made later pass everything.
    """

    def __init__(self, loop: LoopThread, target_port: Callable[[], int]) -> None:
        self.loop = loop
        self.target_port = target_port
        self.port = 0
        self._conns: set[_Relayed] = set()
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        async def go() -> int:
            self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
            return self._server.sockets[0].getsockname()[1]

        self.port = self.loop.run(go())

    async def _relay(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            server_r, server_w = await asyncio.open_connection("127.0.0.1", self.target_port())
        except OSError:  # the server is down: the client sees its connection closed
            client_w.transport.abort()
            return
        conn = _Relayed(client_w, server_w)
        self._conns.add(conn)

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter, down: bool) -> None:
            try:
                while data := await src.read(65536):
                    if down and conn.mode == "lose":
                        continue
                    if down and conn.mode == "hold":
                        conn.held.append(data)
                        continue
                    dst.write(data)
                    await dst.drain()
            except OSError:
                pass

        tasks = [asyncio.create_task(pipe(client_r, server_w, False)), asyncio.create_task(pipe(server_r, client_w, True))]
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for t in tasks:
            t.cancel()
        self._conns.discard(conn)
        client_w.transport.abort()
        server_w.transport.abort()

    def _set(self, mode: str) -> None:
        async def go() -> int:
            for c in self._conns:
                if mode == "pass":
                    for data in c.held:
                        c.to_client.write(data)
                    c.held.clear()
                c.mode = mode
            return len(self._conns)

        assert self.loop.run(go()) > 0, "no connection to act on"

    def lose_replies(self) -> None:
        """What the server sends on the open connections is lost from now on."""
        self._set("lose")

    def hold_replies(self) -> None:
        """What the server sends on the open connections waits until release()."""
        self._set("hold")

    def release(self) -> None:
        self._set("pass")

    def cut(self) -> None:
        """Every open connection drops, as when a cable is pulled and put back."""
        async def go() -> None:
            for c in list(self._conns):
                c.to_client.transport.abort()
                c.to_server.transport.abort()

        self.loop.run(go())

    def close(self) -> None:
        async def go() -> None:
            if self._server is not None:
                self._server.close()
            for c in list(self._conns):
                c.to_client.transport.abort()
                c.to_server.transport.abort()

        self.loop.run(go())


@pytest.fixture
def relay(loop_thread, server) -> Iterator[Relay]:
    """The network between a link and the real server, for a test to break."""
    r = Relay(loop_thread, lambda: server.port)
    r.start()
    yield r
    r.close()


@pytest.fixture
def make_link(qtbot) -> Iterator[Callable[..., HallLink]]:
    links: list[HallLink] = []

    def make(url: str, token: str, *, timings: LinkTimings = FAST, start: bool = True) -> HallLink:
        link = HallLink(url, token, timings=timings)
        links.append(link)
        if start:
            with qtbot.waitSignal(link.snapshot_received, timeout=5000):
                link.start()
        return link

    yield make
    for link in links:
        link.stop()


__all__ = ["ADMIN", "FAST", "PINS", "LoopThread", "Relay", "ScriptedHall", "ServerThread"]


def device_seen(srv: ServerThread) -> dict[str, tuple]:
    """The server's heartbeats by device name: (last report, reports, version), read on the server's thread."""
    from server.app import SERVICE

    async def go() -> dict[str, tuple]:
        return dict(srv._runner.app[SERVICE].device_seen)

    return srv.loop.run(go())
