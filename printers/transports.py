"""Byte transports to a printer: serial, network (raw TCP), USB, device file and the virtual folder printer.

Rule: every operation is bounded in time. Library errors are turned into our PrinterError
subclasses here, at the boundary, so callers only see stable codes.
"""
from __future__ import annotations

import logging
import os
import select
import socket
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from printers.config import PrinterConfig
from printers.errors import (
    PrinterConnectionLost,
    PrinterUnavailable,
    PrinterWriteTimeout,
)

log = logging.getLogger(__name__)

# A small send buffer: a printer that stops reading is noticed after ~64 KB, not megabytes.
TCP_SEND_BUFFER = 64 * 1024


@dataclass(frozen=True, slots=True)
class Job:
    data: bytes
    name: str = "job"  # file name stem for the virtual printer, e.g. the ticket number
    preview: Callable[[], bytes] | None = None  # PNG of the same job, for the virtual printer


class Transport(ABC):
    supports_read = True

    @abstractmethod
    def open(self, timeout: float) -> None:
        """Connect; raises PrinterUnavailable."""

    @abstractmethod
    def write(self, data: bytes, timeout: float | None = None) -> None:
        """Send all bytes within `timeout` (None: the transport's own job timeout)."""

    @abstractmethod
    def read(self, size: int, timeout: float) -> bytes:
        """Up to `size` bytes that arrive within `timeout`; b"" if none."""

    def discard_input(self) -> None:
        """Drop bytes the printer sent earlier (late replies, ASB), so replies match requests."""

    @abstractmethod
    def close(self) -> None:
        """Release the link; never raises, never blocks for long."""

    def write_job(self, job: Job) -> None:
        self.write(job.data)

    def transfer_seconds(self, nbytes: int) -> float:
        """How long `nbytes` take on the wire after write() returned (slow serial lines only)."""
        return 0.0

    def describe(self) -> str:
        return type(self).__name__


# --- serial -------------------------------------------------------------------------------------


class SerialTransport(Transport):
    def __init__(self, config: PrinterConfig) -> None:
        self.config = config
        self._port: Any = None

    def describe(self) -> str:
        c = self.config
        flow = "rtscts" if c.rtscts else "xonxoff" if c.xonxoff else "no flow control"
        return f"serial {c.device} {c.baudrate} 8N1 {flow}"

    def open(self, timeout: float) -> None:
        import serial

        port = serial.Serial()
        port.port = self.config.device
        port.baudrate = self.config.baudrate
        # python-escpos never enables RTS/CTS and sets dsrdtr (ignored on Linux): set what the
        # printer's DIP switches say, and nothing else.
        port.rtscts = self.config.rtscts
        port.xonxoff = self.config.xonxoff
        port.dsrdtr = False
        port.exclusive = True  # two kiosk processes must never interleave tickets
        port.timeout = 0
        try:
            port.open()
        except (serial.SerialException, OSError, ValueError) as exc:
            raise PrinterUnavailable(f"{self.config.device}: {exc}") from None
        self._port = port

    def transfer_seconds(self, nbytes: int) -> float:
        return self.line_seconds(nbytes)

    def line_seconds(self, nbytes: int) -> float:
        """Time the bytes need on the wire at 8N1 (10 bits per byte)."""
        return nbytes * 10 / self.config.baudrate

    def write(self, data: bytes, timeout: float | None = None) -> None:
        import serial

        if timeout is None:
            timeout = self.line_seconds(len(data)) * 1.5 + self.config.write_timeout
        deadline = time.monotonic() + timeout
        self._port.write_timeout = timeout
        try:
            self._port.write(data)
            # write() returns once the bytes are in the kernel's queue; wait (bounded) until
            # they left it, or close() would block up to 30 s on a printer holding CTS.
            while self._port.out_waiting and time.monotonic() < deadline:
                time.sleep(0.005)
            if self._port.out_waiting:
                raise serial.SerialTimeoutException("output queue did not drain")
        except serial.SerialTimeoutException:
            self._drop_output()
            raise PrinterWriteTimeout(f"{self.config.device}: printer stopped reading "
                                      f"({timeout:.1f} s)") from None
        except (serial.SerialException, OSError) as exc:
            raise PrinterConnectionLost(f"{self.config.device}: {exc}") from None

    def read(self, size: int, timeout: float) -> bytes:
        import serial

        self._port.timeout = max(timeout, 0)
        try:
            return bytes(self._port.read(size))
        except (serial.SerialException, OSError) as exc:
            raise PrinterConnectionLost(f"{self.config.device}: {exc}") from None

    def discard_input(self) -> None:
        try:
            self._port.reset_input_buffer()
        except Exception:  # noqa: BLE001 - best effort
            pass

    def _drop_output(self) -> None:
        # Otherwise close() waits for the tty to drain (up to 30 s on USB-serial adapters).
        try:
            self._port.reset_output_buffer()
        except Exception:  # noqa: BLE001 - best effort
            pass

    def close(self) -> None:
        if self._port is not None:
            try:
                self._port.close()
            except Exception:  # noqa: BLE001 - closing must not fail the caller
                pass
            self._port = None


# --- network ------------------------------------------------------------------------------------


class NetworkTransport(Transport):
    def __init__(self, config: PrinterConfig) -> None:
        self.config = config
        self._sock: socket.socket | None = None

    def describe(self) -> str:
        return f"network {self.config.host}:{self.config.port}"

    def open(self, timeout: float) -> None:
        address = (self.config.host, self.config.port)
        try:
            sock = socket.create_connection(address, timeout=min(self.config.connect_timeout, timeout))
        except TimeoutError:
            raise PrinterUnavailable(f"{self.describe()}: no answer to connect") from None
        except OSError as exc:
            raise PrinterUnavailable(f"{self.describe()}: {exc.strerror or exc}") from None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, TCP_SEND_BUFFER)
        self._sock = sock

    def write(self, data: bytes, timeout: float | None = None) -> None:
        assert self._sock is not None
        # Since Python 3.5 the timeout bounds the whole sendall, not each chunk.
        self._sock.settimeout(self.config.write_timeout if timeout is None else timeout)
        try:
            self._sock.sendall(data)
        except TimeoutError:
            raise PrinterWriteTimeout(f"{self.describe()}: printer stopped reading") from None
        except OSError as exc:
            raise PrinterConnectionLost(f"{self.describe()}: {exc.strerror or exc}") from None

    def read(self, size: int, timeout: float) -> bytes:
        assert self._sock is not None
        if timeout <= 0:
            return b""
        self._sock.settimeout(timeout)
        try:
            data = self._sock.recv(size)
        except TimeoutError:
            return b""
        except OSError as exc:
            raise PrinterConnectionLost(f"{self.describe()}: {exc.strerror or exc}") from None
        if not data:
            raise PrinterConnectionLost(f"{self.describe()}: the printer closed the connection")
        return data

    def discard_input(self) -> None:
        if self._sock is None:
            return
        self._sock.setblocking(False)
        try:
            for _ in range(64):  # bounded: a printer flooding us must not keep us here
                if not self._sock.recv(4096):
                    break
        except OSError:
            pass
        finally:
            self._sock.setblocking(True)

    def close(self) -> None:
        sock = self._sock
        if sock is None:
            return
        try:
            # Unread input at close() makes Linux send RST, which can make the printer drop the
            # end of our job: read what is there, then close politely.
            self.discard_input()
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        finally:
            sock.close()
            self._sock = None


# --- USB ----------------------------------------------------------------------------------------


class UsbTransport(Transport):
    """python-escpos's Usb printer (pyusb); `backend` lets tests pass a fake pyusb backend."""

    def __init__(self, config: PrinterConfig, backend: Any = None) -> None:
        self.config = config
        self.backend = backend
        self._printer: Any = None

    def describe(self) -> str:
        return f"usb {self.config.usb_vendor_id:04x}:{self.config.usb_product_id:04x}"

    def open(self, timeout: float) -> None:
        try:
            from escpos.printer import Usb
        except ImportError as exc:  # pragma: no cover - pyusb is a dependency
            raise PrinterUnavailable(f"USB support missing: {exc}") from None
        usb_args = {"backend": self.backend} if self.backend is not None else {}
        printer = Usb(self.config.usb_vendor_id, self.config.usb_product_id, usb_args=usb_args,
                      timeout=int(self.config.write_timeout * 1000),
                      in_ep=self.config.usb_in_ep, out_ep=self.config.usb_out_ep)
        try:
            printer.open()
        except Exception as exc:  # DeviceNotFoundError, NoBackendError, USBError, permissions
            raise PrinterUnavailable(f"{self.describe()}: {exc}".replace("\n", " ")) from None
        if not printer.device:
            raise PrinterUnavailable(f"{self.describe()}: not found")
        self._printer = printer

    def write(self, data: bytes, timeout: float | None = None) -> None:
        import usb.core

        ms = int(1000 * (self.config.write_timeout if timeout is None else timeout))
        try:
            written = self._printer.device.write(self.config.usb_out_ep, data, max(ms, 1))
        except usb.core.USBTimeoutError:
            raise PrinterWriteTimeout(f"{self.describe()}: printer stopped reading") from None
        except usb.core.USBError as exc:
            raise PrinterConnectionLost(f"{self.describe()}: {exc}") from None
        if written != len(data):
            raise PrinterConnectionLost(f"{self.describe()}: wrote {written} of {len(data)} bytes")

    def read(self, size: int, timeout: float) -> bytes:
        import usb.core

        if timeout <= 0:
            return b""
        try:
            return bytes(self._printer.device.read(self.config.usb_in_ep, max(size, 1), max(int(timeout * 1000), 1)))
        except usb.core.USBTimeoutError:
            return b""
        except usb.core.USBError as exc:
            raise PrinterConnectionLost(f"{self.describe()}: {exc}") from None

    def discard_input(self) -> None:
        for _ in range(4):
            try:
                if not self.read(64, 0.005):
                    return
            except Exception:  # noqa: BLE001 - best effort
                return

    def close(self) -> None:
        if self._printer is not None:
            try:
                self._printer.close()
            except Exception:  # noqa: BLE001
                pass
            self._printer = None


# --- device file --------------------------------------------------------------------------------


class FileTransport(Transport):
    """A character device such as /dev/usb/lp0, opened non-blocking so a stuck printer cannot hang us."""

    supports_read = False

    def __init__(self, config: PrinterConfig) -> None:
        self.config = config
        self._fd: int | None = None

    def describe(self) -> str:
        return f"file {self.config.device}"

    def open(self, timeout: float) -> None:
        try:
            # No O_CREAT: a missing device means an unplugged printer, not a new file.
            self._fd = os.open(self.config.device, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError as exc:
            raise PrinterUnavailable(f"{self.config.device}: {exc.strerror or exc}") from None

    def write(self, data: bytes, timeout: float | None = None) -> None:
        assert self._fd is not None
        deadline = time.monotonic() + (self.config.write_timeout if timeout is None else timeout)
        view = memoryview(data)
        poller = select.poll()
        poller.register(self._fd, select.POLLOUT)
        while view:
            left = deadline - time.monotonic()
            if left <= 0:
                raise PrinterWriteTimeout(f"{self.config.device}: printer stopped reading")
            events = poller.poll(left * 1000)
            if events and events[0][1] & (select.POLLERR | select.POLLHUP):
                raise PrinterConnectionLost(f"{self.config.device}: device error or reader gone")
            if not events:
                continue
            try:
                n = os.write(self._fd, view)
            except BlockingIOError:
                continue
            except OSError as exc:
                raise PrinterConnectionLost(f"{self.config.device}: {exc.strerror or exc}") from None
            view = view[n:]

    def read(self, size: int, timeout: float) -> bytes:
        return b""

    def close(self) -> None:
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
            self._fd = None


# --- virtual printer ----------------------------------------------------------------------------

# Marker files in the folder make the virtual printer report a fault (for demos and kiosk tests).
VIRTUAL_FAULT_FILES = ("cover-open", "paper-out", "offline", "paper-near-end")


class VirtualTransport(Transport):
    """Writes each job as <time>-<name>.bin and .png into a folder; no hardware needed."""

    supports_read = False

    def __init__(self, config: PrinterConfig) -> None:
        self.folder = Path(config.folder)
        self.written: list[Path] = []

    def describe(self) -> str:
        return f"virtual printer in {self.folder}"

    def open(self, timeout: float) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PrinterUnavailable(f"{self.folder}: {exc.strerror or exc}") from None
        if not os.access(self.folder, os.W_OK):
            raise PrinterUnavailable(f"{self.folder}: not writable")

    def fault(self) -> str | None:
        """The simulated fault, from marker files (e.g. `touch FOLDER/paper-out`)."""
        for name in VIRTUAL_FAULT_FILES:
            if (self.folder / name).exists():
                return name.replace("-", "_")
        return None

    def write(self, data: bytes, timeout: float | None = None) -> None:
        self.write_job(Job(data))

    def write_job(self, job: Job) -> None:
        stem = f"{datetime.now():%Y%m%d-%H%M%S-%f}-{_safe(job.name)}"
        try:
            paths = [self.folder / f"{stem}.bin"]
            _atomic_write(paths[0], job.data)
            if job.preview is not None:
                paths.append(self.folder / f"{stem}.png")
                _atomic_write(paths[1], job.preview())
        except OSError as exc:
            raise PrinterConnectionLost(f"{self.folder}: {exc.strerror or exc}") from None
        self.written.extend(paths)
        log.info("virtual printer wrote %s", ", ".join(p.name for p in paths))

    def read(self, size: int, timeout: float) -> bytes:
        return b""

    def close(self) -> None:
        pass


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)[:40] or "job"


def _atomic_write(path: Path, data: bytes) -> None:
    # Readers (a kiosk preview, a test) never see half a file.
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def make_transport(config: PrinterConfig, *, usb_backend: Any = None) -> Transport:
    match config.transport:
        case "serial":
            return SerialTransport(config)
        case "network":
            return NetworkTransport(config)
        case "usb":
            return UsbTransport(config, usb_backend)
        case "file":
            return FileTransport(config)
        case "virtual":
            return VirtualTransport(config)
    raise ValueError(f"unknown transport {config.transport!r}")  # config validation prevents this


__all__ = ["Job", "Transport", "SerialTransport", "NetworkTransport", "UsbTransport", "FileTransport",
           "VirtualTransport", "make_transport"]
