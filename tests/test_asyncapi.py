"""generated/asyncapi.json: a valid AsyncAPI 3.0 document (checked by @asyncapi/parser, no
error-severity diagnostic) whose channels and operations are the schemas' x-channels and
x-directions, and whose message payloads all $ref the published schemas."""

import json

from neetbox_protocol import PROTOCOL_VERSION, schema
from node import run_node
from support import ROOT

DOC = ROOT / "generated" / "asyncapi.json"


def parse(path=DOC):
    proc = run_node("tests/asyncapi/parse.mjs", str(path))
    return proc, json.loads(proc.stdout) if proc.stdout.strip() else {"errors": [proc.stderr]}


def test_parser_accepts_the_document():
    proc, report = parse()
    assert proc.returncode == 0 and report["errors"] == [], report["errors"]
    assert sorted(report["channels"]) == sorted(c["address"] for c in schema("protocol")["x-channels"].values())
    assert all(m["payloadResolved"] for m in report["messages"])


def test_every_direction_is_an_operation():
    doc = json.loads(DOC.read_text())
    assert doc["asyncapi"] == "3.0.0" and doc["info"]["version"] == PROTOCOL_VERSION
    summaries = {(op["channel"]["$ref"].rsplit("/", 1)[1], op["title"]) for op in doc["operations"].values()}
    replies = 0
    for key, branch in schema("message")["$defs"].items():
        if "x-directions" not in branch:
            continue
        event_type = branch["properties"]["eventType"]["const"]
        for d in branch["x-directions"]:
            if d.get("replyTo"):
                replies += 1
                continue
            assert (d["channel"], f"{event_type}: {d['from']} → {d['to']}") in summaries, (key, d)
    handshakes = [op for op in doc["operations"].values() if op["title"].startswith("handshake:")]
    assert len(handshakes) == 3 and all("reply" in op for op in handshakes) and replies == 3


def test_payloads_reference_the_schemas():
    doc = json.loads(DOC.read_text())
    for mid, message in doc["components"]["messages"].items():
        # the event type's definition in the form made for generators (TypedEvent's discriminator maps it)
        mapping = schema("generators")["$defs"]["TypedEvent"]["discriminator"]["mapping"]
        ref = message["payload"]["$ref"]
        assert list(message["payload"]) == ["$ref"] and ref.startswith("./neetbox_protocol/schemas/generators.schema.json#"), mid
        assert "#" + ref.split("#", 1)[1] in mapping.values(), mid
    upload = doc["channels"]["imageUpload"]
    assert "metadata" in doc["components"]["messages"]["imageMetadata"]["description"]
    assert upload["address"] == "/api/project/{projectId}/image"


def test_parser_reports_errors(tmp_path):
    """The check can fail: a broken reference and a bad operation are error diagnostics."""
    doc = json.loads(DOC.read_text())
    doc["components"]["messages"]["log"]["payload"]["$ref"] = "./neetbox_protocol/schemas/nope.schema.json"
    doc["operations"]["sendLogToWeb"]["action"] = "shout"
    bad = ROOT / "generated" / "asyncapi.broken-test.json"  # beside the schemas, so other refs resolve
    try:
        bad.write_text(json.dumps(doc))
        proc, report = parse(bad)
    finally:
        bad.unlink()
    assert proc.returncode == 1
    assert any("nope.schema.json" in e for e in report["errors"]) and any("shout" in e or "action" in e for e in report["errors"])
