"""The self-test page of `hallq printer test`: encodings, sizes, both QR kinds, an image line, the status."""
from __future__ import annotations

from datetime import datetime

from printers.config import PrinterConfig
from printers.layout import Block, Feed, QrCode, TextLine, TicketLayout, wrap
from printers.profiles import ENCODINGS, WIDTH_DOTS
from printers.status import PrinterStatus

# Samples each encoding can carry; the installer picks the profile whose line reads correctly.
SAMPLES = {
    "gb18030": "中文测试：政务服务【】〇——￥",
    "gbk": "中文测试：政务服务【】〇——￥",
    "big5": "中文測試：政務服務【】",
    "utf-8": "中文测试：政务服务【】〇——￥",
}
QR_SAMPLE = "https://example.gov.cn/hallq/self-test"


def self_test_layout(config: PrinterConfig, status: PrinterStatus | None, now: datetime | None = None) -> TicketLayout:
    cols = WIDTH_DOTS[config.width_mm] // 12
    now = now or datetime.now()
    blocks: list[Block] = [
        TextLine("hallq 打印机自检", 2, 2, bold=True, align="center"),
        TextLine("printer self-test", align="center"),
        TextLine("-" * cols),
    ]
    info = [
        f"name: {config.name}",
        f"profile: {config.profile} ({config.width_mm} mm)",
        f"transport: {config.transport}",
        f"encoding: {config.text_encoding}, QR: {'native' if config.native_qr else 'image'}",
        f"time: {now:%Y-%m-%d %H:%M:%S}",
        f"status: {status.describe() if status else 'not queried'}",
    ]
    for line in info:
        blocks += [TextLine(part) for part in wrap(line, cols)]
    blocks += [Feed(1), TextLine("哪一行显示正确？/ Which line is right?", bold=True)]
    for enc in ENCODINGS:
        # Label in ASCII (prints under every encoding), sample in that encoding only.
        blocks.append(TextLine(f"{enc:8}{SAMPLES[enc]}"[: cols], encoding=enc))
    blocks += [Feed(1), TextLine("sizes / 字号 (GS !):", bold=True)]
    for n in (1, 2, 3, 4):
        blocks.append(TextLine(f"{n}x A012", n, n))
    blocks += [
        Feed(1),
        TextLine("native QR (GS ( k):", bold=True),
        QrCode(QR_SAMPLE, 5, image=False),
        TextLine("image QR (GS v 0):", bold=True),
        QrCode(QR_SAMPLE, 5, image=True),
        TextLine("image line / 图像行:", bold=True),
        TextLine("生僻字 䶮 𠮷 龘", as_image=True, align="center"),
        TextLine("-" * cols),
        TextLine("自检结束 / end of self-test", align="center"),
    ]
    return TicketLayout(WIDTH_DOTS[config.width_mm], tuple(blocks))
