"""The kiosk in English shows no Chinese: every scene of kiosk.screenshots (home, categories, 绿色通道, the ticket
with its materials, refusals, keypads, the closed service's reason, the hall's notice) for the sample hall and the
demo hall, and the ticket it prints. Only the language toggle (中文) is allowed.

HALLQ_ENGLISH_SHOTS=DIR keeps a PNG of every scene checked.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from kiosk.models import TicketView
from kiosk.printing import printable
from kiosk.screenshots import capture, demo_hall, demo_issued
from printers.layout import TextLine, ticket_layout
from queuecore.config import load_config
from tests.english import chinese, visible_texts

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "county-hall.toml"


def hall_of(name: str):
    return load_config(str(SAMPLE)) if name == "county" else demo_hall()


@pytest.mark.parametrize(("orientation", "elderly"), [("portrait", False), ("landscape", False), ("portrait", True)],
                         ids=["portrait", "landscape", "portrait-elderly"])
@pytest.mark.parametrize("hall_name", ["county", "demo"])
def test_every_english_kiosk_screen_is_free_of_chinese(qapp, hall_name, orientation, elderly):
    hall = hall_of(hall_name)
    found: dict[str, list[str]] = {}
    seen: list[str] = []

    def look(name: str, window) -> None:
        seen.append(name)
        if bad := chinese(visible_texts(window)):
            found[name] = bad

    shots = os.environ.get("HALLQ_ENGLISH_SHOTS")
    capture(Path(shots) if shots else None, {hall_name: hall}, orientations=(orientation,), modes=(elderly,),
            languages=("en",), look=look)
    assert len(seen) >= 20 and any("ticket" in s for s in seen) and any("home" in s for s in seen)
    assert not found, "\n".join(f"{name}:\n  " + "\n  ".join(p) for name, p in found.items())


def test_the_english_home_screen_shows_the_halls_english_notice_and_categories(qapp):
    hall = hall_of("county")
    texts: dict[str, list[str]] = {}
    capture(None, {"county": hall}, orientations=("portrait",), modes=(True,), languages=("en",),
            look=lambda name, window: texts.setdefault(name, [t for _, t in visible_texts(window)]))
    home = next(v for k, v in texts.items() if k.endswith("-home-en"))
    assert hall.kiosk_notice_en in home
    ticket = next(v for k, v in texts.items() if k.endswith("-ticket-en"))
    assert any("Applicant's ID card (original)" in t for t in ticket)


@pytest.mark.parametrize("hall_name", ["county", "demo"])
@pytest.mark.parametrize("priority", ["normal", "green"])
def test_the_english_kiosk_prints_an_english_ticket(hall_name, priority):
    hall = hall_of(hall_name)
    code = next(p.code for p in hall.priorities if p.code == priority or (priority == "green" and p.kind == "priority"))
    view = TicketView.from_issued(demo_issued(hall, priority=code), hall, "http://hall.example/t/x")
    ticket = printable(view, hall.name("en"), "en")
    lines = [b.text for b in ticket_layout(ticket, 80).blocks if isinstance(b, TextLine)]
    assert not chinese(lines), lines
    assert hall.name_en in " ".join(lines) and hall.services[0].name_en in lines
    zh = [b.text for b in ticket_layout(printable(view, hall.name("zh"), "zh"), 80).blocks if isinstance(b, TextLine)]
    assert chinese(zh)  # the Chinese ticket is unchanged: Chinese, with the English service name
