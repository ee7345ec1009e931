"""The displays' ticker notice in the core: posted, replaced, taken down, refused when its end has passed."""
from __future__ import annotations

import pytest

from queuecore import errors as E
from queuecore import events as ev
from queuecore.hall import Hall
from queuecore.model import Notice
from tests.queuecore.conftest import at, make_config, open_hall


@pytest.mark.parametrize("before, text_zh, text_en, until, after, event", [
    # nothing shown: a notice goes up (with or without an end)
    (None, "今日下午系统维护", "System maintenance this afternoon", None,
     ("今日下午系统维护", "System maintenance this afternoon", None), True),
    (None, "  午间不休息  ", "", "12:00", ("午间不休息", "", "12:00"), True),
    # one shown: replaced by another, the same one again changes nothing, empty texts take it down
    (("旧通知", "", None), "新通知", "New", None, ("新通知", "New", None), True),
    (("旧通知", "", None), "旧通知", "", None, ("旧通知", "", None), False),
    (("旧通知", "", None), "", "", None, None, True),
    (None, "", "  ", None, None, False),  # nothing to take down
])
def test_posting_a_notice_puts_it_up_replaces_or_takes_it_down(before, text_zh, text_en, until, after, event) -> None:
    h = open_hall()
    if before:
        h.post_notice(before[0], before[1], at(before[2]) if before[2] else None, at("09:00"))
        h.take_changes()
    events = h.post_notice(text_zh, text_en, at(until) if until else None, at("10:00"))
    shown = (h.notice.text_zh, h.notice.text_en, h.notice.until) if h.notice else None
    assert shown == ((after[0], after[1], at(after[2]) if after[2] else None) if after else None)
    assert bool(events) == event and all(isinstance(e, ev.NoticePosted) for e in events)
    changes = h.take_changes()
    if event:
        assert changes.notice is not None
        assert (changes.notice.text_zh, changes.notice.text_en) == ((after[0], after[1]) if after else ("", ""))
    else:
        assert changes is None


@pytest.mark.parametrize("text_zh, text_en, until, code", [
    ("通知", "", "09:59", "until_in_past"),
    ("通知", "", "10:00", "until_in_past"),
    ("", "English only", None, "invalid_argument"),
])
def test_a_notice_that_cannot_show_is_refused_and_changes_nothing(text_zh, text_en, until, code) -> None:
    h = open_hall()
    h.post_notice("在用的通知", "", None, at("09:00"))
    h.take_changes()
    with pytest.raises(E.QueueError) as info:
        h.post_notice(text_zh, text_en, at(until) if until else None, at("10:00"))
    assert info.value.code == code
    assert h.notice.text_zh == "在用的通知" and h.take_changes() is None


@pytest.mark.parametrize("until, now, shows", [(None, "18:00", True), ("12:00", "11:59", True),
                                               ("12:00", "12:00", False)])
def test_a_notice_shows_until_its_end(until, now, shows) -> None:
    n = Notice(text_zh="通知", until=at(until) if until else None, at=at("09:00"))
    assert n.shows(at(now)) is shows
    assert not Notice(text_zh="", at=at("09:00")).shows(at("09:00"))


def test_a_stored_notice_comes_back_with_the_hall() -> None:
    n = Notice(text_zh="通知", text_en="Notice", at=at("09:00"))
    assert Hall(make_config(), notice=n).notice == n
    assert Hall(make_config(), notice=Notice(text_zh="", at=at("09:00"))).notice is None
