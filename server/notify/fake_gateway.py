"""A local SMS gateway and webhook receiver for the demo and the tests: on 127.0.0.1, it can fail, time out and
rate-limit on command, and it counts what it received by out-id (so a test sees a double send)."""
from __future__ import annotations

import asyncio
import json
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from aiohttp import web


@dataclass
class FakeGateway:
    mode: list[str] = field(default_factory=list)  # the next answers: "fail", "slow", "limit", "refuse"; then ok
    slow_s: float = 10.0
    received: Counter = field(default_factory=Counter)  # out-id -> times accepted as a new message
    repeats: Counter = field(default_factory=Counter)  # out-id -> resends recognised by it (answered OK, not sent)
    delay_s: float = 0.0  # every answer takes this long
    bodies: list[dict] = field(default_factory=list)
    headers: list[dict] = field(default_factory=list)
    aliyun_secret: str = ""  # set: check each Aliyun RPC signature, as dysmsapi does (SignatureDoesNotMatch)
    tencent_secret: str = ""  # set: check each TC3-HMAC-SHA256 Authorization (AuthFailure.SignatureFailure)
    bad_signatures: int = 0

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/{tail:.*}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        mode = self.mode.pop(0) if self.mode else "ok"
        if mode == "fail":
            return web.Response(status=500, text="gateway error")
        if mode == "limit":
            return web.Response(status=429, text="rate limited")
        if mode == "refuse":
            return web.Response(status=400, text="bad template")
        if mode == "slow":
            await asyncio.sleep(self.slow_s)
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        tencent = "X-TC-Action" in request.headers
        if request.content_type == "application/x-www-form-urlencoded":
            data = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
        else:
            data = json.loads(body)
        if self.aliyun_secret and not tencent:
            from server.notify.clouds import aliyun_signature

            given = data.pop("Signature", "")
            if aliyun_signature(request.method, data, self.aliyun_secret) != given:
                self.bad_signatures += 1
                return web.json_response({"Code": "SignatureDoesNotMatch"}, status=400)
        if self.tencent_secret and tencent:
            from server.notify.clouds import tc3_authorization

            auth, _ = tc3_authorization(request.headers["Authorization"].split("Credential=")[1].split("/")[0],
                                        self.tencent_secret, "sms", request.headers["Host"], body.decode(),
                                        int(request.headers["X-TC-Timestamp"]), request.headers["Content-Type"])
            if auth != request.headers["Authorization"]:
                self.bad_signatures += 1
                return web.json_response({"Response": {"Error": {"Code": "AuthFailure.SignatureFailure"}}})
        key = data.get("OutId") or data.get("SessionContext") or data.get("id")
        ok = ({"Response": {"SendStatusSet": [{"Code": "Ok", "SessionContext": key}], "RequestId": "fake"}}
              if tencent else {"Code": "OK", "OutId": key})
        if key in self.received:  # as the clouds do with a repeated out-id: accepted, not sent again
            self.repeats[key] += 1
            return web.json_response(ok)
        self.received[key] += 1
        self.bodies.append(data)
        self.headers.append(dict(request.headers))
        return web.json_response(ok)
