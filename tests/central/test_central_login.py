"""City readers over real HTTP against `hallq central` on the throwaway cluster: accounts made by the CLI (scrypt),
a session cookie, lockout after wrong passwords, every login audited, hall tokens and reader sessions kept apart,
and a reader bound to one hall seeing only that hall."""
from __future__ import annotations

import io
import json
import subprocess
import sys

import psycopg

from tests.central.centralkit import ROOT, CityReader, add_hall, add_reader, ship_day

REPORT = "/api/reports/city?from=2026-11-01&to=2026-11-30&by=hall"


def cli(dsn: str, *args: str, password: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hallq", "central", "user", *args, "--dsn", dsn],
                          input=None if password is None else password + "\n", capture_output=True, text=True,
                          cwd=ROOT)


def audit(dsn: str) -> list[tuple[str, str]]:
    with psycopg.connect(dsn) as conn:
        return conn.execute("SELECT username, action FROM reader_audit ORDER BY id").fetchall()


def test_reports_need_a_reader_login_and_a_hall_token_opens_none(central, dsn):
    token = add_hall(dsn, "h1")
    made = cli(dsn, "add", "wang", "--name", "王科长", "--password-stdin", password="city-reader-9")
    assert made.returncode == 0, made.stderr
    # Bad input: a stable code, nothing stored.
    short = cli(dsn, "add", "li", "--name", "李", "--password-stdin", password="short")
    assert short.returncode == 1 and "invalid_argument" in short.stderr
    nohall = cli(dsn, "add", "zhao", "--name", "赵", "--hall", "nowhere", "--password-stdin", password="long-enough-1")
    assert nohall.returncode == 1 and "unknown_hall" in nohall.stderr
    listed = cli(dsn, "list")
    assert listed.stdout.splitlines() == ["wang\t王科长\t(all halls)"]
    with psycopg.connect(dsn) as conn:
        (pw_hash,) = conn.execute("SELECT pw_hash FROM readers WHERE username = 'wang'").fetchone()
    assert pw_hash.startswith("scrypt$") and "city-reader-9" not in pw_hash

    anyone = CityReader(central.url)
    assert anyone.request("GET", "/")[0] == 200  # the page itself: its login form
    for path in (REPORT, REPORT + "&format=xlsx", "/api/halls", "/api/me"):
        status, body = anyone.request("GET", path)
        assert (status, json.loads(body)["error"]["code"]) == (401, "login_required"), path
    # A hall's push token is no login.
    status, body = anyone.request("GET", REPORT, headers={"Authorization": f"Bearer {token}"})
    assert (status, json.loads(body)["error"]["code"]) == (401, "login_required")
    # A login needs the page's own header (a cross-site form cannot send it).
    assert anyone.request("POST", "/api/login", {"username": "wang", "password": "city-reader-9"})[0] == 400
    assert anyone.login("wang", "wrong-password") == (401, {"error": {"code": "bad_credentials",
                                                                      "message": "unknown user or wrong password"}})
    status, me = anyone.login("wang", "city-reader-9")
    assert (status, me) == (200, {"username": "wang", "name": "王科长", "hall": None})
    cookie = next(c for c in anyone.jar if c.name == "hallq_city")
    assert cookie.has_nonstandard_attr("HttpOnly") and cookie.get_nonstandard_attr("SameSite") == "Strict"
    assert anyone.json("/api/me") == (200, me)
    assert anyone.json(REPORT)[0] == 200 and anyone.json("/api/halls")[0] == 200
    # The reader's session pushes nothing.
    status, body = anyone.request("POST", "/api/ingest", {"epoch": "e", "after": 0})
    assert (status, json.loads(body)["error"]["code"]) == (401, "unauthorized")
    # Logged out, the same cookie opens nothing again.
    assert anyone.request("POST", "/api/logout", headers={"X-Hallq-City": "1"})[0] == 200
    replay = CityReader(central.url)
    replay.jar.set_cookie(cookie)
    assert replay.json(REPORT)[0] == 401 and anyone.json(REPORT)[0] == 401
    assert audit(dsn) == [("wang", "reader_added"), ("wang", "login_failed"), ("wang", "login"), ("wang", "logout")]


def test_five_wrong_passwords_lock_the_account_and_a_new_password_lifts_it(central, dsn):
    add_reader(dsn, "chen", "right-password-1")
    reader = CityReader(central.url)
    for _ in range(5):
        assert reader.login("chen", "not-it-at-all")[1]["error"]["code"] == "bad_credentials"
    status, body = reader.login("chen", "right-password-1")  # the right one, too late
    assert (status, body["error"]["code"]) == (403, "locked_out")
    assert reader.json(REPORT)[0] == 401
    # An unknown name gets the same answer as a wrong password, and is audited too.
    assert reader.login("nobody", "whatever-1")[1]["error"]["code"] == "bad_credentials"
    rows = audit(dsn)
    assert rows == [("chen", "reader_added"), *[("chen", "login_failed")] * 5, ("chen", "locked_out"),
                    ("chen", "login_refused_locked"), ("nobody", "login_failed")]
    listed = cli(dsn, "list").stdout
    assert "chen" in listed and "locked until" in listed
    # An administrator sets a new password: the lock is lifted.
    assert cli(dsn, "add", "chen", "--name", "陈", "--password-stdin", password="new-password-2").returncode == 0
    assert reader.login("chen", "new-password-2")[0] == 200 and reader.json(REPORT)[0] == 200


def test_an_idle_session_ends_and_a_removed_reader_is_logged_out(central, dsn):
    add_reader(dsn, "sun", "reader-pass-3")
    add_reader(dsn, "zhou", "reader-pass-4")
    idle, removed = CityReader(central.url), CityReader(central.url)
    assert idle.login("sun", "reader-pass-3")[0] == 200 and removed.login("zhou", "reader-pass-4")[0] == 200
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("UPDATE reader_sessions SET last_seen = now() - interval '61 minutes' "
                     "WHERE username = 'sun'")
    assert idle.json(REPORT)[0] == 401
    assert removed.json(REPORT)[0] == 200
    assert cli(dsn, "remove", "zhou").returncode == 0
    assert removed.json(REPORT)[0] == 401
    assert removed.login("zhou", "reader-pass-4")[0] == 401
    assert cli(dsn, "list").stdout.splitlines() == ["sun\t市局读者\t(all halls)"]


def test_a_reader_bound_to_a_hall_sees_that_hall_only(central, dsn, day_store):
    from openpyxl import load_workbook

    ship_day(central.url, day_store, add_hall(dsn, "h1"), add_hall(dsn, "h2"))
    assert cli(dsn, "add", "town", "--name", "镇中心", "--hall", "h1", "--password-stdin",
               password="town-pass-5").returncode == 0
    add_reader(dsn, "city", "city-pass-6")
    town, city = CityReader(central.url), CityReader(central.url)
    assert town.login("town", "town-pass-5") == (200, {"username": "town", "name": "镇中心", "hall": "h1"})
    assert city.login("city", "city-pass-6")[0] == 200

    everyone = city.json(REPORT)[1]
    assert [r["hall"] for r in everyone["rows"]] == ["h1", "h2"]
    own = town.json(REPORT)[1]
    assert [r["hall"] for r in own["rows"]] == ["h1"]
    assert own["rows"] == everyone["rows"][:1]
    assert own["total"]["issued"] == everyone["rows"][0]["issued"] == everyone["total"]["issued"] // 2 > 0
    by_service = town.json("/api/reports/city?from=2026-11-01&to=2026-11-30&by=service")[1]
    assert by_service["total"]["issued"] == own["total"]["issued"]
    status, body = town.json(REPORT + "&halls=h2")
    assert (status, body["error"]["code"]) == (403, "hall_not_allowed")
    assert town.json(REPORT + "&halls=h1,h2")[0] == 403
    assert town.json(REPORT + "&halls=h1")[1]["rows"] == own["rows"]
    assert [h["hall"] for h in town.json("/api/halls")[1]] == ["h1"]
    assert [h["hall"] for h in city.json("/api/halls")[1]] == ["h1", "h2"]
    sheet = load_workbook(io.BytesIO(town.get(REPORT + "&by=hall,service&format=xlsx"))).active
    assert {row[0] for row in sheet.iter_rows(min_row=3, values_only=True)} == {"h1", "合计"}
