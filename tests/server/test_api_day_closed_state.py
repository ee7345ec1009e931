"""日终 on the wire: the snapshot says when the day was closed (kiosks show 今日已结束办理), also after a restart of
the server, and a new business day clears it."""
from __future__ import annotations

from tests.server.conftest import at


async def snapshot(srv, who: str = "kiosk") -> dict:
    ws = await srv.ws(who)
    snap = await ws.receive_json()
    await ws.close()
    assert snap["type"] == "snapshot"
    return snap


async def test_the_snapshot_carries_the_close_across_a_restart_until_the_next_day(make_server) -> None:
    srv = await make_server()
    assert (await snapshot(srv)).get("day_closed_at") is None
    srv.clock.advance(hours=8, minutes=30)
    assert (await srv.post("/api/day/close", "admin", {})).status == 200
    assert (await snapshot(srv))["day_closed_at"] == at("17:30").isoformat()
    await srv.client.close()  # the server stops; a new one opens the same store
    again = await make_server(data=srv.data, tokens=srv.tokens)
    assert (await snapshot(again))["day_closed_at"] == at("17:30").isoformat()
    again.clock.advance(hours=15)
    assert (await again.post("/api/day/start", "admin", {})).status == 200
    assert (await snapshot(again)).get("day_closed_at") is None
