"""Real halls for the wall display's layout tests: the sample county hall and a 30-service/40-window one,
seeded with calls through the real HallService and then served by the real server."""
from __future__ import annotations

import shutil
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from queuecore import protocol as P
from queuecore.config import load_config
from queuecore.model import HallConfig
from server.app import ServerConfig
from server.service import HallService
from server.store import Store
from tests.qtclient.conftest import ADMIN, PINS, LoopThread, ServerThread
from tests.queuecore.conftest import at
from tests.server.conftest import Clock

ROOT = Path(__file__).resolve().parents[2]
COUNTY = ROOT / "examples" / "county-hall.toml"
BIG = Path(__file__).with_name("big-hall.toml")

# Calls in order (the last is the newest): the windows with the longest signs come last, so they are on top.
COUNTY_CALLS = (1, 3, 5, 7, 9, 11, 13, 14, 15, 16, 17, 18, 19, 20)
BIG_CALLS = (1, 5, 9, 12, 16, 17, 18, 19, 20, 21, 25, 29, 31, 33, 35, 37, 39, 40, 38)


def hall(path: Path) -> HallConfig:
    return load_config(str(path))


def seed(data: Path, config: HallConfig, windows: Sequence[int], clock: Clock) -> None:
    """Calls at `windows` in order (issue for the window's first service, sign in, call, skip, sign out),
    then a few more tickets per service so the waiting counts differ."""
    store = Store(data, durable=False)
    try:
        svc = HallService(config, store, clock)
        by_id = {w.id: w for w in config.windows}

        def run(cmd: P.Command) -> P.Result:
            # The PIN is checked by the socket before a command reaches the service.
            reply = svc.execute(cmd, ADMIN, pin_ok=isinstance(cmd, P.SignIn) or None)
            assert isinstance(reply, P.Result), (cmd, reply)
            return reply

        for w in windows:
            run(P.IssueTicket(service=by_id[w].services[0]))
            run(P.SignIn(window=w, staff_id="s1", pin=PINS["s1"]))
            run(P.CallNext(window=w))
            run(P.Skip(window=w))
            run(P.SignOut(window=w))
            clock.advance(seconds=40)
        for i, s in enumerate(config.services):
            for _ in range((i * 7) % 5):
                run(P.IssueTicket(service=s.code))
    finally:
        store.close()


def serve(loop: LoopThread, tmp: Path, provisioned: tuple[Path, dict[str, str]], path: Path,
          windows: Sequence[int], *, start: datetime | None = None) -> ServerThread:
    """The real server on the hall at `path`, seeded with calls at `windows`; started. Its clock
    stands at `start` (default 09:00 on the test day) plus 40 s a call."""
    data = tmp / f"data-{path.stem}"
    shutil.copytree(provisioned[0], data)
    config = hall(path)
    clock = Clock(start or at("09:00"))
    if windows:
        seed(data, config, windows, clock)
    srv = ServerThread(loop=loop, config=ServerConfig(hall=config, data_dir=data, durable=False), clock=clock,
                       tokens=dict(provisioned[1]))
    srv.start()
    return srv
