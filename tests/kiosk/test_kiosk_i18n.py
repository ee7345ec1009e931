"""The English translation is complete and built, and the screen says what the printed ticket says.

kiosk/i18n/kiosk_en.ts is made by pyside6-lupdate from the kiosk's sources and turned into
kiosk_en.qm by pyside6-lrelease (commands in kiosk/i18n/README.md).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kiosk.screenshots import close, demo_hall, demo_issued, demo_snapshot, kiosk_for
from printers.layout import LABELS

REPO = Path(__file__).resolve().parents[2]
I18N = REPO / "kiosk" / "i18n"
TOOLS = Path(sys.executable).parent
SOURCES = [*sorted((REPO / "kiosk").glob("*.py")), *sorted((REPO / "kiosk" / "widgets").glob("*.py")),
           REPO / "qtclient" / "appkit.py"]


def messages(ts: Path) -> dict[tuple[str, str], str | None]:
    """(context, source) -> translation (None when unfinished or vanished)."""
    out = {}
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name")
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            done = tr is not None and tr.get("type") not in ("unfinished", "vanished", "obsolete") and tr.text
            out[(name, msg.findtext("source"))] = tr.text if done else None
    return out


@pytest.mark.skipif(not (TOOLS / "pyside6-lupdate").exists(), reason="pyside6-lupdate not installed")
def test_every_text_of_the_kiosk_has_an_english_translation_in_the_built_qm(tmp_path):
    ts = tmp_path / "kiosk_en.ts"
    shutil.copy(I18N / "kiosk_en.ts", ts)
    subprocess.run([str(TOOLS / "pyside6-lupdate"), *map(str, SOURCES), "-ts", str(ts), "-no-obsolete"],
                   check=True, capture_output=True)
    found, committed = messages(ts), messages(I18N / "kiosk_en.ts")
    assert set(found) == set(committed), "kiosk_en.ts is out of date: run pyside6-lupdate (kiosk/i18n/README.md)"
    assert [k for k, v in found.items() if not v] == []
    qm = tmp_path / "kiosk_en.qm"
    subprocess.run([str(TOOLS / "pyside6-lrelease"), str(I18N / "kiosk_en.ts"), "-qm", str(qm)],
                   check=True, capture_output=True)
    assert qm.read_bytes() == (I18N / "kiosk_en.qm").read_bytes(), "kiosk_en.qm is stale: run pyside6-lrelease"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_ticket_screen_uses_the_printed_tickets_words(qapp, lang):
    kiosk = kiosk_for("portrait", False, lang)
    try:
        from kiosk.models import TicketView

        hall = demo_hall()
        kiosk.link.connection_changed.emit("online")
        kiosk.link.snapshot_received.emit(demo_snapshot(hall))
        kiosk.model.show_ticket(TicketView.from_issued(demo_issued(hall), hall, "qr"))
        qapp.processEvents()
        screen = kiosk.window.ticket
        assert screen.materials_title.text() == LABELS[lang]["materials"]
        assert screen.materials_title.text() == {"zh": "请携带以下材料：", "en": "Please bring:"}[lang]
        assert screen.times.text() == LABELS[lang]["issued"].format(t="09:41")
    finally:
        close(kiosk)
