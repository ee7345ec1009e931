"""Input a fuzzer sends: each is a 400 with a stable code, the socket stays usable, and nothing is stored."""
from __future__ import annotations

import asyncio
import sqlite3

import msgspec
import pytest



def stored(srv) -> tuple[int, int, int]:
    with sqlite3.connect(srv.data / "hallq.db") as conn:
        return tuple(conn.execute(f"select count(*) from {t}").fetchone()[0]
                     for t in ("tickets", "events", "appointments"))


async def raw_http(srv, request: bytes) -> bytes:
    """One request on a raw socket (headers an HTTP client library would refuse to send)."""
    reader, writer = await asyncio.open_connection(srv.client.server.host, srv.client.server.port)
    writer.write(request)
    await writer.drain()
    data = await asyncio.wait_for(reader.read(65536), 10)
    writer.close()
    return data


async def test_a_non_utf8_idempotency_key_is_refused_and_no_ghost_ticket_is_stored(srv) -> None:
    before = stored(srv)
    body = b'{"service":"estate"}'
    request = (b"POST /api/tickets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + srv.tokens["kiosk"].encode()
               + b"\r\nIdempotency-Key: tap-\xff\xfe\x80\r\nContent-Type: application/json\r\nContent-Length: "
               + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
    reply = await raw_http(srv, request)
    head, _, payload = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400"), head
    assert msgspec.json.decode(payload)["code"] == "invalid_format"
    assert stored(srv) == before
    assert not srv.service.hall.tickets


@pytest.mark.parametrize("key", ["", "tap 1", "x" * 65, "tap\t1", "键"])
async def test_an_idempotency_key_outside_visible_ascii_is_refused(srv, key) -> None:
    before = stored(srv)
    r = await srv.client.post("/api/tickets", data=b'{"service":"estate"}',
                              headers={**srv.auth("kiosk"), "Idempotency-Key": key.encode("utf-8").decode("latin-1")})
    assert r.status == 400, await r.text()
    assert (await r.json())["code"] == "invalid_format"
    assert stored(srv) == before


DEEP = b"[" * 5000 + b"]" * 5000


@pytest.mark.parametrize("path, body", [
    ("/api/tickets", b'{"service":' + DEEP + b"}"),
    ("/api/tickets", DEEP),
    ("/api/appointments", b'{"appointments":' + DEEP + b"}"),
    ("/api/windows/1/call", b'{"number":' + DEEP + b"}"),
    ("/api/tickets", b'{"service":"estate","x":' + b'{"a":' * 3000 + b"1" + b"}" * 3001),
])
async def test_json_nested_thousands_deep_is_a_400_on_rest(srv, path, body) -> None:
    before = stored(srv)
    r = await srv.post(path, "admin", body)
    assert r.status == 400, await r.text()
    assert (await r.json())["code"] in ("invalid_json", "invalid_format")
    assert stored(srv) == before


async def test_json_nested_thousands_deep_on_the_socket_is_an_error_reply_and_the_socket_lives(srv) -> None:
    ws = await srv.ws("kiosk")
    await ws.receive_json()  # snapshot
    await ws.send_str('{"type":"issue_ticket","id":"d1","service":' + "[" * 5000 + "]" * 5000 + "}")
    reply = await ws.receive_json(timeout=5)
    assert reply["type"] == "error" and reply["code"] in ("invalid_json", "invalid_format")
    await ws.send_str('{"type":"ping","id":"p1"}')
    pong = await ws.receive_json(timeout=5)
    assert pong["type"] == "result" and pong["id"] == "p1"  # the socket survived
    await ws.close()


@pytest.mark.parametrize("start, end", [
    ("9999-12-31T23:00:00-12:00", "9999-12-31T23:30:00-12:00"),
    ("0001-01-01T00:00:00+14:00", "0001-01-01T00:30:00+14:00"),
    ("2026-11-24T09:00:00", "2026-11-24T09:30:00"),  # no offset: whose 09:00?
    ("9999-12-31T23:00-12:00", "9999-12-31T23:30-12:00"),
])
async def test_appointment_times_at_the_limits_are_refused(srv, start, end) -> None:
    before = stored(srv)
    body = {"appointments": [{"code": "EDGE1", "service": "estate", "start": start, "end": end}]}
    r = await srv.post("/api/appointments", "admin", body)
    assert r.status == 400, await r.text()
    assert (await r.json())["code"] == "invalid_format"
    assert stored(srv) == before


async def test_a_command_id_with_control_characters_is_refused_on_the_socket(srv) -> None:
    ws = await srv.ws("kiosk")
    await ws.receive_json()
    await ws.send_str('{"type":"issue_ticket","id":"a\\u0000b","service":"estate"}')
    reply = await ws.receive_json(timeout=5)
    assert reply["type"] == "error" and reply["code"] == "invalid_format"
    assert not srv.service.hall.tickets
    await ws.close()



async def test_malformed_requests_are_short_warnings_not_tracebacks_and_bounded(srv, caplog) -> None:
    import logging

    caplog.set_level(logging.INFO)
    for _ in range(25):
        reply = await raw_http(srv, b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\nConnection: close\r\n\r\n")
        assert reply.startswith(b"HTTP/1.0 400") or reply.startswith(b"HTTP/1.1 400")
    records = [r for r in caplog.records if r.name == "aiohttp.server"]
    assert 1 <= len(records) <= 10  # at most LINES_PER_MINUTE a minute
    assert all(r.levelno == logging.WARNING and r.exc_info is None for r in records)
    assert "Traceback" not in caplog.text


def test_the_bad_request_filter_counts_what_it_left_out() -> None:
    import logging

    from aiohttp.http_exceptions import BadHttpMessage

    from server.logs import BadRequestFilter

    now = [0.0]
    f = BadRequestFilter(per_minute=2, clock=lambda: now[0])

    def record() -> logging.LogRecord:
        exc = BadHttpMessage("Invalid header value char")
        return logging.LogRecord("aiohttp.server", logging.ERROR, __file__, 1, "Error handling request", (),
                                 (type(exc), exc, None))

    kept = [f.filter(record()) for _ in range(5)]
    assert kept == [True, True, False, False, False] and f.left_out == 3
    now[0] = 61.0
    assert f.filter(record()) and f.left_out == 0
    other = logging.LogRecord("aiohttp.server", logging.ERROR, __file__, 1, "boom", (), None)
    assert f.filter(other) and other.levelno == logging.ERROR  # other errors pass untouched
