"""The hall TOML: outcomes, the working-day calendar, follow-up days and target waits load, and bad ones are named."""
from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from queuecore.config import ConfigError, load_config, parse_config
from queuecore.model import DEFAULT_OUTCOMES, OutcomeClass, WorkCalendar

EXAMPLE = Path(__file__).parents[2] / "examples" / "county-hall.toml"

MINIMAL = '''
[hall]
name_zh = "测试大厅"
name_en = "Test Hall"
[[services]]
code = "social"
prefix = "A"
name_zh = "社保"
name_en = "Social insurance"
[[windows]]
id = 1
name_zh = "1号窗口"
name_en = "Window 1"
services = ["social"]
'''


TOP = "# top-level keys go before the first table\n"


def parse(extra: str = "") -> object:
    top, _, tables = extra.partition(TOP) if TOP in extra else ("", "", extra)
    return parse_config(tomllib.loads(top + MINIMAL + tables))


def test_a_hall_without_the_new_tables_gets_the_defaults() -> None:
    cfg = parse()
    assert cfg.outcomes == DEFAULT_OUTCOMES and cfg.default_outcome == "completed"
    assert cfg.calendar == WorkCalendar()
    assert (cfg.rules.followup_contact_days, cfg.rules.followup_rectify_days) == (1, 5)
    assert cfg.services[0].target_wait_minutes == 30


def test_the_sample_hall_lists_outcomes_a_2026_calendar_and_targets() -> None:
    cfg = load_config(str(EXAMPLE))
    assert {o.cls for o in cfg.outcomes} == set(OutcomeClass)
    assert cfg.outcome(cfg.default_outcome) is not None
    assert date(2026, 10, 1) in cfg.calendar.holidays and date(2026, 10, 10) in cfg.calendar.workdays
    assert all(d.weekday() >= 5 for d in cfg.calendar.workdays)
    assert cfg.service("realestate").target_wait_minutes == 40


def test_own_outcomes_default_and_calendar_load_from_toml() -> None:
    doc = tomllib.loads(MINIMAL.replace('name_en = "Test Hall"', 'name_en = "Test Hall"\ndefault_outcome = "ask"') + '''
[rules]
followup_contact_days = 2
followup_rectify_days = 15
[[outcomes]]
code = "ok"
name_zh = "已办"
name_en = "Done"
cls = "completed"
[[outcomes]]
code = "ask"
name_zh = "咨询"
name_en = "Enquiry"
cls = "enquiry"
[calendar]
holidays = [2026-10-01, "2026-10-02"]
workdays = [2026-10-10]
''')
    cfg = parse_config(doc)
    assert [o.code for o in cfg.outcomes] == ["ok", "ask"] and cfg.default_outcome == "ask"
    assert cfg.outcome("ask").cls is OutcomeClass.ENQUIRY
    assert cfg.calendar == WorkCalendar(holidays=(date(2026, 10, 1), date(2026, 10, 2)), workdays=(date(2026, 10, 10),))
    assert (cfg.rules.followup_contact_days, cfg.rules.followup_rectify_days) == (2, 15)


OUTCOME = '''
[[outcomes]]
code = "{code}"
name_zh = "办结"
name_en = "Completed"
cls = "{cls}"
'''


@pytest.mark.parametrize(("extra", "message"), [
    (OUTCOME.format(code="ok", cls="finished"), "Invalid enum value 'finished'"),
    (OUTCOME.format(code="ok", cls="completed"), "default_outcome 'completed' is not in the outcomes"),
    (OUTCOME.format(code="completed", cls="completed") * 2, "duplicate outcome code 'completed'"),
    (OUTCOME.format(code="completed", cls="completed") + OUTCOME.format(code="done", cls="completed"),
     "outcome 'done': the code is reserved"),
    (OUTCOME.format(code="completed", cls="completed") + OUTCOME.format(code="cancelled", cls="refused"),
     "outcome 'cancelled': the code is reserved"),
    ("outcomes = []\n" + TOP, "outcomes: the list is empty"),
    ("[calendar]\nholidays = [2026-10-10]\nworkdays = [2026-10-10]\n", "2026-10-10 is both a holiday and a workday"),
    ("[calendar]\nworkdays = [2026-10-09]\n", "workday 2026-10-09 is a Friday, not a weekend day"),
    ("[calendar]\nholidays = [2026-10-10T08:00:00]\n", "Expected `date`, got `datetime`"),
    ("[calendar]\nholiday = [2026-10-01]\n", "calendar: unknown keys: holiday"),
    ("[rules]\nfollowup_contact_days = 0\n", "1 <= followup_contact_days <= followup_rectify_days"),
    ("[rules]\nfollowup_contact_days = 6\n", "1 <= followup_contact_days <= followup_rectify_days"),
])
def test_bad_outcomes_calendars_and_followup_days_are_named(extra: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("(", r"\(")):
        parse(extra)


def test_a_service_target_wait_below_one_minute_is_refused() -> None:
    with pytest.raises(ConfigError, match="service social: target_wait_minutes must be >= 1"):
        parse_config(tomllib.loads(MINIMAL.replace('name_en = "Social insurance"',
                                                   'name_en = "Social insurance"\ntarget_wait_minutes = 0')))


def test_the_public_base_url_is_read_from_the_hall_table_and_must_be_a_web_address() -> None:
    hall = 'name_en = "Test Hall"'
    cfg = parse_config(tomllib.loads(MINIMAL.replace(hall, hall + '\npublic_base_url = "https://zwfw.example.gov.cn/h1"', 1)))
    assert cfg.public_base_url == "https://zwfw.example.gov.cn/h1" and parse().public_base_url == ""
    with pytest.raises(ConfigError, match="public_base_url must start with https://"):
        parse_config(tomllib.loads(MINIMAL.replace(hall, hall + '\npublic_base_url = "zwfw.example.gov.cn"', 1)))
