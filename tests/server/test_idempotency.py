"""One command id, one decision: repeats at the same moment, after thousands of other commands, after a restart,
with another command, from another role."""
from __future__ import annotations

import asyncio
import sqlite3

import msgspec

from tests.server.conftest import PINS


def tickets(srv) -> list[str]:
    with sqlite3.connect(srv.data / "hallq.db") as conn:
        return [n for (n,) in conn.execute("select number from tickets order by number")]


def stored_reply(srv, command_id: str) -> tuple[str, str]:
    with sqlite3.connect(srv.data / "hallq.db") as conn:
        return conn.execute("select command, reply from replies where command_id = ?", (command_id,)).fetchone()


async def test_two_posts_with_one_key_at_the_same_moment_make_one_ticket(srv) -> None:
    async def post(key: str):
        r = await srv.post("/api/tickets", "admin", {"service": "social"}, headers={"Idempotency-Key": key})
        return r.status, await r.json()

    pairs = await asyncio.gather(*(asyncio.gather(post(f"tap-{i}"), post(f"tap-{i}")) for i in range(50)))
    for (s1, a), (s2, b) in pairs:
        assert s1 == s2 == 200
        assert a == b  # the retry got the first decision's reply, not a second ticket
    assert len(tickets(srv)) == 50


async def test_two_sockets_of_one_token_sending_one_id_at_once_make_one_ticket(srv) -> None:
    w1, w2 = await srv.ws("kiosk"), await srv.ws("kiosk")
    await w1.receive_json(), await w2.receive_json()
    for i in range(20):
        frame = msgspec.json.encode({"type": "issue_ticket", "id": f"dup-{i}", "service": "social"}).decode()
        await asyncio.gather(w1.send_str(frame), w2.send_str(frame))

    async def results(ws) -> dict[str, dict]:
        out = {}
        while len(out) < 20:
            msg = await ws.receive_json(timeout=5)
            if msg["type"] in ("result", "error"):
                out[msg["id"]] = msg
        return out

    r1, r2 = await asyncio.gather(results(w1), results(w2))
    assert r1 == r2
    assert all(m["type"] == "result" for m in r1.values())
    assert len(tickets(srv)) == 20
    await w1.close(), await w2.close()


async def test_an_id_is_answered_from_the_store_after_thousands_of_other_commands(srv) -> None:
    first = await (await srv.post("/api/tickets", "admin", {"service": "social", "id": "early"})).json()
    ws = await srv.ws("admin")
    await ws.receive_json()
    n = 4200  # more than the old in-memory cache held
    for i in range(n):
        await ws.send_str(f'{{"type":"issue_ticket","id":"bulk-{i}","service":"social"}}')
    got = 0
    while got < n:
        if (await ws.receive_json(timeout=30))["type"] == "result":
            got += 1
    await ws.close()
    again = await (await srv.post("/api/tickets", "admin", {"service": "social", "id": "early"})).json()
    assert again == first
    assert len(tickets(srv)) == n + 1


async def test_an_id_reused_for_another_command_or_other_arguments_is_refused(srv) -> None:
    first = await (await srv.post("/api/tickets", "admin", {"service": "social", "id": "k1"})).json()
    before = stored_reply(srv, "k1")
    r = await srv.post("/api/windows/1/call-next", "admin", {"id": "k1"})
    body = await r.json()
    assert (r.status, body["code"]) == (409, "id_reused"), body
    r = await srv.post("/api/tickets", "admin", {"service": "tax", "id": "k1"})
    assert (r.status, (await r.json())["code"]) == (409, "id_reused")
    assert stored_reply(srv, "k1") == before  # never overwritten
    assert before[0] == "issue_ticket"
    again = await (await srv.post("/api/tickets", "admin", {"service": "social", "id": "k1"})).json()
    assert again == first
    assert tickets(srv) == ["B001"]


async def test_a_repeat_is_looked_up_only_after_the_role_check(srv) -> None:
    issued = await (await srv.post("/api/tickets", "kiosk", {"service": "social", "id": "same"})).json()
    # A display may not issue: it is refused as forbidden, never handed a stored reply.
    r = await srv.post("/api/tickets", "display", {"service": "social", "id": "same"})
    assert (r.status, (await r.json())["code"]) == (403, "forbidden")
    # A window token acts for its own window only, whatever id it sends.
    await srv.post("/api/windows/1/sign-in", "window1", {"staff_id": "s1", "pin": PINS["s1"], "id": "in-1"})
    called = await (await srv.post("/api/windows/1/call-next", "window1", {"id": "c-1"})).json()
    r = await srv.post("/api/windows/2/call-next", "window1", {"id": "c-1"})
    assert (r.status, (await r.json())["code"]) == (403, "wrong_window")
    # The same window repeating its id gets its first reply, even after its clerk signed out.
    await srv.post("/api/windows/1/sign-out", "window1", {})
    again = await (await srv.post("/api/windows/1/call-next", "window1", {"id": "c-1"})).json()
    assert again == called and issued["ticket"]["number"] == "B001"


async def test_a_repeat_across_a_restart_is_answered_and_a_reused_id_still_refused(make_server) -> None:
    first = await make_server()
    issued = await (await first.post("/api/tickets", "kiosk", {"service": "social", "id": "r-1"})).json()
    await first.client.close()
    second = await make_server(data=first.data, tokens=first.tokens)
    assert await (await second.post("/api/tickets", "kiosk", {"service": "social", "id": "r-1"})).json() == issued
    r = await second.post("/api/tickets", "kiosk", {"service": "estate", "id": "r-1"})
    assert (await r.json())["code"] == "id_reused"
    assert tickets(second) == ["B001"]
