"""Commands awaiting their reply, and the link's one re-send rule (pure bookkeeping: no Qt, no socket, time passed in).

Rule: a command whose reply never came (no reply in time, or the socket dropped) has an unknown
outcome: the server may have run it. It goes out again with the very same command, id included,
so the server answers with its first decision instead of deciding twice; never with a new id.
It stops after `Resend.max_sends` sends or once `Resend.within` seconds have passed since the
first send, and then fails once. Every command carries an id before its first send (HallLink
gives one to a command that has none), so there is no way to re-send a command without one.
"""
from __future__ import annotations

from dataclasses import dataclass

from queuecore import protocol as P


@dataclass(frozen=True)
class Resend:
    """How long an unknown outcome is chased by re-sending the same command (same id)."""

    max_sends: int = 5  # the first send included
    within: float = 30.0  # seconds after the first send; no re-send starts later

    def allows(self, sends: int, age: float) -> bool:
        return sends < self.max_sends and age < self.within


NO_RESEND = Resend(max_sends=1, within=0.0)  # fail at the first unknown outcome


@dataclass(eq=False)
class Outstanding:
    """One command the caller has not had its final outcome for yet."""

    command: P.Command
    result_type: type | None
    timeout_s: float
    resend: Resend
    first_sent: float  # time.monotonic() of the first send
    sends: int = 0
    deadline: float = 0.0  # in flight: no reply by then is a timeout
    why: str = ""  # the last unknown outcome: "timeout" | "connection_lost"

    @property
    def id(self) -> str:
        assert self.command.id is not None
        return self.command.id

    @property
    def tag(self) -> str:
        return P.command_tag(type(self.command))

    def may_resend(self, now: float) -> bool:
        return self.resend.allows(self.sends, now - self.first_sent)


class Ledger:
    """Commands in flight on the current socket, and commands held for the next connection."""

    def __init__(self) -> None:
        self.in_flight: dict[str, Outstanding] = {}
        self.held: dict[str, Outstanding] = {}

    def sent(self, entry: Outstanding, now: float) -> None:
        """The command went out (again): it waits for its reply until its deadline."""
        entry.sends += 1
        entry.deadline = now + entry.timeout_s
        self.held.pop(entry.id, None)
        self.in_flight[entry.id] = entry

    def answered(self, cid: str | None) -> Outstanding | None:
        return self.in_flight.pop(cid, None) if cid is not None else None

    def timed_out(self, now: float) -> list[Outstanding]:
        late = [e for e in self.in_flight.values() if e.deadline <= now]
        for e in late:
            del self.in_flight[e.id]
        return late

    def socket_lost(self) -> list[Outstanding]:
        """Everything in flight: no reply can come on a dropped socket."""
        lost, self.in_flight = list(self.in_flight.values()), {}
        return lost

    def hold(self, entry: Outstanding) -> None:
        self.held[entry.id] = entry

    def expired(self, now: float) -> list[Outstanding]:
        """Held commands that may no longer be re-sent (too old): they fail now, not at the next connection."""
        old = [e for e in self.held.values() if not e.may_resend(now)]
        for e in old:
            del self.held[e.id]
        return old

    def take_held(self) -> list[Outstanding]:
        """The held commands, oldest first: the order the caller sent them in."""
        held, self.held = sorted(self.held.values(), key=lambda e: e.first_sent), {}
        return held

    def drain(self) -> list[Outstanding]:
        everything = list(self.in_flight.values()) + list(self.held.values())
        self.in_flight, self.held = {}, {}
        return everything

    def next_wakeup(self) -> float | None:
        """When the link must look again: the first deadline in flight or the first held command to expire."""
        times = [e.deadline for e in self.in_flight.values()]
        times += [e.first_sent + e.resend.within for e in self.held.values()]
        return min(times, default=None)
