"""Test doubles for the printer tests: fake printers on a pty, on 127.0.0.1 and behind a fake pyusb
backend, golden-file checks, and a driver for the emupos emulator."""
from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import threading
import time
import tty
import urllib.request
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from printers.ticket import PrintableTicket, sample_ticket

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).with_name("golden")
EMUPOS = Path(os.environ.get("HALLQ_EMUPOS", REPO / ".venv-emupos" / "bin" / "emupos"))
STATUS_OK = {1: 0x12, 2: 0x12, 4: 0x12}


# --- tickets ------------------------------------------------------------------------------------


def full_ticket(**changes) -> PrintableTicket:
    return sample_ticket(**changes)


# --- golden files -------------------------------------------------------------------------------


def check_golden(name: str, data: bytes) -> None:
    """Exact bytes against tests/printers/golden/NAME; HALLQ_UPDATE_GOLDEN=1 rewrites (then review the diff)."""
    path = GOLDEN / name
    if os.environ.get("HALLQ_UPDATE_GOLDEN") == "1":
        path.write_bytes(data)
    assert path.exists(), f"missing golden file {path}; run with HALLQ_UPDATE_GOLDEN=1 once and review it"
    expected = path.read_bytes()
    if data != expected:
        at = next((i for i, (a, b) in enumerate(zip(data, expected)) if a != b), min(len(data), len(expected)))
        pytest.fail(f"{name}: bytes differ at offset {at} (got {len(data)} bytes, golden {len(expected)}):\n"
                    f"  got    {data[max(at - 8, 0):at + 16].hex(' ')}\n"
                    f"  golden {expected[max(at - 8, 0):at + 16].hex(' ')}")


# --- a fake printer on a real pty ---------------------------------------------------------------


class StatusParser:
    """Finds DLE EOT n in a byte stream split anywhere; what a printer's real-time handler does."""

    def __init__(self) -> None:
        self._tail = b""

    def feed(self, data: bytes) -> list[int]:
        stream = self._tail + data
        found = []
        i = 0
        while (j := stream.find(b"\x10\x04", i)) >= 0 and j + 2 < len(stream):
            found.append(stream[j + 2])
            i = j + 3
        rest = stream[i:]
        # Keep a DLE EOT whose n has not arrived yet.
        self._tail = rest[-2:] if rest.endswith(b"\x10\x04") else rest[-1:] if rest.endswith(b"\x10") else b""
        return found


class FakeSerialPrinter:
    """The far end of a pty: answers DLE EOT from `replies`, or stays silent, or stops reading
    after `read_limit` bytes (its buffer is "full"), like a jammed printer."""

    def __init__(self, replies: dict[int, int] | None = STATUS_OK, read_limit: int | None = None) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self.replies = replies
        self.read_limit = read_limit
        self.received = bytearray()
        self._stop = threading.Event()
        self._parser = StatusParser()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            if self.read_limit is not None and len(self.received) >= self.read_limit:
                self._stop.wait(0.05)  # stopped reading: the pty buffer fills up
                continue
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                size = 4096 if self.read_limit is None else max(self.read_limit - len(self.received), 1)
                data = os.read(self.master, min(size, 4096))
            except OSError:
                continue  # EIO while no client has the port open
            self.received += data
            for n in self._parser.feed(data):
                if self.replies is not None and n in self.replies:
                    os.write(self.master, bytes([self.replies[n]]))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass


# --- a fake network printer on 127.0.0.1 --------------------------------------------------------


class FakeNetworkPrinter:
    """A raw-TCP printer on an ephemeral 127.0.0.1 port.

    mode: "ready" answers DLE EOT; "silent" reads but never answers; "never_read" accepts and
    never reads; "reset" answers status, reads `reset_after` job bytes, then resets (RST);
    "stop_reading" answers status, then stops reading after `reset_after` bytes.
    """

    def __init__(self, mode: str = "ready", replies: dict[int, int] = STATUS_OK, reset_after: int = 100) -> None:
        self.mode = mode
        self.replies = replies
        self.reset_after = reset_after
        self.received = bytearray()
        self.connections = 0
        self._stop = threading.Event()
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if mode in ("never_read", "stop_reading"):
            # Small buffers so a printer that stops reading is felt after kilobytes, not megabytes.
            self._server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(4)
        self._server.settimeout(0.05)
        self.port = self._server.getsockname()[1]
        self._threads: list[threading.Thread] = []
        self._conns: list[socket.socket] = []
        accept = threading.Thread(target=self._accept, daemon=True)
        accept.start()
        self._threads.append(accept)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            self._conns.append(conn)
            t = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            t.start()
            self._threads.append(t)

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(0.05)
        parser = StatusParser()
        answered = 0
        job_bytes = 0
        while not self._stop.is_set():
            if self.mode == "never_read" or (self.mode == "stop_reading" and job_bytes >= self.reset_after):
                self._stop.wait(0.05)
                continue
            # After the status round, a "reset" printer takes exactly `reset_after` job bytes.
            size = self.reset_after - job_bytes if self.mode == "reset" and answered >= 3 else 4096
            try:
                data = conn.recv(size)
            except TimeoutError:
                continue
            except OSError:
                return
            if not data:
                return
            self.received += data
            statuses = parser.feed(data)
            if answered >= 3:
                job_bytes += len(data)
            if self.mode != "silent":
                for n in statuses:
                    if n in self.replies:
                        conn.sendall(bytes([self.replies[n]]))
                        answered += 1
            if self.mode == "reset" and job_bytes >= self.reset_after:
                # SO_LINGER 0: close() sends RST, like a printer that reboots mid-job.
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                conn.close()
                return

    def close(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(2)
        for conn in self._conns:
            try:
                conn.close()
            except OSError:
                pass
        self._server.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- a fake pyusb backend -----------------------------------------------------------------------


def make_usb_backend(vendor: int = 0x0416, product: int = 0x5011, *, replies: dict[int, int] | None = STATUS_OK,
                     stall_writes: bool = False, present: bool = True):
    """A pyusb backend with one printer-class device: bulk OUT 0x01 records the bytes, bulk IN 0x82
    returns DLE EOT replies; `stall_writes` makes every write time out like a jammed printer."""
    import usb.backend
    import usb.core

    class FakeBackend(usb.backend.IBackend):
        def __init__(self) -> None:
            self.written = bytearray()
            self.pending = bytearray()
            self.opened = 0
            self.closed = 0
            self.write_timeouts: list[int] = []
            self._parser = StatusParser()

        def enumerate_devices(self):
            if present:
                yield "fake-printer"

        def get_device_descriptor(self, dev):
            return SimpleNamespace(
                bLength=18, bDescriptorType=1, bcdUSB=0x0200, bDeviceClass=0, bDeviceSubClass=0,
                bDeviceProtocol=0, bMaxPacketSize0=64, idVendor=vendor, idProduct=product,
                bcdDevice=0x0100, iManufacturer=0, iProduct=0, iSerialNumber=0, bNumConfigurations=1,
                address=3, bus=1, port_number=1, port_numbers=(1,), speed=None)

        def get_configuration_descriptor(self, dev, config):
            return SimpleNamespace(bLength=9, bDescriptorType=2, wTotalLength=32, bNumInterfaces=1,
                                   bConfigurationValue=1, iConfiguration=0, bmAttributes=0xC0,
                                   bMaxPower=50, extra_descriptors=[])

        def get_interface_descriptor(self, dev, intf, alt, config):
            return SimpleNamespace(bLength=9, bDescriptorType=4, bInterfaceNumber=0, bAlternateSetting=0,
                                   bNumEndpoints=2, bInterfaceClass=7, bInterfaceSubClass=1,
                                   bInterfaceProtocol=2, iInterface=0, extra_descriptors=[])

        def get_endpoint_descriptor(self, dev, ep, intf, alt, config):
            return SimpleNamespace(bLength=7, bDescriptorType=5, bEndpointAddress=(0x01, 0x82)[ep],
                                   bmAttributes=0x02, wMaxPacketSize=64, bInterval=0, bRefresh=0,
                                   bSynchAddress=0, extra_descriptors=[])

        def open_device(self, dev):
            self.opened += 1
            return "handle"

        def close_device(self, handle):
            self.closed += 1

        def set_configuration(self, handle, value):
            pass

        def get_configuration(self, handle):
            return 1

        def claim_interface(self, handle, intf):
            pass

        def release_interface(self, handle, intf):
            pass

        def reset_device(self, handle):
            pass

        def clear_halt(self, handle, ep):
            pass

        def bulk_write(self, handle, ep, intf, data, timeout):
            assert ep == 0x01
            if stall_writes:
                self.write_timeouts.append(timeout)
                raise usb.core.USBTimeoutError("Operation timed out", -7, 110)
            chunk = bytes(data)
            self.written += chunk
            if replies is not None:
                self.pending += bytes(replies[n] for n in self._parser.feed(chunk) if n in replies)
            return len(chunk)

        def bulk_read(self, handle, ep, intf, buff, timeout):
            assert ep == 0x82
            if not self.pending:
                raise usb.core.USBTimeoutError("Operation timed out", -7, 110)
            n = min(len(buff), len(self.pending))
            for i in range(n):
                buff[i] = self.pending[i]
            del self.pending[:n]
            return n

    return FakeBackend()


# --- emupos -------------------------------------------------------------------------------------

PROFILE_58 = """\
type: printer
name: Test 58 mm
dpi: 203
width_dots: 384
font_a: { width: 12, height: 24 }
font_b: { width: 9, height: 17 }
code_pages: { 0: PC437 }
default_code_page: 0
drawer_sensor_open_level: high
serial: { baud: 9600, data_bits: 8, parity: none, stop_bits: 1 }
"""

_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Emupos:
    """A running `emupos run` with printer hall80 (80 mm: TCP + serial pty) and hall58 (58 mm: TCP)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        last = ""
        for _ in range(3):  # a free port can be taken between our probe and emupos's bind
            self.api_port, self.tcp80, self.tcp58 = free_port(), free_port(), free_port()
            (self.workdir / "xp58.yaml").write_text(PROFILE_58)
            config = {
                "schema": 1,
                "api": {"host": "127.0.0.1", "port": self.api_port},
                "devices": [
                    {"id": "hall80", "type": "printer", "profile": "epson-tm-t20iii",
                     "receipts_dir": "./receipts", "job_idle_timeout_ms": 1000,
                     "connections": [{"tcp": {"host": "127.0.0.1", "port": self.tcp80}},
                                     {"serial": {"pty": True, "link": "hall80"}}]},
                    {"id": "hall58", "type": "printer", "profile": "./xp58.yaml",
                     "receipts_dir": "./receipts", "job_idle_timeout_ms": 1000,
                     "connections": [{"tcp": {"host": "127.0.0.1", "port": self.tcp58}}]},
                ],
            }
            cfg = self.workdir / "emupos.yaml"
            cfg.write_text(json.dumps(config))  # JSON is YAML
            env = dict(os.environ, TMPDIR=str(self.workdir), NO_COLOR="1", COLUMNS="200")
            self.proc = subprocess.Popen([str(EMUPOS), "run", "--config", str(cfg)], cwd=self.workdir,
                                         env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                         start_new_session=True)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    self.get("/health")
                    self.serial_link = self.workdir / "emupos" / "hall80"
                    return
                except OSError:
                    time.sleep(0.1)
            last = self._stop_and_output()
        raise RuntimeError(f"emupos did not start:\n{last}")

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.api_port}/api/v1"

    def request(self, method: str, path: str) -> bytes:
        req = urllib.request.Request(self.api + path, method=method)
        with _NO_PROXY.open(req, timeout=5) as response:
            return response.read()

    def get(self, path: str):
        body = self.request("GET", path)
        return json.loads(body) if body.startswith((b"{", b"[")) else body

    def receipts(self, device: str) -> list[dict]:
        return self.get(f"/devices/{device}/receipts")

    def wait_new_receipt(self, device: str, before: int, timeout: float = 8.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            receipts = self.receipts(device)
            if len(receipts) > before:
                return receipts[0]
            time.sleep(0.05)
        raise AssertionError(f"no new receipt on {device} within {timeout} s")

    def receipt_text(self, device: str, receipt_id: str) -> str:
        return self.request("GET", f"/devices/{device}/receipts/{receipt_id}/text").decode("utf-8")

    def receipt_png(self, device: str, receipt_id: str) -> bytes:
        return self.request("GET", f"/devices/{device}/receipts/{receipt_id}/image")

    def set_fault(self, device: str, fault: str, active: bool) -> None:
        self.request("PUT" if active else "DELETE", f"/devices/{device}/faults/{fault}")

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(EMUPOS), "--api", f"http://127.0.0.1:{self.api_port}", *args],
                              capture_output=True, text=True, timeout=30,
                              env=dict(os.environ, NO_COLOR="1"))

    def _stop_and_output(self) -> str:
        if self.proc is None:
            return ""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        out = self.proc.stdout.read().decode(errors="replace") if self.proc.stdout else ""
        if self.proc.stdout:
            self.proc.stdout.close()
        self.proc = None
        return out

    def stop(self) -> None:
        self._stop_and_output()


def emupos_raw_lines(text: str) -> list[bytes]:
    """emupos dumps each printed byte through cp437: undo that to get the bytes of each line back."""
    return [line.encode("cp437") for line in text.splitlines()]


def emupos_lines(text: str, encoding: str = "gb18030") -> list[str]:
    return [raw.decode(encoding, errors="replace") for raw in emupos_raw_lines(text)]


def text_runs(data: bytes) -> list[bytes]:
    """The printable text runs of an ESC/POS stream, skipping the commands (and image and QR
    payloads) that our encoder emits; an unknown command fails loudly."""
    runs, i = [], 0
    fixed = {b"\x1b@": 0, b"\x1ba": 1, b"\x1bE": 1, b"\x1bd": 1, b"\x1bJ": 1, b"\x1d!": 1, b"\x1c&": 0,
             b"\x1c.": 0, b"\x1dV": 2, b"\x10\x04": 1}
    while i < len(data):
        if data[i] >= 0x20:
            j = i
            while j < len(data) and data[j] >= 0x20:
                j += 1
            runs.append(data[i:j])
            i = j
        elif data[i] == 0x0A:
            i += 1
        elif data[i:i + 2] in fixed:
            i += 2 + fixed[data[i:i + 2]]
        elif data[i:i + 3] in (b"\x1d(k", b"\x1c(C"):
            i += 5 + int.from_bytes(data[i + 3:i + 5], "little")
        elif data[i:i + 3] == b"\x1dv0":
            width, rows = int.from_bytes(data[i + 4:i + 6], "little"), int.from_bytes(data[i + 6:i + 8], "little")
            i += 8 + width * rows
        else:
            raise AssertionError(f"unexpected command at {i}: {data[i:i + 4].hex(' ')}")
    return runs
