"""WebSocket push with real clients: snapshot then gap-free changes, announcements, commands with ids, slow clients dropped."""
from __future__ import annotations

import asyncio
import socket

import pytest
from aiohttp import WSCloseCode, WSMsgType

from queuecore import protocol as P
from server.auth import Principal
from server.ws import WsSubscriber
from tests.server.conftest import PINS, many_windows_config


def sockets(srv) -> list[WsSubscriber]:
    """The WebSocket clients among the service's subscribers (the notify worker's Waker is one too)."""
    return [s for s in srv.service.subscribers if isinstance(s, WsSubscriber)]

KIOSK = Principal(role="admin", name="in-process", key="in-process")  # admin: no per-kiosk rate limit


async def recv(ws, timeout: float = 5.0) -> dict:
    msg = await asyncio.wait_for(ws.receive(), timeout)
    assert msg.type == WSMsgType.TEXT, msg
    return msg.json()


async def recv_until(ws, type_: str, timeout: float = 5.0) -> dict:
    while True:
        m = await recv(ws, timeout)
        if m["type"] == type_:
            return m


async def recv_announcement(ws, timeout: float = 5.0) -> dict:
    while True:
        m = await recv_until(ws, "change", timeout)
        if m["announcements"]:
            assert m["announcements"][0]["version"] == m["version"]
            return m["announcements"][0]


async def test_snapshot_first_then_every_change_to_every_client(srv) -> None:
    a, b = await srv.ws("display"), await srv.ws("kiosk")
    snap_a, snap_b = await recv(a), await recv(b)
    assert snap_a["type"] == snap_b["type"] == "snapshot"
    assert snap_a["hall"]["name_zh"] == "测试大厅" and snap_a["protocol"] == P.PROTOCOL_VERSION
    v = snap_a["version"]
    await srv.post("/api/tickets", "kiosk", {"service": "estate"})
    for ws in (a, b):
        change = await recv(ws)
        assert change["type"] == "change" and change["version"] == v + 1
        assert change["events"][0]["type"] == "ticket_issued" and change["tickets"][0]["number"] == "A001"
        assert change["services"][0] == {**change["services"][0], "code": "estate", "waiting": 1}
    # decodes with the shared protocol, as the Qt client will
    assert isinstance(P.decode_push(P.encode(P.decode_push(__import__("json").dumps(change)))), P.Change)


async def test_call_over_the_socket_echoes_the_id_and_announces(srv) -> None:
    display = await srv.ws("display")
    await recv(display)
    await srv.post("/api/tickets", "kiosk", {"service": "estate"})
    await recv(display)
    clerk = await srv.ws("window1")
    await recv(clerk)
    await clerk.send_json({"type": "sign_in", "id": "s-1", "staff_id": "s1", "pin": PINS["s1"]})
    reply = await recv_until(clerk, "result")
    assert reply["id"] == "s-1"
    await clerk.send_json({"type": "call_next", "id": "c-1"})
    reply = await recv_until(clerk, "result")
    assert reply["id"] == "c-1" and reply["data"]["ticket"]["number"] == "A001"
    ann = await recv_announcement(display)
    assert (ann["type"], ann["number"], ann["window"], ann["window_name_zh"], ann["recall"]) == (
        "announce", "A001", 1, "1号窗口", 0)
    await clerk.send_json({"type": "recall", "id": "c-2"})
    ann = await recv_announcement(display)
    assert ann["recall"] == 1
    await clerk.send_json({"type": "call_next", "id": "c-3"})
    err = await recv_until(clerk, "error")
    assert (err["id"], err["code"]) == ("c-3", "window_busy")


@pytest.mark.parametrize(
    ("frame", "code", "echo"),
    [("{oops", "invalid_json", None), ('{"type": "call_next", "id": "x9", "bogus": 1}', "invalid_format", "x9"),
     ('{"type": "fly", "id": "x8"}', "invalid_format", "x8"), ('{"type": "recall", "window": "one", "id": "x7"}',
                                                                "invalid_format", "x7")],
)
async def test_bad_frames_get_an_error_with_the_id_and_change_nothing(srv, frame, code, echo) -> None:
    ws = await srv.ws("admin")
    snap = await recv(ws)
    await ws.send_str(frame)
    err = await recv(ws)
    assert (err["type"], err["code"], err["id"]) == ("error", code, echo)
    assert srv.service.hall.version == snap["version"]


async def test_kiosk_cannot_call_over_the_socket(srv) -> None:
    ws = await srv.ws("kiosk")
    await recv(ws)
    await ws.send_json({"type": "call_next", "window": 1, "id": "k1"})
    err = await recv(ws)
    assert (err["code"], err["id"]) == ("forbidden", "k1")


async def test_unauthenticated_socket_is_refused(srv) -> None:
    r = await srv.client.get("/ws?token=nope")
    assert r.status == 401


async def test_clients_joining_mid_stream_see_no_gap(srv) -> None:
    """Snapshot and joining the broadcast are one step: the first change is exactly snapshot version + 1."""
    stop = asyncio.Event()

    async def issuer() -> None:
        while not stop.is_set():
            srv.service.execute(P.IssueTicket(service="social"), KIOSK)
            await asyncio.sleep(0)

    task = asyncio.create_task(issuer())
    clients = []
    for _ in range(8):
        clients.append(await srv.ws("display"))
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)
    stop.set()
    await task
    for ws in clients:
        snap = await recv(ws)
        expected = snap["version"] + 1
        while True:
            try:
                m = await recv(ws, timeout=0.3)
            except asyncio.TimeoutError:
                break
            assert m["version"] == expected
            expected += 1
        assert expected - 1 == srv.service.hall.version


async def test_a_client_that_stops_reading_is_dropped_and_others_are_not_held_up(make_server) -> None:
    srv = await make_server(outbox_bytes=16 * 1024)
    fast = await srv.ws("display")
    await recv(fast)
    # A raw socket that completes the handshake and then never reads, with a tiny receive buffer.
    host, port = srv.client.server.host, srv.client.server.port
    slow = socket.socket()
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    slow.connect((host, port))
    slow.sendall((f"GET /ws?token={srv.tokens['display']} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    for _ in range(100):
        if len(sockets(srv)) == 2:
            break
        await asyncio.sleep(0.01)
    assert len(sockets(srv)) == 2
    # Small kernel buffers on the server side too, so a stalled reader backs up within a few hundred pushes.
    for sub in sockets(srv):
        sub.transport.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    received: list[int] = []

    async def drain_fast() -> None:
        while True:
            received.append((await recv(fast))["version"])

    reader = asyncio.create_task(drain_fast())
    dropped_after = None
    for i in range(3000):  # bounded: far more than the buffers can hold
        srv.service.execute(P.IssueTicket(service="social"), KIOSK)
        await asyncio.sleep(0.0005)
        if len(sockets(srv)) == 1:
            dropped_after = i
            break
    assert dropped_after is not None, "the stalled client was never dropped"
    last = srv.service.execute(P.IssueTicket(service="social"), KIOSK)
    assert isinstance(last, P.Result)
    for _ in range(200):
        if received and received[-1] == srv.service.hall.version:
            break
        await asyncio.sleep(0.01)
    reader.cancel()
    slow.close()
    # The fast client got every change, in order, while the slow one was dropped.
    assert received == list(range(received[0], srv.service.hall.version + 1))
    assert len(received) == dropped_after + 2


async def test_fifty_windows_calling_at_once_never_get_the_same_ticket(make_server) -> None:
    cfg = many_windows_config(50)
    srv = await make_server(config=cfg)
    from server.cli import add_clerk_in

    for w in range(1, 51):
        add_clerk_in(srv.data, f"c{w}", f"Clerk {w}", "1234")
    for _ in range(120):
        srv.service.execute(P.IssueTicket(service="social"), KIOSK)
    sockets = [await srv.ws(f"window{w}") for w in range(1, 51)]
    for w, ws in enumerate(sockets, start=1):
        await recv(ws)
        await ws.send_json({"type": "sign_in", "id": f"in{w}", "staff_id": f"c{w}", "pin": "1234"})
    for ws in sockets:
        assert (await recv_until(ws, "result", timeout=20))["data"]["window"]["clerk"]

    async def call(ws, w: int, round_: int) -> str:
        await ws.send_json({"type": "call_next", "id": f"call-{w}-{round_}"})
        reply = await recv_until(ws, "result")
        await ws.send_json({"type": "finish", "id": f"fin-{w}-{round_}"})
        await recv_until(ws, "result")
        return reply["data"]["ticket"]["number"]

    numbers = []
    for round_ in range(2):
        numbers += await asyncio.gather(*(call(ws, w, round_) for w, ws in enumerate(sockets, start=1)))
    assert len(numbers) == 100 and len(set(numbers)) == 100
    # REST callers at the same moment, too
    rest = await asyncio.gather(*(srv.post(f"/api/windows/{w}/call-next", f"window{w}") for w in range(1, 21)))
    got = [(await r.json())["ticket"]["number"] for r in rest]
    assert len(set(got)) == 20 and not set(got) & set(numbers)


async def test_shutdown_closes_sockets_going_away(make_server) -> None:
    srv = await make_server()
    ws = await srv.ws("display")
    await recv(ws)
    closing = asyncio.create_task(srv.client.server.close())
    msg = await asyncio.wait_for(ws.receive(), 5)
    assert msg.type == WSMsgType.CLOSE and msg.data == WSCloseCode.GOING_AWAY
    await closing


async def test_ping_answers_the_version_for_browsers(srv) -> None:
    ws = await srv.ws("display")
    snap = await recv(ws)
    await ws.send_json({"type": "ping", "id": "live-1"})
    reply = await recv_until(ws, "result")
    assert (reply["id"], reply["data"]["version"]) == ("live-1", snap["version"])


async def test_kiosks_hear_when_issuing_hours_end_without_any_command(make_server) -> None:
    srv = await make_server(tick_s=0.05)
    ws = await srv.ws("kiosk")
    snap = await recv(ws)
    estate = next(s for s in snap["services"] if s["code"] == "estate")
    assert estate["refusal"] is None  # 09:00, inside 08:30-12:00
    await asyncio.sleep(0.2)  # the ticker's first look
    srv.clock.now = srv.clock.now.replace(hour=12, minute=1)
    change = await recv_until(ws, "change")
    assert change["version"] == snap["version"] + 1 and change["events"] == []
    (estate,) = [s for s in change["services"] if s["code"] == "estate"]
    assert estate["refusal"] == "outside_hours"
    assert srv.service.store.meta("version") == str(change["version"])  # stored like any change


async def test_a_new_day_starts_at_midnight_by_itself(make_server) -> None:
    srv = await make_server(tick_s=0.05)
    srv.service.execute(P.IssueTicket(service="social"), KIOSK)
    ws = await srv.ws("display")
    await recv(ws)
    srv.clock.now = srv.clock.now.replace(hour=23, minute=59, second=59) + __import__("datetime").timedelta(seconds=2)
    change = await recv_until(ws, "change")
    assert any(e["type"] == "day_started" for e in change["events"])
