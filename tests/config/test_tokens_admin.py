"""Device tokens from the console's REST side: create (the secret once, with a pairing QR code as SVG), list (never
the secret or its hash), revoke (its open sockets close at once); admin only, audited; bad input changes nothing."""
from __future__ import annotations

import re
import sqlite3
from urllib.parse import parse_qs, urlsplit

from server.auth import hash_token
from server.routes_people import qr_svg
from tests.server.conftest import Hallq, clock, make_server, provisioned, srv  # noqa: F401  (fixtures)


async def call(hq: Hallq, method: str, path: str, body=None, token: str | None = None, who: str = "admin"):
    headers = {"Authorization": f"Bearer {token}"} if token else hq.auth(who)
    if method == "GET":
        r = await hq.client.get(path, headers=headers)
    else:
        r = await hq.client.post(path, json=body if body is not None else {}, headers=headers)
    return r.status, await r.json()


def stored(hq: Hallq) -> tuple:
    with sqlite3.connect(hq.data / "hallq.db") as conn:
        return (conn.execute("SELECT * FROM tokens ORDER BY hash").fetchall(),
                conn.execute("SELECT count(*) FROM audit").fetchone()[0])


async def test_a_created_window_token_works_once_shown_and_pairs_by_its_qr_code(srv) -> None:
    status, made = await call(srv, "POST", "/api/tokens", {"role": "window", "name": "3号窗口终端", "window": 3})
    assert status == 200
    secret = made["token"]
    assert secret.startswith("hq") and made["window"] == 3 and made["role"] == "window"
    # The pairing text is what a window terminal's setup takes: the server and the token (--server, --token).
    url = urlsplit(made["pairing"])
    assert (url.scheme, url.netloc) == ("hallq", "pair")
    fields = parse_qs(url.query)
    assert fields["token"] == [secret] and fields["window"] == ["3"] and fields["role"] == ["window"]
    assert fields["server"] == [str(srv.client.make_url("/")).rstrip("/")]
    assert made["qr_svg"].startswith("<svg") and made["qr_svg"] == qr_svg(made["pairing"])
    # The new token is a window-3 device: /api/me says so.
    status, me = await call(srv, "GET", "/api/me", token=secret)
    assert (status, me["role"], me["window"], me["name"]) == (200, "window", 3, "3号窗口终端")
    # The list shows it, never the secret or its hash.
    status, rows = await call(srv, "GET", "/api/tokens")
    text = repr(rows)
    assert secret not in text and hash_token(secret) not in text
    row = next(r for r in rows if r["name"] == "3号窗口终端")
    assert row == {"id": made["id"], "role": "window", "name": "3号窗口终端", "window": 3,
                   "created_at": srv.clock.now.isoformat(), "revoked_at": None, "revoked": False}
    assert not any(re.fullmatch(r"[0-9a-f]{64}", str(v)) for r in rows for v in r.values())


async def test_a_display_token_pairs_with_the_display_page_url(srv) -> None:
    status, made = await call(srv, "POST", "/api/tokens", {"role": "display", "name": "大厅屏2"})
    assert status == 200 and made["window"] is None
    url = urlsplit(made["pairing"])
    assert url.path == "/display" and parse_qs(url.query) == {"token": [made["token"]]}
    r = await srv.client.get(f"/display?{url.query}")  # the page a TV's browser opens from the QR code
    assert r.status == 200 and "text/html" in r.headers["Content-Type"]


async def test_revoking_closes_the_tokens_open_socket_at_once_and_it_stops_working(make_server) -> None:
    srv = await make_server(tick_s=3600)  # no tick: the revocation itself closes the socket
    status, made = await call(srv, "POST", "/api/tokens", {"role": "kiosk", "name": "kiosk-9"})
    ws = await srv.client.ws_connect(f"/ws?token={made['token']}")
    assert (await ws.receive_json())["type"] == "snapshot"
    other = await srv.ws("display")
    await other.receive_json()
    status, done = await call(srv, "POST", f"/api/tokens/{made['id']}/revoke")
    assert status == 200 and done["sockets_closed"] == 1 and done["name"] == "kiosk-9"
    msg = await ws.receive(timeout=5)
    while msg.type.name == "TEXT":
        msg = await ws.receive(timeout=5)
    assert ws.closed and ws.close_code == 4401
    status, err = await call(srv, "POST", "/api/tickets", {"service": "social"}, token=made["token"])
    assert (status, err["code"]) == (401, "unauthorized")
    await other.send_str('{"type":"ping","id":"p"}')
    assert (await other.receive_json(timeout=5))["id"] == "p"  # other devices keep their sockets
    await other.close()
    status, rows = await call(srv, "GET", "/api/tokens")
    row = next(r for r in rows if r["id"] == made["id"])
    assert row["revoked"] and row["revoked_at"] == srv.clock.now.isoformat()
    status, err = await call(srv, "POST", f"/api/tokens/{made['id']}/revoke")
    assert (status, err["code"]) == (409, "token_revoked")
    with sqlite3.connect(srv.data / "hallq.db") as conn:
        audit = conn.execute("SELECT actor, action, detail FROM audit WHERE action LIKE 'token_%' ORDER BY seq").fetchall()
    assert [(a, b) for a, b, _ in audit] == [("admin:test-admin", "token_created"), ("admin:test-admin", "token_revoked")]
    assert made["token"] not in repr(audit) and hash_token(made["token"]) not in repr(audit)


BAD = [
    ({"role": "cashier", "name": "x"}, 400, "invalid_argument"),
    ({"role": "kiosk", "name": ""}, 400, "invalid_argument"),
    ({"role": "kiosk", "name": "k" * 65}, 400, "invalid_argument"),
    ({"role": "window", "name": "w"}, 400, "invalid_argument"),  # a window token needs its window
    ({"role": "window", "name": "w", "window": "3"}, 400, "invalid_argument"),
    ({"role": "window", "name": "w", "window": 99}, 404, "unknown_window"),
    ({"role": "kiosk", "name": "k", "window": 1}, 400, "invalid_argument"),  # only window tokens have one
    ({"role": "kiosk", "name": "test-kiosk"}, 409, "token_name_taken"),  # an active token has that name
]


async def test_bad_input_is_refused_with_its_code_and_changes_nothing(srv) -> None:
    before = stored(srv)
    for body, status_wanted, code in BAD:
        status, err = await call(srv, "POST", "/api/tokens", body)
        assert (status, err["code"]) == (status_wanted, code), body
    status, err = await call(srv, "POST", "/api/tokens/0123456789ab/revoke")
    assert (status, err["code"]) == (404, "unknown_token")
    assert stored(srv) == before


async def test_only_an_admin_manages_tokens(srv) -> None:
    before = stored(srv)
    for who in ("kiosk", "window1", "display"):
        status, err = await call(srv, "POST", "/api/tokens", {"role": "admin", "name": "mine"}, who=who)
        assert (status, err["code"]) == (403, "forbidden")
        assert (await call(srv, "GET", "/api/tokens", who=who))[0] == 403
    assert stored(srv) == before
