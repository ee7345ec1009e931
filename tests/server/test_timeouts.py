"""Sockets that hold a connection without finishing a request are closed: idle, slow headers, slow body."""
from __future__ import annotations

import asyncio
import time

import pytest

from server.app import ServerConfig
from server.runner import start
from tests.queuecore.conftest import make_config


@pytest.fixture
async def server(tmp_path, provisioned):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(provisioned[0], data)
    cfg = ServerConfig(hall=make_config(), data_dir=data, idle_timeout_s=1.0, body_timeout_s=1.0)
    runner, port = await start(cfg, "127.0.0.1", 0)
    yield port, provisioned[1]
    await runner.cleanup()


async def closed_after(reader: asyncio.StreamReader, limit_s: float) -> tuple[float, bytes]:
    """Seconds until the server closes the connection (reading whatever it sends first)."""
    t0 = time.monotonic()
    data = b""
    while True:
        chunk = await asyncio.wait_for(reader.read(4096), limit_s)
        if not chunk:
            return time.monotonic() - t0, data
        data += chunk


async def test_an_idle_socket_is_closed(server) -> None:
    port, _ = server
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    took, _ = await closed_after(reader, 10)
    assert took < 5
    writer.close()


async def test_headers_sent_byte_by_byte_are_cut_off(server) -> None:
    port, _ = server
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200
    t0 = time.monotonic()
    closed = False
    for byte in request:  # one byte every 50 ms: 12 s for the whole header if nobody stopped it
        try:
            writer.write(bytes([byte]))
            await writer.drain()
        except ConnectionError:
            closed = True
            break
        if reader.at_eof():
            closed = True
            break
        try:
            if await asyncio.wait_for(reader.read(1), 0.05) == b"":
                closed = True
                break
        except TimeoutError:
            pass
    assert closed and time.monotonic() - t0 < 5
    writer.close()


async def test_a_body_that_never_arrives_is_answered_408(server) -> None:
    port, tokens = server
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST /api/tickets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + tokens["kiosk"].encode()
                 + b"\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"serv")
    await writer.drain()
    took, reply = await closed_after(reader, 10)
    assert reply.startswith(b"HTTP/1.1 408"), reply[:200]
    assert b'"body_timeout"' in reply
    assert took < 5
    writer.close()


async def test_a_normal_keep_alive_client_is_served(server) -> None:
    port, _ = server
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for _ in range(3):
        writer.write(b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        assert head.startswith(b"HTTP/1.1 200")
        length = int([h for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")][0].split(b":")[1])
        await reader.readexactly(length)
    writer.close()
