"""差评 follow-up cases in the server: opened in the same commit as the low rating, advanced by supervisors.

Rule: the case's moves are decided in the pure core (queuecore.followup); this module only finds
cases (stored, or opened in a batch not yet written) and turns them into rows and views.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from queuecore import errors as E
from queuecore import events as ev
from queuecore import followup as F
from queuecore.model import HallConfig
from server.store import Store

class FollowUps:
    def __init__(self, config: HallConfig, store: Store, tz) -> None:
        self.config, self.store, self.tz = config, store, tz
        self._unstored: dict[str, F.FollowUp] = {}  # opened or moved in a batch not yet written

    def stored(self) -> None:
        """The staged batch is written: the store has every case now."""
        self._unstored.clear()

    def opened_by(self, events: list[ev.Event]) -> list[tuple]:
        """Rows of the cases that these events open (one per 差评)."""
        rows = []
        for e in events:
            if isinstance(e, ev.VisitRated) and F.opens_case(e):
                case = F.open_case(e, self.config, e.at)
                self._unstored[case.id] = case
                rows.append(self.store.followup_row(case, self.tz))
        return rows

    def get(self, case_id: str) -> F.FollowUp:
        case = self._unstored.get(case_id) or self.store.followup(case_id)
        if case is None:
            raise E.UnknownFollowUp(f"no follow-up case {case_id!r}", case=case_id)
        return case

    def advance(self, case_id: str, action: str, actor: str, note: str, now: datetime,
                valid: bool | None) -> tuple[F.FollowUp, F.FollowUpAdvanced, tuple]:
        new, event = F.advance(self.get(case_id), action, actor, note, now, valid)
        self._unstored[new.id] = new
        return new, event, self.store.followup_row(new, self.tz)


def view(case: F.FollowUp, now: datetime, config: HallConfig) -> dict[str, Any]:
    """A case as supervisors see it: the case, its overdue deadlines and the time left to the next one."""
    overdue = F.overdue(case, now)
    nxt = next((due for name, due in (("contact", case.contact_due), ("rectify", case.rectify_due))
                if F.met_at(case, name) is None), None) if case.status != F.FollowUpStatus.CLOSED else None
    svc = config.service(case.service)
    return {"case": case, "overdue": overdue, "next_due": nxt,
            "seconds_left": None if nxt is None else int((nxt - now).total_seconds()),
            "service_name_zh": svc.name_zh if svc else case.service,
            "service_name_en": svc.name_en if svc else case.service}
