"""A device token's pairing text (its QR code in the console) read back by the device's command line: `hallq window
--pair TEXT` gets the server and token the console created; a display's page URL pairs a display; a text for another
kind of device or a stranger's text is refused."""
from __future__ import annotations

import pytest

from hallq.cli import build_parser
from qtclient.pairing import parse_pairing
from tests.server.conftest import clock, make_server, provisioned, srv  # noqa: F401  (fixtures)


async def create(srv, body: dict) -> dict:
    r = await srv.client.post("/api/tokens", json=body, headers=srv.auth("admin"))
    assert r.status == 200
    return await r.json()


async def test_a_window_terminal_pairs_from_the_text_the_console_showed(srv) -> None:
    from window_terminal.cli import config_from_args

    made = await create(srv, {"role": "window", "name": "窗口4", "window": 4})
    args = build_parser().parse_args(["window", "--pair", made["pairing"]])
    config = config_from_args(args)
    assert (config.server, config.token) == (str(srv.client.make_url("/")).rstrip("/"), made["token"])
    r = await srv.client.get("/api/me", headers={"Authorization": f"Bearer {config.token}"})
    assert (await r.json())["window"] == 4  # the paired terminal is window 4's
    kiosk = await create(srv, {"role": "kiosk", "name": "取号机2"})
    with pytest.raises(ValueError, match="for a kiosk token, not a window"):
        config_from_args(build_parser().parse_args(["window", "--pair", kiosk["pairing"]]))


async def test_a_display_pairs_from_its_page_url(srv) -> None:
    made = await create(srv, {"role": "display", "name": "大厅屏3"})
    paired = parse_pairing(made["pairing"])
    assert paired == {"server": str(srv.client.make_url("/")).rstrip("/"), "token": made["token"], "role": "display",
                      "window": None}


@pytest.mark.parametrize("text", ["", "https://example.com/?token=x", "hallq://pair?server=ftp://x&token=t",
                                  "hallq://pair?server=http://h:1", "hallq://pair?server=http://h:1&token=t&window=x"])
def test_a_text_that_is_not_a_pairing_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_pairing(text)
