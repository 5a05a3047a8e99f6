"""Cross-language conformance: every vector of tests/conformance/vectors.json (plus the vectors
derived from the schemas) gets its expected verdict from the Python models, from the stock
jsonschema ``Draft202012Validator`` (Python's ``re`` for patterns, the stock format checker) and
from a stock ``Ajv2020`` of the pinned ajv (ECMA-262 regexes with the ``u`` flag, ajv-formats, no
added keyword) over the published bundle -- the three agree on every vector."""

import json
import tempfile
from functools import lru_cache
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from node import run_node
from support import ROOT, conformance_vectors, registry

from neetbox_protocol import EventMsg, ProtocolError, schema

BUNDLE = ROOT / "generated" / "neetbox_protocol" / "schemas" / "bundle.schema.json"


def example_vectors() -> list[dict]:
    """Every example frame of message.schema.json's x-directions, as a valid vector: derived from
    the schemas, so a new event type or direction is covered without editing the vectors file."""
    return [
        {"id": f"valid/{branch['properties']['eventType']['const']}/{d['channel']}/{d['from']}-to-{d['to']}",
         "message": d["example"], "valid": True, "reason": d["description"]}
        for branch in schema("message")["$defs"].values() for d in branch.get("x-directions", [])
    ]  # fmt: skip


def _constrains_characters(prop: dict, resolver) -> bool:
    """Whether every string a property's schema accepts is held to a pattern, enum or const (so a
    line break in it is rejected); False when some branch takes any string (``series``)."""
    if "$ref" in prop:
        resolved = resolver.lookup(prop["$ref"])
        return _constrains_characters(resolved.contents, resolved.resolver)
    if "anyOf" in prop:
        return all(_constrains_characters(b, resolver) for b in prop["anyOf"])
    return prop.get("type") not in (None, "string") or any(k in prop for k in ("pattern", "enum", "const"))


def line_break_vectors() -> list[dict]:
    """A line break after, before and inside each string envelope value of the example frames
    (the first frame holding that key as a string): Python's ``re`` lets ``$`` match before a final
    newline, ECMA-262 and Rust's regex do not, so the published patterns must not depend on it.
    The verdict is derived from envelope.schema.json: invalid where the key's value type is held
    to a pattern, enum or const (projectId, runId, eventType, timestamp, identityType), else valid."""
    envelope = schema("envelope")
    resolver = registry().resolver(base_uri=envelope["$id"])
    vectors = []
    for key, prop in envelope["properties"].items():
        frame = next((v["message"] for v in example_vectors() if isinstance(v["message"].get(key), str)), None)
        if frame is None:
            continue
        rejected = _constrains_characters(prop, resolver)
        value = frame[key]
        for where, text in [("trailing", value + "\n"), ("leading", "\n" + value), ("inner", value[:1] + "\n" + value[1:]),
                            ("trailing-crlf", value + "\r\n")]:  # fmt: skip
            vector = {"id": f"{'invalid' if rejected else 'valid'}/{key}-{where}-line-break", "message": {**frame, key: text},
                      "valid": not rejected, "reason": f"{key} {text!r}: " + ("its value type is held to a pattern/enum/const, which no line break matches"
                                                                             if rejected else "any string is valid here")}  # fmt: skip
            if rejected:
                vector["path"] = key
            vectors.append(vector)
    return vectors


VECTORS = example_vectors() + line_break_vectors() + conformance_vectors()


@lru_cache(maxsize=1)
def ajv_verdicts() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "vectors.json"
        path.write_text(json.dumps({"vectors": VECTORS}), encoding="utf-8")
        proc = run_node("tests/conformance/ajv_check.mjs", str(path), str(BUNDLE))
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)["verdicts"]


def model_verdict(vector) -> tuple[bool, list]:
    # a vector is a JSON value, so the models read it as JSON text (a dict would be Python input,
    # where e.g. a bool in a number position is read as 1/0)
    try:
        EventMsg.loads(json.dumps(vector["message"]), strict=vector.get("strict", False))
    except ProtocolError as err:
        return False, [e["path"] for e in err.errors]
    return True, []


def stock_validator(strict: bool) -> Draft202012Validator:
    """The README's recipe, ``Draft202012Validator(schema("bundle"))``, as it is: no custom
    keyword or regex engine; ``format`` asserted by the stock format checker, as ajv-formats does
    on the ajv side. ``strict`` validates KnownMessage, from the same bundle (its root ``$ref``
    pointed at message.schema.json#/$defs/KnownMessage)."""
    bundle = schema("bundle")
    if strict:
        bundle["$ref"] = "message.schema.json#/$defs/KnownMessage"
    return Draft202012Validator(bundle, format_checker=Draft202012Validator.FORMAT_CHECKER)


STOCK = {False: stock_validator(False), True: stock_validator(True)}


def jsonschema_verdict(vector) -> bool:
    return STOCK[bool(vector.get("strict"))].is_valid(vector["message"])


def test_vectors_are_well_formed_and_cover_every_event_type():
    ids = [v["id"] for v in VECTORS]
    assert len(ids) == len(set(ids))
    for v in VECTORS:
        assert set(v) <= {"id", "message", "valid", "reason", "path", "strict", "unknownEventType"} and v["reason"], v["id"]
        assert v["valid"] or "path" in v, v["id"]
    event_types = {b["const"] for b in schema("event-type")["anyOf"]}
    valid_types = {v["message"]["eventType"] for v in VECTORS if v["valid"] and isinstance(v["message"], dict)}
    assert event_types <= valid_types


@pytest.mark.parametrize("vector", VECTORS, ids=[v["id"] for v in VECTORS])
def test_python_models_give_the_expected_verdict(vector):
    valid, paths = model_verdict(vector)
    assert valid == vector["valid"], (vector["reason"], paths)
    if not valid:
        assert vector["path"] in paths, paths


@pytest.mark.parametrize("vector", VECTORS, ids=[v["id"] for v in VECTORS])
def test_jsonschema_gives_the_expected_verdict(vector):
    assert jsonschema_verdict(vector) == vector["valid"], vector["reason"]


def test_ajv_gives_the_expected_verdict_on_every_vector():
    verdicts = ajv_verdicts()
    assert set(verdicts) == {v["id"] for v in VECTORS}
    wrong = {v["id"]: verdicts[v["id"]] for v in VECTORS if verdicts[v["id"]]["valid"] != v["valid"]}
    assert not wrong, wrong


def test_the_three_validators_agree():
    verdicts = ajv_verdicts()
    table = {v["id"]: (model_verdict(v)[0], jsonschema_verdict(v), verdicts[v["id"]]["valid"]) for v in VECTORS}
    assert {k: t for k, t in table.items() if len(set(t)) != 1} == {}


def test_ajv_check_can_fail(tmp_path):
    """A vector whose message the schemas reject is reported invalid by ajv: the check is live."""
    vectors = {"vectors": [{"id": "x", "message": {"eventType": "scalar", "payload": {"x": "abc", "y": 1}}, "valid": True, "reason": "wrong on purpose"}]}
    (tmp_path / "v.json").write_text(json.dumps(vectors))
    proc = run_node("tests/conformance/ajv_check.mjs", str(tmp_path / "v.json"), str(BUNDLE))
    assert json.loads(proc.stdout)["verdicts"]["x"]["valid"] is False


@lru_cache(maxsize=2)
def pydantic_schema(strict: bool) -> dict:
    from pydantic import TypeAdapter

    from neetbox_protocol import KnownMessage, Message

    return TypeAdapter(KnownMessage if strict else Message).json_schema()


@pytest.mark.parametrize("vector", VECTORS, ids=[v["id"] for v in VECTORS])
def test_pydantic_json_schema_gives_the_published_schemas_verdict(vector):
    """What pydantic says of the models (``model_json_schema()``, so FastAPI's OpenAPI) judges
    every vector as the published schemas do."""
    published = jsonschema_verdict(vector)
    stock = Draft202012Validator(pydantic_schema(bool(vector.get("strict"))), format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert stock.is_valid(vector["message"]) == published, vector["reason"]
