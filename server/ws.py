"""One WebSocket subscriber: a bounded outbox drained by its own writer task, so a slow client never slows the hall."""
from __future__ import annotations

import asyncio
import logging
from collections import deque

from aiohttp import WSCloseCode, web

log = logging.getLogger("hallq.server.ws")


class WsSubscriber:
    def __init__(self, ws: web.WebSocketResponse, name: str, limit: int) -> None:
        self.ws = ws
        self.name = name
        self.limit = limit
        self.outbox: deque[str] = deque()
        self._wake = asyncio.Event()
        self.dropped: str | None = None

    def offer(self, text: str) -> bool:
        if self.dropped is not None:
            return False
        if len(self.outbox) >= self.limit:
            return False
        self.outbox.append(text)
        self._wake.set()
        return True

    def drop(self, reason: str) -> None:
        if self.dropped is None:
            self.dropped = reason
            self.outbox.clear()
            log.warning("dropping client %s: %s", self.name, reason)
            asyncio.get_running_loop().create_task(
                self.ws.close(code=WSCloseCode.TRY_AGAIN_LATER, message=reason.encode()[:120]))
            self._wake.set()

    async def run_writer(self) -> None:
        try:
            while self.dropped is None:
                while self.outbox and self.dropped is None:
                    await self.ws.send_str(self.outbox.popleft())
                self._wake.clear()
                if self.outbox:
                    continue
                await self._wake.wait()
        except (ConnectionResetError, ConnectionError, RuntimeError) as exc:
            log.info("client %s went away while writing: %s", self.name, exc)
