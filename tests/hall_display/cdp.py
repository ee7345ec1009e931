"""A minimal Chrome DevTools Protocol client: Debian's headless Chromium driven over an aiohttp WebSocket."""
from __future__ import annotations

import asyncio
import base64
import itertools
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

# The flags that work on these machines (no sandbox as root, no GPU, no network beyond 127.0.0.1);
# sound may start without a click, as on a wall TV set up for it.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--autoplay-policy=no-user-gesture-required", "--remote-debugging-port=0", "--window-size=1920,1080")


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Chromium:
    """`async with Chromium() as browser:` a fresh headless browser with one page."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self.console: list[str] = []

    async def __aenter__(self) -> Chromium:
        exe = chromium_path()
        assert exe, "chromium is not installed"
        # Chromium's helper processes may still write the profile for a moment after it exits.
        self._profile = tempfile.TemporaryDirectory(prefix="hallq-chromium-", ignore_cleanup_errors=True)
        self.proc = await asyncio.create_subprocess_exec(
            exe, *FLAGS, f"--user-data-dir={self._profile.name}", "about:blank",
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        port_file = Path(self._profile.name) / "DevToolsActivePort"
        deadline = time.monotonic() + 20
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline or self.proc.returncode is not None:
                raise RuntimeError("chromium did not open its DevTools port")
            await asyncio.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        self.session = aiohttp.ClientSession()
        async with self.session.get(f"http://127.0.0.1:{port}/json/list") as r:
            targets = await r.json()
        page = next(t for t in targets if t["type"] == "page")
        self.ws = await self.session.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0)
        await self.send("Runtime.enable")
        await self.send("Page.enable")
        return self

    async def __aexit__(self, *exc: Any) -> None:
        try:
            await self.ws.close()
            await self.session.close()
        finally:
            if self.proc.returncode is None:
                self.proc.terminate()
                try:
                    await asyncio.wait_for(self.proc.wait(), 10)
                except asyncio.TimeoutError:
                    self.proc.kill()
                    await self.proc.wait()
            for _ in range(20):
                shutil.rmtree(self._profile.name, ignore_errors=True)
                if not Path(self._profile.name).exists():
                    break
                await asyncio.sleep(0.1)
            self._profile.cleanup()

    async def send(self, method: str, **params: Any) -> dict:
        mid = next(self._ids)
        await self.ws.send_str(json.dumps({"id": mid, "method": method, "params": params}))
        for _ in range(100_000):
            msg = json.loads((await self.ws.receive(timeout=15)).data)
            if msg.get("method") == "Runtime.consoleAPICalled":
                self.console.append(" ".join(str(a.get("value", a.get("description", ""))) for a in msg["params"]["args"]))
            if msg.get("id") == mid:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg["result"]
        raise RuntimeError(f"no reply to {method}")

    async def eval(self, expression: str) -> Any:
        res = await self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in res:
            raise RuntimeError(f"{expression}: {res['exceptionDetails']}")
        return res["result"].get("value")

    async def goto(self, url: str) -> None:
        await self.send("Page.navigate", url=url)

    async def wait_for(self, expression: str, timeout: float = 10.0) -> Any:
        """Poll until `expression` is truthy; returns its value."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = await self.eval(expression)
            except RuntimeError:
                value = None  # the page is still loading
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {expression}; console: {self.console[-5:]}")
            await asyncio.sleep(0.1)

    async def screenshot(self, path: Path, width: int, height: int) -> Path:
        await self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                        mobile=False)
        await asyncio.sleep(0.3)  # one layout pass at the new size
        shot = await self.send("Page.captureScreenshot", format="png")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path
