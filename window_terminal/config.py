"""TerminalConfig: one window terminal's settings, a frozen dataclass read from TOML (rule: the token, not the file, says which window it is)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from queuecore.config import read_toml_table, reject_unknown_keys

LAYOUTS = ("full", "compact")
LANGUAGES = ("zh", "en")


class ConfigError(ValueError):
    """A window.toml that cannot be used; the message names the key."""


@dataclass(frozen=True)
class TerminalConfig:
    server: str  # http://host:port of the hall server
    token: str  # this window's device token (hallq token create --role window --window N)
    layout: str = "full"  # "full" window, or "compact": an always-on-top strip beside other software
    language: str = "zh"
    rating_timeout_s: float = 30.0  # an unrated visit is sent as level 0 (未评价) after this long
    rating_screen: int = -1  # screen index for the citizen's rating view; -1: the second screen if any
    window: int | None = None  # only shown before sign-in; the sign-in reply says which window the token is
    # The hall's pause reasons (zh/en, its configuration) are what the F-key picker offers; this local list is only
    # a fallback before the hall's configuration has arrived (old window.toml files may still set it).
    pause_reasons: tuple[str, ...] = ()
    heartbeat_seconds: float = 30.0  # how often it reports its health and version (3 missed: the console shows it stale)

    def __post_init__(self) -> None:
        if not self.server.startswith(("http://", "https://")):
            raise ConfigError(f"server must look like http://host:port, got {self.server!r}")
        if not self.token:
            raise ConfigError("token is empty: create one with `hallq token create --role window`")
        if self.layout not in LAYOUTS:
            raise ConfigError(f"layout must be one of {LAYOUTS}, got {self.layout!r}")
        if self.language not in LANGUAGES:
            raise ConfigError(f"language must be one of {LANGUAGES}, got {self.language!r}")
        if not 3 <= self.rating_timeout_s <= 600:
            raise ConfigError(f"rating_timeout_s must be 3..600, got {self.rating_timeout_s}")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TerminalConfig:
        reject_unknown_keys(data, cls, ConfigError, "unknown keys in [window_terminal]")
        if "pause_reasons" in data:
            data = {**data, "pause_reasons": tuple(data["pause_reasons"])}
        try:
            return cls(**data)
        except TypeError as exc:  # a missing required key
            raise ConfigError(str(exc)) from None

    @classmethod
    def load(cls, path: str | Path, table: str = "window_terminal") -> TerminalConfig:
        return cls.from_dict(read_toml_table(path, table, ConfigError, required=True))
