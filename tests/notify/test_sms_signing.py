"""The SMS cloud adapters sign as the vendors document: their published example signatures, then SendSms against a
local 127.0.0.1 fake that checks each signature the way the cloud does (no real network)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from server.app import SERVICE
from server.notify.clouds import AliyunSms, TencentSms, aliyun_signature, aliyun_string_to_sign, tc3_authorization
from server.notify.providers import Delivery
from tests.phone.test_phone_api import issue, sign_in


def test_aliyun_rpc_signature_matches_the_documented_example() -> None:
    # Alibaba Cloud "Request syntax and signature method V2 for RPC APIs" (doc-detail/28139): ECS DescribeRegions,
    # AccessKeySecret "testsecret", signed with GET.
    params = {"AccessKeyId": "testid", "Action": "DescribeRegions", "Format": "XML", "SignatureMethod": "HMAC-SHA1",
              "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf", "SignatureVersion": "1.0",
              "Timestamp": "2016-02-23T12:46:24Z", "Version": "2014-05-26"}
    assert aliyun_string_to_sign("GET", params) == (
        "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1"
        "%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0"
        "%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26")
    assert aliyun_signature("GET", params, "testsecret") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_tencent_tc3_signature_matches_the_documented_example() -> None:
    # Tencent Cloud API 3.0 "Signature v3": CVM DescribeInstances, POST with this JSON body at 1551113065.
    payload = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
    auth, steps = tc3_authorization("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", "cvm",
                                    "cvm.tencentcloudapi.com", payload, 1551113065)
    assert steps["hashed_payload"] == "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    assert steps["string_to_sign"] == ("TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n"
                                       "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031")
    assert steps["signature"] == "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    assert auth == ("TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, "
                    "SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c"
                    "5a96525168")


TEMPLATES = {"ahead": "SMS_1", "called": "SMS_2", "suspended": "SMS_3", "done": "SMS_4"}
CALLED = Delivery(key="t1:called:3:0:x", address="13812345678", template="called",
                  params={"number": "A003", "window": "3号窗口"})


async def test_aliyun_send_sms_carries_template_sign_params_and_out_id_and_passes_the_signature_check(gateway):
    gateway.aliyun_secret = "s3cret"
    sms = AliyunSms(access_key_id="LTAItest", access_key_secret="s3cret", sign_name="某某政务服务中心",
                    templates=TEMPLATES, endpoint=gateway.url)
    assert (await sms.send(CALLED)).outcome == "sent"
    [body] = gateway.bodies
    assert body["Action"] == "SendSms" and body["Version"] == "2017-05-25"
    assert (body["PhoneNumbers"], body["SignName"], body["TemplateCode"], body["OutId"]) == (
        "13812345678", "某某政务服务中心", "SMS_2", CALLED.key)
    assert json.loads(body["TemplateParam"]) == {"number": "A003", "window": "3号窗口"}
    assert gateway.bad_signatures == 0
    wrong = AliyunSms(access_key_id="LTAItest", access_key_secret="other", sign_name="某某政务服务中心",
                      templates=TEMPLATES, endpoint=gateway.url)
    attempt = await wrong.send(Delivery(key="k2", address="13812345678", template="done", params={"number": "A1"}))
    assert attempt.outcome == "refused" and "SignatureDoesNotMatch" in attempt.detail and gateway.bad_signatures == 1


async def test_tencent_send_sms_carries_template_sign_params_and_session_context_and_passes_the_signature_check(
        gateway):
    gateway.tencent_secret = "tk"
    sms = TencentSms(secret_id="AKIDtest", secret_key="tk", sdk_app_id="1400000001", sign_name="某某政务服务中心",
                     templates=TEMPLATES, endpoint=gateway.url)
    assert (await sms.send(CALLED)).outcome == "sent"
    [body] = gateway.bodies
    assert body["PhoneNumberSet"] == ["+8613812345678"] and body["SmsSdkAppId"] == "1400000001"
    assert (body["SignName"], body["TemplateId"], body["SessionContext"]) == ("某某政务服务中心", "SMS_2", CALLED.key)
    assert body["TemplateParamSet"] == ["A003", "3号窗口"]  # the template's {1}, {2}
    assert gateway.headers[0]["X-TC-Action"] == "SendSms" and gateway.bad_signatures == 0
    wrong = TencentSms(secret_id="AKIDtest", secret_key="nope", sdk_app_id="1", sign_name="某某政务服务中心",
                       templates=TEMPLATES, endpoint=gateway.url)
    attempt = await wrong.send(Delivery(key="k2", address="13812345678", template="done", params={"number": "A1"}))
    assert attempt.outcome == "refused" and "AuthFailure.SignatureFailure" in attempt.detail


@pytest.mark.parametrize("cloud", ["aliyun", "tencent"])
async def test_a_link_in_a_variable_is_refused_and_a_busy_cloud_is_retried(gateway, cloud) -> None:
    sms = (AliyunSms(access_key_id="a", access_key_secret="b", sign_name="测试大厅", templates=TEMPLATES,
                     endpoint=gateway.url) if cloud == "aliyun" else
           TencentSms(secret_id="a", secret_key="b", sdk_app_id="1", sign_name="测试大厅", templates=TEMPLATES,
                      endpoint=gateway.url))
    link = Delivery(key="k", address="13812345678", template="done", params={"number": "https://x.cn/t/abc"})
    assert (await sms.send(link)).outcome == "refused" and not gateway.bodies
    gateway.mode = ["limit", "fail"]
    assert (await sms.send(CALLED)).outcome == "failed"
    assert (await sms.send(CALLED)).outcome == "failed"
    assert (await sms.send(CALLED)).outcome == "sent"
    assert (await sms.send(CALLED)).outcome == "sent" and gateway.received[CALLED.key] == 1  # a resend: one SMS


async def test_the_server_sends_through_the_tencent_adapter_named_in_notify(make_server, gateway, clock,
                                                                            monkeypatch) -> None:
    gateway.tencent_secret = "tk"
    monkeypatch.setenv("HALLQ_TENCENT_SECRET", "tk")
    srv = await make_server(extra={"notify": {
        "provider": "tencent", "sms_url": gateway.url, "sign_name": "测试大厅", "templates": TEMPLATES,
        "poll_s": 0.05, "tencent": {"secret_id": "AKIDtest", "sdk_app_id": "1400000001"}}})
    path = await issue(srv)
    assert (await srv.client.post(path + "/notify", json={"phone": "13812345678", "consent": True})).status == 200
    await sign_in(srv, 1, "s1")
    await srv.post("/api/windows/1/call-next", "window1")
    for _ in range(200):
        if gateway.bodies:
            break
        clock.now += timedelta(seconds=1)
        import asyncio

        await asyncio.sleep(0.02)
    assert [b["TemplateId"] for b in gateway.bodies][:1] == ["SMS_2"] and gateway.bad_signatures == 0
    assert srv.client.app[SERVICE].store.conn.execute(
        "SELECT status FROM outbox WHERE template = 'called'").fetchone() == ("sent",)
    assert isinstance(clock.now, datetime)
