"""Printer status from our own DLE EOT 1/2/4 queries (bounded, <= 1 s), mapped to stable states.

Rule: a reply byte counts only if it matches the DLE EOT pattern 0xx1xx10; anything else
(ASB bytes, line noise, a late reply) is skipped. No valid reply in time means `offline`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Mapping

from printers.errors import (
    CoverOpen,
    PaperOut,
    PrinterError,
    PrinterOffline,
    PrinterUnavailable,
    PrinterWriteTimeout,
)
from printers.transports import Transport

DLE_EOT = b"\x10\x04"
# Bits of the replies (Epson ESC/POS reference, DLE EOT).
EOT1_OFFLINE = 0x08
EOT2_COVER_OPEN = 0x04
EOT2_PAPER_END_STOP = 0x20
EOT2_ERROR = 0x40
EOT4_NEAR_END = 0x0C
EOT4_PAPER_OUT = 0x60


class PrinterState(StrEnum):
    READY = "ready"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"  # link up, but the printer reports offline or does not answer
    UNREACHABLE = "unreachable"  # no link at all
    UNKNOWN = "unknown"  # reachable, but status queries are off for this printer


PRINTABLE = frozenset({PrinterState.READY, PrinterState.PAPER_NEAR_END, PrinterState.UNKNOWN})


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    state: PrinterState
    detail: str = ""
    replies: Mapping[int, int] = field(default_factory=dict)  # DLE EOT n -> reply byte
    elapsed: float = 0.0

    @property
    def printable(self) -> bool:
        return self.state in PRINTABLE

    def describe(self) -> str:
        raw = " ".join(f"EOT{n}={b:#04x}" for n, b in sorted(self.replies.items()))
        return " · ".join(x for x in (self.state.value, self.detail, raw) if x)


def is_status_byte(b: int) -> bool:
    """DLE EOT replies look like 0xx1xx10: bits 1 and 4 set, bits 0 and 7 clear."""
    return b & 0b1001_0011 == 0b0001_0010


def state_from_replies(eot1: int, eot2: int, eot4: int) -> PrinterState:
    # Cover first: with the cover up, many printers' paper sensor also reads "no paper".
    if eot2 & EOT2_COVER_OPEN:
        return PrinterState.COVER_OPEN
    if eot4 & EOT4_PAPER_OUT or eot2 & EOT2_PAPER_END_STOP:
        return PrinterState.PAPER_OUT
    if eot1 & EOT1_OFFLINE or eot2 & EOT2_ERROR:
        return PrinterState.OFFLINE
    if eot4 & EOT4_NEAR_END:
        return PrinterState.PAPER_NEAR_END
    return PrinterState.READY


def read_status_byte(transport: Transport, deadline: float) -> tuple[int | None, bytes]:
    """The first valid status byte before `deadline`, and any invalid bytes skipped on the way."""
    skipped = bytearray()
    while (left := deadline - time.monotonic()) > 0:
        for b in transport.read(1, left):
            if is_status_byte(b):
                return b, bytes(skipped)
            skipped.append(b)
        if len(skipped) > 64:  # a chattering line: give up early, it is not a status reply
            break
    return None, bytes(skipped)


def query_status(transport: Transport, timeout: float) -> PrinterStatus:
    """Ask DLE EOT 1, 2, 4 on an open transport; never raises PrinterError, never exceeds `timeout`."""
    start = time.monotonic()
    deadline = start + timeout
    fault = getattr(transport, "fault", None)
    if fault is not None:  # the virtual printer knows its state without asking
        name = fault()
        state = PrinterState(name) if name else PrinterState.READY
        return PrinterStatus(state, "virtual printer", elapsed=time.monotonic() - start)
    if not transport.supports_read:
        return PrinterStatus(PrinterState.UNKNOWN, "this transport cannot read status")
    replies: dict[int, int] = {}
    try:
        transport.discard_input()
        for n in (1, 2, 4):
            left = deadline - time.monotonic()
            if left <= 0:
                break
            transport.write(DLE_EOT + bytes([n]), timeout=left)
            reply, skipped = read_status_byte(transport, deadline)
            if reply is None:
                why = f"invalid reply {skipped.hex(' ')}" if skipped else "no reply"
                return PrinterStatus(PrinterState.OFFLINE, f"{why} to DLE EOT {n}", replies,
                                     time.monotonic() - start)
            replies[n] = reply
    except PrinterWriteTimeout as exc:
        # Linked, but not even a 3-byte query gets through: busy or jammed, not gone.
        return PrinterStatus(PrinterState.OFFLINE, str(exc), replies, time.monotonic() - start)
    except PrinterError as exc:
        return PrinterStatus(PrinterState.UNREACHABLE, str(exc), replies, time.monotonic() - start)
    elapsed = time.monotonic() - start
    if len(replies) < 3:
        return PrinterStatus(PrinterState.OFFLINE, "status round ran out of time", replies, elapsed)
    return PrinterStatus(state_from_replies(replies[1], replies[2], replies[4]), "", replies, elapsed)


def raise_unless_printable(status: PrinterStatus) -> None:
    """Turn a status that forbids printing into its error (nothing must be sent then)."""
    detail = status.detail or status.state.value
    match status.state:
        case PrinterState.PAPER_OUT:
            raise PaperOut(detail)
        case PrinterState.COVER_OPEN:
            raise CoverOpen(detail)
        case PrinterState.OFFLINE:
            raise PrinterOffline(detail)
        case PrinterState.UNREACHABLE:
            raise PrinterUnavailable(detail)
