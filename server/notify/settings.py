"""The hall TOML's [notify] table: positions for 前面还有 N 人, the SMS provider, its templates and sign name, retries,
and the webhooks' defaults. Checked when the server starts: a bad value fails there with the key it is about.

    [notify]
    positions = [5, 3, 1]          # 前面还有 N 人 when a subscribed ticket reaches these places
    provider = "aliyun"            # "none" (default), "fake" (the local gateway), "aliyun", "tencent"
    sms_url = "https://dysmsapi.aliyuncs.com/"   # optional: the provider's endpoint (tests: a 127.0.0.1 fake)
    sign_name = "某某政务服务中心"
    poll_s = 1.0
    [notify.templates]             # message kind -> the cloud's template code (Tencent: template id)
    ahead = "SMS_123"; called = "SMS_124"; suspended = "SMS_125"; done = "SMS_126"
    [notify.retry]                 # SMS: exponential backoff, dead letter after max_attempts
    max_attempts = 6; base_s = 5; cap_s = 600
    [notify.aliyun]                # access_key_id here, the secret in the environment variable named
    access_key_id = "LTAI..."; access_key_secret_env = "HALLQ_ALIYUN_SECRET"
    [notify.tencent]
    secret_id = "AKID..."; secret_key_env = "HALLQ_TENCENT_SECRET"; sdk_app_id = "1400000000"; region = "ap-guangzhou"
    [notify.webhooks]              # every webhook's deliveries
    max_attempts = 8; base_s = 5; cap_s = 900; timeout_s = 5
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from queuecore import notify as N
from queuecore.config import ConfigError

PROVIDERS = ("none", "fake", "aliyun", "tencent")
KINDS = tuple(str(k) for k in N.MessageKind)
DEFAULT_TEMPLATES = {"ahead": "HALLQ_AHEAD", "called": "HALLQ_CALLED", "suspended": "HALLQ_SUSPENDED",
                     "done": "HALLQ_DONE"}
_KEYS = {"positions", "provider", "sms_url", "sign_name", "templates", "retry", "poll_s", "aliyun", "tencent",
         "webhooks"}
_RETRY = {"max_attempts", "base_s", "cap_s"}


@dataclass(frozen=True)
class NotifySettings:
    positions: tuple[int, ...] = (5, 3, 1)
    provider: str = "none"
    sms_url: str = ""
    sign_name: str = "政务服务中心"
    templates: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_TEMPLATES))
    retry: N.Retry = N.Retry()
    poll_s: float = 1.0
    aliyun: dict[str, str] = field(default_factory=dict)
    tencent: dict[str, str] = field(default_factory=dict)
    webhook_retry: N.Retry = N.Retry(max_attempts=8, base_s=5.0, cap_s=900.0)
    webhook_timeout_s: float = 5.0

    def secret(self, table: dict[str, str], key: str, default_env: str) -> str:
        """A cloud secret: from the environment variable the table names (never written in the TOML)."""
        name = table.get(key, default_env)
        value = os.environ.get(name, "")
        if not value:
            raise ConfigError(f"[notify.{self.provider}]: the environment variable {name} (the secret) is not set")
        return value


def _number(where: str, value: Any, *, low: float = 0.0, integer: bool = False) -> float:
    ok = isinstance(value, int) if integer else isinstance(value, int | float)
    if not ok or isinstance(value, bool) or value <= low:
        kind = "an integer" if integer else "a number"
        raise ConfigError(f"[notify]: {where} must be {kind} above {low:g}, not {value!r}")
    return value


def _retry(where: str, table: Any, base: N.Retry) -> N.Retry:
    if not isinstance(table, dict):
        raise ConfigError(f"[notify]: {where} must be a table")
    unknown = set(table) - _RETRY - ({"timeout_s"} if where == "webhooks" else set())
    if unknown:
        raise ConfigError(f"[notify]: {where}: unknown keys: {', '.join(sorted(unknown))}")
    r = N.Retry(max_attempts=int(_number(f"{where}.max_attempts", table.get("max_attempts", base.max_attempts),
                                         integer=True)),
                base_s=float(_number(f"{where}.base_s", table.get("base_s", base.base_s))),
                cap_s=float(_number(f"{where}.cap_s", table.get("cap_s", base.cap_s))))
    if r.cap_s < r.base_s:
        raise ConfigError(f"[notify]: {where}.cap_s ({r.cap_s:g}) is below base_s ({r.base_s:g})")
    return r


def from_table(table: Any) -> NotifySettings:
    """The [notify] table as settings; ConfigError naming the key for anything wrong."""
    if table is None:
        return NotifySettings()
    if not isinstance(table, dict):
        raise ConfigError("[notify] must be a table")
    unknown = set(table) - _KEYS
    if unknown:
        raise ConfigError(f"[notify]: unknown keys: {', '.join(sorted(unknown))} (known: {', '.join(sorted(_KEYS))})")
    d = NotifySettings()
    positions = table.get("positions", list(d.positions))
    if not isinstance(positions, list) or not positions or not all(
            isinstance(p, int) and not isinstance(p, bool) and 1 <= p <= 99 for p in positions):
        raise ConfigError(f"[notify]: positions must be a non-empty list of whole numbers 1..99, not {positions!r}")
    if len(set(positions)) != len(positions):
        raise ConfigError(f"[notify]: positions has a number twice: {positions!r}")
    sms_url = table.get("sms_url", "")
    provider = table.get("provider", "fake" if sms_url else "none")
    if provider not in PROVIDERS:
        raise ConfigError(f"[notify]: provider must be one of {', '.join(PROVIDERS)}, not {provider!r}")
    if not isinstance(sms_url, str) or (sms_url and not sms_url.startswith(("http://", "https://"))):
        raise ConfigError(f"[notify]: sms_url must be an http(s) URL, not {sms_url!r}")
    if provider == "fake" and not sms_url:
        raise ConfigError("[notify]: provider \"fake\" needs sms_url (the local gateway's address)")
    sign = table.get("sign_name", d.sign_name)
    if not isinstance(sign, str) or not 2 <= len(sign) <= 12:
        raise ConfigError(f"[notify]: sign_name must be 2 to 12 characters (the clouds' limit), not {sign!r}")
    templates = table.get("templates", {})
    if not isinstance(templates, dict):
        raise ConfigError("[notify]: templates must be a table of message kind = template code")
    bad = set(templates) - set(KINDS)
    if bad:
        raise ConfigError(f"[notify]: templates: unknown message kinds {', '.join(sorted(bad))} "
                          f"(known: {', '.join(KINDS)})")
    if not all(isinstance(v, str) and v.strip() for v in templates.values()):
        raise ConfigError("[notify]: templates: every template code is a non-empty string")
    if provider in ("aliyun", "tencent") and set(templates) != set(KINDS):
        missing = sorted(set(KINDS) - set(templates))
        raise ConfigError(f"[notify]: provider {provider!r} needs a template code for each kind; missing: "
                          f"{', '.join(missing)}")
    clouds = {}
    for cloud, required in (("aliyun", ("access_key_id",)), ("tencent", ("secret_id", "sdk_app_id"))):
        t = table.get(cloud, {})
        if not isinstance(t, dict) or not all(isinstance(v, str) for v in t.values()):
            raise ConfigError(f"[notify]: {cloud} must be a table of strings")
        if provider == cloud:
            missing = [k for k in required if not t.get(k)]
            if missing:
                raise ConfigError(f"[notify.{cloud}]: missing {', '.join(missing)}")
        clouds[cloud] = dict(t)
    hooks = table.get("webhooks", {})
    webhook_retry = _retry("webhooks", hooks, d.webhook_retry)
    return NotifySettings(
        positions=tuple(sorted(positions, reverse=True)), provider=provider, sms_url=sms_url, sign_name=sign,
        templates={**DEFAULT_TEMPLATES, **templates}, retry=_retry("retry", table.get("retry", {}), d.retry),
        poll_s=float(_number("poll_s", table.get("poll_s", d.poll_s))), aliyun=clouds["aliyun"],
        tencent=clouds["tencent"], webhook_retry=webhook_retry,
        webhook_timeout_s=float(_number("webhooks.timeout_s", hooks.get("timeout_s", d.webhook_timeout_s))))


def notify_table(path: str | Path) -> dict | None:
    """The hall TOML's [notify] table, checked now (a typo fails at start, not at the first message)."""
    import tomllib

    with open(path, "rb") as f:
        table = tomllib.load(f).get("notify")
    if table is None:
        return None
    try:
        from_table(table)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    return table
