"""Log hygiene for what strangers can send: a malformed HTTP request is one short warning line, at most a few a minute.

aiohttp logs every request its parser refuses (a NUL byte in a header, a bad request line)
as an ERROR with a full traceback; anyone on the LAN could fill the disk that way. The
client still gets its 400; the log gets one line, and a count of the lines it left out.
"""
from __future__ import annotations

import logging
import time

from aiohttp.http_exceptions import BadHttpMessage, HttpProcessingError

LINES_PER_MINUTE = 10


class BadRequestFilter(logging.Filter):
    def __init__(self, per_minute: int = LINES_PER_MINUTE, clock=time.monotonic) -> None:
        super().__init__()
        self.per_minute, self.clock = per_minute, clock
        self.window_start, self.lines, self.left_out = clock(), 0, 0

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if not isinstance(exc, BadHttpMessage | HttpProcessingError):
            return True
        now = self.clock()
        if now - self.window_start >= 60:
            if self.left_out:
                logging.getLogger("hallq.server").warning("%d more malformed requests in the last minute "
                                                          "(not logged one by one)", self.left_out)
            self.window_start, self.lines, self.left_out = now, 0, 0
        if self.lines >= self.per_minute:
            self.left_out += 1
            return False
        self.lines += 1
        first_line = str(getattr(exc, "message", exc)).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        record.msg, record.args = "malformed request refused (%s %s): %s", (exc.code, type(exc).__name__, first_line)
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info = record.exc_text = None
        return True


def install() -> None:
    """Once per process: aiohttp's server logger gets the filter."""
    logger = logging.getLogger("aiohttp.server")
    if not any(isinstance(f, BadRequestFilter) for f in logger.filters):
        logger.addFilter(BadRequestFilter())
