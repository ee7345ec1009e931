"""PrintableTicket: what a printed ticket shows; the kiosk maps the server's ticket onto it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

DEFAULT_FOOTER = "请留意叫号，过号请到服务台"
DEFAULT_FOOTER_EN = "Please listen for your number; if you miss it, ask at the service desk"


@dataclass(frozen=True, slots=True)
class PrintableTicket:
    """The texts are in the ticket's `language`; a Chinese ticket adds `service_name_en` under the name, an English
    one prints no Chinese (the caller passes the hall's English texts)."""

    hall_name: str
    number: str  # e.g. "A012"
    service_name: str  # in the ticket's language
    people_ahead: int
    issued_at: datetime
    service_name_en: str | None = None
    estimated_wait_minutes: int | None = None
    priority_label: str | None = None  # e.g. "绿色通道", "预约"
    status_url: str | None = None  # goes into the QR code
    materials: tuple[str, ...] = ()  # 一次性告知: what to bring
    steps: tuple[str, ...] = ()  # 一票到底: the bundle's services, in order (this ticket goes through all)
    footer: str | None = None  # None: the language's (DEFAULT_FOOTER, DEFAULT_FOOTER_EN)
    language: Literal["zh", "en"] = "zh"

    def __post_init__(self) -> None:
        if self.language not in ("zh", "en"):
            raise ValueError(f"language must be 'zh' or 'en', not {self.language!r}")
        if self.people_ahead < 0:
            raise ValueError("people_ahead must be >= 0")
        if not self.number:
            raise ValueError("a ticket needs a number")
        # A list passed by mistake would make the dataclass unhashable and mutable.
        object.__setattr__(self, "materials", tuple(self.materials))
        object.__setattr__(self, "steps", tuple(self.steps))


def sample_ticket(**changes) -> PrintableTicket:
    """A full ticket (priority mark, QR, materials) for self-tests, benchmarks and tests."""
    values = dict(
        hall_name="杭州市西湖区政务服务中心",
        number="A012",
        service_name="不动产登记",
        service_name_en="Real estate registration",
        people_ahead=5,
        estimated_wait_minutes=15,
        issued_at=datetime(2024, 5, 20, 9, 31, 5),
        priority_label="绿色通道",
        status_url="https://hall.example.gov.cn/t/20240520-A012",
        materials=("居民身份证原件及复印件", "不动产权证书", "申请表（现场填写）"),
    )
    if changes.get("language") == "en":
        values.update(hall_name="Xihu District Government Service Center", service_name="Real estate registration",
                      service_name_en=None, priority_label="Priority lane",
                      materials=("ID card, original and a copy", "Property certificate",
                                 "Application form (filled in on the spot)"))
    values.update(changes)
    return PrintableTicket(**values)
