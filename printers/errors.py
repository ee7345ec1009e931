"""Printer errors: one exception per failure, each with a stable string `code` for the kiosk and logs."""
from __future__ import annotations


class PrinterError(Exception):
    """Base of every printer failure; `code` is stable (kiosk messages and metrics key on it)."""

    code = "printer_error"

    def __init__(self, message: str = "", *, code: str | None = None) -> None:
        super().__init__(message or self.code)
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return f"{self.code}: {self.args[0]}" if self.args and self.args[0] != self.code else self.code


class PrinterConfigError(PrinterError):
    """The printer configuration is invalid (unknown key, wrong type, unknown profile...)."""

    code = "invalid_printer_config"


class PrinterUnavailable(PrinterError):
    """The printer cannot be reached at all: connection refused, no such device, USB not found."""

    code = "printer_unreachable"


class PrinterConnectionLost(PrinterUnavailable):
    """The link broke during a job (reset, EOF, I/O error): the ticket may be half printed."""

    code = "connection_lost"


class PrinterWriteTimeout(PrinterUnavailable):
    """The printer stopped accepting data (buffer full, flow control held, cable half out)."""

    code = "write_timeout"


class PrinterOffline(PrinterError):
    """The printer is connected but reports offline, or does not answer status queries."""

    code = "printer_offline"


class PaperOut(PrinterError):
    """The paper roll is empty; nothing was sent (it would print later, when paper is loaded)."""

    code = "paper_out"


class CoverOpen(PrinterError):
    """The printer cover is open; nothing was sent."""

    code = "cover_open"
