"""An English ticket prints no Chinese: its layout's lines, the bytes sent (decoded as the printer would, in every
profile), and the preview. The Chinese ticket keeps the English service name under the Chinese one.

HALLQ_ENGLISH_SHOTS=DIR keeps the preview PNG."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from printer_fakes import full_ticket
from printers.config import PrinterConfig
from printers.layout import TextLine, ticket_layout
from printers.printer import TicketPrinter
from tests.english import chinese



@pytest.fixture(autouse=True)
def _qt(qapp):
    """pytest-qt's QApplication, for the preview."""


def english() -> object:
    return full_ticket(language="en", steps=("Business licence", "Tax registration"))


def test_the_english_tickets_lines_have_no_chinese() -> None:
    lines = [b.text for b in ticket_layout(english(), 80).blocks if isinstance(b, TextLine)]
    assert chinese(lines) == []
    assert "[Priority lane]" in lines and "Real estate registration" in lines
    assert any("Please listen for your number" in t for t in lines)
    zh = [b.text for b in ticket_layout(full_ticket(), 80).blocks if isinstance(b, TextLine)]
    assert "不动产登记" in zh and "Real estate registration" in zh  # unchanged: both names


@pytest.mark.parametrize("profile", ["default", "gbk", "utf8", "big5"])
def test_the_english_tickets_bytes_decode_to_no_chinese(profile: str) -> None:
    cfg = PrinterConfig() if profile == "default" else PrinterConfig(profile=profile)
    data = TicketPrinter(cfg).encode(english())
    encoding = {"default": "gb18030", "gbk": "gbk", "utf8": "utf-8", "big5": "big5"}[profile]
    text = data.decode(encoding, errors="replace")
    assert chinese(text.splitlines()) == []
    assert "Xihu District Government Service Center" in text and "Please bring:" in text


def test_the_english_ticket_preview(tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    png = TicketPrinter(PrinterConfig()).preview_png(english())
    assert QImage.fromData(png).width() == 576
    out = Path(os.environ.get("HALLQ_ENGLISH_SHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    (out / "ticket-preview-en.png").write_bytes(png)
