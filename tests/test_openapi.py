"""The HTTP read API (schema/http.schema.json): generated/openapi.json is a valid OpenAPI 3.1
document, and every JSON body the real neetbox 0.6.0 server answered in the drop-in run
(tests/data/neetbox-0.6.0-http.jsonl, recorded by ../shared/tools/dropin) matches the schema of
its route."""

import json
import re

import pytest
from openapi_spec_validator import validate
from support import DATA, ROOT, schema_validator, schemas

OPENAPI = ROOT / "generated" / "openapi.json"
HTTP = schemas()["http.schema.json"]
BODIES = [json.loads(line) for line in (DATA / "neetbox-0.6.0-http.jsonl").read_text().splitlines() if line.strip()]


def test_openapi_document_is_valid():
    document = json.loads(OPENAPI.read_text())
    validate(document, base_uri=OPENAPI.as_uri())  # raises on any error; external $refs resolved
    assert document["openapi"] == "3.1.0"
    assert {ep["operationId"] for ep in HTTP["x-endpoints"]} == {
        op["operationId"] for path in document["paths"].values() for op in path.values()}  # fmt: skip


def test_openapi_validation_can_fail():
    document = json.loads(OPENAPI.read_text())
    document["paths"]["/api/server/version"]["get"]["responses"]["200"].pop("description")
    with pytest.raises(Exception):  # noqa: B017 (openapi-spec-validator's own error class)
        validate(document, base_uri=OPENAPI.as_uri())


def route_of(method: str, path: str) -> dict:
    path = path.split("?")[0]
    for ep in HTTP["x-endpoints"]:
        if ep["method"] == method and re.fullmatch(re.sub(r"\{\w+\}", "[^/]+", ep["path"]), path):
            return ep
    raise AssertionError(f"no endpoint for {method} {path}")


def test_recorded_bodies_cover_every_read_route():
    routes = {route_of(b["method"], b["path"])["operationId"] for b in BODIES if b["status"] == 200}
    assert routes >= {"listProjects", "getProject", "getRunStatus", "listSeries", "getLogHistory", "getScalarHistory",
                      "getProgressHistory", "getHardwareHistory", "listImages", "uploadImage", "getServerVersion"}  # fmt: skip


@pytest.mark.parametrize("body", BODIES, ids=[f"{b['method']} {b['path'][:60]} {b['status']}" for b in BODIES])
def test_recorded_body_matches_its_schema(body):
    value = json.loads(body["body"])
    name = route_of(body["method"], body["path"])["response"] if body["status"] == 200 else "HttpError"
    errors = list(schema_validator(f"http.schema.json#/$defs/{name}").iter_errors(value))
    assert not errors, [e.message for e in errors[:3]]
