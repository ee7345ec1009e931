"""Clips joined into one WAV with the stdlib: trimmed silences, one format, durations that add up; the default set."""
from __future__ import annotations

import filecmp
import math
import shutil
import wave
from array import array
from pathlib import Path

import pytest

from hall_display import clips as C
from hall_display.speech import ALL_CLIPS, announcement_parts, call_parts

STATIC_CLIPS = Path(C.__file__).resolve().parents[1] / "server" / "static" / "clips"


def tone(path: Path, *, seconds: float, rate: int = 16000, lead: float = 0.2, tail: float = 0.3,
         channels: int = 1, width: int = 2) -> Path:
    """A 440 Hz tone with silence before and after it."""
    n_lead, n_tone, n_tail = int(lead * rate), int(seconds * rate), int(tail * rate)
    mono = [0] * n_lead + [int(12000 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(n_tone)] + [0] * n_tail
    if width == 2:
        frames = array("h", [v for v in mono for _ in range(channels)]).tobytes()
    else:
        frames = bytes((v >> 8) + 128 for v in mono for _ in range(channels))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(frames)
    return path


def info(path: Path) -> tuple[int, int, int, float]:
    with wave.open(str(path), "rb") as w:
        return w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes() / w.getframerate()


def test_joined_wav_is_trimmed_16bit_mono_and_its_duration_adds_up(tmp_path: Path) -> None:
    a = tone(tmp_path / "a.wav", seconds=0.5)
    b = tone(tmp_path / "b.wav", seconds=0.25, lead=0.6, tail=0.1)
    c = tone(tmp_path / "c.wav", seconds=0.25, rate=8000, channels=2, width=1)  # another format: converted
    out = C.join_wavs([a, b, c], tmp_path / "out.wav", gap_s=0.1)
    channels, width, rate, duration = info(out)
    assert (channels, width, rate) == (1, 2, 16000)
    # Each tone keeps PAD_S of silence on both sides (a sine starts at 0: up to ~1 ms more is "quiet").
    expected = 0.5 + 0.25 + 0.25 + 2 * 0.1 + 3 * 2 * C.PAD_S
    assert duration == pytest.approx(expected, abs=0.006)


def test_a_silent_clip_trims_to_nothing_and_unreadable_files_are_clip_errors(tmp_path: Path) -> None:
    clip = C.trim(C.Clip(array("h", [0, 5, -5, 0] * 100), 8000))
    assert clip.duration == 0
    (tmp_path / "x.wav").write_bytes(b"not a wav")
    with pytest.raises(C.ClipError):
        C.read_clip(tmp_path / "x.wav")


def test_a_halls_own_recording_replaces_the_default_clip(tmp_path: Path) -> None:
    own = tmp_path / "own"
    own.mkdir()
    tone(own / "qing.wav", seconds=1.0, rate=C.RATE)
    clips = C.ClipSet([own])
    assert clips.path("qing") == own / "qing.wav" and clips.path("banli") == C.DEFAULT_DIR / "banli.wav"
    assert clips.clip("qing").duration == pytest.approx(1.0 + 2 * C.PAD_S, abs=0.003)
    assert clips.missing() == []
    with pytest.raises(C.ClipError):
        C.ClipSet([own], default=None).path("banli")


def test_the_default_set_is_complete_and_the_browser_plays_the_same_files() -> None:
    assert C.ClipSet().missing(ALL_CLIPS) == []
    for key in ALL_CLIPS:
        path = C.DEFAULT_DIR / f"{key}.wav"
        channels, width, rate, duration = info(path)
        assert (channels, width, rate) == (1, 2, C.RATE) and 0.1 < duration < 1.5, key
        assert filecmp.cmp(path, STATIC_CLIPS / f"{key}.wav", shallow=False), f"{key}: copies differ; regenerate"


def test_one_announcement_renders_as_the_sum_of_its_clips_and_gaps(tmp_path: Path) -> None:
    clips = C.ClipSet()
    parts = announcement_parts("A012", 3, 2)
    n = len(call_parts("A012", 3))
    clip = clips.render(parts, call_length=n)
    spoken = sum(clips.clip(k).duration for k in parts)
    gaps = C.CHIME_GAP_S + 2 * (n - 1) * C.WORD_GAP_S + C.REPEAT_GAP_S
    assert clip.duration == pytest.approx(spoken + gaps, abs=0.01)
    out = C.write_wav(clip, tmp_path / "A012.wav")
    assert info(out)[:3] == (1, 2, C.RATE)
    assert 6.0 < info(out)[3] < 14.0


def test_the_say_command_writes_one_announcement(tmp_path: Path, capsys) -> None:
    assert C.main(["say", "A012", "3", str(tmp_path / "a.wav"), "--repeat", "1"]) == 0
    assert info(tmp_path / "a.wav")[3] > 3.0 and "s" in capsys.readouterr().out


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (scripts/setup.sh adds it)")
def test_espeak_generates_readable_speech_clips(tmp_path: Path) -> None:
    written = C.generate([tmp_path], keys=["qing", "0", "A", "chime"])
    assert sorted(p.name for p in written) == ["0.wav", "A.wav", "chime.wav", "qing.wav"]
    for p in written:
        clip = C.read_clip(p)
        assert clip.rate == C.RATE and 0.1 < clip.duration < 1.5
        assert max(abs(v) for v in clip.samples) > 3000  # speech, not silence
