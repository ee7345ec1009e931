"""The two large Chinese SMS clouds' template APIs, signed by their documented algorithms.

Aliyun (Alibaba Cloud) SendSms, an RPC-style API (signature version 1.0, documented at
https://www.alibabacloud.com/help/doc-detail/28139.htm "Request syntax and signature method V2 for RPC APIs"):
  StringToSign = METHOD + "&" + pct("/") + "&" + pct(canonicalized query)
  Signature    = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))
where the canonicalized query is the parameters sorted by name, each name and value percent-encoded with only
A-Z a-z 0-9 - _ . ~ left as they are (a space is %20, * is %2A, ~ stays).

Tencent Cloud SMS SendSms (API 3.0, "Signature v3", TC3-HMAC-SHA256, documented at
https://www.tencentcloud.com/document/api/382/40466 and every product's "Signature v3" page):
  CanonicalRequest = METHOD \\n URI \\n QUERY \\n canonical headers \\n signed headers \\n hex(SHA256(body))
  StringToSign     = "TC3-HMAC-SHA256" \\n timestamp \\n date/service/tc3_request \\n hex(SHA256(CanonicalRequest))
  key = HMAC(HMAC(HMAC("TC3" + SecretKey, date), service), "tc3_request"); Signature = hex(HMAC(key, StringToSign))

Both take a template code, the sign name, the template parameters and our own out-id (Aliyun OutId, Tencent
SessionContext), so a resend after a crash is recognisable; a link in a variable is refused before sending.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, urlsplit

import aiohttp

from server.notify.providers import Attempt, Delivery, _post_raw

# The template variables of each message kind, in the order of a Tencent template's {1}, {2}, ...
PARAM_ORDER = {"ahead": ("number", "n"), "called": ("number", "window"), "suspended": ("number", "window"),
               "done": ("number",)}


def has_link(params: dict[str, str]) -> bool:
    return any("://" in v or "www." in v.lower() or ".cn/" in v or ".com" in v.lower() for v in params.values())


# ---------------------------------------------------------------- Aliyun RPC signature

def aliyun_pct(text: str) -> str:
    return quote(str(text), safe="-_.~")


def aliyun_string_to_sign(method: str, params: dict[str, str]) -> str:
    canonical = "&".join(f"{aliyun_pct(k)}={aliyun_pct(v)}" for k, v in sorted(params.items()))
    return f"{method}&{aliyun_pct('/')}&{aliyun_pct(canonical)}"


def aliyun_signature(method: str, params: dict[str, str], secret: str) -> str:
    digest = hmac.new((secret + "&").encode(), aliyun_string_to_sign(method, params).encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


# ---------------------------------------------------------------- Tencent TC3-HMAC-SHA256

def tc3_authorization(secret_id: str, secret_key: str, service: str, host: str, payload: str, timestamp: int,
                      content_type: str = "application/json; charset=utf-8") -> tuple[str, dict[str, str]]:
    """The Authorization header of a POST / with this JSON payload, and the intermediate strings (for tests)."""
    date = datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d")  # UTC, as documented
    canonical_headers = f"content-type:{content_type}\nhost:{host}\n"
    signed_headers = "content-type;host"
    hashed_payload = hashlib.sha256(payload.encode()).hexdigest()
    canonical_request = f"POST\n/\n\n{canonical_headers}\n{signed_headers}\n{hashed_payload}"
    scope = f"{date}/{service}/tc3_request"
    string_to_sign = (f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n"
                      f"{hashlib.sha256(canonical_request.encode()).hexdigest()}")

    def sign(key: bytes, msg: str) -> bytes:
        return hmac.new(key, msg.encode(), hashlib.sha256).digest()

    key = sign(sign(sign(("TC3" + secret_key).encode(), date), service), "tc3_request")
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    auth = (f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, SignedHeaders={signed_headers}, "
            f"Signature={signature}")
    return auth, {"hashed_payload": hashed_payload, "canonical_request": canonical_request,
                  "string_to_sign": string_to_sign, "signature": signature}


# ---------------------------------------------------------------- the adapters

# Answers that mean "try again later" (throttling, the cloud's own trouble); any other error code is final.
_ALIYUN_RETRY = ("isv.BUSINESS_LIMIT_CONTROL", "Throttling", "ServiceUnavailable", "InternalError")
_TENCENT_RETRY = ("LimitExceeded", "RequestLimitExceeded", "InternalError", "FailedOperation.FailResolvePacket")


@dataclass
class AliyunSms:
    """Aliyun SendSms (dysmsapi, 2017-05-25) as a signed RPC POST."""

    access_key_id: str
    access_key_secret: str
    sign_name: str
    templates: dict[str, str]
    endpoint: str = "https://dysmsapi.aliyuncs.com/"
    region: str = "cn-hangzhou"
    timeout_s: float = 5.0
    name: str = "aliyun"
    session: aiohttp.ClientSession | None = None

    def params(self, d: Delivery, now: float | None = None, nonce: str | None = None) -> dict[str, str]:
        ts = datetime.fromtimestamp(now if now is not None else time.time(), timezone.utc)
        p = {"AccessKeyId": self.access_key_id, "Action": "SendSms", "Format": "JSON", "RegionId": self.region,
             "SignatureMethod": "HMAC-SHA1", "SignatureNonce": nonce or uuid.uuid4().hex, "SignatureVersion": "1.0",
             "Timestamp": ts.strftime("%Y-%m-%dT%H:%M:%SZ"), "Version": "2017-05-25",
             "PhoneNumbers": d.address, "SignName": self.sign_name, "TemplateCode": self.templates[d.template],
             "TemplateParam": json.dumps(d.params, ensure_ascii=False, sort_keys=True), "OutId": d.key}
        p["Signature"] = aliyun_signature("POST", p, self.access_key_secret)
        return p

    async def send(self, d: Delivery) -> Attempt:
        if d.template not in self.templates:
            return Attempt("refused", f"no template for {d.template!r}")
        if has_link(d.params):
            return Attempt("refused", "SMS template variables may not carry links")
        body = "&".join(f"{aliyun_pct(k)}={aliyun_pct(v)}" for k, v in self.params(d).items()).encode()
        status, text = await _post_raw(self.session, self.endpoint, body,
                                       {"Content-Type": "application/x-www-form-urlencoded"}, self.timeout_s)
        if status is None:
            return Attempt("failed", text)
        try:
            code = json.loads(text).get("Code", "")
        except (ValueError, AttributeError):
            code = ""
        if status == 200 and code == "OK":
            return Attempt("sent", status=status)
        if status >= 500 or status == 429 or code.startswith(_ALIYUN_RETRY):
            return Attempt("failed", f"HTTP {status} {code or text[:80]}", status)
        return Attempt("refused", f"HTTP {status} {code or text[:80]}", status)


@dataclass
class TencentSms:
    """Tencent Cloud SMS SendSms (2021-01-11), signed TC3-HMAC-SHA256."""

    secret_id: str
    secret_key: str
    sdk_app_id: str
    sign_name: str
    templates: dict[str, str]
    endpoint: str = "https://sms.tencentcloudapi.com/"
    region: str = "ap-guangzhou"
    timeout_s: float = 5.0
    name: str = "tencent"
    session: aiohttp.ClientSession | None = None

    def payload(self, d: Delivery) -> str:
        order = PARAM_ORDER.get(d.template, tuple(sorted(d.params)))
        return json.dumps({"PhoneNumberSet": ["+86" + d.address], "SmsSdkAppId": self.sdk_app_id,
                           "SignName": self.sign_name, "TemplateId": self.templates[d.template],
                           "TemplateParamSet": [str(d.params.get(k, "")) for k in order],
                           "SessionContext": d.key}, ensure_ascii=False, separators=(",", ":"))

    def headers(self, payload: str, now: int | None = None) -> dict[str, str]:
        ts = int(now if now is not None else time.time())
        host = urlsplit(self.endpoint).netloc  # as the request's Host header carries it
        auth, _ = tc3_authorization(self.secret_id, self.secret_key, "sms", host, payload, ts)
        return {"Authorization": auth, "Content-Type": "application/json; charset=utf-8", "Host": host,
                "X-TC-Action": "SendSms", "X-TC-Version": "2021-01-11", "X-TC-Timestamp": str(ts),
                "X-TC-Region": self.region}

    async def send(self, d: Delivery) -> Attempt:
        if d.template not in self.templates:
            return Attempt("refused", f"no template for {d.template!r}")
        if has_link(d.params):
            return Attempt("refused", "SMS template variables may not carry links")
        payload = self.payload(d)
        status, text = await _post_raw(self.session, self.endpoint, payload.encode(), self.headers(payload),
                                       self.timeout_s)
        if status is None:
            return Attempt("failed", text)
        try:
            resp: dict[str, Any] = json.loads(text).get("Response", {})
        except (ValueError, AttributeError):
            resp = {}
        error = (resp.get("Error") or {}).get("Code", "")
        sent = resp.get("SendStatusSet") or [{}]
        code = error or sent[0].get("Code", "")
        if status == 200 and code == "Ok":
            return Attempt("sent", status=status)
        if status >= 500 or status == 429 or code.startswith(_TENCENT_RETRY):
            return Attempt("failed", f"HTTP {status} {code or text[:80]}", status)
        return Attempt("refused", f"HTTP {status} {code or text[:80]}", status)
