"""Providers against the local fake gateway on 127.0.0.1: template SMS bodies, signed webhooks, failures classified."""
from __future__ import annotations

import json
import time

import pytest

from server.notify.providers import Delivery, TemplateSms, Webhook, verify_signature

SECRET = b"s3cret"


def sms(url: str, timeout_s: float = 5.0) -> TemplateSms:
    return TemplateSms(endpoint=url, sign_name="示范县政务服务中心", templates={"called": "SMS_001", "ahead": "SMS_002"},
                       timeout_s=timeout_s)


D = Delivery(key="t1:called:3:0", address="13812345678", template="called",
             params={"number": "A012", "window": "3号窗口"})


async def test_an_sms_carries_the_template_code_the_sign_name_the_parameters_and_our_out_id(gateway) -> None:
    assert (await sms(gateway.url).send(D)).outcome == "sent"
    [body] = gateway.bodies
    assert body == {"PhoneNumbers": "13812345678", "SignName": "示范县政务服务中心", "TemplateCode": "SMS_001",
                    "TemplateParam": json.dumps({"number": "A012", "window": "3号窗口"}, ensure_ascii=False,
                                                sort_keys=True), "OutId": "t1:called:3:0"}


@pytest.mark.parametrize("mode, outcome", [("fail", "failed"), ("limit", "failed"), ("slow", "failed"),
                                           ("refuse", "refused")])
async def test_failures_time_outs_and_rate_limits_are_retried_a_refusal_is_not(gateway, mode, outcome) -> None:
    gateway.mode = [mode]
    assert (await sms(gateway.url, timeout_s=0.3).send(D)).outcome == outcome


async def test_no_links_in_sms_variables_and_no_unknown_templates(gateway) -> None:
    link = Delivery(key="k", address="138", template="called", params={"window": "https://x.cn"})
    assert (await sms(gateway.url).send(link)).outcome == "refused"
    assert (await sms(gateway.url).send(Delivery(key="k", address="138", template="nope"))).outcome == "refused"
    assert not gateway.bodies


async def test_a_webhook_is_json_signed_with_hmac_sha256(gateway) -> None:
    hook = Webhook(secret=SECRET)
    d = Delivery(key="e1", address=gateway.url, template="ticket_called", params={"number": "A012"})
    assert (await hook.send(d)).outcome == "sent"
    headers, body = gateway.headers[0], gateway.bodies[0]
    raw = json.dumps(body, ensure_ascii=False, sort_keys=True).encode()
    assert body == {"id": "e1", "event": "ticket_called", "data": {"number": "A012"}}
    assert headers["Idempotency-Key"] == "e1"
    assert verify_signature(SECRET, headers["X-Hallq-Signature"], raw, time.time())
    assert not verify_signature(b"other", headers["X-Hallq-Signature"], raw, time.time())
    assert not verify_signature(SECRET, headers["X-Hallq-Signature"], raw + b" ", time.time())
    assert not verify_signature(SECRET, headers["X-Hallq-Signature"], raw, time.time() + 3600)  # replayed late


async def test_an_unreachable_receiver_is_a_failure_to_retry() -> None:
    d = Delivery(key="e1", address="http://127.0.0.1:9/hook", template="x")
    assert (await Webhook(secret=SECRET, timeout_s=1).send(d)).outcome == "failed"
