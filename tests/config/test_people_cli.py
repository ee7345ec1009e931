"""`hallq clerk list|disable|enable|reset-pin` against a running server (real HTTP), and `hallq clerk add` (the store)
still working beside them."""
from __future__ import annotations

import asyncio

from hallq.cli import main
from tests.server.conftest import PINS, clock, make_server, provisioned, srv  # noqa: F401  (fixtures)


async def run(srv, *args: str, token: str = "admin") -> int:
    url = str(srv.client.make_url("/")).rstrip("/")
    return await asyncio.to_thread(main, [*args, "--server", url, "--token", srv.tokens[token]])


async def sign_in(srv, staff: str, pin: str) -> int:
    return (await srv.post("/api/windows/2/sign-in", "window2", {"staff_id": staff, "pin": pin})).status


async def test_the_cli_disables_enables_and_resets_a_pin_through_the_server(srv, capsys) -> None:
    assert await run(srv, "clerk", "disable", "s2", token="kiosk") == 1
    assert "403 forbidden" in capsys.readouterr().err
    assert await run(srv, "clerk", "disable", "s2") == 0
    assert "s2 (Clerk s2) disabled" in capsys.readouterr().out
    assert await sign_in(srv, "s2", PINS["s2"]) == 403
    assert await run(srv, "clerk", "list") == 0
    listed = capsys.readouterr().out
    assert "s2" in listed and "disabled" in listed.splitlines()[1]
    assert await run(srv, "clerk", "enable", "s2") == 0
    assert await run(srv, "clerk", "reset-pin", "s2", "--pin", "12") == 2
    assert "4 to 12 digits" in capsys.readouterr().err
    assert await run(srv, "clerk", "reset-pin", "s2", "--pin", "753159") == 0
    assert await sign_in(srv, "s2", PINS["s2"]) == 403
    assert await sign_in(srv, "s2", "753159") == 200
    assert await run(srv, "clerk", "disable", "s2") == 1  # signed in now
    assert "clerk_signed_in" in capsys.readouterr().err
    rows = (await (await srv.client.get("/api/audit", headers=srv.auth("admin"))).json())
    assert [r["action"] for r in rows if r["action"].startswith("clerk_")][:3] == [
        "clerk_pin_reset", "clerk_enabled", "clerk_disabled"]


async def test_clerk_add_on_the_store_still_works_and_keeps_a_disabled_flag(make_server, tmp_path, capsys) -> None:
    from server.cli import add_clerk_in

    srv = await make_server()
    assert await run(srv, "clerk", "disable", "s4") == 0
    add_clerk_in(srv.data, "s4", "Clerk s4", "4321")  # a new PIN from the host's shell
    assert await sign_in(srv, "s4", "4321") == 403  # still disabled: the PIN does not enable a clerk
