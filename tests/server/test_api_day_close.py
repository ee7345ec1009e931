"""日终 on the server: one admin command expires leftovers, signs clerks out, reloads every device and backs the
store up (SQLite backup API, N days kept); `hallq restore` brings a backup back after the file is damaged."""
from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from server.backup import BackupError, restore, take_backup
from server.store import Store
from tests.server.conftest import PINS, at

CLOSE = "/api/day/close"


async def issue(srv, service: str = "social") -> str:
    r = await srv.post("/api/tickets", "kiosk", {"service": service})
    return (await r.json())["ticket"]["number"]


async def busy_day(srv) -> list[str]:
    """Five tickets: one done, one at window 1 in service, three waiting."""
    numbers = [await issue(srv) for _ in range(3)] + [await issue(srv, "estate") for _ in range(2)]
    await srv.post("/api/windows/1/sign-in", "window1", {"staff_id": "s1", "pin": PINS["s1"]})
    await srv.post("/api/windows/2/sign-in", "window2", {"staff_id": "s2", "pin": PINS["s2"]})
    await srv.post("/api/windows/2/call-next", "window2")
    await srv.post("/api/windows/2/finish", "window2")
    await srv.post("/api/windows/1/call-next", "window1")
    await srv.post("/api/windows/1/start", "window1")
    return numbers


def day_tickets(db: Path, day: str = "2026-11-23") -> dict[str, str]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT number, status FROM tickets WHERE day = ?", (day,)).fetchall())


async def cli(srv, *args: str) -> int:
    from hallq.cli import main

    url = str(srv.client.make_url("/")).rstrip("/")
    return await asyncio.to_thread(main, ["day", *args, "--server", url, "--token", srv.tokens["admin"]])


async def test_a_visit_at_a_window_refuses_the_close_unless_forced(srv) -> None:
    numbers = await busy_day(srv)
    version = srv.service.hall.version
    r = await srv.post(CLOSE, "admin", {"reason": "下班"})
    body = await r.json()
    assert (r.status, body["code"], body["details"]["numbers"]) == (409, "visits_in_service", ["A001"])
    assert srv.service.hall.version == version and not (srv.data / "backups").exists()
    r = await srv.post(CLOSE, "admin", {"reason": "下班", "force": True})
    body = await r.json()
    assert r.status == 200, body
    closed = body["events"][-1]
    assert (closed["type"], closed["expired"], closed["signed_out"], closed["forced"]) == ("day_closed", 4, 2, True)
    assert {e["reason"] for e in body["events"] if e["type"] == "ticket_expired"} == {"下班"}
    assert {w.status for w in srv.service.hall.windows.values()} == {"closed"}
    backup = Path(body["backup"])
    assert backup.parent == srv.data / "backups" and backup.name == "hallq-20261123-090000.db"
    assert day_tickets(backup) == {n: ("done" if n == "B001" else "expired") for n in numbers}


async def test_every_connected_device_reloads_from_a_fresh_snapshot(srv) -> None:
    await issue(srv)
    display, terminal = await srv.ws("display"), await srv.ws("window1")
    for ws in (display, terminal):
        assert (await ws.receive_json())["type"] == "snapshot"
    r = await srv.post(CLOSE, "admin", {})
    assert r.status == 200
    for ws in (display, terminal):
        change = await ws.receive_json()
        snap = await ws.receive_json()
        assert (change["type"], snap["type"]) == ("change", "snapshot")
        assert snap["version"] == change["version"] == srv.service.hall.version
        assert snap["tickets"] == []  # nothing is open any more
        await ws.close()


async def test_backups_older_than_the_retention_are_removed_and_the_newest_kept(make_server) -> None:
    srv = await make_server(backup_days=7)
    folder = srv.data / "backups"
    folder.mkdir()
    for name in ("hallq-20261101-173000.db", "hallq-20261120-173000.db", "notes.txt"):
        (folder / name).write_bytes(b"x")
    r = await srv.post(CLOSE, "admin", {})
    body = await r.json()
    assert body["backups_removed"] == [str(folder / "hallq-20261101-173000.db")]
    assert sorted(p.name for p in folder.iterdir()) == ["hallq-20261120-173000.db", "hallq-20261123-090000.db",
                                                        "notes.txt"]


async def test_backup_corrupt_restore_and_every_ticket_of_the_day_is_there(srv, capsys) -> None:
    numbers = await busy_day(srv)
    await srv.post("/api/windows/1/finish", "window1")
    srv.clock.advance(hours=8)
    assert await cli(srv, "close", "--reason", "下班") == 0
    out = capsys.readouterr().out
    assert "day 2026-11-23 closed: 3 open tickets expired, 2 clerks signed out" in out
    backup = Path(out.split("backup: ")[1].strip())
    before = day_tickets(srv.data / "hallq.db")
    assert set(before) == set(numbers)
    await srv.client.close()  # the server stops
    db = srv.data / "hallq.db"
    size = db.stat().st_size
    with open(db, "r+b") as f:  # a disk error: everything after the header becomes noise
        f.seek(100)
        f.write(b"\xde\xad" * ((size - 100) // 2))
    with pytest.raises(sqlite3.DatabaseError):
        day_tickets(db)
    from hallq.cli import main

    assert main(["restore", str(backup), "--data", str(srv.data)]) == 0
    out = capsys.readouterr().out
    assert "5 of 2026-11-23" in out and "replaced store is kept" in out
    assert day_tickets(db) == before
    store = Store(srv.data)
    state = store.load()
    store.close()
    assert {t.number for t in state.tickets} == set(numbers) and state.day.isoformat() == "2026-11-23"


async def test_the_cli_says_why_a_close_is_refused(srv, capsys) -> None:
    await busy_day(srv)
    assert await cli(srv, "close") == 1
    assert "visits_in_service" in capsys.readouterr().err
    assert await cli(srv, "close", "--force") == 0


def test_restore_refuses_a_damaged_backup_and_a_store_in_use(tmp_path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises(BackupError):
        restore(bad, tmp_path / "data", at("18:00"))
    live = Store(tmp_path / "data")
    try:
        good = take_backup(live.path, tmp_path / "backups", at("18:00"))
        with pytest.raises(BackupError, match="stop the hall server"):
            restore(good, tmp_path / "data", at("18:00"))
    finally:
        live.close()
    kept, figures = restore(good, tmp_path / "data", at("18:01"))
    assert kept is not None and kept.exists() and figures["tickets"] == 0
