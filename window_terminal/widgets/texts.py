"""Every human text of the terminal that is not a widget's own label: action names, status-line messages for server error codes, ticket statuses (Chinese source, English by translation)."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def action_label(action: str) -> str:
    labels = {
        "call_next": QCoreApplication.translate("WindowTerminal", "叫号"),
        "recall": QCoreApplication.translate("WindowTerminal", "重呼"),
        "start": QCoreApplication.translate("WindowTerminal", "开始办理"),
        "skip": QCoreApplication.translate("WindowTerminal", "过号"),
        "finish": QCoreApplication.translate("WindowTerminal", "办结"),
        "transfer": QCoreApplication.translate("WindowTerminal", "转移"),
        "suspend": QCoreApplication.translate("WindowTerminal", "挂起"),
        "resume_ticket": QCoreApplication.translate("WindowTerminal", "恢复挂起"),
        "call_number": QCoreApplication.translate("WindowTerminal", "指呼"),
        "pause": QCoreApplication.translate("WindowTerminal", "暂停"),
        "resume_window": QCoreApplication.translate("WindowTerminal", "恢复服务"),
        "sign_out": QCoreApplication.translate("WindowTerminal", "签退"),
    }
    return labels[action]


def status_label(status: str) -> str:
    labels = {
        "waiting": QCoreApplication.translate("WindowTerminal", "等候中"),
        "called": QCoreApplication.translate("WindowTerminal", "已叫号"),
        "serving": QCoreApplication.translate("WindowTerminal", "办理中"),
        "suspended": QCoreApplication.translate("WindowTerminal", "已挂起"),
    }
    return labels.get(status, status)


def error_message(code: str) -> str:
    """A short line for the status bar: what happened and, where useful, what to do."""
    messages = {
        "nothing_waiting": QCoreApplication.translate("WindowTerminal", "暂无等候的号"),
        "window_busy": QCoreApplication.translate("WindowTerminal", "请先处理完当前的号"),
        "window_paused": QCoreApplication.translate("WindowTerminal", "窗口已暂停，请先恢复服务"),
        "window_closed": QCoreApplication.translate("WindowTerminal", "请先签到"),
        "clerk_not_signed_in": QCoreApplication.translate("WindowTerminal", "请先签到"),
        "no_current_ticket": QCoreApplication.translate("WindowTerminal", "当前没有号"),
        "illegal_transition": QCoreApplication.translate("WindowTerminal", "该号当前状态不能进行此操作"),
        "bad_credentials": QCoreApplication.translate("WindowTerminal", "工号或密码错误"),
        "locked_out": QCoreApplication.translate("WindowTerminal", "密码错误次数过多，请稍后再试"),
        "wrong_window": QCoreApplication.translate("WindowTerminal", "本机令牌不属于这个窗口"),
        "forbidden": QCoreApplication.translate("WindowTerminal", "本机令牌无权进行此操作"),
        "unauthorized": QCoreApplication.translate("WindowTerminal", "本机令牌无效，请联系管理员"),
        "offline": QCoreApplication.translate("WindowTerminal", "未连接服务器，操作未发送"),
        "timeout": QCoreApplication.translate("WindowTerminal", "服务器未应答，连接恢复后自动确认"),
        "connection_lost": QCoreApplication.translate("WindowTerminal", "连接中断，恢复后自动确认结果"),
        "unknown_ticket": QCoreApplication.translate("WindowTerminal", "今天没有这个号"),
        "service_not_served_here": QCoreApplication.translate("WindowTerminal", "本窗口不办理该业务"),
        "grace_expired": QCoreApplication.translate("WindowTerminal", "过号已超过保留时间"),
        "service_closed": QCoreApplication.translate("WindowTerminal", "该业务今日已停办"),
        "clerk_signed_in_elsewhere": QCoreApplication.translate("WindowTerminal", "该工号已在其他窗口签到"),
        "day_not_started": QCoreApplication.translate("WindowTerminal", "今日尚未开始营业"),
        "invalid_format": QCoreApplication.translate("WindowTerminal", "输入格式不正确"),
        "invalid_argument": QCoreApplication.translate("WindowTerminal", "输入有误"),
        "already_rated": QCoreApplication.translate("WindowTerminal", "该次办理已评价"),
        "rating_reason_required": QCoreApplication.translate("WindowTerminal", "请选择不满意的原因"),
        "ticket_not_at_window": QCoreApplication.translate("WindowTerminal", "该号不是在本窗口办理的"),
        "store_unavailable": QCoreApplication.translate("WindowTerminal", "服务器存储故障，操作未生效，请重试"),
        "unknown_outcome": QCoreApplication.translate("WindowTerminal", "本大厅没有这个办理结果，请重新选择"),
        "not_a_ticket_code": QCoreApplication.translate("WindowTerminal", "这不是本大厅取号单的二维码"),
        "ticket_of_another_day": QCoreApplication.translate("WindowTerminal", "这是其他日期的取号单，请重新取号"),
        "ticket_at_window": QCoreApplication.translate("WindowTerminal", "该号已被叫到窗口或正在办理"),
        "ticket_ended": QCoreApplication.translate("WindowTerminal", "该号已办结、已取消或已失效"),
    }
    text = messages.get(code)
    if text is None:
        text = QCoreApplication.translate("WindowTerminal", "操作未成功（%1）").replace("%1", code)
    return text


def done_message(action: str, number: str = "") -> str:
    """The status line after a command succeeded."""
    messages = {
        "sign_in": QCoreApplication.translate("WindowTerminal", "已签到"),
        "sign_out": QCoreApplication.translate("WindowTerminal", "已签退"),
        "call_next": QCoreApplication.translate("WindowTerminal", "已呼叫 %1"),
        "call_number": QCoreApplication.translate("WindowTerminal", "已呼叫 %1"),
        "call_by_scan": QCoreApplication.translate("WindowTerminal", "扫码已呼叫 %1"),
        "recall": QCoreApplication.translate("WindowTerminal", "已重呼 %1"),
        "start": QCoreApplication.translate("WindowTerminal", "开始办理 %1"),
        "skip": QCoreApplication.translate("WindowTerminal", "%1 已过号"),
        "transfer": QCoreApplication.translate("WindowTerminal", "%1 已转移"),
        "suspend": QCoreApplication.translate("WindowTerminal", "%1 已挂起"),
        "resume_ticket": QCoreApplication.translate("WindowTerminal", "已恢复 %1"),
        "pause": QCoreApplication.translate("WindowTerminal", "窗口已暂停"),
        "resume_window": QCoreApplication.translate("WindowTerminal", "窗口已恢复服务"),
    }
    return messages.get(action, "").replace("%1", number)


def finished_message(number: str, outcome: str) -> str:
    """The status line after a finish: the number and the outcome's name (办结, 补正, 不予受理 ...)."""
    text = QCoreApplication.translate("WindowTerminal", "%1 办理完毕（%2），请群众评价")
    return text.replace("%1", number).replace("%2", outcome)


def rating_level_label(level: int) -> str:
    labels = {
        5: QCoreApplication.translate("WindowTerminal", "非常满意"),
        4: QCoreApplication.translate("WindowTerminal", "满意"),
        3: QCoreApplication.translate("WindowTerminal", "基本满意"),
        2: QCoreApplication.translate("WindowTerminal", "不满意"),
        1: QCoreApplication.translate("WindowTerminal", "非常不满意"),
        0: QCoreApplication.translate("WindowTerminal", "未评价"),
    }
    return labels[level]
