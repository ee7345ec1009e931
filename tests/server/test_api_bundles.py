"""一票到底 over REST: a kiosk issues a bundle ticket (its reply lists the steps to print); windows serve it step by
step under one number; each step's rating is stored as its own."""
from __future__ import annotations

import sqlite3

import msgspec
import pytest

from queuecore.config import ConfigError, load_config
from queuecore.model import Bundle
from tests.server.conftest import PINS, make_config

BUNDLE = Bundle(code="startup", name_zh="企业开办", name_en="Business start-up", steps=("social", "tax"))


@pytest.fixture
async def bsrv(make_server):
    return await make_server(msgspec.structs.replace(make_config(), bundles=(BUNDLE,)))


async def test_a_bundle_ticket_is_served_step_by_step_under_one_number(bsrv) -> None:
    r = await bsrv.post("/api/bundles/startup/tickets", "kiosk", {})
    issued = await r.json()
    assert r.status == 200, issued
    assert (issued["ticket"]["number"], issued["steps_zh"], issued["steps_en"]) == (
        "B001", ["社保", "税务"], ["Social insurance", "Tax"])
    await bsrv.post("/api/windows/2/sign-in", "window2", {"staff_id": "s2", "pin": PINS["s2"]})
    await bsrv.post("/api/windows/4/sign-in", "window4", {"staff_id": "s4", "pin": PINS["s4"]})
    for w in (2, 4):
        r = await bsrv.post(f"/api/windows/{w}/call-next", f"window{w}")
        assert (await r.json())["ticket"]["number"] == "B001"
        await bsrv.post(f"/api/windows/{w}/start", f"window{w}")
        r = await bsrv.post(f"/api/windows/{w}/finish", f"window{w}", {"outcome": "completed"})
        assert r.status == 200
        r = await bsrv.post(f"/api/windows/{w}/rate", f"window{w}", {"number": "B001", "level": 5 if w == 2 else 4})
        assert r.status == 200, await r.json()
    with sqlite3.connect(bsrv.data / "hallq.db") as conn:
        finished = conn.execute("SELECT window FROM events WHERE type = 'ticket_finished'").fetchall()
        ratings = conn.execute("SELECT json_extract(data, '$.service'), json_extract(data, '$.level') FROM events "
                               "WHERE type = 'visit_rated' ORDER BY seq").fetchall()
        (status, step) = conn.execute("SELECT status, step FROM tickets WHERE number = 'B001'").fetchone()
    assert finished == [(2,), (4,)] and ratings == [("social", 5), ("tax", 4)] and (status, step) == ("done", 1)


async def test_an_unknown_bundle_is_404(bsrv) -> None:
    r = await bsrv.post("/api/bundles/nope/tickets", "kiosk", {})
    assert (r.status, (await r.json())["code"]) == (404, "unknown_bundle")


def test_a_bundle_of_unknown_or_repeated_services_is_refused_at_load(tmp_path) -> None:
    from pathlib import Path

    base = (Path(__file__).parent / "data" / "open-hall.toml").read_text()
    bad = tmp_path / "hall.toml"
    bad.write_text(base + '\n[[bundles]]\ncode = "x"\nname_zh = "测试"\nsteps = ["nope", "nope"]\n')
    with pytest.raises(ConfigError) as info:
        load_config(str(bad))
    assert "bundle x: needs at least two steps" in str(info.value) and "unknown service 'nope'" in str(info.value)
