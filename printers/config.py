"""PrinterConfig: one printer's settings, a frozen dataclass loaded from a TOML table."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Mapping

from printers.errors import PrinterConfigError
from printers.profiles import DEFAULT_PROFILE, ENCODINGS, PROFILES, WIDTH_DOTS, PrinterProfile
from queuecore.config import read_toml_table, reject_unknown_keys

Transport = Literal["serial", "network", "usb", "file", "virtual"]
TRANSPORTS = ("serial", "network", "usb", "file", "virtual")
# Upper bound for the status round trip: the kiosk asks before every ticket and must stay snappy.
MAX_STATUS_TIMEOUT = 1.0


@dataclass(frozen=True, slots=True)
class PrinterConfig:
    transport: Transport = "virtual"
    profile: str = DEFAULT_PROFILE
    width_mm: Literal[58, 80] = 80
    encoding: str | None = None  # overrides the profile's
    qr: Literal["native", "image"] | None = None  # overrides the profile's
    status_queries: bool | None = None  # overrides the profile's; None: the profile decides
    four_byte_chars: bool | None = None  # overrides the profile's (GB18030 four-byte font)
    # serial (device also names the device file of the `file` transport, e.g. /dev/usb/lp0)
    device: str = ""
    baudrate: int = 9600
    rtscts: bool = False
    xonxoff: bool = False
    # network: raw TCP, usually port 9100
    host: str = ""
    port: int = 9100
    connect_timeout: float = 1.0
    write_timeout: float = 5.0  # serial: added to the time the bytes need at the baud rate
    status_timeout: float = MAX_STATUS_TIMEOUT  # the whole DLE EOT 1/2/4 round, open included
    # usb
    usb_vendor_id: int = 0
    usb_product_id: int = 0
    usb_in_ep: int = 0x82
    usb_out_ep: int = 0x01
    # virtual printer: a folder receiving <ticket>.bin + <ticket>.png
    folder: str = "virtual-printer"
    name: str = field(default="printer", compare=False)  # for logs and the self-test page

    def __post_init__(self) -> None:
        problems = []
        if self.transport not in TRANSPORTS:
            problems.append(f"transport must be one of {', '.join(TRANSPORTS)}")
        if self.profile not in PROFILES:
            problems.append(f"unknown profile {self.profile!r}; built-in: {', '.join(PROFILES)}")
        if self.width_mm not in WIDTH_DOTS:
            problems.append("width_mm must be 58 or 80")
        if self.encoding is not None and self.encoding not in ENCODINGS:
            problems.append(f"encoding must be one of {', '.join(ENCODINGS)}")
        if self.qr not in (None, "native", "image"):
            problems.append("qr must be 'native' or 'image'")
        if self.transport == "serial" and not self.device:
            problems.append("the serial transport needs `device` (e.g. /dev/ttyUSB0)")
        if self.transport == "file" and not self.device:
            problems.append("the file transport needs `device` (e.g. /dev/usb/lp0)")
        if self.transport == "network" and not self.host:
            problems.append("the network transport needs `host`")
        if self.transport == "usb" and not (self.usb_vendor_id and self.usb_product_id):
            problems.append("the usb transport needs usb_vendor_id and usb_product_id")
        if not 0 < self.status_timeout <= MAX_STATUS_TIMEOUT:
            problems.append(f"status_timeout must be in (0, {MAX_STATUS_TIMEOUT}] seconds")
        for name in ("connect_timeout", "write_timeout"):
            if not getattr(self, name) > 0:
                problems.append(f"{name} must be > 0")
        if self.baudrate <= 0 or not 0 < self.port < 65536:
            problems.append("baudrate and port must be positive (port < 65536)")
        if problems:
            raise PrinterConfigError("; ".join(problems))

    # --- what the profile and the overrides add up to ---------------------------------------

    @property
    def printer_profile(self) -> PrinterProfile:
        return PROFILES[self.profile]

    @property
    def text_encoding(self) -> str:
        return self.encoding or self.printer_profile.encoding

    @property
    def native_qr(self) -> bool:
        return self.printer_profile.native_qr if self.qr is None else self.qr == "native"

    @property
    def queries_status(self) -> bool:
        if self.status_queries is not None:
            return self.status_queries
        # A device file (usblp) is write-only for us; the virtual printer has its own status.
        return self.printer_profile.status_queries and self.transport not in ("file",)

    @property
    def allows_four_byte_chars(self) -> bool:
        if self.four_byte_chars is not None:
            return self.four_byte_chars
        return self.printer_profile.four_byte_chars

    @property
    def width_dots(self) -> int:
        return WIDTH_DOTS[self.width_mm]

    # --- loading ------------------------------------------------------------------------------

    @classmethod
    def from_mapping(cls, table: Mapping[str, Any]) -> PrinterConfig:
        """Build from a TOML table; unknown keys and wrong types raise PrinterConfigError."""
        reject_unknown_keys(table, cls, PrinterConfigError, "unknown printer keys")
        values: dict[str, Any] = {}
        for key, value in table.items():
            expected = _TYPES[key]
            if isinstance(value, bool) and bool not in expected:
                raise PrinterConfigError(f"{key}: {value!r} is not a {_type_names(expected)}")
            if not isinstance(value, expected):
                raise PrinterConfigError(f"{key}: {value!r} is not a {_type_names(expected)}")
            values[key] = float(value) if float in expected and not isinstance(value, bool) else value
        return cls(**values)

    @classmethod
    def load(cls, path: str | Path, table: str = "printer") -> PrinterConfig:
        """Read a TOML file: its [printer] table if present, else the whole file."""
        return cls.from_mapping(read_toml_table(path, table, PrinterConfigError))


_TYPES: dict[str, tuple[type, ...]] = {
    "transport": (str,), "profile": (str,), "width_mm": (int,), "encoding": (str,), "qr": (str,),
    "status_queries": (bool,), "four_byte_chars": (bool,), "device": (str,), "baudrate": (int,),
    "rtscts": (bool,), "xonxoff": (bool,), "host": (str,), "port": (int,),
    "connect_timeout": (int, float), "write_timeout": (int, float), "status_timeout": (int, float),
    "usb_vendor_id": (int,), "usb_product_id": (int,), "usb_in_ep": (int,), "usb_out_ep": (int,),
    "folder": (str,), "name": (str,),
}


def _type_names(types: tuple[type, ...]) -> str:
    return " or ".join("number" if t is float else t.__name__ for t in types)
