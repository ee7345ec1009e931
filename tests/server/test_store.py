"""The SQLite store: migrations from older files, refusing newer ones, and a failed write that changes nothing."""
from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils

from queuecore import protocol as P
from server.auth import Principal
from server.service import HallService
from server.store import MIGRATIONS, Store, StoreError
from tests.queuecore.conftest import make_config
from tests.server.conftest import Clock, at

KIOSK = Principal(role="kiosk", name="k", key="k")


def test_an_older_file_is_migrated_and_keeps_its_tickets(tmp_path) -> None:
    path = tmp_path / "hallq.db"
    db = sqlite_utils.Database(path)
    MIGRATIONS[0](db)  # a file from the first release
    db.execute("PRAGMA user_version=1")
    db["tickets"].insert({"id": "20261123-A001", "number": "A001", "day": "2026-11-23", "seq": 1, "service": "estate",
                          "priority": "normal", "status": "waiting", "issued_at": "2026-11-23T09:00:00+08:00",
                          "arrival_at": "2026-11-23T09:00:00+08:00", "rank": 1.0})
    db["meta"].insert({"key": "day", "value": "2026-11-23"})
    db.conn.commit()
    db.close()
    store = Store(tmp_path)
    assert store.schema_version() == len(MIGRATIONS)
    assert [t.number for t in store.load().tickets] == ["A001"]
    assert "replies" in store.db.table_names()
    store.close()


def test_a_file_from_a_newer_hallq_is_refused(tmp_path) -> None:
    Store(tmp_path).close()
    with sqlite3.connect(tmp_path / "hallq.db") as conn:
        conn.execute(f"PRAGMA user_version={len(MIGRATIONS) + 1}")
    with pytest.raises(StoreError, match="schema"):
        Store(tmp_path)


def test_a_failed_write_answers_store_unavailable_and_loses_nothing_stored(tmp_path) -> None:
    clock = Clock(at("09:00"))
    service = HallService(make_config(), Store(tmp_path), clock)
    assert isinstance(service.execute(P.IssueTicket(service="estate"), KIOSK), P.Result)  # A001, stored
    # A real SQLite failure inside the transaction: a trigger aborts the next issue's event row.
    service.store.conn.execute("CREATE TRIGGER fail BEFORE INSERT ON events WHEN NEW.type = 'ticket_issued' "
                               "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END")
    reply = service.execute(P.IssueTicket(service="estate"), KIOSK)
    assert isinstance(reply, P.Error) and reply.code == "store_unavailable"
    assert [t.number for t in service.hall.active_tickets()] == ["A001"]  # memory went back to the file
    service.store.conn.execute("DROP TRIGGER fail")
    reply = service.execute(P.IssueTicket(service="estate"), KIOSK)
    assert reply.data is not None
    assert sorted(t.number for t in Store(tmp_path).load().tickets) == ["A001", "A002"]


async def test_replies_wait_for_the_batch_and_share_one_commit(tmp_path) -> None:
    import asyncio

    service = HallService(make_config(), Store(tmp_path), Clock(at("09:00")))
    version = service.hall.version
    replies = await asyncio.gather(*(service.submit(P.IssueTicket(service="social"), KIOSK) for _ in range(10)))
    assert all(isinstance(r, P.Result) for r in replies)
    with sqlite3.connect(tmp_path / "hallq.db") as conn:
        versions = [v for (v,) in conn.execute("select distinct version from events order by version")]
    assert versions[-10:] == list(range(version + 1, version + 11))  # ten versions ...
    assert service.store.conn.execute("select count(*) from tickets").fetchone()[0] == 10  # ... all stored
