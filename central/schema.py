"""The city database: halls and their tokens, each hall's event log per epoch, the current ticket rows, names.

Rule: events are stored once per (hall, epoch, seq) (ON CONFLICT DO NOTHING: a batch sent twice
counts once); a ticket row is the hall's latest, replaced only by a row read at a later point of the
hall's log (src_seq). Everything is created IF NOT EXISTS at start: the centre owns its schema. Keys are compared
bytewise (COLLATE "C"): faster to index and sort than by the locale, and codes need no locale.
"""
from __future__ import annotations

SCHEMA = """
CREATE TABLE IF NOT EXISTS halls (
    hall text PRIMARY KEY,
    token_hash text UNIQUE NOT NULL,
    name_zh text NOT NULL DEFAULT '',
    name_en text NOT NULL DEFAULT '',
    timezone text NOT NULL DEFAULT 'Asia/Shanghai',
    config jsonb,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS hall_epochs (
    hall text NOT NULL REFERENCES halls,
    epoch text NOT NULL,
    last_seq bigint NOT NULL DEFAULT 0,
    head bigint NOT NULL DEFAULT 0,
    first_at timestamptz NOT NULL DEFAULT now(),
    last_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (hall, epoch)
);
CREATE TABLE IF NOT EXISTS events (
    hall text COLLATE "C" NOT NULL,
    epoch text COLLATE "C" NOT NULL,
    seq bigint NOT NULL,
    version bigint NOT NULL,
    type text NOT NULL,
    at timestamptz NOT NULL,
    ticket_id text,
    win integer,
    data text NOT NULL,  -- the event as the hall encoded it (JSON; query it with data::json)
    PRIMARY KEY (hall, epoch, seq)
);
CREATE TABLE IF NOT EXISTS tickets (
    hall text COLLATE "C" NOT NULL,
    epoch text COLLATE "C" NOT NULL,
    id text COLLATE "C" NOT NULL,
    number text,
    day date NOT NULL,
    service text,
    origin_service text,
    priority text,
    status text,
    issued_at timestamptz,
    called_at timestamptz,
    serving_at timestamptz,
    finished_at timestamptz,
    outcome text,
    win integer,
    clerk text,
    transfers integer,
    recalls integer,
    rating integer,
    rated_at timestamptz,
    first_called_at timestamptz,
    gone_at timestamptz,
    src_seq bigint NOT NULL,
    PRIMARY KEY (hall, epoch, id)
);
CREATE INDEX IF NOT EXISTS tickets_day ON tickets (day, hall);
CREATE TABLE IF NOT EXISTS hall_services (
    hall text NOT NULL, code text NOT NULL, name_zh text, name_en text, target_wait_s double precision NOT NULL,
    PRIMARY KEY (hall, code)
);
CREATE TABLE IF NOT EXISTS hall_outcomes (
    hall text NOT NULL, code text NOT NULL, name_zh text, name_en text, cls text NOT NULL,
    PRIMARY KEY (hall, code)
);
-- Per hall, business day, service and clerk: the visits' counts, sums and sorted waits and service times.
-- Rebuilt from tickets for the (hall, day)s a batch touched (dirty_days), before a report reads them.
CREATE TABLE IF NOT EXISTS daily (
    hall text COLLATE "C" NOT NULL, day date NOT NULL, service text COLLATE "C" NOT NULL,
    clerk text COLLATE "C" NOT NULL,
    issued integer, called integer, served integer, completed integer, enquiry integer, no_shows integer,
    cancelled integer, unserved integer, transfers integer, recalls integer, within integer, late_uncalled integer,
    rated integer, unrated integer, r5 integer, r4 integer, r3 integer, r2 integer, r1 integer,
    wait_sum double precision, wait_max double precision, service_sum double precision, service_n integer,
    service_max double precision, waits double precision[], services double precision[]
);
CREATE INDEX IF NOT EXISTS daily_day ON daily (day, hall);
CREATE TABLE IF NOT EXISTS dirty_days (hall text COLLATE "C" NOT NULL, day date NOT NULL, PRIMARY KEY (hall, day));
CREATE TABLE IF NOT EXISTS clerks (
    hall text NOT NULL, staff_id text NOT NULL, name text, PRIMARY KEY (hall, staff_id)
);
-- City readers (central.readers): people who log in to read the city page and reports; never a hall's token.
CREATE TABLE IF NOT EXISTS readers (
    username text PRIMARY KEY, name text NOT NULL, hall text, pw_hash text NOT NULL,
    failures integer NOT NULL DEFAULT 0, locked_until timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(), disabled_at timestamptz
);
CREATE TABLE IF NOT EXISTS reader_sessions (
    hash text PRIMARY KEY, username text NOT NULL REFERENCES readers,
    created_at timestamptz NOT NULL DEFAULT now(), last_seen timestamptz NOT NULL DEFAULT now(), ended_at timestamptz
);
CREATE TABLE IF NOT EXISTS reader_audit (
    id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), username text NOT NULL, action text NOT NULL,
    remote text, detail jsonb NOT NULL DEFAULT '{}'
);
"""


def create(conn) -> None:
    """Create what is missing (a psycopg connection, sync or async cursor-compatible via execute)."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(15015)")  # two centres starting at once
        conn.execute(SCHEMA)
