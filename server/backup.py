"""Backups of the hall's SQLite file: an online copy with the SQLite backup API, retention, and restore.

Rule: a backup is written under a temporary name, checked, then renamed: a file named
hallq-*.db in the backup folder is always a whole, readable hall. A restore never runs under
a live server (it would keep writing the old file) and keeps the replaced file beside it.
"""
from __future__ import annotations

import logging
import os
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from server.store import DB_NAME, MIGRATIONS

log = logging.getLogger("hallq.backup")

BACKUP_DIR = "backups"
PREFIX, SUFFIX = "hallq-", ".db"
STAMP = "%Y%m%d-%H%M%S"


class BackupError(RuntimeError):
    """A backup or restore that could not be done; nothing was replaced."""


def backup_dir(data_dir: Path) -> Path:
    return Path(data_dir) / BACKUP_DIR


def backup_name(now: datetime) -> str:
    return f"{PREFIX}{now:{STAMP}}{SUFFIX}"


def _stamp_of(path: Path) -> datetime | None:
    if not (path.name.startswith(PREFIX) and path.name.endswith(SUFFIX)):
        return None
    try:
        return datetime.strptime(path.name[len(PREFIX):-len(SUFFIX)], STAMP)
    except ValueError:
        return None


def check_file(path: Path) -> dict[str, int | str]:
    """A readable hallq store: quick_check passes and its schema is one this hallq knows. Its figures, else BackupError."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{path}: cannot open: {exc}") from None
    try:
        ok = conn.execute("PRAGMA quick_check").fetchone()[0]
        if ok != "ok":
            raise BackupError(f"{path}: damaged: {ok}")
        schema = conn.execute("PRAGMA user_version").fetchone()[0]
        if not 1 <= schema <= len(MIGRATIONS):
            raise BackupError(f"{path}: not a hallq store this version knows (schema {schema})")
        tickets = conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
        last_day = conn.execute("SELECT max(day) FROM tickets").fetchone()[0] or ""
        day_tickets = conn.execute("SELECT count(*) FROM tickets WHERE day = ?", (last_day,)).fetchone()[0]
    except sqlite3.Error as exc:
        raise BackupError(f"{path}: not a hallq store: {exc}") from None
    finally:
        conn.close()
    return {"schema": schema, "tickets": tickets, "last_day": last_day, "last_day_tickets": day_tickets}


def _copy(source: Path, tmp: Path, failure: str) -> None:
    """Copy a store into the file `tmp` with the SQLite backup API (one step: one read snapshot of the
    source), as one self-contained file; on failure `tmp` is removed and BackupError says `failure`."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise BackupError(f"{failure}: {exc}") from None
    finally:
        src.close()


def take_backup(db_path: Path, target_dir: Path, now: datetime) -> Path:
    """Copy the live store into target_dir with the SQLite backup API (consistent while the server writes).

    Runs on its own connection, so it may run on a worker thread: in WAL mode the copy reads
    one snapshot while the server's connection keeps committing."""
    target_dir.mkdir(parents=True, exist_ok=True)
    final = target_dir / backup_name(now)
    n = 1
    while final.exists():  # two closes in one second: keep both
        final = target_dir / f"{PREFIX}{now:{STAMP}}-{n}{SUFFIX}"
        n += 1
    tmp = final.with_name(final.name + ".part")
    _copy(db_path, tmp, f"backup of {db_path} failed")
    try:
        check_file(tmp)
    except BackupError:
        tmp.unlink(missing_ok=True)
        raise
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, final)
    log.info("backup written: %s", final)
    return final


def prune_backups(target_dir: Path, now: datetime, keep_days: int) -> list[Path]:
    """Remove the backups older than keep_days (by the time in their names); the newest one always stays."""
    dated = sorted(((s, p) for p in target_dir.glob(f"{PREFIX}*{SUFFIX}") if (s := _stamp_of(p)) is not None),
                   reverse=True)
    limit = now.replace(tzinfo=None) - timedelta(days=keep_days)
    removed = []
    for stamp, path in dated[1:]:
        if stamp < limit:
            path.unlink(missing_ok=True)
            removed.append(path)
    for path in removed:
        log.info("backup removed (older than %d days): %s", keep_days, path)
    return removed


def _store_in_use(db_path: Path) -> bool:
    """True when another process has the store open (a running server): it holds WAL locks."""
    if not db_path.exists():
        return False
    try:
        conn = sqlite3.connect(db_path, isolation_level=None, timeout=0)
    except sqlite3.Error:
        return False
    try:
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc) or "busy" in str(exc)
    except sqlite3.DatabaseError:
        return False  # damaged: certainly not what a server is using well; the restore replaces it
    finally:
        conn.close()
    return False


def restore(backup: Path, data_dir: Path, now: datetime) -> tuple[Path | None, dict[str, int | str]]:
    """Bring a backup back as the data dir's store (the server must be stopped).

    The replaced store (and its WAL files) is kept as hallq.db.replaced-<time>. Returns that
    path (None if there was no store) and the restored file's figures."""
    backup = Path(backup)
    if not backup.is_file():
        raise BackupError(f"{backup}: no such file")
    figures = check_file(backup)
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    db = data_dir / DB_NAME
    if _store_in_use(db):
        raise BackupError(f"{db} is in use: stop the hall server first")
    kept = None
    tmp = db.with_name(DB_NAME + ".restoring")
    tmp.unlink(missing_ok=True)
    _copy(backup, tmp, f"could not copy {backup}")
    if db.exists():
        kept = db.with_name(f"{DB_NAME}.replaced-{now:{STAMP}}")
        os.replace(db, kept)
    for side in ("-wal", "-shm"):
        extra = db.with_name(DB_NAME + side)
        if extra.exists():
            # The old WAL belongs to the replaced file: applied to the restored one it would corrupt it.
            os.replace(extra, kept.with_name(kept.name + side) if kept else extra.with_name(extra.name + ".old"))
    os.replace(tmp, db)
    log.info("restored %s into %s (replaced store kept as %s)", backup, db, kept)
    return kept, figures
