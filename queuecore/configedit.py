"""Configuration changes as data: edit operations on a HallConfig, and the rules that refuse a change the live hall
cannot take.

A change is a list of operations applied to the configuration's document (queuecore.config.export_doc) and
parsed back with parse_config, so a changed configuration passes exactly the checks a TOML file does:

    {"op": "put",     "kind": "service", "value": {...}}         add, or replace the item with the same key
    {"op": "put",     "kind": "window",  "value": {...}, "index": 0}   ... at a position (kiosk tile order)
    {"op": "remove",  "kind": "window",  "key": 7}
    {"op": "move",    "kind": "service", "key": "fund", "index": 0}
    {"op": "set",     "kind": "rules",   "value": {"priority_ratio": 3}}   merge into [rules] or [hall]
    {"op": "set",     "kind": "calendar", "value": {...}}        replace any other part (calendar, a hall field)
    {"op": "replace", "value": {<a whole hall document>}}        `hallq config import`
    {"op": "unschedule", "key": 7}                                withdraw change 7, scheduled for the next day
                                                                  (Hall.change_config; alone in its change)

Pure: no clock, no I/O. The live checks (`live_conflicts`) read a Hall's state and say which conflicts a change
has with today's tickets and windows; every one of them goes away on the next business day.
"""
from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import msgspec

from queuecore import errors as E
from queuecore.config import ConfigError, export_doc, parse_config
from queuecore.model import ACTIVE_STATUSES, HallConfig, PriorityKind, TicketStatus

if TYPE_CHECKING:
    from queuecore.hall import Hall

# Keyed lists: op kind -> (document table, key field).
KEYED: dict[str, tuple[str, str]] = {
    "service": ("services", "code"),
    "window": ("windows", "id"),
    "priority": ("priorities", "code"),
    "outcome": ("outcomes", "code"),
    "bundle": ("bundles", "code"),
}
MERGED = ("hall", "rules")  # `set` merges its value into these tables
OPS = ("put", "remove", "move", "set", "replace")


class ConfigOp(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    op: str
    kind: str = ""
    key: str | int | None = None
    value: Any = None
    index: int | None = None

    def describe(self) -> str:
        if self.op == "replace":
            return "replace the whole configuration"
        key = self.key
        if key is None and self.op == "put" and isinstance(self.value, dict) and self.kind in KEYED:
            key = self.value.get(KEYED[self.kind][1])
        return " ".join(str(p) for p in (self.op, self.kind, key) if p not in (None, ""))


def _bad(message: str) -> E.QueueError:
    return E.ConfigInvalid(message)


def _find(items: list[dict], field: str, key: Any) -> int | None:
    for i, item in enumerate(items):
        if isinstance(item, dict) and item.get(field) == key:
            return i
    return None


def _key_of(kind: str, key: Any) -> Any:
    """Window ids are ints; every other key a non-empty string."""
    if kind == "window":
        if isinstance(key, bool) or not isinstance(key, int):
            if isinstance(key, str) and key.isdigit():
                return int(key)
            raise _bad(f"window key must be a window number, got {key!r}")
        return key
    if not isinstance(key, str) or not key:
        raise _bad(f"{kind} key must be its code, got {key!r}")
    return key


def _apply_one(doc: dict[str, Any], op: ConfigOp) -> dict[str, Any]:
    if op.op not in OPS:
        raise _bad(f"unknown op {op.op!r} (one of {', '.join(OPS)})")
    if op.op == "replace":
        if not isinstance(op.value, dict):
            raise _bad("replace needs a whole hall document as its value")
        return copy.deepcopy(op.value)
    if op.op == "set":
        if not op.kind:
            raise _bad("set needs a kind: hall, rules, calendar or a [hall] field")
        if op.kind in KEYED or op.kind in {t for t, _ in KEYED.values()}:
            raise _bad(f"{op.kind}: use put/remove/move for list items")
        if op.kind in MERGED:
            if not isinstance(op.value, dict):
                raise _bad(f"set {op.kind} needs a table of fields")
            doc[op.kind] = {**doc.get(op.kind, {}), **op.value}
        elif op.kind == "calendar":
            doc["calendar"] = op.value
        elif op.value is None:
            doc.setdefault("hall", {}).pop(op.kind, None)  # back to its default
        else:
            doc.setdefault("hall", {})[op.kind] = op.value
        return doc
    if op.kind not in KEYED:
        raise _bad(f"{op.op} needs a kind: {', '.join(KEYED)}")
    table, field = KEYED[op.kind]
    items: list = doc.setdefault(table, [])
    if op.op == "put":
        if not isinstance(op.value, dict):
            raise _bad(f"put {op.kind} needs the item as a table")
        key = _key_of(op.kind, op.value.get(field))
        if op.key is not None and _key_of(op.kind, op.key) != key:
            # A renamed code would orphan every stored ticket: a new code is a new item.
            raise _bad(f"put {op.kind} {op.key!r}: the item's {field} is {key!r}; codes and ids cannot be renamed")
        at = _find(items, field, key)
        if at is not None:
            items[at] = op.value
            if op.index is not None:
                items.insert(_index(op.index, len(items)), items.pop(at))
        elif op.index is not None:
            items.insert(_index(op.index, len(items) + 1), op.value)
        else:
            items.append(op.value)
        return doc
    key = _key_of(op.kind, op.key)
    at = _find(items, field, key)
    if at is None:
        raise _bad(f"{op.op} {op.kind}: there is no {op.kind} {key!r}")
    if op.op == "remove":
        del items[at]
        if op.kind == "service":  # windows stop serving it (a window left with none is refused by parse_config)
            for w in doc.get("windows", []):
                if isinstance(w, dict) and isinstance(w.get("services"), list):
                    w["services"] = [c for c in w["services"] if c != key]
    else:  # move
        if op.index is None:
            raise _bad("move needs an index")
        items.insert(_index(op.index, len(items)), items.pop(at))
    return doc


def _index(index: int, length: int) -> int:
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < max(length, 1):
        raise _bad(f"index must be 0..{max(length, 1) - 1}, got {index!r}")
    return index


def decode_ops(raw: Iterable[Any]) -> list[ConfigOp]:
    try:
        ops = msgspec.convert(list(raw), list[ConfigOp])
    except msgspec.ValidationError as exc:
        raise _bad(f"ops: {exc}") from None
    if not ops:
        raise _bad("a change needs at least one op")
    return ops


def apply_ops(cfg: HallConfig, ops: Iterable[ConfigOp]) -> HallConfig:
    """The configuration after `ops`, fully validated; ConfigInvalid (nothing changed) otherwise."""
    doc = export_doc(cfg, native=False)
    for i, op in enumerate(ops):
        try:
            doc = _apply_one(doc, op)
        except E.ConfigInvalid as exc:
            raise E.ConfigInvalid(f"op {i + 1} ({op.describe()}): {exc.message}", op=i) from None
    try:
        return parse_config(doc)
    except ConfigError as exc:
        raise E.ConfigInvalid(str(exc)) from None
    except (TypeError, ValueError, AttributeError) as exc:  # a wrongly shaped document (a list for a table ...)
        raise E.ConfigInvalid(f"hall config: {exc}") from None


# ---------------------------------------------------------------- live conflicts


class Conflict(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    message: str
    key: str | int


_ERRORS: dict[str, type[E.QueueError]] = {cls.code: cls for cls in (
    E.PrefixInUse, E.ServiceHasTickets, E.ServiceHasAppointments, E.WindowServingService, E.WindowOpen,
    E.PriorityInUse, E.BundleInUse, E.OutcomeInUse, E.TimezoneInUse)}


def live_conflicts(hall: Hall, new: HallConfig) -> list[Conflict]:
    """What in today's hall the change from hall.config to `new` would break. Empty: it can apply now."""
    old = hall.config
    out: list[Conflict] = []
    today = [t for t in hall.tickets.values() if t.day == hall.day]
    active = [t for t in today if t.status in ACTIVE_STATUSES]
    to_check_in = _booked(hall)  # appointments neither checked in nor cancelled
    new_services = {s.code: s for s in new.services}
    # Numbers are unique per day and say their service: a prefix cannot change, move or come back mid-day.
    used_prefixes = {p for p, n in hall.counters.items() if n}
    for s in old.services:
        n = new_services.get(s.code)
        if n is not None and (n.prefix, n.digits) != (s.prefix, s.digits) and any(
                t.service == s.code or t.origin_service == s.code for t in today):
            out.append(Conflict(code="prefix_in_use", key=s.code, message=(
                f"service {s.code}: today's tickets are numbered {s.prefix}{'0' * s.digits}; a new prefix or "
                f"number of digits applies from the next business day")))
    old_prefix = {s.code: s.prefix for s in old.services}
    for s in new.services:
        if s.prefix in used_prefixes and old_prefix.get(s.code) != s.prefix and not any(
                c.code == "prefix_in_use" and c.key == s.code for c in out):
            out.append(Conflict(code="prefix_in_use", key=s.code, message=(
                f"service {s.code}: prefix {s.prefix} already numbered tickets today; use it from the next "
                f"business day")))
    for code in sorted({s.code for s in old.services} - set(new_services)):
        open_tickets = [t.number for t in active if t.service == code]
        if open_tickets:
            out.append(Conflict(code="service_has_tickets", key=code, message=(
                f"service {code} has {len(open_tickets)} open tickets today ({', '.join(open_tickets[:5])}"
                f"{' …' if len(open_tickets) > 5 else ''}); remove it after they are served, or from the next "
                f"business day")))
        booked = [a.code for a in to_check_in if a.service == code]
        if booked:
            out.append(Conflict(code="service_has_appointments", key=code, message=(
                f"service {code} has {len(booked)} appointments not yet checked in; cancel them first")))
    new_windows = {w.id: w for w in new.windows}
    for wid, ws in sorted(hall.windows.items()):
        nw = new_windows.get(wid)
        held = [t for t in active if t.window == wid and t.status in (TicketStatus.CALLED, TicketStatus.SERVING)]
        held += [t for t in active if t.status is TicketStatus.SUSPENDED and t.suspended_window == wid
                 and t.suspend_kind is not None and t.suspend_kind != "away"]
        if nw is None:
            if ws.status.value != "closed":
                out.append(Conflict(code="window_open", key=wid, message=(
                    f"window {wid}: clerk {ws.clerk} is signed in; remove the window after they sign out, or from "
                    f"the next business day")))
            elif held:
                out.append(Conflict(code="window_serving_service", key=wid, message=(
                    f"window {wid} holds {', '.join(t.number for t in held)}; remove it after they are done")))
            continue
        if not nw.open and ws.status.value != "closed":
            out.append(Conflict(code="window_open", key=wid, message=(
                f"window {wid}: clerk {ws.clerk} is signed in; close the window after they sign out, or from "
                f"the next business day")))
        lost = [t for t in held if t.service not in nw.services]
        if lost:
            out.append(Conflict(code="window_serving_service", key=wid, message=(
                f"window {wid} is serving {', '.join(f'{t.number} ({t.service})' for t in lost)}; it keeps "
                f"that service until the visit ends, or change it from the next business day")))
    for p in _changed(old.priorities, new.priorities, lambda a, b: a.kind == b.kind):
        using = [t.number for t in active if t.priority == p.code]
        booked = p.kind is PriorityKind.APPOINTMENT and bool(to_check_in)
        if using or booked:
            what = f"{len(using)} open tickets" if using else "appointments not yet checked in"
            out.append(Conflict(code="priority_in_use", key=p.code, message=(
                f"priority class {p.code}: {what} use it; change it from the next business day")))
    for b in _changed(old.bundles, new.bundles, lambda a, b: a.steps == b.steps):
        if using := [t.number for t in active if t.bundle == b.code]:
            out.append(Conflict(code="bundle_in_use", key=b.code, message=(
                f"bundle {b.code}: {', '.join(using[:5])} are on its steps; change its steps from the next "
                f"business day")))
    for o in _changed(old.outcomes, new.outcomes, lambda a, b: a.cls == b.cls):
        if any(t.outcome == o.code for t in today):
            out.append(Conflict(code="outcome_in_use", key=o.code, message=(
                f"outcome {o.code}: visits finished today carry it (today's 办结率 would change); change it from "
                f"the next business day")))
    if new.timezone != old.timezone and today:
        out.append(Conflict(code="timezone_in_use", key="timezone", message=(
            f"timezone: today's {len(today)} tickets were issued on {old.timezone} time; change it from the next "
            f"business day")))
    return out


def _changed(old: Iterable, new: Iterable, same) -> Iterator:
    """The items of `old` (by code) that `new` drops, or keeps with `same(old_item, new_item)` false."""
    by_code = {item.code: item for item in new}
    for item in old:
        kept = by_code.get(item.code)
        if kept is None or not same(item, kept):
            yield item


def _booked(hall: Hall) -> list:
    """Appointments still to check in (neither checked in nor cancelled)."""
    return [a for a in hall.appointments.values()
            if a.ticket_id is None and a.cancelled_at is None]


def refuse(conflicts: list[Conflict]) -> None:
    """Raise the first conflict's error, every conflict in its details (nothing applied)."""
    if not conflicts:
        return
    first = conflicts[0]
    more = f" (and {len(conflicts) - 1} more)" if len(conflicts) > 1 else ""
    raise _ERRORS[first.code](first.message + more, next_day=True,
                              conflicts=[msgspec.to_builtins(c) for c in conflicts])


def summary(ops: Iterable[ConfigOp]) -> list[str]:
    return [op.describe() for op in ops]
