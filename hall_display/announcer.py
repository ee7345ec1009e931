"""The announcement queue: one call spoken at a time, in arrival order, never overlapping or cut off.

Announcer holds the queue; subclasses only play one item and call `_done()`. ClipAnnouncer
joins clips into a WAV and plays it with QMediaPlayer + QAudioOutput; SilentAnnouncer (no audio
output, or --silent) and TimedAnnouncer (tests: each item "plays" for a fixed time) play nothing.
The screen never waits for any of them: they are fed after the call is already shown.
"""
from __future__ import annotations

import logging
import tempfile
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, QUrl, Signal, Slot

from hall_display.clips import ClipError, ClipSet, write_wav
from hall_display.speech import announcement_parts, call_parts, name_parts, spoken_text
from queuecore.protocol import Announcement

log = logging.getLogger("hallq.display.announcer")


@dataclass(frozen=True)
class Spoken:
    """One queued announcement: what is said, and as which clips."""

    number: str
    window: int
    recall: int
    text: str  # 请 A零一二 号 到 十九 号咨询台 办理
    parts: tuple[str, ...]  # chime, then the call's clip keys `repeat` times
    call_length: int  # clip keys in one reading of the call (a longer gap between repeats)

    @classmethod
    def of(cls, ann: Announcement, repeat: int) -> Spoken:
        name = ann.window_name_zh
        if name and name_parts(name) is None and name not in _unsayable:
            _unsayable.add(name)
            log.warning("no clips for every word of %r: it is announced as window %d (号窗口); "
                        "hall_display.speech.WORDS lists the words that can be said", name, ann.window)
        return cls(number=ann.number, window=ann.window, recall=ann.recall,
                   text=spoken_text(ann.number, ann.window, name),
                   parts=tuple(announcement_parts(ann.number, ann.window, repeat, name)),
                   call_length=len(call_parts(ann.number, ann.window, name)))


_unsayable: set[str] = set()  # window names already warned about


class Announcer(QObject):
    """The queue. `announce()` returns at once; items start one after another."""

    started = Signal(object)  # Spoken
    finished = Signal(object)  # Spoken
    idle = Signal()

    def __init__(self, repeat: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.repeat = max(1, repeat)
        self._queue: deque[Spoken] = deque()
        self._current: Spoken | None = None

    @property
    def current(self) -> Spoken | None:
        return self._current

    @property
    def pending(self) -> list[Spoken]:
        return list(self._queue)

    @property
    def busy(self) -> bool:
        return self._current is not None

    @Slot(object)
    def announce(self, ann: Announcement) -> None:
        item = Spoken.of(ann, self.repeat)
        self._queue.append(item)
        log.info("queued %s%s (%d waiting)", item.text, " (重呼)" if item.recall else "", len(self._queue))
        if self._current is None:
            # Not from inside the caller's slot: the screen updates first, then the sound starts.
            QTimer.singleShot(0, self, self._next)

    def clear(self) -> None:
        """Forget what has not started (the item playing finishes)."""
        self._queue.clear()

    @Slot()
    def _next(self) -> None:
        if self._current is not None:
            return
        if not self._queue:
            self.idle.emit()
            return
        self._current = self._queue.popleft()
        self.started.emit(self._current)
        self._play(self._current)

    def _play(self, item: Spoken) -> None:
        raise NotImplementedError

    def _done(self) -> None:
        item, self._current = self._current, None
        if item is not None:
            self.finished.emit(item)
        self._next()


class SilentAnnouncer(Announcer):
    """No sound (no audio output, or the hall asked for silence): items pass through the queue at once."""

    def _play(self, item: Spoken) -> None:
        QTimer.singleShot(0, self, self._done)


class TimedAnnouncer(Announcer):
    """For tests: every item takes `seconds` and plays nothing; `log` records ("start"|"end", number, recall)."""

    def __init__(self, seconds: float = 0.2, repeat: int = 2, parent: QObject | None = None) -> None:
        super().__init__(repeat, parent)
        self.seconds = seconds
        self.log: list[tuple[str, str, int]] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._end)

    def _play(self, item: Spoken) -> None:
        self.log.append(("start", item.number, item.recall))
        self._timer.start(int(self.seconds * 1000))

    @Slot()
    def _end(self) -> None:
        assert self._current is not None
        self.log.append(("end", self._current.number, self._current.recall))
        self._done()


class ClipAnnouncer(Announcer):
    """Joins the item's clips into one WAV and plays it through QMediaPlayer + QAudioOutput."""

    def __init__(self, clips: ClipSet, repeat: int = 2, parent: QObject | None = None, *,
                 volume: float = 1.0) -> None:
        super().__init__(repeat, parent)
        from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

        self.clips = clips
        self._tmp = tempfile.TemporaryDirectory(prefix="hallq-display-")
        self._seq = 0
        self._audio = QAudioOutput(self)
        self._audio.setVolume(volume)
        self._player = QMediaPlayer(self)
        self._player.setAudioOutput(self._audio)
        self._player.mediaStatusChanged.connect(self._on_status)
        self._player.errorOccurred.connect(self._on_error)
        # A player that never reports the end must not hold the queue for ever.
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.timeout.connect(self._on_watchdog)
        self.last_wav: Path | None = None
        self.last_duration = 0.0

    def render(self, item: Spoken) -> Path:
        clip = self.clips.render(item.parts, call_length=item.call_length)
        self._seq += 1
        path = write_wav(clip, Path(self._tmp.name) / f"call-{self._seq % 4}.wav")
        self.last_wav, self.last_duration = path, clip.duration
        return path

    def _play(self, item: Spoken) -> None:
        try:
            path = self.render(item)
        except ClipError as exc:
            log.error("cannot say %s: %s", item.text, exc)
            QTimer.singleShot(0, self, self._done)
            return
        from PySide6.QtMultimedia import QMediaPlayer

        self._watchdog.start(int((self.last_duration + 5.0) * 1000))
        self._player.setSource(QUrl())  # the same file name comes back: make the player reload it
        self._player.setSource(QUrl.fromLocalFile(str(path)))
        if self._player.mediaStatus() == QMediaPlayer.MediaStatus.InvalidMedia:
            self._finish("invalid media")
            return
        self._player.play()

    @Slot(object)
    def _on_status(self, status) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if status == QMediaPlayer.MediaStatus.EndOfMedia:
            self._finish("end")
        elif status == QMediaPlayer.MediaStatus.InvalidMedia:
            self._finish("invalid media")

    @Slot(object, str)
    def _on_error(self, error, message: str) -> None:
        log.error("audio error (%s): %s", error, message)
        self._finish("error")

    @Slot()
    def _on_watchdog(self) -> None:
        log.warning("no end of playback reported in time: skipping to the next announcement")
        self._player.stop()
        self._finish("watchdog")

    def _finish(self, why: str) -> None:
        if self._current is None:
            return
        self._watchdog.stop()
        log.debug("announcement of %s ended: %s", self._current.number, why)
        # Let the player settle before the next setSource (it is still inside its own signal).
        cur = self._current
        QTimer.singleShot(0, self, lambda: self._current is cur and self._done())


def has_audio_output() -> bool:
    from PySide6.QtMultimedia import QMediaDevices

    return bool(QMediaDevices.audioOutputs())


def make_announcer(*, silent: bool, repeat: int, clips_dir: Path | None, parent: QObject | None = None) -> Announcer:
    """The clip announcer, or a silent one when asked, when there is no audio output, or no clips."""
    if silent:
        log.info("silent mode: calls are shown, not spoken")
        return SilentAnnouncer(repeat, parent)
    if not has_audio_output():
        log.warning("no audio output device: silent mode")
        return SilentAnnouncer(repeat, parent)
    clips = ClipSet([clips_dir])
    missing = clips.missing()
    if missing:
        log.error("clips missing (%s): silent mode", ", ".join(missing))
        return SilentAnnouncer(repeat, parent)
    return ClipAnnouncer(clips, repeat, parent)
