"""Clip-based speech: recorded clips (digits, letters, phrases, a chime) joined into one WAV with the stdlib `wave`.

Rule: a hall's own recordings (a folder of KEY.wav files) win over the default set, clip by clip.
Every clip is converted to 16-bit mono at the first clip's rate and trimmed of its leading and
trailing silence, so recordings of any loudness padding join without long gaps.

`python -m hall_display.clips generate [DIR ...]` writes the default set with espeak-ng
(-v cmn-latn-pinyin) into DIR (default: hall_display/clips and server/static/clips).
"""
from __future__ import annotations

import argparse
import io
import logging
import math
import shutil
import subprocess
import sys
import tempfile
import wave
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from hall_display.speech import ALL_CLIPS, CHIME, CLIP_TEXT

log = logging.getLogger("hallq.display.clips")

DEFAULT_DIR = Path(__file__).with_name("clips")
RATE = 22050  # espeak-ng's own rate: the default set needs no resampling
WORD_GAP_S = 0.06
CHIME_GAP_S = 0.35
REPEAT_GAP_S = 0.8
SILENCE = 600  # |sample| below this (≈ -35 dBFS) counts as silence when trimming
PAD_S = 0.015  # kept on each side of a trimmed clip so plosives are not cut


class ClipError(Exception):
    """A clip that is missing or not a WAV we can read (PCM 8/16-bit)."""


@dataclass(frozen=True)
class Clip:
    samples: array  # signed 16-bit mono
    rate: int

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate


def read_clip(path: Path | str | io.BytesIO, rate: int | None = None) -> Clip:
    """A WAV as 16-bit mono, resampled to `rate` if given."""
    try:
        with wave.open(path if isinstance(path, io.BytesIO) else str(path), "rb") as w:
            channels, width, src_rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
            raw = w.readframes(w.getnframes())
    except (OSError, EOFError, wave.Error) as exc:
        raise ClipError(f"{path}: not a readable WAV ({exc})") from None
    if width == 2:
        samples = array("h")
        samples.frombytes(raw)
        if sys.byteorder == "big":
            samples.byteswap()
    elif width == 1:  # unsigned 8-bit
        samples = array("h", ((b - 128) << 8 for b in raw))
    else:
        raise ClipError(f"{path}: {8 * width}-bit samples; record clips as 16-bit PCM")
    if channels > 1:
        samples = array("h", (sum(samples[i:i + channels]) // channels for i in range(0, len(samples), channels)))
    clip = Clip(samples, src_rate)
    return resample(clip, rate) if rate and rate != src_rate else clip


def resample(clip: Clip, rate: int) -> Clip:
    """Linear interpolation: good enough for speech clips that differ in rate."""
    n = max(1, round(len(clip.samples) * rate / clip.rate))
    src, step = clip.samples, clip.rate / rate
    last = len(src) - 1
    out = array("h")
    for i in range(n):
        x = i * step
        j = min(int(x), last)
        k = min(j + 1, last)
        out.append(int(src[j] + (src[k] - src[j]) * (x - j)))
    return Clip(out, rate)


def trim(clip: Clip, threshold: int = SILENCE, pad_s: float = PAD_S) -> Clip:
    """Drop leading and trailing silence, keeping `pad_s` of it on each side."""
    s = clip.samples
    first = next((i for i, v in enumerate(s) if abs(v) >= threshold), None)
    if first is None:
        return Clip(array("h"), clip.rate)
    last = next(i for i in range(len(s) - 1, -1, -1) if abs(s[i]) >= threshold)
    pad = int(pad_s * clip.rate)
    return Clip(s[max(0, first - pad):last + 1 + pad], clip.rate)


def silence(seconds: float, rate: int) -> array:
    return array("h", bytes(2 * int(seconds * rate)))


def write_wav(clip: Clip, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    samples = clip.samples
    if sys.byteorder == "big":
        samples = array("h", samples)
        samples.byteswap()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(clip.rate)
        w.writeframes(samples.tobytes())
    return path


class ClipSet:
    """Clips by key from folders searched in order (a hall's recordings first, the default set last)."""

    def __init__(self, folders: Iterable[Path | None] = (), *, default: Path | None = DEFAULT_DIR) -> None:
        self.folders = [Path(f) for f in folders if f] + ([default] if default else [])
        self._cache: dict[str, Clip] = {}
        self.rate: int | None = None

    def path(self, key: str) -> Path:
        for folder in self.folders:
            p = folder / f"{key}.wav"
            if p.is_file():
                return p
        raise ClipError(f"no clip {key!r} in {', '.join(map(str, self.folders)) or 'no folder'}")

    def missing(self, keys: Iterable[str] = ALL_CLIPS) -> list[str]:
        return [k for k in keys if not any((f / f"{k}.wav").is_file() for f in self.folders)]

    def clip(self, key: str) -> Clip:
        if key not in self._cache:
            path = self.path(key)
            if self.rate is None:
                with wave.open(str(path), "rb") as w:
                    self.rate = w.getframerate()
            self._cache[key] = trim(read_clip(path, self.rate))
        return self._cache[key]

    def render(self, parts: Sequence[str], *, call_length: int | None = None) -> Clip:
        """Join the clips of `parts` into one: short gaps between words, a longer one after the chime
        and after every `call_length` words (between repeats of the call)."""
        out = array("h")
        rate = None
        spoken = 0
        for i, key in enumerate(parts):
            clip = self.clip(key)
            rate = rate or clip.rate
            out.extend(clip.samples)
            if i == len(parts) - 1:
                break
            if key == CHIME:
                out.extend(silence(CHIME_GAP_S, rate))
                continue
            spoken += 1
            if call_length and spoken % call_length == 0:
                out.extend(silence(REPEAT_GAP_S, rate))
            else:
                out.extend(silence(WORD_GAP_S, rate))
        return Clip(out, rate or self.rate or RATE)


def join_wavs(paths: Sequence[Path], out: Path, *, gap_s: float = WORD_GAP_S) -> Path:
    """Any WAV files, trimmed and joined with `gap_s` between them, as one 16-bit mono WAV."""
    if not paths:
        raise ClipError("nothing to join")
    rate = read_clip(paths[0]).rate
    samples = array("h")
    for i, p in enumerate(paths):
        if i:
            samples.extend(silence(gap_s, rate))
        samples.extend(trim(read_clip(p, rate)).samples)
    return write_wav(Clip(samples, rate), out)


# ------------------------------------------------------------------ the default set


def chime(rate: int = RATE) -> Clip:
    """A two-tone ding-dong (E5 then C5) with a soft decay, made here: no recording needed."""
    out = array("h")
    for freq, length in ((659.25, 0.45), (523.25, 0.75)):
        n = int(length * rate)
        for i in range(n):
            t = i / rate
            env = min(1.0, t / 0.01) * math.exp(-3.2 * t)
            v = math.sin(2 * math.pi * freq * t) + 0.3 * math.sin(4 * math.pi * freq * t)
            out.append(int(9000 * env * v))
    return Clip(out, rate)


def espeak() -> str | None:
    return shutil.which("espeak-ng")


def generate(folders: Sequence[Path], *, keys: Iterable[str] = ALL_CLIPS) -> list[Path]:
    """Write the default clip set (trimmed, 16-bit mono 22.05 kHz) into every folder."""
    exe = espeak()
    if exe is None:
        raise ClipError("espeak-ng is not installed (apt-get install espeak-ng)")
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        for key in keys:
            if key == CHIME:
                clip = chime()
            else:
                raw = Path(tmp) / f"{key}.wav"
                subprocess.run([exe, "-v", "cmn-latn-pinyin", "-s", "170", "-w", str(raw), CLIP_TEXT[key]],
                               check=True, capture_output=True, timeout=30)
                clip = trim(read_clip(raw, RATE))
            for folder in folders:
                written.append(write_wav(clip, folder / f"{key}.wav"))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hall_display.clips", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate", help="write the default clip set with espeak-ng")
    g.add_argument("folders", nargs="*", type=Path)
    s = sub.add_parser("say", help="write one announcement as a WAV")
    s.add_argument("number")
    s.add_argument("window", type=int)
    s.add_argument("out", type=Path)
    s.add_argument("--name", default="", help="the window's sign (name_zh), e.g. 19号咨询台")
    s.add_argument("--repeat", type=int, default=2)
    s.add_argument("--clips", type=Path, help="a hall's own recordings (KEY.wav), searched first")
    args = parser.parse_args(argv)
    if args.cmd == "generate":
        folders = args.folders or [DEFAULT_DIR, Path(__file__).resolve().parents[1] / "server" / "static" / "clips"]
        written = generate(folders)
        print(f"wrote {len(written)} clips into {', '.join(map(str, folders))}")
        return 0
    from hall_display.speech import announcement_parts, call_parts

    clips = ClipSet([args.clips])
    clip = clips.render(announcement_parts(args.number, args.window, args.repeat, args.name),
                        call_length=len(call_parts(args.number, args.window, args.name)))
    write_wav(clip, args.out)
    print(f"{args.out}: {clip.duration:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
