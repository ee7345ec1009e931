"""Screenshots at 1080p and 4K (online and offline), the config file, and `hallq display` on the command line."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from hall_display import screenshots
from hall_display.config import DisplayConfig, load_config
from hallq.cli import build_parser

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "display.toml"


def test_screenshots_at_1080p_4k_portrait_and_offline(qapp, tmp_path: Path) -> None:
    assert screenshots.main([str(tmp_path)]) == 0
    sizes = {p.name: (QImage(str(p)).width(), QImage(str(p)).height()) for p in tmp_path.glob("*.png")}
    assert sizes == {"display-1080p.png": (1920, 1080), "display-4k.png": (3840, 2160),
                     "display-portrait.png": (1080, 1920), "display-1080p-offline.png": (1920, 1080)}
    online, offline = QImage(str(tmp_path / "display-1080p.png")), QImage(str(tmp_path / "display-1080p-offline.png"))

    def red_rows(img: QImage) -> int:  # the banner's red (#c62828), not the new call's amber
        return sum(1 for y in range(0, 400, 2) if (c := img.pixelColor(100, y)).red() > 150 and c.green() < 80)

    # The offline shot has the red banner under the header; the online one does not.
    assert red_rows(offline) > 20 and red_rows(online) == 0
    # The 4K shot is the 1080p layout at twice the size, not a small board in a corner.
    big = QImage(str(tmp_path / "display-4k.png")).scaled(1920, 1080)
    same = sum(1 for x in range(0, 1920, 40) for y in range(0, 1080, 40)
               if abs(big.pixelColor(x, y).red() - online.pixelColor(x, y).red()) < 40)
    assert same > 0.9 * (48 * 27)


def test_the_example_config_loads_and_the_command_line_wins() -> None:
    cfg = load_config(EXAMPLE)
    assert cfg.repeat == 2 and cfg.lang == "zh" and cfg.notice and not cfg.silent
    over = cfg.with_overrides(server="http://10.0.0.2:8080", token="t", zone="A区", lang=None, silent=True)
    assert (over.server, over.token, over.zone, over.lang, over.silent) == ("http://10.0.0.2:8080", "t", "A区", "zh", True)


def test_a_typo_in_the_config_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "d.toml").write_text('[display]\nrepaet = 3\n', encoding="utf-8")
    with pytest.raises(ValueError, match="repaet"):
        load_config(tmp_path / "d.toml")
    with pytest.raises(ValueError):
        DisplayConfig(lang="fr")


def test_hallq_display_parses_its_options() -> None:
    args = build_parser().parse_args(["display", "--server", "http://127.0.0.1:8080", "--token", "T", "--zone", "A区",
                                      "--lang", "en", "--silent", "--windowed"])
    assert args.func.__name__ == "run_display"
    assert (args.server, args.token, args.zone, args.lang, args.silent, args.windowed) == (
        "http://127.0.0.1:8080", "T", "A区", "en", True, True)


def test_hallq_display_runs_against_the_server_and_quits_on_ctrl_c(server, tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([sys.executable, "-m", "hallq.cli", "display", "--server", server.url,
                             "--token", server.tokens["display"], "--zone", "", "--silent", "--windowed"],
                            env=env, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            lines.append(line)
            if "snapshot v" in line:
                break
        assert any("snapshot v" in line for line in lines), "".join(lines)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
