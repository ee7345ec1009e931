"""Visit, wait, service-time and 好差评 tables: figures (server.reports.agg) grouped by up to two dimensions."""
from __future__ import annotations

from datetime import date
from typing import Any

from queuecore.model import HallConfig
from server.reports.agg import Agg, classes_of, targets_of
from server.reports.facts import LEG_COLUMNS, VISIT_COLUMNS
from server.reports.names import Names
from server.reports.source import FactSource
from server.reports.tables import COUNT, MINUTES, SHARE, TEXT, Column, Table

DIMENSIONS: dict[str, tuple[str, str]] = {
    "service": ("服务事项", "Service"), "window": ("窗口", "Window"), "clerk": ("坐席", "Clerk"),
    "priority": ("取号类别", "Priority class"), "hour": ("时段", "Hour"), "weekday": ("星期", "Weekday"),
    "day": ("日期", "Day"),
}
LEG_DIMENSIONS = frozenset({"window", "clerk"})
TITLES = {None: ("总计", "All"), "service": ("按服务事项", "By service"), "window": ("按窗口", "By window"),
          "clerk": ("按坐席", "By clerk"), "priority": ("按取号类别", "By priority class"),
          "hour": ("按时段", "By hour"), "weekday": ("按星期", "By weekday"), "day": ("按日期", "By day")}


def _empty(agg: Agg) -> bool:
    return not any(agg.n.values())


def groups(source: FactSource, config: HallConfig, start: date, end: date, dims: list[str]) -> dict[tuple, Agg]:
    """One Agg per value of the dimensions: merged from the kept daily counts when at most one dimension
    is not the day or weekday (every report the benchmarks time), otherwise counted from the facts."""
    base = [d for d in dims if d not in ("day", "weekday")]
    out: dict[tuple, Agg] = {}
    if len(base) <= 1:
        for day, key, agg in source.daily(start, end, base[0] if base else ""):
            if _empty(agg):
                continue
            parts = {"day": day, "weekday": date.fromisoformat(day).weekday()}
            if base:
                parts[base[0]] = key[0]
            full = tuple(parts[d] for d in dims)
            mine = out.get(full)
            if mine is None:  # never merge into `agg`: a live day's counts serve every table of the request
                mine = out[full] = Agg(legs=agg.legs)
            mine.merge(agg)
        return out
    legs = bool(LEG_DIMENSIONS & set(dims))
    columns = LEG_COLUMNS if legs else VISIT_COLUMNS
    at = [columns.index(d) for d in dims]
    classes, targets = classes_of(config), targets_of(config)
    for row in source.views().execute(f"SELECT * FROM {'v_legs' if legs else 'v_visits'} WHERE day BETWEEN ? AND ?",
                                   (start.isoformat(), end.isoformat())):
        key = tuple(row[i] for i in at)
        agg = out.get(key)
        if agg is None:
            agg = out[key] = Agg(legs=legs)
        (agg.add_leg if legs else agg.add_visit)(row, classes, targets)
    return out


def figures(source: FactSource, config: HallConfig, start: date, end: date,
            dims: list[str]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Rows (one per value of the dimensions) and the totals row."""
    found = groups(source, config, start, end, dims)
    total = Agg(legs=bool(LEG_DIMENSIONS & set(dims)))
    rows = []
    for key, agg in found.items():
        rows.append(dict(zip(dims, key)) | agg.figures(config))
        total.merge(agg)
    return rows, total.figures(config)


def visit_columns(config: HallConfig, legs: bool, names: Names, *, show_other: bool) -> list[Column]:
    cols = [] if legs else [Column("issued", "取号数", "Issued")]
    cols += [Column("called", "叫号数", "Called"), Column("served", "办理数", "Served")]
    cols += [Column(f"out_{o.code}", o.name_zh, o.name_en) for o in config.outcomes]
    if show_other:
        cols.append(Column("out_other", "其他结果", "Other outcome"))
    cols += [Column("completion_rate", "办结率", "Completion rate", SHARE),
             Column("no_shows", "过号未办", "No-shows"), Column("no_show_rate", "过号率", "No-show rate", SHARE)]
    if not legs:
        cols += [Column("cancelled", "取消", "Cancelled"), Column("unserved", "未办理", "Unserved at close")]
    cols += [Column("transfers", "转办", "Transfers"), Column("recalls", "重呼", "Recalls"),
             Column("wait_avg", "平均等候(分)", "Avg wait (min)", MINUTES),
             Column("wait_p50", "等候中位数(分)", "Median wait (min)", MINUTES),
             Column("wait_p90", "90%等候(分)", "p90 wait (min)", MINUTES),
             Column("wait_max", "最长等候(分)", "Max wait (min)", MINUTES),
             Column("service_level", "按时叫号率", "Service level", SHARE),
             Column("service_avg", "平均办理(分)", "Avg service (min)", MINUTES),
             Column("service_p90", "90%办理(分)", "p90 service (min)", MINUTES),
             Column("service_max", "最长办理(分)", "Max service (min)", MINUTES),
             Column("rated", "参评数", "Rated"), Column("rating_rate", "参评率", "Rating rate", SHARE),
             Column("good_rate", "好评率", "Good rate", SHARE), Column("bad", "差评", "Bad ratings"),
             Column("unrated", "未评价", "Not rated")]
    return cols


def rating_columns() -> list[Column]:
    return [Column("served", "办理数", "Served"), Column("rated", "参评数", "Rated"),
            Column("rating_rate", "参评率", "Rating rate", SHARE),
            Column("r5", "非常满意", "Very satisfied"), Column("r4", "满意", "Satisfied"),
            Column("r3", "基本满意", "Fairly satisfied"), Column("r2", "不满意", "Dissatisfied"),
            Column("r1", "非常不满意", "Very dissatisfied"), Column("good_rate", "好评率", "Good rate", SHARE),
            Column("bad", "差评", "Bad ratings"), Column("unrated", "未评价(超时)", "Not rated (timeout)")]


def dimension_columns(dims: list[str]) -> list[Column]:
    cols = []
    for d in dims:
        zh, en = DIMENSIONS[d]
        cols.append(Column(f"{d}_name", zh, en, TEXT))
        if d == "clerk":
            cols.append(Column("clerk", "工号", "Staff ID", TEXT))
    return cols


def table(source: FactSource, config: HallConfig, names: Names, start: date, end: date, dims: list[str],
          *, ratings_only: bool = False) -> Table:
    rows, total = figures(source, config, start, end, dims)
    if not dims:  # the period as a whole: its totals row is the table
        rows = []
        total["scope"] = "Total" if names.lang == "en" else "合计"
    for r in rows:
        for d in dims:
            r[f"{d}_name"] = names.of(d, r[d])
    rows.sort(key=lambda r: tuple(names.order(d, r[d]) for d in dims))
    if dims:
        total[f"{dims[0]}_name"] = "合计" if names.lang != "en" else "Total"
    legs = bool(LEG_DIMENSIONS & set(dims))
    cols = rating_columns() if ratings_only else visit_columns(config, legs, names,
                                                                show_other=bool(total.get("out_other")))
    zh, en = TITLES[dims[0]] if dims else TITLES[None]
    if len(dims) > 1:
        zh, en = zh + "×" + DIMENSIONS[dims[1]][0], en + " × " + DIMENSIONS[dims[1]][1].lower()
    key = "by_" + "_".join(dims) if dims else "total"
    head = dimension_columns(dims) if dims else [Column("scope", "范围", "Scope", TEXT)]
    return Table(key, zh, en, head + cols, rows, total)
