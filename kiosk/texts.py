"""What the citizen reads: refusals explained, why a service is greyed, printer problems (source: Simplified Chinese, translated by Qt)."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication

CTX = "KioskText"  # translation context of the texts below


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate looks for
    return text


def text_of(text: str) -> str:
    """A text of this module in the current language (source: Simplified Chinese)."""
    return QCoreApplication.translate(CTX, text)


# What the citizen reads for each refusal or failure (error codes are the server's, stable).
REFUSALS: dict[str, tuple[str, str]] = {
    "unknown_appointment": (QT_TRANSLATE_NOOP("KioskText", "预约码无效"),
                            QT_TRANSLATE_NOOP("KioskText", "没有找到这个预约码，请核对后重新输入，或到服务台咨询。")),
    "appointment_used": (QT_TRANSLATE_NOOP("KioskText", "预约码已使用"),
                         QT_TRANSLATE_NOOP("KioskText", "这个预约已经取过号了。如号票遗失，请到服务台。")),
    "appointment_too_early": (QT_TRANSLATE_NOOP("KioskText", "还未到签到时间"),
                              QT_TRANSLATE_NOOP("KioskText", "预约时段开始前 30 分钟内才能取号，请稍后再来。")),
    "appointment_expired": (QT_TRANSLATE_NOOP("KioskText", "预约已过期"),
                            QT_TRANSLATE_NOOP("KioskText", "您的预约时段已过，请现场取号或重新预约。")),
    "outside_hours": (QT_TRANSLATE_NOOP("KioskText", "不在取号时间"),
                      QT_TRANSLATE_NOOP("KioskText", "该业务现在不能取号，请在办理时间内再来。")),
    "daily_cap_reached": (QT_TRANSLATE_NOOP("KioskText", "今日号已取完"),
                          QT_TRANSLATE_NOOP("KioskText", "该业务今天的号已经发完，请改日再来或网上预约。")),
    "service_closed": (QT_TRANSLATE_NOOP("KioskText", "业务暂停办理"),
                       QT_TRANSLATE_NOOP("KioskText", "该业务今天暂停办理，请到服务台咨询。")),
    "rate_limited": (QT_TRANSLATE_NOOP("KioskText", "取号太频繁"),
                     QT_TRANSLATE_NOOP("KioskText", "本机取号过于频繁，请稍等一分钟再试。")),
    "offline": (QT_TRANSLATE_NOOP("KioskText", "暂停取号"),
                QT_TRANSLATE_NOOP("KioskText", "与服务器的连接中断，请稍候。")),
    "timeout": (QT_TRANSLATE_NOOP("KioskText", "服务器无响应"),
                QT_TRANSLATE_NOOP("KioskText", "没有取到号，请重试；如仍不行请到服务台。")),
    "day_not_started": (QT_TRANSLATE_NOOP("KioskText", "尚未开始营业"),
                        QT_TRANSLATE_NOOP("KioskText", "大厅今天还没有开始取号，请稍候。")),
    "wrong_pin": (QT_TRANSLATE_NOOP("KioskText", "密码错误"),
                  QT_TRANSLATE_NOOP("KioskText", "请工作人员重新输入。")),
}
GENERIC_REFUSAL = (QT_TRANSLATE_NOOP("KioskText", "无法取号"), QT_TRANSLATE_NOOP("KioskText", "请到服务台咨询（错误代码 %1）。"))

# A greyed service button says why, in a few words.
REASONS: dict[str, str] = {
    "outside_hours": QT_TRANSLATE_NOOP("KioskText", "不在取号时间"),
    "daily_cap_reached": QT_TRANSLATE_NOOP("KioskText", "今日已取完"),
    "service_closed": QT_TRANSLATE_NOOP("KioskText", "暂停办理"),
    "day_not_started": QT_TRANSLATE_NOOP("KioskText", "尚未开始"),
}

PRINTER_PROBLEMS: dict[str, str] = {
    "paper_out": QT_TRANSLATE_NOOP("KioskText", "打印机缺纸"),
    "cover_open": QT_TRANSLATE_NOOP("KioskText", "打印机盖未关"),
    "offline": QT_TRANSLATE_NOOP("KioskText", "打印机离线"),
    "unreachable": QT_TRANSLATE_NOOP("KioskText", "打印机未连接"),
}


def refusal_text(code: str) -> tuple[str, str]:
    title, body = REFUSALS.get(code, GENERIC_REFUSAL)
    return text_of(title), text_of(body).replace("%1", code)


def printer_problem_text(state: str) -> str:
    return text_of(PRINTER_PROBLEMS.get(state, QT_TRANSLATE_NOOP("KioskText", "打印机故障")))
