"""Run the server in the foreground until SIGINT/SIGTERM, printing the URL it listens on (port 0 picks one)."""
from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable

from aiohttp import web

from server.app import ServerConfig, create_app

log = logging.getLogger("hallq.server")


async def start(cfg: ServerConfig, host: str, port: int, **app_kw) -> tuple[web.AppRunner, int]:
    # keepalive_timeout also runs from the moment a connection opens (aiohttp >= 3.10): a socket that
    # sends nothing, or its headers byte by byte, is closed after idle_timeout_s.
    # lingering_time: after answering a body that never came (408), read its rest for at most 1 s.
    runner = web.AppRunner(create_app(cfg, **app_kw), access_log=None, keepalive_timeout=cfg.idle_timeout_s,
                           lingering_time=1.0)
    await runner.setup()
    await web.TCPSite(runner, host, port, reuse_address=True).start()
    return runner, runner.addresses[0][1]


def serve(cfg: ServerConfig, host: str, port: int, on_ready: Callable[[str], None] | None = None) -> int:
    async def main() -> None:
        runner, bound = await start(cfg, host, port)
        url = f"http://{host}:{bound}"
        print(f"hallq server listening on {url}  (data: {cfg.data_dir.resolve()})", flush=True)
        if on_ready:
            on_ready(url)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        log.info("shutting down")
        await runner.cleanup()

    run(main())
    return 0


def run(coro) -> None:
    """asyncio.run on uvloop when it is installed (about a third more requests per second here)."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(coro)
        return
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(coro)
