"""Names for what the facts store as codes: services, windows, clerks, priority classes, hours, weekdays, outcomes."""
from __future__ import annotations

import sqlite3

from queuecore.model import RATING_LEVELS, HallConfig

WEEKDAYS = (("周一", "Monday"), ("周二", "Tuesday"), ("周三", "Wednesday"), ("周四", "Thursday"), ("周五", "Friday"),
            ("周六", "Saturday"), ("周日", "Sunday"))


class Names:
    """zh/en names from the hall config and the clerks table; a code the config no longer lists says so."""

    def __init__(self, config: HallConfig, conn: sqlite3.Connection, lang: str) -> None:
        self.config, self.lang = config, lang
        self.services = {s.code: (s.name_zh, s.name_en) for s in config.services}
        self.windows = {w.id: (w.name_zh, w.name_en) for w in config.windows}
        self.priorities = {p.code: (p.name_zh, p.name_en) for p in config.priorities}
        self.outcomes = {o.code: (o.name_zh, o.name_en) for o in config.outcomes}
        self.clerks = dict(conn.execute("SELECT staff_id, name FROM clerks").fetchall())

    def _pick(self, pair: tuple[str, str]) -> str:
        return pair[1] if self.lang == "en" else pair[0]

    def _missing(self, code: object) -> str:
        return f"{code} (removed)" if self.lang == "en" else f"{code}（已停用）"

    def service(self, code: str | None) -> str:
        return self._pick(self.services[code]) if code in self.services else self._missing(code)

    def window(self, wid: int | None) -> str:
        if wid is None:
            return "-"
        return self._pick(self.windows[wid]) if wid in self.windows else self._missing(wid)

    def clerk(self, staff_id: str | None) -> str:
        if not staff_id:
            return "(no clerk)" if self.lang == "en" else "（无坐席）"
        return self.clerks.get(staff_id) or self._missing(staff_id)

    def priority(self, code: str | None) -> str:
        return self._pick(self.priorities[code]) if code in self.priorities else self._missing(code)

    def outcome(self, code: str | None) -> str:
        return self._pick(self.outcomes[code]) if code in self.outcomes else self._missing(code)

    def level(self, level: int) -> str:
        return self._pick(RATING_LEVELS[level])

    def hour(self, h: int) -> str:
        return f"{h:02d}:00–{h + 1:02d}:00"

    def weekday(self, d: int) -> str:
        return self._pick(WEEKDAYS[d])

    def of(self, dim: str, value: object) -> str:
        return str(value) if dim == "day" else getattr(self, dim)(value)

    def order(self, dim: str, value: object) -> tuple:
        """Rows in the hall's own order: services and classes as configured, windows by id, clerks by name."""
        if dim == "service":
            keys = list(self.services)
            return (keys.index(value) if value in keys else len(keys), str(value))
        if dim == "priority":
            keys = list(self.priorities)
            return (keys.index(value) if value in keys else len(keys), str(value))
        if dim == "clerk":
            return (self.clerk(value),) if value else ("\uffff",)
        return (value is None, value if value is not None else 0)
