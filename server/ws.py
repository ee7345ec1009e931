"""One WebSocket subscriber: pushes are written straight into its transport; a client whose unsent bytes pass the limit is dropped.

Why not a writer task per client: a broadcast to 1,000 displays would wake 1,000 tasks. A
push is one complete frame written synchronously on the event loop thread, so frames never
interleave with aiohttp's own (ping, pong, close), and the transport's buffer is the bounded
outbox: the kernel drains it, and nobody ever awaits a slow client.
"""
from __future__ import annotations

import asyncio
import logging
import struct

from aiohttp import web

log = logging.getLogger("hallq.server.ws")


_last: tuple[bytes, bytes] = (b"", b"")


def text_frame(payload: bytes) -> bytes:
    """An unmasked, uncompressed, final text frame (RFC 6455 section 5.2), as a server sends it.

    A broadcast offers the same payload object to every subscriber: it is framed once."""
    global _last
    if _last[0] is payload:
        return _last[1]
    frame = _frame(payload)
    _last = (payload, frame)
    return frame


def _frame(payload: bytes) -> bytes:
    n = len(payload)
    if n < 126:
        header = struct.pack("!BB", 0x81, n)
    elif n < 1 << 16:
        header = struct.pack("!BBH", 0x81, 126, n)
    else:
        header = struct.pack("!BBQ", 0x81, 127, n)
    return header + payload


class WsSubscriber:
    def __init__(self, ws: web.WebSocketResponse, transport: asyncio.Transport, name: str, limit_bytes: int, *,
                 audience: str, token_hash: str = "") -> None:
        self.ws = ws
        self.transport = transport
        self.name = name
        self.limit = limit_bytes
        self.audience = audience  # what this client may see (server.views)
        self.token_hash = token_hash  # revoking the token closes this socket
        self.dropped: str | None = None
        self.revoked = False  # its token was revoked: no more commands, closing

    def offer(self, payload: bytes) -> bool:
        """Write one push now; False when the client is gone or too far behind (the caller drops it)."""
        if self.dropped is not None or self.transport.is_closing():
            return False
        if self.transport.get_write_buffer_size() > self.limit:
            return False
        self.transport.write(text_frame(payload))
        return True

    def drop(self, reason: str) -> None:
        if self.dropped is None:
            self.dropped = reason
            log.warning("dropping client %s: %s", self.name, reason)
            # Its buffer is full, so a polite close frame would wait behind it: cut the line.
            self.transport.abort()

    async def close(self, code: int, message: bytes) -> None:
        if self.dropped is None:
            await self.ws.close(code=code, message=message)

