"""What a hall's forwarder sends the city server, and what it answers: shared by both sides, pure definitions.

A batch carries a contiguous run of the hall's event log (seq after `after` up to the last event's),
the current rows of the tickets those events touched, and, when they changed, the hall's
configuration (names, targets, outcome classes) and its clerks' names. Delivery is at least once:
the centre stores events idempotently on (hall, epoch, seq), so a batch sent twice counts once.
An epoch names one life of a hall store: a rebuilt store starts a new epoch, its seq from 1 again.
"""
from __future__ import annotations

from typing import Any

import msgspec

# Event row: seq, version, type, at (ISO with offset), ticket_id, window, data (the event as JSON text).
EVENT_FIELDS = ("seq", "version", "type", "at", "ticket_id", "window", "data")
# Ticket row: the hall's stored ticket columns the city reports read, plus two read from the log:
# first_called_at (a wait runs to the FIRST call) and gone_at (when an uncalled visit was cancelled or expired).
TICKET_FIELDS = ("id", "number", "day", "service", "origin_service", "priority", "status", "issued_at", "called_at",
                 "serving_at", "finished_at", "outcome", "window", "clerk", "transfers", "recalls", "rating",
                 "rated_at", "first_called_at", "gone_at")
INGEST_PATH = "/api/ingest"
CURSOR_PATH = "/api/ingest/cursor"


class Batch(msgspec.Struct, kw_only=True):
    epoch: str
    after: int  # the seq the centre had before this batch (the forwarder's cursor)
    events: list[tuple] = []  # rows of EVENT_FIELDS, seq ascending, contiguous from after + 1
    tickets: list[tuple] = []  # rows of TICKET_FIELDS
    head: int = 0  # the hall's newest seq when the batch was read: how far behind the centre is
    config: dict[str, Any] | None = None  # HallConfig as JSON (when changed)
    clerks: list[tuple[str, str]] | None = None  # (staff_id, name); never a PIN


class Ack(msgspec.Struct, kw_only=True):
    hall: str
    epoch: str
    seq: int  # the highest seq the centre holds for (hall, epoch)
    inserted: int = 0  # events new to the centre in this batch (a retry inserts 0)
