"""Status: the DLE EOT reply pattern, the mapping to states, and the bounded query round."""
from __future__ import annotations

import time

import pytest

from printers.errors import CoverOpen, PaperOut, PrinterOffline, PrinterUnavailable, PrinterWriteTimeout
from printers.status import (
    PrinterState,
    PrinterStatus,
    is_status_byte,
    query_status,
    raise_unless_printable,
    state_from_replies,
)
from printers.transports import Transport

S = PrinterState


@pytest.mark.parametrize(
    ("eot1", "eot2", "eot4", "state"),
    [
        (0x12, 0x12, 0x12, S.READY),
        (0x16, 0x12, 0x12, S.READY),            # drawer pin 3 high: not our business
        (0x12, 0x12, 0x1E, S.PAPER_NEAR_END),   # 0x0C: roll near its end
        (0x1A, 0x32, 0x7E, S.PAPER_OUT),        # what emupos answers with paper-out
        (0x12, 0x12, 0x72, S.PAPER_OUT),        # 0x60 alone
        (0x1A, 0x32, 0x12, S.PAPER_OUT),        # stopped by paper end (DLE EOT 2 bit 5)
        (0x1A, 0x16, 0x12, S.COVER_OPEN),
        (0x1A, 0x36, 0x7E, S.COVER_OPEN),       # cover up: the paper sensor also reads empty
        (0x1A, 0x52, 0x12, S.OFFLINE),          # error occurred
        (0x1A, 0x12, 0x12, S.OFFLINE),          # offline, no cause given
    ],
)
def test_replies_map_to_stable_states(eot1, eot2, eot4, state):
    assert state_from_replies(eot1, eot2, eot4) is state


@pytest.mark.parametrize(("byte", "valid"), [
    (0x12, True), (0x7E, True), (0x1A, True), (0x16, True),
    (0x13, False),  # XOFF
    (0x10, False),  # ASB's first byte pattern 0xx1xx00
    (0x00, False), (0xFF, False), (0x92, False),
])
def test_only_the_dle_eot_reply_pattern_counts(byte, valid):
    assert is_status_byte(byte) is valid


class ScriptedPrinter(Transport):
    """Answers each DLE EOT after `delay` seconds with `noise` + the byte from `replies`."""

    def __init__(self, replies, delay=0.0, noise=b"", fail=None):
        self.replies, self.delay, self.noise, self.fail = replies, delay, noise, fail
        self.inbox = bytearray()
        self.ready_at = 0.0
        self.sent = bytearray()

    def open(self, timeout):
        pass

    def write(self, data, timeout=None):
        if self.fail:
            raise self.fail
        self.sent += data
        if data[:2] == b"\x10\x04" and data[2] in self.replies:
            self.inbox += self.noise + bytes([self.replies[data[2]]])
            self.ready_at = time.monotonic() + self.delay

    def read(self, size, timeout):
        wait = self.ready_at - time.monotonic()
        if wait > timeout or not self.inbox:
            time.sleep(max(min(timeout, 0.05), 0))
            return b""
        time.sleep(max(wait, 0))
        out, self.inbox[:] = bytes(self.inbox[:size]), self.inbox[size:]
        return out

    def close(self):
        pass


def test_query_asks_1_2_4_and_skips_noise():
    printer = ScriptedPrinter({1: 0x12, 2: 0x12, 4: 0x7E}, noise=b"\x10\x00\x0f\x00")  # an ASB block
    status = query_status(printer, 1.0)
    assert status.state is S.PAPER_OUT
    assert bytes(printer.sent) == b"\x10\x04\x01\x10\x04\x02\x10\x04\x04"
    assert dict(status.replies) == {1: 0x12, 2: 0x12, 4: 0x7E}


def test_garbage_only_is_offline_with_the_bytes_named():
    status = query_status(ScriptedPrinter({1: 0xFF}), 0.3)
    assert status.state is S.OFFLINE
    assert "invalid reply ff" in status.detail


def test_slow_printer_is_cut_off_at_the_deadline():
    start = time.monotonic()
    status = query_status(ScriptedPrinter({1: 0x12, 2: 0x12, 4: 0x12}, delay=0.4), 0.6)
    assert time.monotonic() - start < 0.75
    assert status.state is S.OFFLINE and set(status.replies) == {1}


def test_write_errors_map_to_unreachable_or_offline():
    assert query_status(ScriptedPrinter({}, fail=PrinterUnavailable("gone")), 1).state is S.UNREACHABLE
    assert query_status(ScriptedPrinter({}, fail=PrinterWriteTimeout("stuck")), 1).state is S.OFFLINE


@pytest.mark.parametrize(("state", "error", "code"), [
    (S.PAPER_OUT, PaperOut, "paper_out"),
    (S.COVER_OPEN, CoverOpen, "cover_open"),
    (S.OFFLINE, PrinterOffline, "printer_offline"),
    (S.UNREACHABLE, PrinterUnavailable, "printer_unreachable"),
])
def test_unprintable_states_raise_their_error(state, error, code):
    with pytest.raises(error) as excinfo:
        raise_unless_printable(PrinterStatus(state))
    assert excinfo.value.code == code


@pytest.mark.parametrize("state", [S.READY, S.PAPER_NEAR_END, S.UNKNOWN])
def test_printable_states_pass(state):
    raise_unless_printable(PrinterStatus(state))
    assert PrinterStatus(state).printable
