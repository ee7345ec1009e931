"""The OpenAPI document is valid 3.1 and describes what the server answers: schemathesis against a live
`hallq server` process, once per role, fails on any 5xx, undocumented status, undocumented content type
or body that its schema does not allow."""
from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests
import schemathesis
from aiohttp.web_urldispatcher import StaticResource
from hypothesis import HealthCheck, Phase, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from server.app import READ_ROUTES, RESULT_TYPES, ROUTES, STATUS, ServerConfig, create_app
from server.auth import ROLES
from server.cli import create_token_in
from server.openapi import build_openapi, schema_json
from tests.e2e.hallproc import Hall, Processes, no_tracebacks
from tests.queuecore.conftest import make_config

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def served_document() -> dict:
    return json.loads(schema_json(build_openapi(ROUTES, READ_ROUTES, RESULT_TYPES, STATUS)))


def test_the_document_is_valid_openapi_3_1() -> None:
    doc = served_document()
    assert doc["openapi"] == "3.1.0"
    validate(doc)  # openapi-spec-validator: raises on any violation of the 3.1 schema


def test_every_route_the_app_serves_is_in_the_document(tmp_path) -> None:
    app = create_app(ServerConfig(hall=make_config(), data_dir=tmp_path / "data"))  # no store until it starts
    served = {(r.resource.canonical + ("/{path}" if isinstance(r.resource, StaticResource) else ""), r.method.lower())
              for r in app.router.routes() if r.method not in ("HEAD", "*")}  # "*": the catch-all's 404/405
    documented = {(path, method) for path, ops in served_document()["paths"].items() for method in ops}
    assert served == documented


def test_the_websocket_display_and_static_files_are_described_as_what_they_are() -> None:
    paths = served_document()["paths"]
    ws = paths["/ws"]["get"]
    assert set(ws["responses"]) == {"101", "400", "401"} and "content" not in ws["responses"]["101"]
    assert {m["$ref"].rsplit("/", 1)[1] for m in ws["x-websocket-messages"]["server"]["oneOf"]} == {
        "Snapshot", "Change", "Result", "Error"}
    assert set(paths["/display"]["get"]["responses"]["200"]["content"]) == {"text/html"}
    assert paths["/static/{path}"]["get"]["security"] == []
    listing = paths["/api/appointments"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert listing["type"] == "array"


async def test_a_rest_refusal_is_the_same_error_as_on_the_websocket(srv) -> None:
    command = {"type": "issue_ticket", "id": "same-1", "service": "nope"}
    r = await srv.post("/api/tickets", "kiosk", command)
    rest = await r.json()
    ws = await srv.ws("kiosk")
    assert (await ws.receive_json())["type"] == "snapshot"
    await ws.send_json({**command, "id": "same-2"})
    pushed = await ws.receive_json()
    await ws.close()
    assert r.status == 404
    assert rest == {**pushed, "id": "same-1"}
    assert rest["type"] == "error" and rest["code"] == "unknown_service"


# --------------------------------------------------------------------------- the live server


@pytest.fixture(scope="module")
def hall(tmp_path_factory) -> Iterator[Hall]:
    """`hallq server` as its own process on 127.0.0.1 (port 0) over a real SQLite data dir: a token per
    role (server.auth.ROLES), clerk c1 signed in at window 1 and a few tickets waiting, so that a window's
    commands can succeed."""
    procs = Processes()
    h = Hall(tmp_path_factory.mktemp("contract"), procs)
    h.provision()
    for role in (r for r in ROLES if f"{r}-1" not in h.tokens):  # Hall.provision makes kiosk-1, window-1, ...
        h.tokens[f"{role}-1"] = create_token_in(h.data, role, f"{role}-1", None)
    try:
        h.start()
        h.sign_in(1, "c1", "1111")
        for service in ("social", "estate", "social"):
            h.api("kiosk-1").ok("POST", "/api/tickets", {"service": service})
        yield h
        no_tracebacks(h.server_log)  # nothing failed out of sight of the answers either
    finally:
        procs.stop_all()


@pytest.fixture(params=ROLES)
def role(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def http() -> Iterator[requests.Session]:
    with requests.Session() as s:  # one kept-alive connection instead of one per case
        s.trust_env = False  # no proxy look-up per request (and never a proxy for 127.0.0.1)
        yield s


def test_the_live_server_serves_this_document(hall: Hall) -> None:
    status, doc = hall.api("admin-1").call("GET", "/api/openapi.json")
    assert status == 200 and doc == served_document()


def phases(**enabled: bool) -> schemathesis.Config:
    return schemathesis.Config.from_dict({"phases": {
        "examples": {"enabled": False}, "stateful": {"enabled": False},
        # The other methods on a route answer 405 from the catch-all; not this document's business.
        "coverage": {"enabled": enabled.get("coverage", False), "unexpected-methods": []},
        "fuzzing": {"enabled": enabled.get("fuzzing", False)}}})


# Generated from the document the server serves (checked above); the calls go to the live server.
# Random bodies, parameters and headers (valid ones and not), a few per operation and role:
fuzzed = schemathesis.openapi.from_dict(served_document(), config=phases(fuzzing=True))
# Schemathesis's deterministic edge cases (each field's bounds, wrong types, missing and extra fields):
# about 60 per operation, so sent with one token, the admin's, which every command's roles admit.
edges = schemathesis.openapi.from_dict(served_document(), config=phases(coverage=True))


def call_and_validate(case, hall: Hall, http: requests.Session, role: str) -> None:
    case.call_and_validate(base_url=hall.url, session=http, timeout=5, checks=CHECKS,
                           headers={"Authorization": f"Bearer {hall.tokens[f'{role}-1']}"})


@pytest.mark.slow
@fuzzed.parametrize()
@settings(max_examples=6, deadline=None, derandomize=True, database=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_every_answer_is_documented(case, hall: Hall, http: requests.Session, role: str) -> None:
    call_and_validate(case, hall, http, role)


@pytest.mark.slow
@edges.parametrize()
@settings(deadline=None, database=None, phases=[Phase.explicit], suppress_health_check=list(HealthCheck))
def test_edge_cases_are_answered_as_documented(case, hall: Hall, http: requests.Session) -> None:
    call_and_validate(case, hall, http, "admin")
