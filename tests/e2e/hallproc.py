"""Helpers for the e2e tests: the whole hall as separate processes: the server, each GUI app on its own Xvfb screen, driven with
xdotool and watched through real outputs (printer bytes on a pty, REST, logs, X screenshots).

Every process is started in its own session and killed at teardown, also when a test fails.
Every wait is bounded and fails with the tail of the logs that tell why.
"""
from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pytest
from PIL import Image, ImageChops, ImageGrab

from server.cli import add_clerk_in, create_token_in
CONFIG = Path(__file__).parent / "data" / "hall.toml"
T = TypeVar("T")

# Screen sizes: the kiosk's portrait touch screen, a clerk's monitor, the wall TV.
KIOSK_SCREEN = (1080, 1920)
TERMINAL_SCREEN = (1024, 768)
DISPLAY_SCREEN = (1280, 720)
TERMINAL_CARD = "#f4f7fb"  # the current-ticket card of the terminal's work page


def tail(path: Path, lines: int = 25) -> str:
    if not path.exists():
        return f"--- {path.name}: (no file)"
    text = path.read_text(errors="replace").splitlines()[-lines:]
    return f"--- {path.name} (last {len(text)} lines):\n" + "\n".join(text)


def wait_for(what: str, check: Callable[[], T | None], timeout: float, logs: list[Path] = (),
             every: float = 0.1) -> T:
    """check() until it returns something truthy, at most `timeout` s; else fail with the logs' tails."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {timeout:.0f} s\n" + "\n".join(tail(p) for p in logs), pytrace=False)
        time.sleep(every)


# --- processes ------------------------------------------------------------------------------------


class Processes:
    """Every process a test starts; `stop_all()` ends them (their whole session: a group per process)."""

    def __init__(self) -> None:
        self.procs: list[tuple[int, subprocess.Popen]] = []  # (stop order, process)

    def start(self, argv: list[str], log: Path, env: dict[str, str] | None = None, *, order: int = 0,
              **kw) -> subprocess.Popen:
        """`order`: lower ones are stopped first (apps 0, then X servers 1, then the hall server 2)."""
        out = open(log, "ab")
        try:
            proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    env=env, start_new_session=True, **kw)
        finally:
            out.close()
        self.procs.append((order, proc))
        return proc

    @staticmethod
    def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM, grace: float = 3.0) -> None:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                pass
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                pass
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(5)

    def stop_all(self) -> None:
        for _order, proc in sorted(self.procs, key=lambda p: p[0]):
            self.stop(proc)


def app_env(display: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of an app: a real X screen, never pytest's QT_QPA_PLATFORM=offscreen."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_QPA_", "HALLQ_SCREENSHOT"))}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    if display:
        env["DISPLAY"] = display
    env.update(extra)
    return env


@dataclass
class Screen:
    """One Xvfb server."""

    display: str
    size: tuple[int, int]
    log: Path

    def grab(self) -> Image.Image:
        return ImageGrab.grab(xdisplay=self.display).convert("RGB")

    def xdotool(self, *args: str, timeout: float = 5.0) -> str:
        try:
            r = subprocess.run(["xdotool", *args], env=app_env(self.display), capture_output=True, text=True,
                               timeout=timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"xdotool {' '.join(args)} on {self.display}: no answer within {timeout} s", pytrace=False)
        return r.stdout

    def window_id(self, name: str, logs: list[Path], timeout: float = 10.0) -> str:
        """The X id of the visible top-level window whose title matches `name` (a regex)."""
        def find() -> str | None:
            ids = self.xdotool("search", "--onlyvisible", "--name", name).split()
            return ids[-1] if ids else None
        return wait_for(f"a visible window named {name!r} on {self.display}", find, timeout, logs, every=0.2)

    def keys(self, window_name: str, *keys: str, logs: list[Path]) -> None:
        """Give the window the keyboard focus (no window manager here: plain XSetInputFocus), then type."""
        wid = self.window_id(window_name, logs)
        self.xdotool("windowfocus", "--sync", wid)
        self.type(*keys)

    def type(self, *keys: str) -> None:
        """Keys to whichever window has the focus."""
        self.xdotool("key", "--delay", "80", *keys)

    def tap(self, x: int, y: int) -> None:
        self.xdotool("mousemove", "--sync", str(x), str(y))
        self.xdotool("click", "1")


def start_xvfb(procs: Processes, size: tuple[int, int], log: Path) -> Screen:
    """An Xvfb on a free display number (it picks one and writes it to a pipe when ready)."""
    read_fd, write_fd = os.pipe()
    try:
        proc = procs.start(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{size[0]}x{size[1]}x24",
                            "-nolisten", "tcp", "-noreset"], log, order=1, pass_fds=(write_fd,))
    finally:
        os.close(write_fd)
    try:
        number = b""
        deadline = time.monotonic() + 10
        while not number.endswith(b"\n") and time.monotonic() < deadline:
            ready, _, _ = select.select([read_fd], [], [], 0.2)
            if ready:
                chunk = os.read(read_fd, 16)
                if not chunk:
                    break
                number += chunk
    finally:
        os.close(read_fd)
    if not number.strip().isdigit():
        Processes.stop(proc)
        pytest.fail(f"Xvfb did not report a display number\n{tail(log)}", pytrace=False)
    return Screen(f":{number.decode().strip()}", size, log)


# --- the hall server ------------------------------------------------------------------------------


class Api:
    """Blocking JSON calls to the server's REST API with one token."""

    def __init__(self, hall: Hall, token: str) -> None:
        self.hall, self.token = hall, token

    def call(self, method: str, path: str, body: object = None) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.hall.url + path, data=data, method=method,
                                     headers={"Authorization": f"Bearer {self.token}",
                                              "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                return r.status, json.load(r)
        except urllib.error.HTTPError as e:
            return e.code, json.load(e)

    def ok(self, method: str, path: str, body: object = None) -> dict:
        status, reply = self.call(method, path, body)
        assert status == 200, f"{method} {path}: {status} {reply}\n{tail(self.hall.server_log)}"
        return reply

    def ticket(self, number: str) -> dict | None:
        status, reply = self.call("GET", f"/api/tickets/{number}")
        return reply["ticket"] if status == 200 else None


@dataclass
class Hall:
    """The data dir (tokens and clerks made before the server starts) and the server process."""

    dir: Path
    procs: Processes
    tokens: dict[str, str] = field(default_factory=dict)
    url: str = ""
    port: int = 0
    server: subprocess.Popen | None = None

    @property
    def data(self) -> Path:
        return self.dir / "data"

    @property
    def server_log(self) -> Path:
        return self.dir / "server.log"

    def provision(self) -> None:
        for role, name, window in (("kiosk", "kiosk-1", None), ("window", "window-1", 1),
                                   ("window", "window-2", 2), ("display", "display-1", None)):
            self.tokens[name] = create_token_in(self.data, role, name, window)
        add_clerk_in(self.data, "c1", "王芳", "1111")
        add_clerk_in(self.data, "c2", "李强", "2222")

    def api(self, token_name: str) -> Api:
        return Api(self, self.tokens[token_name])

    def start(self) -> None:
        """`hallq server` on an ephemeral port the first time, on the same port after that."""
        log = self.server_log
        seen = log.read_text().count("listening on") if log.exists() else 0
        self.server = self.procs.start(
            [sys.executable, "-m", "hallq", "server", "--config", str(CONFIG), "--data", str(self.data),
             "--port", str(self.port)], log, env=app_env(), order=2)

        def listening() -> str | None:
            found = re.findall(r"listening on (http://127\.0\.0\.1:(\d+))", log.read_text())
            if len(found) > seen:
                return found[-1]
            if self.server.poll() is not None:
                pytest.fail(f"the server exited with {self.server.returncode}\n{tail(log)}", pytrace=False)
            return None

        self.url, port = wait_for("the server listening", listening, 20, [log], every=0.05)
        self.port = int(port)

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, sockets are reset by the kernel."""
        assert self.server is not None
        os.killpg(self.server.pid, signal.SIGKILL)
        self.server.wait(10)

    def sign_in(self, window: int, staff: str, pin: str) -> None:
        self.api(f"window-{window}").ok("POST", f"/api/windows/{window}/sign-in", {"staff_id": staff, "pin": pin})


@dataclass
class App:
    """One GUI app process on its own screen, with its log."""

    name: str
    proc: subprocess.Popen
    screen: Screen
    log: Path

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def logs(self, *more: Path) -> list[Path]:
        return [self.log, *more]

    def alive(self) -> None:
        if self.proc.poll() is not None:
            pytest.fail(f"{self.name} exited with {self.proc.returncode}\n{tail(self.log, 60)}", pytrace=False)


class Apps:
    """Starts `python -m hallq <app>` processes, each on a fresh Xvfb of its own."""

    def __init__(self, hall: Hall, procs: Processes) -> None:
        self.hall, self.procs = hall, procs
        self.started: list[App] = []

    def save_screens(self) -> None:
        """NAME-last.png beside the logs: what each screen showed at the end (for a failed run)."""
        for app in self.started:
            try:
                app.screen.grab().save(self.hall.dir / f"{app.name}-last.png")
            except OSError:
                pass  # the X server is gone already

    def start(self, name: str, argv: list[str], size: tuple[int, int]) -> App:
        screen = start_xvfb(self.procs, size, self.hall.dir / f"xvfb-{name}.log")
        log = self.hall.dir / f"{name}.log"
        proc = self.procs.start([sys.executable, "-m", "hallq", *argv], log, env=app_env(screen.display))
        app = App(name, proc, screen, log)
        self.started.append(app)
        return app

    def token_arg(self, name: str) -> str:
        # One argument: a token may start with "-", which argparse takes for an option after "--token".
        return f"--token={self.hall.tokens[name]}"

    def kiosk(self, printer_toml: Path) -> App:
        return self.start("kiosk", ["kiosk", "--server", self.hall.url, self.token_arg("kiosk-1"),
                                    "--printer", str(printer_toml)], KIOSK_SCREEN)

    def terminal(self, window: int) -> App:
        return self.start(f"window-{window}", ["window", "--server", self.hall.url,
                                               self.token_arg(f"window-{window}")], TERMINAL_SCREEN)

    def display(self) -> App:
        return self.start("display", ["display", "--server", self.hall.url, self.token_arg("display-1"),
                                      "--silent"], DISPLAY_SCREEN)

    def wait_signed_in(self, terminal: App, timeout: float = 15.0) -> None:
        """The terminal shows its work page (it resumed the clerk's session via GET /api/me): the
        current-ticket card (window_terminal/widgets/terminal.py, background #f4f7fb) is on screen."""
        def work_page() -> bool:
            terminal.alive()
            return pixels_of(terminal.screen.grab(), TERMINAL_CARD) > 30000
        wait_for(f"{terminal.name} showing its work page", work_page, timeout, terminal.logs(self.hall.server_log),
                 every=0.2)

    def wait_online(self, *apps: App, timeout: float = 25.0) -> None:
        """Each app has had its first snapshot (hallq.qtclient logs "snapshot vN (connect, ...)")."""
        for app in apps:
            def online(app: App = app) -> bool:
                app.alive()
                return "(connect," in app.text()
            wait_for(f"{app.name} online", online, timeout, app.logs(self.hall.server_log))


def no_tracebacks(*logs: Path) -> None:
    bad = [p for p in logs if "Traceback" in p.read_text(errors="replace")]
    assert not bad, "\n".join(tail(p, 60) for p in bad)


# --- what the screens show ------------------------------------------------------------------------


def color_mask(img: Image.Image, rgb: tuple[int, int, int], tol: int = 6) -> Image.Image:
    """An L image: 255 where the pixel is within `tol` of `rgb` in every channel."""
    bands = img.convert("RGB").split()
    masks = [b.point(lambda v, c=c: 255 if abs(v - c) <= tol else 0) for b, c in zip(bands, rgb)]
    return ImageChops.darker(ImageChops.darker(masks[0], masks[1]), masks[2])


def pixels_of(img: Image.Image, *colors: str, tol: int = 1) -> int:
    """How many pixels have one of these #rrggbb colors (solid fills: exact but for rounding)."""
    total = 0
    for c in colors:
        rgb = tuple(int(c[i:i + 2], 16) for i in (1, 3, 5))
        total += color_mask(img, rgb, tol).histogram()[255]
    return total


def outlined_boxes(img: Image.Image, border: str, min_width: int = 200) -> list[tuple[int, int, int, int]]:
    """Rectangles outlined in `border` (a touch tile's frame): pairs of long horizontal edges with the
    same left and right ends, top to bottom, left to right. Returns (x0, y0, x1, y1)."""
    rgb = tuple(int(border[i:i + 2], 16) for i in (1, 3, 5))
    mask = color_mask(img, rgb, tol=12)
    w, h = mask.size
    data = mask.tobytes()
    edges: list[list[int]] = []  # [x0, x1, y_first, y_last]
    pattern = re.compile(rb"\xff{%d,}" % min_width)

    def same_span(a: list[int], x0: int, x1: int) -> bool:
        return min(a[1], x1) - max(a[0], x0) >= 0.9 * max(a[1] - a[0], x1 - x0)

    for y in range(h):
        for m in pattern.finditer(data, y * w, (y + 1) * w):
            x0, x1 = m.start() - y * w, m.end() - y * w
            for e in edges:  # the same edge one row lower: a frame is a few pixels thick, its corners round
                if e[3] == y - 1 and same_span(e, x0, x1):
                    e[0], e[1], e[3] = min(e[0], x0), max(e[1], x1), y
                    break
            else:
                edges.append([x0, x1, y, y])
    boxes = []
    used: set[int] = set()
    for i, top in enumerate(edges):
        if i in used:
            continue
        for j in range(i + 1, len(edges)):
            bottom = edges[j]
            if j not in used and same_span(top, bottom[0], bottom[1]) and bottom[2] - top[3] >= 40:
                boxes.append((min(top[0], bottom[0]), top[2], max(top[1], bottom[1]), bottom[3]))
                used |= {i, j}
                break
    return sorted(boxes, key=lambda b: (b[1], b[0]))


def press(app: App, window_name: str, keys: tuple[str, ...], what: str, done: Callable[[], object],
          timeout: float = 10.0, logs: list[Path] = ()) -> None:
    """Press `keys` in the app's window until done() holds. A terminal drops a key while its previous
    command is unsettled (and logs "... dropped"); only then is the key pressed again, at most 3 times."""
    for attempt in range(3):
        dropped = app.text().count(" dropped")
        app.screen.keys(window_name, *keys, logs=app.logs())
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if done():
                return
            if app.text().count(" dropped") > dropped:
                break  # pressed too early: press again
            time.sleep(0.05)
        else:
            break
    pytest.fail(f"{what}: not after pressing {'+'.join(keys)} in {window_name!r}\n"
                + "\n".join(tail(p) for p in app.logs(*logs)), pytrace=False)
