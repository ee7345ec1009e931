"""What each role may see: a ticket, window, event or push cut down to its audience before it is encoded.

Rule: displays and kiosks (public screens; a display token sits in a URL on a TV) get numbers,
services, windows and counts, nothing more: no clerk staff ids, outcomes, ratings, devices or
the tickets' QR ids. Window terminals and supervisors get the hall's working data but no
appointment check-in codes. Check-in codes never leave the admin view.
"""
from __future__ import annotations

from typing import Any

import msgspec

from queuecore import events as ev
from queuecore import protocol as P
from queuecore.model import Ticket, WindowState

FULL, STAFF, PUBLIC = "full", "staff", "public"
AUDIENCES = (FULL, STAFF, PUBLIC)
_BY_ROLE = {"admin": FULL, "window": STAFF, "supervisor": STAFF}


def audience(role: str) -> str:
    """Unknown roles get the least."""
    return _BY_ROLE.get(role, PUBLIC)


# Events a public screen may hear of (queue movement and service state), with the clerk removed.
_PUBLIC_EVENTS = (ev.DayStarted, ev.TicketIssued, ev.TicketCalled, ev.TicketRecalled, ev.ServingStarted,
                  ev.TicketSkipped, ev.TicketRequeued, ev.TicketFinished, ev.TicketTransferred, ev.TicketSuspended,
                  ev.TicketResumed, ev.TicketCancelled, ev.TicketExpired, ev.ServiceOpened, ev.ServiceClosed,
                  ev.WindowPaused, ev.WindowResumed, ev.DayClosed)
_CODE_EVENTS = (ev.AppointmentCreated, ev.AppointmentCheckedIn)


def ticket(t: Ticket, aud: str) -> Ticket:
    if aud == FULL:
        return t
    if aud == STAFF:
        return msgspec.structs.replace(t, public_id="") if t.public_id else t
    return msgspec.structs.replace(t, clerk=None, outcome=None, rating=None, rating_reason=None,
                                   rating_comment=None, rated_at=None, public_id="")


def window(w: WindowState, aud: str) -> WindowState:
    return msgspec.structs.replace(w, clerk=None) if aud == PUBLIC and w.clerk else w


def events(items: list[ev.Event], aud: str) -> list[ev.Event]:
    if aud == FULL:
        return items
    if aud == STAFF:
        return [e for e in items if not isinstance(e, _CODE_EVENTS)]
    out = []
    for e in items:
        if isinstance(e, _PUBLIC_EVENTS):
            out.append(msgspec.structs.replace(e, clerk=None) if getattr(e, "clerk", None) else e)
    return out


def change(push: P.Change, aud: str) -> P.Change:
    if aud == FULL:
        return push
    return msgspec.structs.replace(
        push, events=events(push.events, aud), tickets=[ticket(t, aud) for t in push.tickets],
        windows=[window(w, aud) for w in push.windows], devices=push.devices if aud == STAFF else [])


def snapshot(snap: P.Snapshot, aud: str) -> P.Snapshot:
    if aud == FULL:
        return snap
    return msgspec.structs.replace(
        snap, tickets=[ticket(t, aud) for t in snap.tickets], windows=[window(w, aud) for w in snap.windows],
        devices=snap.devices if aud == STAFF else [])


def encode_change(push: P.Change) -> dict[str, bytes]:
    """One encoded push per audience; audiences that see the same thing share the bytes."""
    full = P.encode(push)
    staff = full if not any(isinstance(e, _CODE_EVENTS) for e in push.events) and not any(
        t.public_id for t in push.tickets) else P.encode(change(push, STAFF))
    return {FULL: full, STAFF: staff, PUBLIC: P.encode(change(push, PUBLIC))}


def redact_result(data: Any, aud: str) -> Any:
    """A command's reply data for its sender: the ticket in it cut to the sender's audience."""
    if aud == FULL:
        return data
    if isinstance(data, P.CommandResult):
        return msgspec.structs.replace(data, events=events(data.events, aud),
                                       ticket=ticket(data.ticket, aud) if data.ticket else None,
                                       window=window(data.window, aud) if data.window else None)
    return data


def mask_name(name: str) -> str:
    """张三丰 -> 张*丰, 张三 -> 张*: the hall never stores a citizen's full name."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
