"""What every report is made of: tables of typed columns with zh/en labels, rows of values and a totals row."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

KEYS = ("service", "window", "clerk", "priority", "hour", "weekday", "day")
# Column formats: how the writers show a value (the JSON keeps numbers as numbers).
TEXT, COUNT, MINUTES, SHARE, CLOCK = "text", "count", "minutes", "share", "clock"


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    fmt: str = COUNT

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass
class Table:
    key: str  # also the sheet's identity: "by_service", "low_ratings", ...
    zh: str
    en: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    total: dict[str, Any] | None = None

    def title(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass
class Report:
    kind: str
    cut: str | None
    start: date
    end: date
    made_at: datetime
    hall_zh: str
    hall_en: str
    tables: list[Table]
    notes: list[tuple[str, str]] = field(default_factory=list)  # (zh, en) definitions shown with the figures
    lang: str = "zh"

    def hall(self) -> str:
        return self.hall_en if self.lang == "en" else self.hall_zh

    def to_json(self) -> dict[str, Any]:
        """Labels in the report's language; minutes to 0.01 and shares to 0.0001 (the files keep full precision)."""
        def value(col: Column, v: Any) -> Any:
            if isinstance(v, float):
                return round(v, 4 if col.fmt == SHARE else 2)
            return v

        def row(t: Table, r: dict) -> dict:
            out = {c.key: value(c, r.get(c.key)) for c in t.columns}
            # The codes behind the names, for a console that drills down (never shown as labels).
            out.update({k: r[k] for k in KEYS if k in r and k not in out})
            return out

        return {
            "kind": self.kind, "cut": self.cut, "from": self.start.isoformat(), "to": self.end.isoformat(),
            "lang": self.lang, "hall": self.hall(), "made_at": self.made_at.isoformat(timespec="seconds"),
            "tables": [{"key": t.key, "title": t.title(self.lang),
                        "columns": [{"key": c.key, "label": c.label(self.lang), "format": c.fmt} for c in t.columns],
                        "rows": [row(t, r) for r in t.rows],
                        "total": row(t, t.total) if t.total is not None else None} for t in self.tables],
            "notes": [en if self.lang == "en" else zh for zh, en in self.notes],
        }
