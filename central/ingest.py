"""Storing a hall's batch in one transaction: events by COPY, tickets by COPY into a staging table + upsert.

Events are stored once per (hall, epoch, seq). The epoch's row (hall_epochs, locked FOR UPDATE for the
batch) holds last_seq, and what the centre holds of an epoch is always seq 1..last_seq (a batch must
start at or before last_seq + 1 and is contiguous). So the events at or below last_seq are dropped
before the COPY (a retried batch inserts nothing) and the rest go straight into `events` by COPY.
Should that ever meet a row already there (unique violation: the invariant broken by hand), the
whole batch is stored again the slow way: COPY into a staging table, INSERT ... ON CONFLICT DO
NOTHING. Either way a batch sent twice counts once.
Tickets: the newest row wins (src_seq: the hall's log position when the row was read).
A batch that starts past what the centre holds for its epoch (a gap: say the centre's database
was restored from an older backup) is refused with the centre's seq, and the forwarder rewinds.
"""
from __future__ import annotations

import hashlib
import secrets
import msgspec

from central.wire import EVENT_FIELDS, TICKET_FIELDS, Ack, Batch

STAGE = """
CREATE TEMP TABLE IF NOT EXISTS stage_events (LIKE events) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS stage_tickets (LIKE tickets) ON COMMIT DELETE ROWS;
"""
EVENT_COLS = "hall, epoch, seq, version, type, at, ticket_id, win, data"
TICKET_COLS = ("hall, epoch, id, number, day, service, origin_service, priority, status, issued_at, called_at, "
               "serving_at, finished_at, outcome, win, clerk, transfers, recalls, rating, rated_at, first_called_at, "
               "gone_at, src_seq")
_TICKET_UPDATE = ", ".join(f"{c} = excluded.{c}" for c in TICKET_COLS.split(", ")[3:])
INSERT_EVENTS = f"INSERT INTO events ({EVENT_COLS}) SELECT {EVENT_COLS} FROM stage_events ON CONFLICT DO NOTHING"
UPSERT_TICKETS = (f"INSERT INTO tickets ({TICKET_COLS}) SELECT {TICKET_COLS} FROM stage_tickets "
                  f"ON CONFLICT (hall, epoch, id) DO UPDATE SET {_TICKET_UPDATE} "
                  f"WHERE tickets.src_seq <= excluded.src_seq")


class BadBatch(ValueError):
    """A batch that cannot be stored as sent (the forwarder never sends one)."""


class Gap(Exception):
    def __init__(self, seq: int) -> None:
        super().__init__(f"the centre holds up to seq {seq}")
        self.seq = seq


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(24)


def add_hall(conn, hall: str, name_zh: str = "", name_en: str = "") -> str:
    """Register a hall (or give it a new token: the old one stops working); returns the token, shown once."""
    token = new_token()
    with conn.transaction():
        conn.execute("INSERT INTO halls (hall, token_hash, name_zh, name_en) VALUES (%s, %s, %s, %s) "
                     "ON CONFLICT (hall) DO UPDATE SET token_hash = excluded.token_hash",
                     (hall, token_hash(token), name_zh or hall, name_en or hall))
    return token


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _cell(v) -> str:
    if v is None:
        return "\\N"
    if type(v) is str:
        if "\\" in v or "\t" in v or "\n" in v or "\r" in v:
            return v.translate(_ESCAPES)
        return v
    return str(v)


def copy_text(rows: list, before: tuple = (), after: tuple = ()) -> str:
    """Rows in COPY's text format (one string: far faster than a write per row)."""
    head = "".join(_cell(v) + "\t" for v in before)
    tail = "".join("\t" + _cell(v) for v in after)
    join = "\t".join
    return "".join(f"{head}{join(map(_cell, row))}{tail}\n" for row in rows)


async def cursor(conn, hall: str, epoch: str) -> dict:
    """What the centre holds of (hall, epoch): the last seq, and that event's type and time (a forwarder
    compares them with its own store's event of that seq: a store restored from an older copy differs)."""
    cur = await conn.execute("SELECT e.last_seq, ev.type, ev.at FROM hall_epochs e LEFT JOIN events ev "
                             "ON ev.hall = e.hall AND ev.epoch = e.epoch AND ev.seq = e.last_seq "
                             "WHERE e.hall = %s AND e.epoch = %s", (hall, epoch))
    row = await cur.fetchone()
    if not row:
        return {"seq": 0, "type": None, "at": None}
    return {"seq": row[0], "type": row[1], "at": row[2].isoformat() if row[2] else None}


def _event_text(rows: list, hall: str, epoch: str) -> str:
    """Event rows (central.wire.EVENT_FIELDS) in COPY's text format, as copy_text writes them, by a faster path:
    the rows are formatted as they are, then the text is checked (tabs, newlines and backslashes counted) to need
    no escaping; otherwise copy_text escapes cell by cell."""
    int_ = int
    if not all(type(r[0]) is int_ and type(r[1]) is int_ and type(r[2]) is str and type(r[3]) is str
               and (r[4] is None or type(r[4]) is str) and (r[5] is None or type(r[5]) is int_) and type(r[6]) is str
               for r in rows):
        return copy_text(rows, (hall, epoch))
    head = f"{_cell(hall)}\t{_cell(epoch)}\t"
    null = "\\N"
    text = "".join([f"{head}{seq}\t{version}\t{kind}\t{at}\t{null if tid is None else tid}\t"
                    f"{null if win is None else win}\t{data}\n" for seq, version, kind, at, tid, win, data in rows])
    n = len(rows)
    nulls = sum(1 for r in rows if r[4] is None) + sum(1 for r in rows if r[5] is None)
    if text.count("\t") != 8 * n or text.count("\n") != n or "\r" in text or \
            text.count("\\") != n * head.count("\\") + nulls:
        return copy_text(rows, (hall, epoch))
    return text


async def ingest(conn, hall: str, batch: Batch) -> Ack:
    """Store one batch in one transaction (an async psycopg connection); idempotent."""
    import psycopg

    try:
        return await _ingest(conn, hall, batch, direct=True)
    except psycopg.errors.UniqueViolation:
        return await _ingest(conn, hall, batch, direct=False)


async def _ingest(conn, hall: str, batch: Batch, *, direct: bool) -> Ack:
    inserted = 0
    if len({t[0] for t in batch.tickets}) != len(batch.tickets):
        raise BadBatch("a ticket appears twice in one batch")
    if any(len(e) != len(EVENT_FIELDS) for e in batch.events) or \
            any(len(t) != len(TICKET_FIELDS) for t in batch.tickets):
        raise BadBatch("rows must have the fields of central.wire")
    seqs = [e[0] for e in batch.events]
    if seqs and (seqs != list(range(seqs[0], seqs[0] + len(seqs))) or seqs[0] <= 0):
        raise BadBatch("events must be contiguous by seq")
    async with conn.transaction():
        await conn.execute(STAGE)
        await conn.execute("INSERT INTO hall_epochs (hall, epoch) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                           (hall, batch.epoch))
        cur = await conn.execute("SELECT last_seq FROM hall_epochs WHERE hall = %s AND epoch = %s FOR UPDATE",
                                 (hall, batch.epoch))
        held = (await cur.fetchone())[0]
        if batch.after > held:
            raise Gap(held)
        last = held
        async with conn.cursor() as c:
            if batch.events:
                if direct:
                    new = batch.events[max(0, held - batch.events[0][0] + 1):]  # seq <= held: stored already
                    if new:
                        async with c.copy(f"COPY events ({EVENT_COLS}) FROM STDIN") as copy:
                            await copy.write(_event_text(new, hall, batch.epoch))
                    inserted = len(new)
                else:
                    async with c.copy(f"COPY stage_events ({EVENT_COLS}) FROM STDIN") as copy:
                        await copy.write(copy_text(batch.events, (hall, batch.epoch)))
                    await c.execute(INSERT_EVENTS)
                    inserted = c.rowcount
                last = max(held, batch.events[-1][0])
            if batch.tickets:
                src = max(batch.head, last)
                async with c.copy(f"COPY stage_tickets ({TICKET_COLS}) FROM STDIN") as copy:
                    await copy.write(copy_text(batch.tickets, (hall, batch.epoch), (src,)))
                await c.execute(UPSERT_TICKETS)
                await c.execute("INSERT INTO dirty_days SELECT DISTINCT hall, day FROM stage_tickets "
                                "ON CONFLICT DO NOTHING")
        if batch.config is not None:
            await _config(conn, hall, batch.config)
        if batch.clerks is not None:
            await conn.execute("DELETE FROM clerks WHERE hall = %s", (hall,))
            if batch.clerks:
                async with conn.cursor() as c:
                    await c.executemany("INSERT INTO clerks (hall, staff_id, name) VALUES (%s, %s, %s)",
                                        [(hall, sid, name) for sid, name in batch.clerks])
        await conn.execute("UPDATE hall_epochs SET last_seq = %s, head = GREATEST(head, %s), last_at = now() "
                           "WHERE hall = %s AND epoch = %s", (last, batch.head, hall, batch.epoch))
    return Ack(hall=hall, epoch=batch.epoch, seq=last, inserted=inserted)


async def _config(conn, hall: str, config: dict) -> None:
    await conn.execute("UPDATE halls SET name_zh = %s, name_en = %s, timezone = %s, config = %s WHERE hall = %s",
                       (config.get("name_zh") or hall, config.get("name_en") or hall,
                        config.get("timezone") or "Asia/Shanghai", msgspec.json.encode(config).decode(), hall))
    await conn.execute("DELETE FROM hall_services WHERE hall = %s", (hall,))
    await conn.execute("DELETE FROM hall_outcomes WHERE hall = %s", (hall,))
    async with conn.cursor() as c:
        services = [(hall, s["code"], s.get("name_zh"), s.get("name_en"), 60.0 * s.get("target_wait_minutes", 30))
                    for s in config.get("services", ())]
        if services:
            await c.executemany("INSERT INTO hall_services VALUES (%s, %s, %s, %s, %s)", services)
        outcomes = [(hall, o["code"], o.get("name_zh"), o.get("name_en"), o["cls"]) for o in config.get("outcomes", ())]
        if outcomes:
            await c.executemany("INSERT INTO hall_outcomes VALUES (%s, %s, %s, %s, %s)", outcomes)
