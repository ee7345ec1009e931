"""KioskConfig: one kiosk's settings, a frozen dataclass loaded from the [kiosk] table of a TOML file."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Mapping

from queuecore.config import read_toml_table, reject_unknown_keys

Orientation = Literal["portrait", "landscape"]
SCREEN_SIZES: dict[str, tuple[int, int]] = {"portrait": (1080, 1920), "landscape": (1920, 1080)}


class KioskConfigError(ValueError):
    """The kiosk configuration is unusable; the message names the key."""


@dataclass(frozen=True, slots=True)
class KioskConfig:
    server: str = "http://127.0.0.1:8700"
    token: str = ""  # or token_file: keeps the secret out of a config that gets copied around
    token_file: str = ""
    printer: str = ""  # a printer TOML (examples/printer-*.toml); "" = the virtual printer below
    virtual_printer_folder: str = "demo-data/printed"
    green_pin: str = ""  # "" = 绿色通道 opens without a staff PIN
    admin_pin: str = "0000"
    idle_seconds: int = 45  # any screen but home returns home after this long untouched
    ticket_seconds: int = 10  # the confirmation screen returns home after this long
    photo_seconds: int = 60  # ... unless the ticket did not print: time to take a photo
    printer_poll_seconds: float = 5.0  # printer status check while idle (2 s while it has a fault)
    heartbeat_seconds: float = 30.0  # how often it reports its health and version (3 missed: the console shows it stale)
    orientation: Orientation = "portrait"
    language: Literal["zh", "en"] = "zh"
    elderly: bool = False
    windowed: bool = False  # a normal window of the orientation's size (development), not full screen
    # What the QR code on screen and ticket holds; {number}, {ticket_id}, {day}, {server} are filled in.
    # "" = the ticket's status page on the hall server (server URL + /t/<ticket id>).
    ticket_url: str = ""
    admin_taps: int = 5  # taps on the hall name within admin_tap_seconds open the admin PIN pad
    admin_tap_seconds: float = 3.0
    retry_seconds: float = 30.0  # an unanswered issue is re-sent (same id) after a reconnect within this

    def __post_init__(self) -> None:
        problems = []
        if not self.server.startswith(("http://", "https://")):
            problems.append("server must start with http:// or https://")
        if self.orientation not in SCREEN_SIZES:
            problems.append("orientation must be 'portrait' or 'landscape'")
        if self.language not in ("zh", "en"):
            problems.append("language must be 'zh' or 'en'")
        for name in ("green_pin", "admin_pin"):
            pin = getattr(self, name)
            if pin and not (pin.isdigit() and 4 <= len(pin) <= 12):
                problems.append(f"{name} must be 4-12 digits")
        if not self.admin_pin:
            problems.append("admin_pin is required: it is the only way to quit the kiosk")
        for name in ("idle_seconds", "ticket_seconds", "photo_seconds", "printer_poll_seconds", "retry_seconds",
                     "admin_tap_seconds"):
            if not getattr(self, name) > 0:
                problems.append(f"{name} must be > 0")
        if self.admin_taps < 2:
            problems.append("admin_taps must be >= 2")
        if problems:
            raise KioskConfigError("; ".join(problems))

    @property
    def screen_size(self) -> tuple[int, int]:
        return SCREEN_SIZES[self.orientation]

    def resolve_token(self) -> str:
        if self.token:
            return self.token.strip()
        if self.token_file:
            try:
                return Path(self.token_file).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise KioskConfigError(f"token_file {self.token_file}: {exc.strerror or exc}") from None
        raise KioskConfigError("no token: set token or token_file (hallq token create kiosk NAME)")

    def replace(self, **changes: Any) -> KioskConfig:
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def from_mapping(cls, table: Mapping[str, Any]) -> KioskConfig:
        reject_unknown_keys(table, cls, KioskConfigError, "unknown kiosk keys")
        fields = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        for key, value in table.items():
            default = fields[key].default
            if isinstance(default, bool):
                ok = isinstance(value, bool)
            elif isinstance(default, float):
                ok = isinstance(value, (int, float)) and not isinstance(value, bool)
                value = float(value) if ok else value
            elif isinstance(default, int):
                ok = isinstance(value, int) and not isinstance(value, bool)
            else:
                ok = isinstance(value, str)
            if not ok:
                raise KioskConfigError(f"{key}: {value!r} has the wrong type (like {default!r})")
            values[key] = value
        return cls(**values)

    @classmethod
    def load(cls, path: str | Path) -> KioskConfig:
        """The [kiosk] table of a TOML file (or the whole file). Relative paths are relative to the
        working directory, as in the printer configs."""
        table = read_toml_table(path, "kiosk", KioskConfigError)
        try:
            return cls.from_mapping(table)
        except KioskConfigError as exc:
            raise KioskConfigError(f"{path}: {exc}") from None
