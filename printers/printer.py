"""TicketPrinter: renders a ticket, checks the printer's status, sends the bytes; the kiosk's one entry point."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from printers.config import PrinterConfig
from printers.encoder import EncodeOptions, encode_layout
from printers.errors import PrinterError
from printers.layout import TicketLayout, ticket_layout
from printers.status import (
    PrinterState,
    PrinterStatus,
    query_status,
    raise_unless_printable,
    read_status_byte,
)
from printers.ticket import PrintableTicket
from printers.transports import Job, Transport, make_transport

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PrintResult:
    bytes_sent: int
    status: PrinterStatus  # as checked before sending
    # True: the printer answered a status query sent after the job, so it has every byte.
    # False: no answer (yet); None: this transport cannot tell.
    confirmed: bool | None
    elapsed: float


class TicketPrinter:
    """Thread-safe; blocking calls, bounded in time: run them off the GUI thread."""

    def __init__(self, config: PrinterConfig, *,
                 transport_factory: Callable[[PrinterConfig], Transport] | None = None,
                 usb_backend: Any = None) -> None:
        self.config = config
        self._factory = transport_factory or (lambda c: make_transport(c, usb_backend=usb_backend))
        self._lock = threading.Lock()
        self.last_status: PrinterStatus | None = None

    # --- rendering (no I/O) -----------------------------------------------------------------

    @property
    def encode_options(self) -> EncodeOptions:
        c = self.config
        return EncodeOptions(c.text_encoding, c.native_qr, c.allows_four_byte_chars)

    def layout(self, ticket: PrintableTicket) -> TicketLayout:
        return ticket_layout(ticket, self.config.width_mm)

    def encode(self, ticket: PrintableTicket) -> bytes:
        return encode_layout(self.layout(ticket), self.encode_options)

    def preview_png(self, ticket: PrintableTicket) -> bytes:
        from printers.preview import render_png

        return render_png(self.layout(ticket))

    # --- I/O ----------------------------------------------------------------------------------

    def status(self) -> PrinterStatus:
        """The printer's state within status_timeout (<= 1 s), opening included. Never raises.

        While a job holds the printer, answers at once with the last known state instead.
        """
        if not self._lock.acquire(timeout=self.config.status_timeout):
            last = self.last_status
            if last is None:
                return PrinterStatus(PrinterState.UNKNOWN, "busy with a job")
            return PrinterStatus(last.state, "busy with a job; last known state", last.replies, 0.0)
        try:
            start = time.monotonic()
            transport = self._factory(self.config)
            try:
                try:
                    transport.open(self.config.status_timeout)
                except PrinterError as exc:
                    status = PrinterStatus(PrinterState.UNREACHABLE, str(exc), elapsed=time.monotonic() - start)
                else:
                    left = max(self.config.status_timeout - (time.monotonic() - start), 0.01)
                    status = self._query(transport, left)
            finally:
                transport.close()
            self.last_status = status
            return status
        finally:
            self._lock.release()

    def print_ticket(self, ticket: PrintableTicket) -> PrintResult:
        layout = self.layout(ticket)
        return self.print_layout(layout, name=ticket.number)

    def print_layout(self, layout: TicketLayout, name: str = "job") -> PrintResult:
        from printers.preview import render_png

        data = encode_layout(layout, self.encode_options)
        return self.print_job(Job(data, name, lambda: render_png(layout)))

    def print_job(self, job: Job) -> PrintResult:
        """Send one job; refuses (sending nothing) when the printer is out of paper, open or offline."""
        with self._lock:
            start = time.monotonic()
            transport = self._factory(self.config)
            try:
                transport.open(self.config.connect_timeout)
                status = self._query(transport, self.config.status_timeout)
                self.last_status = status
                raise_unless_printable(status)
                transport.write_job(job)
                confirmed = self._confirm(transport, len(job.data))
            except PrinterError as exc:
                # Logged once, here at the boundary; callers get the stable code.
                log.warning("printer %s (%s): %s", self.config.name, self.config.transport, exc)
                raise
            finally:
                transport.close()
            return PrintResult(len(job.data), status, confirmed, time.monotonic() - start)

    def _query(self, transport: Transport, timeout: float) -> PrinterStatus:
        if not self.config.queries_status and getattr(transport, "fault", None) is None:
            return PrinterStatus(PrinterState.UNKNOWN, "status queries are off for this printer")
        return query_status(transport, timeout)

    def _confirm(self, transport: Transport, job_bytes: int) -> bool | None:
        """One DLE EOT 1 after the job: a reply proves the printer received every byte before it;
        a reset or EOF here means the job was cut off (raised as PrinterConnectionLost)."""
        if not (self.config.queries_status and transport.supports_read):
            return None
        transport.write(b"\x10\x04\x01", timeout=self.config.status_timeout)
        # On a slow serial line the job may still be on the wire: wait for it, then the reply.
        wait = transport.transfer_seconds(job_bytes + 3) + self.config.status_timeout
        reply, _ = read_status_byte(transport, time.monotonic() + wait)
        if reply is None:
            log.info("printer %s did not confirm the job in time", self.config.name)
            return False
        return True

