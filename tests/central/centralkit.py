"""Helpers of the city server's tests: processes to kill, a live hall's writes, counts on both sides."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from central.throwaway import free_port

ROOT = Path(__file__).resolve().parents[2]
HALL_TOML = ROOT / "examples" / "county-hall.toml"
DAY = date(2026, 11, 23)


def add_hall(dsn: str, code: str) -> str:
    out = subprocess.run([sys.executable, "-m", "hallq", "central", "--dsn", dsn, "--add-hall", code],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return out.stdout.strip().splitlines()[-1]


class CentralProcess:
    """`hallq central` in a process of its own (SIGKILL-able), always on the same port."""

    def __init__(self, dsn: str) -> None:
        self.dsn, self.port = dsn, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "hallq", "central", "--dsn", self.dsn, "--port",
                                      str(self.port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     cwd=ROOT)
        line = self.proc.stdout.readline()
        assert "listening" in line, line + self.proc.stdout.read()

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


class ForwarderProcess:
    """`python -m server.forwarder` for one hall store (the same worker the hall server runs on a thread)."""

    def __init__(self, data: Path, url: str, token: str) -> None:
        self.data, self.url, self.token = data, url, token
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "server.forwarder", "--data", str(self.data), "--url",
                                      self.url, "--token", self.token, "--config", str(HALL_TOML), "--batch", "300"],
                                     stdout=subprocess.DEVNULL, stderr=open(self.data / "forwarder.log", "a"),
                                     cwd=ROOT)

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def shift_day(data: Path, source: Path, day: date) -> int:
    """Append `source`'s day of tickets and events to the hall store at `data` as `day` (a live hall's writes,
    in short transactions); returns the events appended."""
    src = sqlite3.connect(source / "hallq.db")
    cols = [r[1] for r in src.execute("PRAGMA table_info(tickets)")]
    tickets = src.execute(f"SELECT {', '.join(cols)} FROM tickets WHERE day = ?", (DAY.isoformat(),)).fetchall()
    events = src.execute("SELECT version, type, at, ticket_id, window, data FROM events WHERE at LIKE ? ORDER BY seq",
                         (DAY.isoformat() + "%",)).fetchall()
    src.close()
    old, new = (DAY.isoformat(), DAY.strftime("%Y%m%d")), (day.isoformat(), day.strftime("%Y%m%d"))

    def shift(row):
        return tuple(v.replace(old[0], new[0]).replace(old[1], new[1]) if isinstance(v, str) else v for v in row)

    conn = sqlite3.connect(data / "hallq.db", isolation_level=None)
    conn.execute("PRAGMA busy_timeout=5000")
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(f"INSERT INTO tickets ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                     [shift(r) for r in tickets])
    conn.execute("COMMIT")
    for i in range(0, len(events), 50):
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO events (version, type, at, ticket_id, window, data) VALUES (?, ?, ?, ?, ?, ?)",
                         [shift(r) for r in events[i:i + 50]])
        conn.execute("COMMIT")
    conn.close()
    return len(events)


def hall_counts(data: Path) -> dict:
    conn = sqlite3.connect(data / "hallq.db")
    out = {"events": dict(conn.execute("SELECT type, count(*) FROM events GROUP BY type")),
           "tickets": dict(conn.execute("SELECT status, count(*) FROM tickets GROUP BY status")),
           "head": conn.execute("SELECT max(seq) FROM events").fetchone()[0],
           "epoch": (conn.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone() or [None])[0]}
    conn.close()
    return out


def central_counts(dsn: str, hall: str, epoch: str | None = None) -> dict:
    import psycopg

    with psycopg.connect(dsn) as conn:
        where, args = ("hall = %s AND epoch = %s", (hall, epoch)) if epoch else ("hall = %s", (hall,))
        return {"events": dict(conn.execute(f"SELECT type, count(*) FROM events WHERE {where} GROUP BY type", args)
                               .fetchall()),
                "tickets": dict(conn.execute(f"SELECT status, count(*) FROM tickets WHERE {where} GROUP BY status",
                                             args).fetchall()),
                "distinct_seq": conn.execute(f"SELECT count(DISTINCT (epoch, seq)) FROM events WHERE {where}",
                                             args).fetchone()[0],
                "max_seq": conn.execute(f"SELECT COALESCE(max(seq), 0) FROM events WHERE {where}", args).fetchone()[0]}


def wait_for(predicate, timeout: float, what: str, step: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")



def add_reader(dsn: str, username: str, password: str, *, hall: str | None = None, name: str = "市局读者") -> None:
    """A city reader account, in process (the CLI's own function; tests of the CLI itself run the command)."""
    import psycopg

    from central.readers import add_reader as add
    from central.schema import create

    with psycopg.connect(dsn, autocommit=True) as conn:
        create(conn)
        add(conn, username, name, password, hall, actor="test")


class CityReader:
    """A person at the city page, over real HTTP: a cookie jar, login, GETs; errors come back as (status, body)."""

    def __init__(self, url: str) -> None:
        import http.cookiejar
        import urllib.request

        self.url = url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None) -> tuple[int, bytes]:
        import json
        import urllib.error
        import urllib.request

        data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
        try:
            with self.opener.open(req, timeout=10) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def login(self, username: str, password: str) -> tuple[int, dict]:
        import json

        status, body = self.request("POST", "/api/login", {"username": username, "password": password},
                                    {"X-Hallq-City": "1"})
        return status, json.loads(body)

    def get(self, path: str) -> bytes:
        status, body = self.request("GET", path)
        assert status == 200, (path, status, body[:300])
        return body

    def json(self, path: str) -> tuple[int, object]:
        import json

        status, body = self.request("GET", path)
        return status, json.loads(body)


def logged_in_reader(dsn: str, url: str, username: str = "city", hall: str | None = None) -> CityReader:
    add_reader(dsn, username, "reader-pass-1", hall=hall)
    reader = CityReader(url)
    assert reader.login(username, "reader-pass-1")[0] == 200
    return reader


def ship_day(central_url: str, data: Path, *tokens: str, configs: dict | None = None) -> None:
    """The hall store's whole log as one batch, posted under each token (each a hall of its own at the centre);
    configs: a token's hall configuration (names) to send along."""
    import urllib.request

    import msgspec

    from server.forwarder import Forwarder, ensure_epoch

    conn = sqlite3.connect(data / "hallq.db", isolation_level=None)
    batch = Forwarder(data, central_url, "", batch=100_000)._read(conn, ensure_epoch(conn), 0, 0)
    conn.close()
    for token in tokens:
        body = msgspec.json.encode(msgspec.structs.replace(batch, config=(configs or {}).get(token)))
        req = urllib.request.Request(central_url + "/api/ingest", data=body, method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            assert resp.status == 200
