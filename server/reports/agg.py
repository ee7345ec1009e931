"""Counting facts into figures: one Agg per group, filled from visits or legs, merged across days, then derived.

The definitions of every visit, wait, service-time and 好差评 figure live here (README "Reports"):
- served: visits finished at a window (status done), split by the outcome recorded.
- 办结率 (completion rate) = served with an outcome of class `completed` ÷ (served − those of
  class `enquiry`). An enquiry (咨询) has no matter to complete, so it is neither a success nor a
  failure; 受理 (accepted for back-office work), 补正 and 不予受理 were not completed on the spot.
  The old stored outcome "done" counts as completed.
- no-show rate = visits whose last call ended in a skip and that never came back ÷ visits called.
- unserved at close: visits still open when their day ended (for today: still open now).
- wait: from issue to the first call. Service level = visits first called within their
  service's target_wait_minutes ÷ (visits called + visits never called that waited longer than
  the target before they were cancelled or the day ended; for today, that have waited longer so far).
- service time: from the start of serving (or the call, when serving was never started) to finish.
- 参评率 = visits rated 1–5 by the citizen ÷ served; 好评率 = levels 5+4+3 ÷ rated; 差评 = levels
  1–2; 未评价 (0, recorded by timeout) is counted apart and is in no rate.
Window and clerk figures count legs: each call of a visit at a window (a visit called at two
windows counts at both); waits there are those of the visits that window called first.
"""
from __future__ import annotations

import math
from array import array
from typing import Any

import msgspec

from queuecore.model import HallConfig, OutcomeClass, outcome_class
from server.reports.facts import LEG_COLUMNS, VISIT_COLUMNS

COUNTS = ("issued", "called", "served", "completed", "enquiry", "no_shows", "cancelled", "unserved", "transfers",
          "recalls", "within", "late_uncalled", "rated", "unrated", "r5", "r4", "r3", "r2", "r1")
V = {name: i for i, name in enumerate(VISIT_COLUMNS)}
L = {name: i for i, name in enumerate(LEG_COLUMNS)}


COUNTING_VERSION = 1  # bump when Agg counts differently: kept daily counts of another version are not read


def fingerprint(config: HallConfig) -> str:
    """What the kept daily counts depend on besides the facts: this code, targets and outcome classes."""
    parts = [f"v{COUNTING_VERSION}"]
    parts += [f"{s.code}={s.target_wait_minutes}" for s in config.services]
    parts += [f"{o.code}:{o.cls}" for o in config.outcomes]
    return msgspec.json.encode(parts).decode()


def nearest_rank(sorted_values: list[float], p: float) -> float | None:
    """server.reports.percentile's rule on values already sorted: the ceil(p·n/100)-th smallest."""
    return sorted_values[max(0, math.ceil(p / 100 * len(sorted_values)) - 1)] if sorted_values else None


class Agg:
    """Counts, sums, maxima and the raw waits and service times of one group."""

    __slots__ = ("n", "out", "wait_sum", "wait_max", "service_sum", "service_max", "waits", "services", "legs")

    def __init__(self, legs: bool = False) -> None:
        self.n = dict.fromkeys(COUNTS, 0)
        self.out: dict[str, int] = {}
        self.wait_sum = self.service_sum = 0.0
        self.wait_max: float | None = None
        self.service_max: float | None = None
        self.waits: array = array("d")
        self.services: array = array("d")
        self.legs = legs

    def _times(self, wait: float | None, service: float | None) -> None:
        if wait is not None:
            self.waits.append(wait)
            self.wait_sum += wait
            self.wait_max = wait if self.wait_max is None or wait > self.wait_max else self.wait_max
        if service is not None:
            self.services.append(service)
            self.service_sum += service
            self.service_max = service if self.service_max is None or service > self.service_max else self.service_max

    def _finished(self, outcome: str | None, cls: OutcomeClass | None, rating: int | None) -> None:
        n = self.n
        n["served"] += 1
        self.out[outcome or ""] = self.out.get(outcome or "", 0) + 1
        if cls is OutcomeClass.COMPLETED:
            n["completed"] += 1
        elif cls is OutcomeClass.ENQUIRY:
            n["enquiry"] += 1
        if rating is not None:
            if rating == 0:
                n["unrated"] += 1
            else:
                n["rated"] += 1
                n[f"r{rating}"] += 1

    def add_visit(self, v: tuple, classes: dict, targets: dict[str, float]) -> None:
        n, status, wait = self.n, v[V["status"]], v[V["wait_s"]]
        n["issued"] += 1
        n["called"] += v[V["called"]]
        target = targets.get(v[V["service"]], 1800.0)
        if wait is not None:
            n["within"] += wait <= target
        elif (v[V["gone_s"]] or 0) > target:
            n["late_uncalled"] += 1
        if status == "done":
            outcome = v[V["outcome"]]
            self._finished(outcome, classes[outcome], v[V["rating"]])
        elif status == "no_show":
            n["no_shows"] += 1
        elif status == "cancelled":
            n["cancelled"] += 1
        else:
            n["unserved"] += 1
        n["transfers"] += v[V["transfers"]]
        n["recalls"] += v[V["recalls"]]
        self._times(wait, v[V["service_s"]])

    def add_leg(self, leg: tuple, classes: dict, targets: dict[str, float]) -> None:
        n, end, wait = self.n, leg[L["end"]], leg[L["wait_s"]]
        n["called"] += 1
        if wait is not None:
            n["within"] += wait <= targets.get(leg[L["service"]], 1800.0)
        if end == "finished":
            outcome = leg[L["outcome"]]
            self._finished(outcome, classes[outcome], leg[L["rating"]])
        elif end == "transferred":
            n["transfers"] += 1
        n["no_shows"] += leg[L["no_show"]]
        n["recalls"] += leg[L["recalls"]]
        self._times(wait, leg[L["service_s"]])

    # ------------------------------------------------------------ kept between requests

    def encode(self) -> tuple[str, bytes, bytes]:
        """Kept with the values sorted: a period's values are then sorted runs, which sorted() merges fast."""
        head = {"n": {k: v for k, v in self.n.items() if v}, "out": self.out, "ws": self.wait_sum,
                "wm": self.wait_max, "ss": self.service_sum, "sm": self.service_max, "legs": self.legs}
        return (msgspec.json.encode(head).decode(), array("d", sorted(self.waits)).tobytes(),
                array("d", sorted(self.services)).tobytes())

    def merge_encoded(self, head_json: str, waits: bytes, services: bytes) -> None:
        head = msgspec.json.decode(head_json)
        for k, v in head["n"].items():
            self.n[k] += v
        for k, v in head["out"].items():
            self.out[k] = self.out.get(k, 0) + v
        self.legs = head["legs"]
        self._merge_times(head["ws"], head["wm"], head["ss"], head["sm"], waits, services)

    def merge(self, other: "Agg") -> None:
        for k, v in other.n.items():
            self.n[k] += v
        for k, v in other.out.items():
            self.out[k] = self.out.get(k, 0) + v
        self.legs = other.legs
        self._merge_times(other.wait_sum, other.wait_max, other.service_sum, other.service_max,
                          other.waits, other.services)

    def _merge_times(self, ws, wm, ss, sm, waits, services) -> None:
        self.wait_sum += ws
        self.service_sum += ss
        if wm is not None and (self.wait_max is None or wm > self.wait_max):
            self.wait_max = wm
        if sm is not None and (self.service_max is None or sm > self.service_max):
            self.service_max = sm
        if isinstance(waits, bytes):
            self.waits.frombytes(waits)
            self.services.frombytes(services)
        else:
            self.waits.extend(waits)
            self.services.extend(services)

    # ------------------------------------------------------------ figures

    def figures(self, config: HallConfig) -> dict[str, Any]:
        n = self.n
        r: dict[str, Any] = dict(n)
        if self.legs:
            r["issued"] = r["cancelled"] = r["unserved"] = None
        listed = set()
        for o in config.outcomes:
            r[f"out_{o.code}"] = self.out.get(o.code, 0)
            listed.add(o.code)
        # The old "done" is shown with the hall's first outcome of its class (completed).
        for code, count in self.out.items():
            if code in listed:
                continue
            cls = outcome_class(config, code)
            home = next((o.code for o in config.outcomes if o.cls is cls), None) if cls else None
            key = f"out_{home}" if home else "out_other"
            r[key] = r.get(key, 0) + count
        r.setdefault("out_other", 0)
        waits, services = sorted(self.waits), sorted(self.services)
        r["completion_rate"] = _ratio(n["completed"], n["served"] - n["enquiry"])
        r["no_show_rate"] = _ratio(n["no_shows"], n["called"])
        r["wait_avg"] = _min(_ratio(self.wait_sum, len(waits)))
        r["wait_p50"], r["wait_p90"] = _min(nearest_rank(waits, 50)), _min(nearest_rank(waits, 90))
        r["wait_max"] = _min(self.wait_max)
        r["service_level"] = _ratio(n["within"], len(waits) + n["late_uncalled"])
        r["service_avg"] = _min(_ratio(self.service_sum, len(services)))
        r["service_p90"], r["service_max"] = _min(nearest_rank(services, 90)), _min(self.service_max)
        r["rating_rate"] = _ratio(n["rated"], n["served"])
        r["good_rate"] = _ratio(n["r5"] + n["r4"] + n["r3"], n["rated"])
        r["bad"] = n["r2"] + n["r1"]
        return r


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _min(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 60


class _Classes(dict):
    def __init__(self, config: HallConfig) -> None:
        super().__init__()
        self.config = config

    def __missing__(self, code: str | None) -> OutcomeClass | None:
        cls = self[code] = outcome_class(self.config, code)
        return cls


def classes_of(config: HallConfig) -> dict[str | None, OutcomeClass | None]:
    """Outcome code -> class, looked up once per code."""
    return _Classes(config)


AGG_DIMS = ("", "service", "priority", "hour", "window", "clerk")  # kept per day; "" is the day's total


def aggregate(visits: list[tuple], legs: list[tuple], config: HallConfig,
              dims: tuple[str, ...] = AGG_DIMS) -> dict[str, dict[tuple, Agg]]:
    """Per dimension, per value: the Agg of one day's facts (or of any rows given)."""
    classes, targets = classes_of(config), targets_of(config)
    out: dict[str, dict[tuple, Agg]] = {}
    for dim in dims:
        groups: dict[tuple, Agg] = {}
        on_legs = dim in ("window", "clerk")
        i = (L if on_legs else V).get(dim)
        for row in legs if on_legs else visits:
            key = (row[i],) if i is not None else ()
            agg = groups.get(key)
            if agg is None:
                agg = groups[key] = Agg(legs=on_legs)
            (agg.add_leg if on_legs else agg.add_visit)(row, classes, targets)
        out[dim] = groups
    return out


def targets_of(config: HallConfig) -> dict[str, float]:
    return {s.code: s.target_wait_minutes * 60.0 for s in config.services}
