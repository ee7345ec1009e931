"""Hall configuration from a TOML document: decoded strictly, cross-checked, with messages that name the bad entry."""
from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from datetime import date, time
from pathlib import Path
from typing import Any

import msgspec

from queuecore.model import (KNOWN_EN, RESERVED_OUTCOMES, WEEKDAYS, Bundle, HallConfig, Outcome, PriorityClass,
                             PriorityKind, Rules, Service, TimeRange, WindowConfig)

# The hall's lists of reasons: each zh list has an en list of the same length.
REASON_LISTS = ("rating_reasons", "pause_reasons", "close_reasons")


class ConfigError(ValueError):
    """The hall configuration is unusable; the message says where and why."""


def _parse_range(text: str) -> TimeRange:
    try:
        a, b = (part.strip() for part in text.split("-"))
        start, end = time.fromisoformat(a), time.fromisoformat(b)
    except ValueError:
        raise ValueError(f"expected 'HH:MM-HH:MM', got {text!r}") from None
    if not start < end:
        raise ValueError(f"{text!r} ends before it starts")
    return TimeRange(start, end)


def _parse_ranges(ranges: Any) -> Any:
    if not isinstance(ranges, list | tuple):
        return ranges  # msgspec names the wrong type
    return [_parse_range(h) if isinstance(h, str) else h for h in ranges]


def parse_config(doc: dict[str, Any]) -> HallConfig:
    """Build a HallConfig from a parsed TOML document ([hall], [rules], [[priorities]], [[services]], [[windows]],
    [[outcomes]], [calendar], [[bundles]])."""
    data = dict(doc.get("hall", {}))
    for key in ("services", "windows", "priorities", "rules", "outcomes", "calendar", "bundles"):
        if key in doc:
            data[key] = doc[key]
    services = []
    for i, svc in enumerate(data.get("services", [])):
        svc = dict(svc)
        try:
            svc["hours"] = _parse_ranges(svc.get("hours", []))
        except ValueError as exc:
            raise ConfigError(f"services[{i}] ({svc.get('code')}): hours: {exc}") from None
        if isinstance(svc.get("weekly"), dict):
            weekly = {}
            for day, ranges in svc["weekly"].items():
                if day not in WEEKDAYS:
                    raise ConfigError(f"services[{i}] ({svc.get('code')}): weekly: {day!r} is not one of "
                                      f"{', '.join(WEEKDAYS)}")
                try:
                    weekly[day] = _parse_ranges(ranges)
                except ValueError as exc:
                    raise ConfigError(f"services[{i}] ({svc.get('code')}): weekly.{day}: {exc}") from None
            svc["weekly"] = weekly
        services.append(svc)
    if "services" in data:
        data["services"] = services
    if isinstance(data.get("rules"), dict) and data["rules"].get("suspend_expire_minutes") == 0:
        # TOML has no null: 0 means "a suspended visit expires at 日终 only" (None in Rules).
        data["rules"] = {**data["rules"], "suspend_expire_minutes": None}
    for key in REASON_LISTS:
        # A hall file from before the English lists: the default items' English, else the item itself.
        if isinstance(data.get(key), list) and f"{key}_en" not in data:
            data[f"{key}_en"] = [KNOWN_EN.get(r, r) if isinstance(r, str) else r for r in data[key]]
    # [simulation] belongs to `hallq simulate` (hallq/simulation.py), not to the hall's rules.
    # [console] is the hall server's own (server.console_cli.console_table): alert rules, session limits;
    # so is [notify] (server.notify.settings): SMS positions, provider, templates, webhooks.
    unknown = set(doc) - {"hall", "services", "windows", "priorities", "rules", "outcomes", "calendar", "simulation",
                          "console", "bundles", "notify"}
    if unknown:
        raise ConfigError(f"unknown top-level tables: {', '.join(sorted(unknown))}")
    # A misspelt key here would silently drop every holiday and move every follow-up deadline.
    if isinstance(doc.get("calendar"), dict) and (typos := set(doc["calendar"]) - {"holidays", "workdays"}):
        raise ConfigError(f"calendar: unknown keys: {', '.join(sorted(typos))}")
    _reject_unknown_fields(data)
    try:
        cfg = msgspec.convert(data, HallConfig, strict=True)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"hall config: {exc}") from None
    _check(cfg)
    return cfg


# The tables of a hall TOML besides [hall]; export_doc writes them in this order.
_TABLES = ("rules", "calendar", "priorities", "outcomes", "services", "windows", "bundles")


def export_doc(cfg: HallConfig, *, native: bool = True) -> dict[str, Any]:
    """The inverse of parse_config: a document that parses back to an equal HallConfig.

    native: dates stay `date` objects (for a TOML writer); otherwise ISO strings (JSON). Hours are
    written "HH:MM-HH:MM" as a person writes them. TOML has no null: None fields are left out (they
    are the defaults) except rules.suspend_expire_minutes, written 0."""
    builtin = (date,) if native else ()
    doc = msgspec.to_builtins(cfg, builtin_types=builtin)
    for svc, raw in zip(cfg.services, doc["services"]):
        raw["hours"] = [str(r) for r in svc.hours]
        raw["weekly"] = {day: [str(r) for r in ranges] for day, ranges in svc.weekly.items()}
    if cfg.rules.suspend_expire_minutes is None:
        doc["rules"]["suspend_expire_minutes"] = 0
    out: dict[str, Any] = {"hall": {k: v for k, v in doc.items() if k not in _TABLES}}
    for table in _TABLES:
        out[table] = doc[table]
    return _drop_none(out)


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_drop_none(v) for v in value]
    return value


def _reject_unknown_fields(data: dict[str, Any]) -> None:
    """A misspelt key (`daily_capp`) would silently keep the default: name it instead."""
    problems = []
    hall_fields = set(HallConfig.__struct_fields__)
    if unknown := sorted(set(data) - hall_fields):
        problems.append(f"hall: unknown keys: {', '.join(unknown)}")
    for table, cls in (("services", Service), ("windows", WindowConfig), ("priorities", PriorityClass),
                       ("outcomes", Outcome), ("bundles", Bundle)):
        items = data.get(table)
        if not isinstance(items, list | tuple):
            continue
        for i, item in enumerate(items):
            if isinstance(item, dict) and (unknown := sorted(set(item) - set(cls.__struct_fields__))):
                name = item.get("code", item.get("id", i))
                problems.append(f"{table}[{i}] ({name}): unknown keys: {', '.join(map(str, unknown))}")
    if isinstance(data.get("rules"), dict) and (unknown := sorted(set(data["rules"]) - set(Rules.__struct_fields__))):
        problems.append(f"rules: unknown keys: {', '.join(unknown)}")
    if problems:
        raise ConfigError("; ".join(problems))


def load_config(path: str) -> HallConfig:
    try:
        with open(path, "rb") as f:
            doc = tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    try:
        return parse_config(doc)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def read_toml_table(path: str | Path, table: str, error: type[Exception], *, required: bool = False) -> dict[str, Any]:
    """A TOML file's [table] (or, unless required, the whole file when it has none); every problem
    raises `error` with a message naming the file. Shared by the app and printer configs."""
    try:
        doc = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(f"cannot read {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: {exc}") from None
    if table in doc:
        section = doc[table]
    elif required:
        raise error(f"{path} has no [{table}] table")
    else:
        section = doc
    if not isinstance(section, dict):
        raise error(f"{path}: [{table}] is not a table")
    return dict(section)


def reject_unknown_keys(table: Mapping[str, Any], cls: type, error: type[Exception], what: str) -> None:
    """A typo in a config must not pass silently: keys that are not fields of the dataclass `cls` raise."""
    unknown = sorted(set(table) - {f.name for f in dataclasses.fields(cls)})
    if unknown:
        raise error(f"{what}: {', '.join(unknown)}")


def issuing_at_any_hour(cfg: HallConfig) -> HallConfig:
    """The same hall with no issuing hours (demos and live simulations run at any time of day)."""
    return msgspec.structs.replace(cfg, services=tuple(msgspec.structs.replace(s, hours=()) for s in cfg.services))


def _dupes(values: list) -> list:
    seen, dup = set(), []
    for v in values:
        if v in seen:
            dup.append(v)
        seen.add(v)
    return dup


def _check(cfg: HallConfig) -> None:
    problems: list[str] = []
    for what, values in (
        ("service code", [s.code for s in cfg.services]),
        ("service prefix", [s.prefix for s in cfg.services]),
        ("window id", [w.id for w in cfg.windows]),
        ("priority code", [p.code for p in cfg.priorities]),
        ("outcome code", [o.code for o in cfg.outcomes]),
        ("bundle code", [b.code for b in cfg.bundles]),
    ):
        for d in _dupes(values):
            problems.append(f"duplicate {what} {d!r}")
    if cfg.public_base_url and not cfg.public_base_url.startswith(("https://", "http://")):
        problems.append(f"public_base_url must start with https:// (or http://), got {cfg.public_base_url!r}")
    codes = {s.code for s in cfg.services}
    for b in cfg.bundles:  # 一票到底
        if len(b.steps) < 2 or len(set(b.steps)) != len(b.steps):
            problems.append(f"bundle {b.code}: needs at least two steps, each service once")
        problems.extend(f"bundle {b.code}: unknown service {code!r}" for code in b.steps if code not in codes)
    for key in REASON_LISTS:
        zh, en = getattr(cfg, key), getattr(cfg, f"{key}_en")
        if len(zh) != len(en):
            problems.append(f"hall: {key}_en has {len(en)} items, {key} has {len(zh)}: give each reason its English")
    for s in cfg.services:
        if s.materials_en and len(s.materials_en) != len(s.materials):
            problems.append(f"service {s.code}: materials_en has {len(s.materials_en)} items, materials has "
                            f"{len(s.materials)}")
        if not (s.prefix.isascii() and s.prefix.isalpha() and s.prefix.isupper()):
            problems.append(f"service {s.code}: prefix must be capital letters, got {s.prefix!r}")
        if not 1 <= s.digits <= 6:
            problems.append(f"service {s.code}: digits must be 1..6")
        if s.daily_cap is not None and s.daily_cap < 0:
            problems.append(f"service {s.code}: daily_cap must be >= 0")
        if s.target_wait_minutes < 1:
            problems.append(f"service {s.code}: target_wait_minutes must be >= 1")
    for w in cfg.windows:
        if not w.services:
            problems.append(f"window {w.id}: serves no service")
        for code in w.services:
            if code not in codes:
                problems.append(f"window {w.id}: unknown service {code!r}")
    if not any(p.kind is PriorityKind.NORMAL for p in cfg.priorities):
        problems.append("priorities: at least one class must have kind = 'normal'")
    r = cfg.rules
    if r.priority_ratio < 1 or r.requeue_places < 0 or r.skip_grace_minutes < 0:
        problems.append("rules: priority_ratio >= 1, requeue_places >= 0 and skip_grace_minutes >= 0")
    if not 1 <= r.followup_contact_days <= r.followup_rectify_days:
        problems.append("rules: 1 <= followup_contact_days <= followup_rectify_days")
    problems += _outcome_problems(cfg) + _calendar_problems(cfg)
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(cfg.timezone)
    except Exception:
        problems.append(f"hall: unknown timezone {cfg.timezone!r}")
    if problems:
        raise ConfigError("; ".join(problems))


def _outcome_problems(cfg: HallConfig) -> list[str]:
    problems = []
    if not cfg.outcomes:
        problems.append("outcomes: the list is empty")
    for o in cfg.outcomes:
        if not o.code or len(o.code) > 64 or o.code != o.code.strip():
            problems.append(f"outcome {o.code!r}: the code must be 1-64 characters without surrounding spaces")
        if o.code in RESERVED_OUTCOMES:
            problems.append(f"outcome {o.code!r}: the code is reserved ({', '.join(sorted(RESERVED_OUTCOMES))})")
    if cfg.outcomes and cfg.outcome(cfg.default_outcome) is None:
        problems.append(f"hall: default_outcome {cfg.default_outcome!r} is not in the outcomes")
    return problems


def _calendar_problems(cfg: HallConfig) -> list[str]:
    cal, problems = cfg.calendar, []
    for d in sorted(set(cal.holidays) & set(cal.workdays)):
        problems.append(f"calendar: {d} is both a holiday and a workday")
    for d in sorted(set(cal.workdays)):
        if d.weekday() < 5:
            # A make-up workday (调休) is always a Saturday or Sunday; a weekday here is a typo.
            problems.append(f"calendar: workday {d} is a {d:%A}, not a weekend day")
    return problems
