"""Wait estimates on the server: queuecore.estimate fed by the hall's events; each ticket's estimate at issue
logged against its actual wait (in the same commit as the change), and the median absolute error per day.

Rule: advisory only. The learned state lives in memory and is rebuilt from the store at start
(earlier days' visits for the cold start, today's visits replayed); a lost update costs accuracy,
never a decision.
"""
from __future__ import annotations

import statistics
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from queuecore import estimate as est
from queuecore import events as ev
from queuecore.hall import Hall
from queuecore.model import HallConfig, PriorityKind, WindowStatus

HISTORY_DAYS = 56  # eight weeks of earlier days for the same weekday and hour

# (ticket_id, day, service, issued_at, estimated_min, baseline_min, waited_min): upserted by the store.
Row = tuple[str, str, str, str, float, int, float | None]


class WaitEstimates:
    def __init__(self, config: HallConfig, visits: list[est.Visit], pending: dict[str, Row],
                 today: date | None) -> None:
        """`visits`: finished visits of earlier days and of `today` (the store's business day); `pending`:
        today's logged estimates whose ticket was not called yet."""
        self.learned = est.Learned()
        self.history: list[est.Visit] = []
        self.pending = dict(pending)
        self.use_config(config)
        self._seen: list[est.Visit] = []  # today's visits: tomorrow's history
        for v in sorted(visits, key=lambda v: v.called_at):
            if today is not None and v.called_at.date() == today:
                self._seen.append(v)
                self.learned = est.observe(self.learned, v)
            else:
                self.history.append(v)

    def use_config(self, config: HallConfig) -> None:
        """At creation and after a live change: what is derived from the configuration is derived again (the
        green priority classes; the priors, which fall back on each service's configured average)."""
        self.config = config
        self._priors: dict[tuple[str, date, int], float] = {}
        self._green = {p.code for p in config.priorities if p.kind is PriorityKind.PRIORITY}

    def _prior(self, service: str, now: datetime) -> float:
        key = (service, now.date(), now.hour)
        if key not in self._priors:
            svc = self.config.service(service)
            self._priors[key] = est.prior_minutes(service, now, self.history, svc.avg_service_minutes if svc else 10)
        return self._priors[key]

    def minutes(self, hall: Hall, service: str, ahead: int, now: datetime) -> float:
        """The learned estimate for a place `ahead` in `service`'s queue, now."""
        return self.minutes_for(hall, now)(service, ahead)

    def minutes_for(self, hall: Hall, now: datetime) -> Callable[[str, int], float]:
        """The learned estimate of any place in any queue, now: the windows, the service times and the queue
        lengths are taken once (a view of many tickets asks for many places of the same moment)."""
        windows = [est.WindowNow(services=wc.services, open=hall.windows[wid].status is WindowStatus.OPEN,
                                 busy=hall.windows[wid].current is not None)
                   for wid, wc in hall.window_configs.items() if wid in hall.windows]
        learned = self.learned
        per_visit = {s: est.service_minutes(s, now, learned, self._prior(s, now)) for s in hall.services}
        waiting = {s: len(q) for s, q in hall.waiting.items()}
        return lambda service, ahead: est.estimate_minutes(service, ahead, now, windows=windows, waiting=waiting,
                                                           minutes=per_visit, learned=learned)

    def rows_for(self, hall: Hall, events: list[ev.Event]) -> list[Row]:
        """Learn from a decision's events; the estimate rows to store with it."""
        rows: list[Row] = []
        for e in events:
            if isinstance(e, ev.DayStarted):
                self.history.extend(self._today())
                self.learned, self.pending = est.Learned(), {}
                self._trim(e.at)
            elif isinstance(e, ev.TicketIssued):
                t = hall.tickets.get(e.ticket_id)
                if t is None:
                    continue
                if t.priority in self._green:
                    self.learned = est.priority_arrived(self.learned, t.service, e.at)
                mine = self.minutes(hall, t.service, e.ahead, e.at)
                row = (t.id, t.day.isoformat(), t.service, e.at.isoformat(), round(mine, 2),
                       hall.estimated_wait_minutes(t.service, e.ahead), None)
                self.pending[t.id] = row
                rows.append(row)
            elif isinstance(e, ev.TicketCalled) and e.ticket_id in self.pending:
                t = hall.tickets.get(e.ticket_id)
                row = self.pending.pop(e.ticket_id)
                if t is not None:  # the wait ends at the first call, from arrival (as the reports count it)
                    rows.append((*row[:6], round((e.at - t.arrival_at).total_seconds() / 60, 2)))
            elif isinstance(e, ev.TicketFinished):
                t = hall.tickets.get(e.ticket_id)
                if t is not None and t.called_at is not None:
                    minutes = (e.at - t.called_at).total_seconds() / 60 - t.away_s / 60
                    if minutes > 0:
                        self._seen.append(est.Visit(service=t.service, called_at=t.called_at, minutes=minutes))
                        self.learned = est.observe(self.learned, self._seen[-1])
        return rows

    def _today(self) -> list[est.Visit]:
        seen, self._seen = self._seen, []
        return seen

    def _trim(self, now: datetime) -> None:
        cutoff = now - timedelta(days=HISTORY_DAYS)
        self.history = [v for v in self.history if v.called_at >= cutoff]
        self._priors.clear()


def accuracy(rows: list[tuple[str, float, int, float]]) -> list[dict[str, Any]]:
    """Per day: tickets, the median absolute error of the learned estimate and of today's formula (minutes).

    `rows`: (day, estimated_min, baseline_min, waited_min) of called tickets."""
    by_day: dict[str, list[tuple[float, int, float]]] = {}
    for day, mine, base, waited in rows:
        by_day.setdefault(day, []).append((mine, base, waited))
    return [{"day": day, "tickets": len(items),
             "median_abs_error_min": round(statistics.median(abs(m - w) for m, _, w in items), 1),
             "baseline_median_abs_error_min": round(statistics.median(abs(b - w) for _, b, w in items), 1)}
            for day, items in sorted(by_day.items())]


def load(config: HallConfig, store: Any, day: date | None) -> WaitEstimates:
    """From the store: earlier days' visits (HISTORY_DAYS) and today's, and today's estimates not called yet."""
    visits = []
    since = (day or date.today()) - timedelta(days=HISTORY_DAYS)
    for service, called_at, finished_at, away_s in store.finished_visits(since):
        called, finished = datetime.fromisoformat(called_at), datetime.fromisoformat(finished_at)
        minutes = (finished - called).total_seconds() / 60 - (away_s or 0) / 60
        if minutes > 0:
            visits.append(est.Visit(service=service, called_at=called, minutes=minutes))
    pending = {r[0]: tuple(r) for r in store.wait_estimates(day, day, called=False)} if day else {}
    return WaitEstimates(config, visits, pending, day)
