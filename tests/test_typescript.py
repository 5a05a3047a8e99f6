"""The npm package generated/typescript/, used the way neetbox's web UI would use it: `npm pack`
it, install the tarball into a temporary project, compile a client written like the UI
(tests/typescript/ui_client.ts) with `tsc --strict`, check that planted mistakes fail
(bad_ui_client.ts), then run it under node: every wire vector parses, every conformance vector
gets the Python models' verdict."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest
from node import node_ready, run_bin
from support import DATA, ROOT, conformance_vectors

from neetbox_protocol import PROTOCOL_VERSION, EventMsg, ProtocolError, schema

PKG = ROOT / "generated" / "typescript"
TS_DIR = ROOT / "tests" / "typescript"
WIRE_FILE = DATA / "neetbox-0.6.0-wire.jsonl"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A temporary project with the packed package installed from its tarball (offline)."""
    node_ready()
    work = tmp_path_factory.mktemp("ts-client")
    npm = shutil.which("npm")
    proc = subprocess.run([npm, "pack", str(PKG), "--pack-destination", str(work), "--json"], capture_output=True, text=True, cwd=work)
    assert proc.returncode == 0, proc.stderr
    packed = json.loads(proc.stdout)[0]
    assert packed["name"] == "neetbox-protocol" and packed["version"] == PROTOCOL_VERSION, packed
    assert {f["path"] for f in packed["files"]} == set(json.loads((PKG / "package.json").read_text())["files"]) | {"package.json"}
    app = work / "app"
    app.mkdir()
    (app / "package.json").write_text(json.dumps({"name": "ui-client", "private": True, "type": "module"}))
    proc = subprocess.run([npm, "install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", str(work / packed["filename"])],
                          capture_output=True, text=True, cwd=app)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    for name in ("ui_client.ts", "bad_ui_client.ts", "tsconfig.json", "run_vectors.mjs"):
        shutil.copy(TS_DIR / name, app / name)
    return app


def tsc(app: Path, *files: str) -> subprocess.CompletedProcess:
    args = ["--pretty", "false", "-p", str(app / "tsconfig.json")]
    if files:  # the same options, other files
        config = json.loads((app / "tsconfig.json").read_text())
        config["files"] = list(files)
        (app / "tsconfig.other.json").write_text(json.dumps(config))
        args[-1] = str(app / "tsconfig.other.json")
    return run_bin("tsc", *args)


def test_package_is_versioned_by_the_protocol():
    doc = json.loads((PKG / "package.json").read_text())
    assert doc["version"] == PROTOCOL_VERSION and doc["type"] == "module"
    assert doc["exports"]["."] == {"types": "./index.d.ts", "default": "./index.js"}
    assert f"export const PROTOCOL_VERSION = {json.dumps(PROTOCOL_VERSION)};" in (PKG / "index.js").read_text()
    assert f"export type ProtocolVersion = {json.dumps(PROTOCOL_VERSION)};" in (PKG / "index.d.ts").read_text()
    assert "require(" not in (PKG / "validators.js").read_text()  # no runtime dependency


def test_declarations_have_a_message_type_and_guard_per_event_type_and_no_loose_types():
    text = (PKG / "index.d.ts").read_text()
    for branch in schema("event-type")["anyOf"]:
        name = branch["const"][0].upper() + branch["const"][1:] + "Message"
        assert re.search(rf"^export interface {name} extends EnvelopeFields \{{\n  eventType: \"{branch['const']}\";", text, re.M), name
        assert f"export declare function is{name}<" in text, name
    assert "| undefined" not in text
    assert not re.search(r"^export (type|interface) (Number|String|Object|Record|Error|Event|Image)\b", text, re.M)
    assert "export type DecodedNumber = number;" in text and "export type WireNumber = number | NonFiniteNumber;" in text


def test_ui_style_client_compiles_strictly_without_casts(project):
    source = (TS_DIR / "ui_client.ts").read_text()
    code = re.sub(r"//.*", "", source)
    assert not re.search(r"\bas (?!const\b)", code), "a cast in the client"
    assert not re.search(r"[\w)\]]!(?!=)", code), "a non-null assertion in the client"
    proc = tsc(project)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (project / "out" / "ui_client.js").exists()


def test_planted_mistakes_fail_with_the_marked_errors(project):
    proc = tsc(project, "bad_ui_client.ts")
    assert proc.returncode != 0
    found = set(re.findall(r"bad_ui_client\.ts\((\d+),\d+\): error (TS\d+)", proc.stdout))
    source = (TS_DIR / "bad_ui_client.ts").read_text().splitlines()
    expected = {(i + 1, m.group(1)) for i, line in enumerate(source) if (m := re.search(r"// EXPECT (TS\d+)", line))}
    assert len(expected) >= 5
    assert len(found) == len(expected), proc.stdout
    for line, code in expected:
        assert any(c == code and line < int(n) <= line + 4 for n, c in found), (line, code, proc.stdout)


def python_verdict(vector) -> bool:
    try:
        EventMsg.loads(json.dumps(vector["message"]), strict=vector.get("strict", False))
    except ProtocolError:
        return False
    return True


HTTP_FILE = DATA / "neetbox-0.6.0-http.jsonl"


def http_bodies() -> list[dict]:
    """The recorded 200 bodies of the read routes, with the type name of their route."""
    from test_openapi import route_of

    rows = [json.loads(line) for line in HTTP_FILE.read_text().splitlines() if line.strip()]
    return [{"name": route_of(r["method"], r["path"])["response"], "body": r["body"]} for r in rows if r["status"] == 200]


@lru_cache(maxsize=1)
def node_run(app: Path) -> dict:
    (app / "bodies.json").write_text(json.dumps(http_bodies()))
    (app / "vectors.json").write_text(json.dumps({"vectors": conformance_vectors()}))
    proc = subprocess.run(["node", "run_vectors.mjs", "vectors.json", str(WIRE_FILE), "bodies.json"],
                          capture_output=True, text=True, cwd=app, timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_node_agrees_with_python_on_every_conformance_vector(project):
    result = node_run(project)
    assert result["version"] == PROTOCOL_VERSION
    vectors = conformance_vectors()
    assert set(result["vectors"]) == {v["id"] for v in vectors}
    disagree = {v["id"]: result["vectors"][v["id"]] for v in vectors if result["vectors"][v["id"]]["valid"] != python_verdict(v)}
    assert not disagree
    for v in vectors:  # an invalid vector names Python's field path; parseMessage rejects what checkMessage rejects
        got = result["vectors"][v["id"]]
        if not v["valid"]:
            assert got["parsed"]["ok"] is False and got["parsed"]["name"] == "ProtocolError", v["id"]


def test_parse_message_accepts_what_neetbox_sends_and_rejects_only_what_its_types_exclude(project):
    """parseMessage is checkMessage plus the typed view: a valid vector it rejects must be one the
    types exclude on purpose (a generic Reply payload, a GPU without its fields, ...)."""
    result = node_run(project)
    vectors = conformance_vectors()
    for v in vectors:
        got = result["vectors"][v["id"]]
        if v["valid"] and not got["parsed"]["ok"]:
            assert all("not as neetbox sends it" in e["message"] for e in got["parsed"]["errors"]), (v["id"], got)


def test_every_wire_vector_parses_with_every_key_and_decoded_numbers(project):
    result = node_run(project)
    rows = [json.loads(line) for line in WIRE_FILE.read_text().splitlines() if line.strip()]
    assert len(result["wire"]) == len(rows)
    failed = [w for w in result["wire"] if not w["ok"]]
    assert not failed
    envelope_keys = list(schema("envelope")["properties"])
    for w in result["wire"]:
        assert w["keys"][: len(envelope_keys)] == envelope_keys and w["roundTrip"], w
    for w, row in zip(result["wire"], rows):
        tokens = len(re.findall(r'(?<![\w"])(NaN|-?Infinity)\b|"(NaN|-?Infinity)"', json.dumps(json.loads(row["frame"]).get("payload"))))
        if row["eventType"] in ("scalar", "hardware", "progress"):  # payloads whose schema types numbers
            assert len(w["nonFinite"]) == tokens, (row["seq"], w)


def test_every_recorded_http_body_decodes(project):
    result = node_run(project)
    assert len(result["http"]) == len(http_bodies()) > 10
    assert [h for h in result["http"] if not h["ok"]] == []
    assert result["httpCanFail"] is True
