"""The wall display's settings: a frozen dataclass loaded from TOML (see examples/display.toml)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from queuecore.config import read_toml_table, reject_unknown_keys

LANGS = ("zh", "en")


@dataclass(frozen=True)
class DisplayConfig:
    server: str = "http://127.0.0.1:8700"
    token: str = ""
    zone: str = ""  # "": every window and service of the hall
    notice: str = ""  # the scrolling line at the bottom ("" hides it)
    repeat: int = 2  # how many times each call is spoken
    lang: str = "zh"
    silent: bool = False  # show calls, speak nothing
    clips: Path | None = None  # a hall's own recordings (KEY.wav), used before the default set
    windowed: bool = False  # a window instead of full screen (setting up, testing)
    highlight_seconds: float = 8.0  # how long the newest call blinks
    heartbeat_seconds: float = 30.0  # how often it reports its health and version (3 missed: the console shows it stale)
    # The wall shows big_rows + recent_rows calls: the newest large, the others in the recent-calls list (it pages).
    big_rows: int = 4
    recent_rows: int = 8

    def __post_init__(self) -> None:
        if self.lang not in LANGS:
            raise ValueError(f"lang must be one of {LANGS}, got {self.lang!r}")
        if not 1 <= self.repeat <= 5:
            raise ValueError(f"repeat must be 1..5, got {self.repeat}")
        if not 1 <= self.big_rows <= 8 or not 0 <= self.recent_rows <= 16:
            raise ValueError("big_rows must be 1..8 and recent_rows 0..16")

    def with_overrides(self, **values: Any) -> DisplayConfig:
        """Command-line values win over the file; None means "not given"."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})


def load_config(path: Path) -> DisplayConfig:
    """The [display] table of a TOML file; unknown keys are an error (a typo must not pass silently)."""
    table = read_toml_table(path, "display", ValueError)
    reject_unknown_keys(table, DisplayConfig, ValueError, f"{path}: unknown display settings")
    if table.get("clips"):
        clips = Path(table["clips"]).expanduser()
        table = {**table, "clips": clips if clips.is_absolute() else (path.parent / clips)}
    return DisplayConfig(**table)
