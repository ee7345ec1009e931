"""The hallq commands against a real server process: appointment import, token and clerk management."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from server.cli import mask_name, read_appointments_csv
from tests.server.test_crash import start_server

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(("name", "masked"), [("张三丰", "张*丰"), ("李四", "李*"), ("欧阳娜娜", "欧**娜"), ("", "")])
def test_names_are_masked(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_a_bad_csv_line_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("code,service,date,start,end\nK1,estate,2026-11-23,9h,10:00\n")
    with pytest.raises(ValueError, match="bad.csv:2"):
        read_appointments_csv(bad, "Asia/Shanghai")


def hallq(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hallq", *args], capture_output=True, text=True, timeout=60)


@pytest.mark.slow
def test_import_appointments_into_a_running_server_all_or_nothing(tmp_path: Path) -> None:
    data, log = tmp_path / "data", tmp_path / "server.log"
    out = hallq("token", "create", "--role", "admin", "--name", "ops", "--data", str(data))
    assert out.returncode == 0, out.stderr
    token = out.stdout.strip().splitlines()[-1]
    bad = hallq("token", "create", "--role", "window", "--name", "w", "--window", "99", "--data", str(data),
                "--config", str(DATA / "open-hall.toml"))
    assert bad.returncode == 2 and "window 99" in bad.stderr
    proc, url = start_server(data, log)
    try:
        done = hallq("appointment", "import", str(DATA / "appointments.csv"), "--server", url, "--token", token)
        assert done.returncode == 0 and "imported 2 appointments" in done.stdout, done.stderr
        again = hallq("appointment", "import", str(DATA / "appointments.csv"), "--server", url, "--token", token)
        assert again.returncode == 1 and "duplicate_appointment" in again.stderr
    finally:
        proc.terminate()
        proc.wait(10)
    import sqlite3

    with sqlite3.connect(data / "hallq.db") as conn:
        rows = conn.execute("select code, name_masked, start from appointments order by code").fetchall()
    assert rows == [("K7Q2", "张*丰", "2026-11-23T09:15:00+08:00"), ("M3X9", "李*", "2026-11-23T15:00:00+08:00")]
