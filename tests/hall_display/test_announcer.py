"""The announcement queue: in order, one at a time, recalls queued too; the QMediaPlayer announcer plays to the end."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from hall_display.announcer import ClipAnnouncer, SilentAnnouncer, Spoken, TimedAnnouncer, has_audio_output, make_announcer
from hall_display.clips import ClipSet
from hall_display.speech import ALL_CLIPS
from queuecore.protocol import Announcement
from tests.hall_display.test_clips import tone

# Loading QtMultimedia on a machine without pipewire, VA-API or a sound server logs that it
# probed for them (once per process). Harmless: it still plays, in real time, to no device.
MULTIMEDIA_PROBES = pytest.mark.qt_log_ignore(r"Couldn't (load|resolve) .*", r".*PulseAudio.*pa_context.*")

AT = datetime(2026, 11, 23, 9, 0, tzinfo=timezone(timedelta(hours=8)))


def ann(number: str, window: int = 3, recall: int = 0, version: int = 1, name: str = "") -> Announcement:
    return Announcement(version=version, ticket_id=f"20261123-{number}", number=number, service="estate",
                        window=window, window_name_zh=name or f"{window}号窗口", window_name_en=f"Window {window}",
                        recall=recall, at=AT)


def test_announcements_play_in_order_one_at_a_time_recalls_included(qtbot) -> None:
    a = TimedAnnouncer(0.1, repeat=2)
    a.announce(ann("A001"))
    a.announce(ann("A002", 2))
    a.announce(ann("A001", recall=1))  # a recall is announced again, after what was already queued
    a.announce(ann("B003", 4))
    assert not a.busy  # nothing starts inside the caller's slot: the screen goes first
    with qtbot.waitSignal(a.idle, timeout=3000):
        pass
    assert a.log == [("start", "A001", 0), ("end", "A001", 0), ("start", "A002", 0), ("end", "A002", 0),
                     ("start", "A001", 1), ("end", "A001", 1), ("start", "B003", 0), ("end", "B003", 0)]


def test_an_announcement_arriving_while_one_plays_waits_for_its_end(qtbot) -> None:
    a = TimedAnnouncer(0.3)
    starts: list[tuple[str, float]] = []
    ends: list[tuple[str, float]] = []
    a.started.connect(lambda s: starts.append((s.number, time.monotonic())))
    a.finished.connect(lambda s: ends.append((s.number, time.monotonic())))
    a.announce(ann("A001"))
    qtbot.waitUntil(lambda: a.busy, timeout=1000)
    a.announce(ann("A002"))  # mid-way through A001
    with qtbot.waitSignal(a.idle, timeout=3000):
        pass
    assert [n for n, _ in starts] == ["A001", "A002"] and [n for n, _ in ends] == ["A001", "A002"]
    assert starts[1][1] >= ends[0][1]  # never overlapping, never cut


def test_a_spoken_item_carries_the_text_and_the_clip_sequence() -> None:
    s = Spoken.of(ann("A012", 3), repeat=3)
    assert s.text == "请 A零一二 号 到 三 号窗口 办理"
    assert s.parts[0] == "chime" and s.parts.count("qing") == 3 and s.parts[1:6] == ("qing", "A", "0", "1", "2")


def test_a_call_names_the_window_as_its_sign_reads_from_the_default_clips() -> None:
    s = Spoken.of(ann("Z001", 19, name="19号咨询台"), repeat=1)
    assert s.text == "请 Z零零一 号 到 十九 号咨询台 办理"
    assert s.parts == ("chime", "qing", "Z", "0", "0", "1", "hao", "dao", "shi", "9", "hao", "zixun", "tai", "banli")
    assert s.call_length == len(s.parts) - 1
    clips = ClipSet()
    said = clips.render(s.parts, call_length=s.call_length)  # every clip is in the default set
    assert said.duration > sum(clips.clip(k).duration for k in s.parts) > 4.0
    # A sign with a word no clip says falls back to the window's number, and says so in the log.
    assert Spoken.of(ann("C001", 33, name="33号企业开办专窗"), repeat=1).text == "请 C零零一 号 到 三十三 号窗口 办理"


@MULTIMEDIA_PROBES
def test_silent_mode_when_asked_or_without_an_audio_output(qtbot) -> None:
    assert isinstance(make_announcer(silent=True, repeat=2, clips_dir=None), SilentAnnouncer)
    chosen = make_announcer(silent=False, repeat=2, clips_dir=None)
    assert isinstance(chosen, ClipAnnouncer if has_audio_output() else SilentAnnouncer)
    a = SilentAnnouncer()
    done: list[str] = []
    a.finished.connect(lambda s: done.append(s.number))
    a.announce(ann("A001"))
    a.announce(ann("A002"))
    qtbot.waitUntil(lambda: done == ["A001", "A002"], timeout=1000)


@pytest.fixture
def short_clips(tmp_path: Path) -> ClipSet:
    """Every clip a 40 ms tone, so a whole announcement plays in about a second."""
    for key in ALL_CLIPS:
        tone(tmp_path / f"{key}.wav", seconds=0.04, rate=22050, lead=0.01, tail=0.01)
    return ClipSet([tmp_path], default=None)


@MULTIMEDIA_PROBES
# The app would go silent without a device; here the player is used on purpose to show it still
# plays each WAV to EndOfMedia in real time (PLATFORM.md), and says so once per file.
@pytest.mark.qt_log_ignore(r"No audio device detected")
def test_the_media_player_announcer_plays_each_wav_to_the_end_in_order(qtbot, short_clips: ClipSet) -> None:
    a = ClipAnnouncer(short_clips, repeat=1)
    events: list[tuple[str, str, float]] = []
    a.started.connect(lambda s: events.append(("start", s.number, time.monotonic())))
    a.finished.connect(lambda s: events.append(("end", s.number, time.monotonic())))
    a.announce(ann("A001"))
    a.announce(ann("A002", 12))
    with qtbot.waitSignal(a.idle, timeout=10000):
        pass
    assert [(k, n) for k, n, _ in events] == [("start", "A001"), ("end", "A001"), ("start", "A002"), ("end", "A002")]
    assert a.last_wav is not None and a.last_wav.exists()
    # It really played (in real time) rather than failing at once: each took about the WAV's length.
    assert events[1][2] - events[0][2] > 0.5 * a.last_duration > 0.3
