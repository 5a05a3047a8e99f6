"""The schemas as a product: PROTOCOL_VERSION, the schema() accessor over the installed package's
files, and the bundle (every schema in one document) validating exactly like the separate files."""

import json
import tempfile
from importlib import import_module
from pathlib import Path

import jsonschema
import neetbox_protocol
import pytest
from jsonschema_specifications import REGISTRY
from neetbox_protocol import BUNDLE, PROTOCOL_VERSION, schema, schema_names
from node import run_node
from pydantic import TypeAdapter, ValidationError
from referencing import Registry, Resource
from support import schemas, wire_vectors

import codegen
import emitters_generators
import schema_model

# the form made for code generators (emitters_generators.py): derived, like the bundle, not a file of schema/
GENERATORS = emitters_generators.FILE.removesuffix(".schema.json")


def test_protocol_version_comes_from_the_schema_and_is_semver():
    assert PROTOCOL_VERSION == schema_model.protocol_version(schemas())
    assert [int(p) for p in PROTOCOL_VERSION.split(".")] and PROTOCOL_VERSION.count(".") == 2
    assert schema("protocol")["x-protocol-version"] == PROTOCOL_VERSION
    assert schema(BUNDLE)["x-protocol-version"] == PROTOCOL_VERSION


def test_every_source_schema_is_published_unchanged():
    sources = {rel.removesuffix(".schema.json"): source for rel, source in schemas().items()}
    assert set(schema_names()) == {*sources, BUNDLE, GENERATORS}
    for name, source in sources.items():
        assert schema(name) == source, name
        assert schema(name + ".schema.json") == schema(name)


def test_schema_returns_a_new_dict_each_time():
    first = schema("message")
    first["title"] = "changed"
    assert schema("message")["title"] == "Message"


def test_unknown_schema_name_lists_the_known_ones():
    with pytest.raises(KeyError, match="payloads/scalar"):
        schema("scalars")


def test_bundle_embeds_every_schema_with_its_id():
    bundle = schema(BUNDLE)
    jsonschema.Draft202012Validator.check_schema(bundle)
    ids = {d["$id"] for d in bundle["$defs"].values()}
    assert ids == {schema(n)["$id"] for n in schema_names() if n not in (BUNDLE, GENERATORS)}
    assert all("$schema" not in d for d in bundle["$defs"].values())


@pytest.mark.parametrize(
    "doc,valid",
    [
        ({"eventType": "scalar", "payload": {"x": 1, "y": 2}}, True),
        ({"eventType": "scalar", "payload": {"x": "abc", "y": 2}}, False),
        ({"eventType": "log", "projectId": "../etc"}, False),
        ({"eventType": "future", "payload": [1]}, True),
        ({"projectId": "p"}, False),
    ],
)
def test_bundle_validates_like_the_separate_files(doc, valid):
    alone = jsonschema.Draft202012Validator(schema(BUNDLE))
    files = Registry().with_resources(
        (schema(n)["$id"], Resource.from_contents(schema(n))) for n in schema_names() if n != BUNDLE
    )
    separate = jsonschema.Draft202012Validator(schema("protocol"), registry=files)
    assert alone.is_valid(doc) == separate.is_valid(doc) == valid


def test_bundle_accepts_every_wire_vector():
    validator = jsonschema.Draft202012Validator(schema(BUNDLE))
    for vector in wire_vectors():
        frame = json.loads(vector["frame"])
        assert validator.is_valid(frame), (vector.get("id"), list(validator.iter_errors(frame))[:1])


def test_schema_files_ship_inside_the_package():
    from importlib import resources

    root = resources.files(neetbox_protocol) / "schemas"
    assert (root / "bundle.schema.json").is_file()
    assert (root / "payloads" / "scalar.schema.json").is_file()


# ------------------------------------------------------------- what every validator reads the same

# Keys the published schemas may carry besides JSON Schema 2020-12's own: documentation of the
# protocol that any reader understands, in no language's terms. A generator's settings (the
# Python runtime type of a value type, a default factory, ...) are codegen's configuration
# (codegen.PYTHON_TYPES, emitters.DEFAULT_FACTORIES), never published.
DOCUMENTATION_KEYS = {
    "x-protocol-version",  # the protocol's version (protocol.schema.json and the bundle)
    "x-channels",  # the websockets and the HTTP upload (protocol.schema.json)
    "x-directions",  # who sends an event type on which channel, with an example frame
    "x-endpoints",  # the HTTP read routes and their bodies (http.schema.json)
    "x-enum-varnames", "x-enum-descriptions",  # the names and meanings of enum members
    "x-same-as",  # a constant defined by another one of the same value
    "x-peers",  # the identity types that are peers (the rest are routing targets), and their names
}  # fmt: skip
# keywords whose value is a subschema, a list of subschemas, or a map of names to subschemas
ONE_SCHEMA = {"items", "contains", "additionalProperties", "propertyNames", "if", "then", "else", "not",
              "unevaluatedItems", "unevaluatedProperties", "contentSchema"}  # fmt: skip
SCHEMA_LIST = {"prefixItems", "allOf", "anyOf", "oneOf"}
SCHEMA_MAP = {"properties", "patternProperties", "$defs", "dependentSchemas"}


def keywords_2020_12() -> set[str]:
    """Every keyword of the 2020-12 vocabularies, read from their metaschemas."""
    metas = [REGISTRY.contents(uri) for uri in REGISTRY if uri.startswith("https://json-schema.org/draft/2020-12/meta/")]
    return {k for meta in metas for k in meta.get("properties", {})} | {"$schema", "$id"}


def subschemas(node, pointer=""):
    """(JSON pointer, subschema) of a schema and of every schema inside it (not of data: const,
    enum, examples, default and the x-* annotations hold JSON values, not schemas)."""
    if not isinstance(node, dict):
        return
    yield pointer, node
    for key, value in node.items():
        if key in ONE_SCHEMA:
            yield from subschemas(value, f"{pointer}/{key}")
        elif key in SCHEMA_LIST:
            for i, sub in enumerate(value):
                yield from subschemas(sub, f"{pointer}/{key}/{i}")
        elif key in SCHEMA_MAP:
            for name, sub in value.items():
                yield from subschemas(sub, f"{pointer}/{key}/{name}")


def published_files() -> dict:
    """Every JSON document of the published artifacts: the package's schemas (the bundle too),
    the AsyncAPI and OpenAPI documents."""
    generated = Path(codegen.OUT_DIR)
    files = {name: schema(name) for name in schema_names()}
    files.update({p.name: json.loads(p.read_text()) for p in (generated / "asyncapi.json", generated / "openapi.json")})
    return files


def test_published_schemas_use_only_2020_12_keywords_and_documentation():
    """So a stock validator reads all of them (ajv with no added keyword: tests/conformance/ajv_check.mjs)."""
    allowed = keywords_2020_12() | DOCUMENTATION_KEYS
    assert {"pattern", "not", "$dynamicRef", "unevaluatedProperties", "examples"} <= allowed
    unknown = {f"{name}#{ptr}/{key}" for name in schema_names() for ptr, node in subschemas(schema(name)) for key in node if key not in allowed}
    # and OpenAPI's discriminator, in the form made for generators only (an annotation to a validator)
    assert unknown == {f"{GENERATORS}#/$defs/TypedEvent/discriminator"}


def test_no_generator_setting_is_published():
    """No Python-only (or other codegen-only) annotation in any published document or in the npm
    package: x-python-import naming neetbox_protocol._runtime, x-default-factory, ..."""
    generated = Path(codegen.OUT_DIR)
    texts = {name: json.dumps(doc) for name, doc in published_files().items()}
    texts.update({p.name: p.read_text() for p in (generated / "typescript").iterdir()})
    for name, text in texts.items():
        for needle in ("x-python", "x-default-factory", "_runtime", "x-ts-"):
            assert needle not in text, (name, needle)


def pattern_nodes() -> list[tuple[str, str, dict]]:
    """(schema name, pointer, subschema) of every subschema with a `pattern` in the published
    schemas (but a `not` one: its parent's verdict is compared)."""
    return [(name, ptr, node) for name in schema_names() if name not in (BUNDLE, GENERATORS)  # copies of these
            for ptr, node in subschemas(schema(name)) if "pattern" in node and not ptr.endswith("/not")]  # fmt: skip


# Values beside the examples, with the verdict every validator must give: the edges of the rules
# a value type states besides its pattern (a `not` under allOf, a length bound, ...)
EXTRA_PROBES = {
    "common#/$defs/Identifier": {
        # Windows device names, in any case, alone or with an extension (schema: allOf/1/not)
        "CON": False, "con": False, "cOn.txt": False, "PRN": False, "aux.tar.gz": False, "NuL": False,
        "COM0": False, "com9.projectdb": False, "LPT0": False, "lpt9.x": False,
        # names that only start or end like one
        "COM10": True, "CONSOLE": True, "console.log": True, "con-1": True, "xcon": True, "NUL_": True, "LPT": True, "COM": True,
        # no trailing dot (Windows drops it), no leading dot
        "abc.": False, "CON.": False, "a.b": True, ".abc": False, "a..b": True, "_": True, "a" * 128: True, "a" * 129: False,
    },
    "common#/$defs/EventTypeName": {
        "scalar": True, "_x": True, "a0": True, "some_later_type": True, "a" * 63: True, "a" * 64: False,
        "Scalar": False, "SCALAR": False, "0a": False, "1": False, "a-b": False, "-a": False, "a.b": False,
        "a b": False, "a;": False, "a'": False, 'a"': False, "a(": False, "\u00e9t\u00e9": False,
    },
}  # fmt: skip


def probes(node: dict, extra: dict | None = None) -> list[str]:
    """Strings around a pattern's examples (and its EXTRA_PROBES): each, and with a line break
    (LF, CRLF, CR, U+2028) after, before and inside it, and the empty string."""
    out = [""]
    for example in [*node.get("examples", []), *(extra or {})]:
        for brk in ("\n", "\r\n", "\r", "\u2028"):
            out += [example, example + brk, brk + example, example[:1] + brk + example[1:], example + brk + brk]
    return list(dict.fromkeys(out))


def ajv_verdicts(checks: list[dict]) -> list[bool]:
    """A stock Ajv2020 (as tests/conformance/ajv_check.mjs sets it up) on [{schema, value}]."""
    code = """
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
const ajv = new Ajv2020({ strict: true, strictSchema: false, strictTypes: false, unicodeRegExp: true });
addFormats(ajv);
const checks = JSON.parse(readFileSync(process.argv[1], "utf8"));
process.stdout.write(JSON.stringify(checks.map((c) => ajv.validate(c.schema, c.value))));
"""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "checks.json"
        path.write_text(json.dumps(checks))
        proc = run_node("--input-type=module", "-e", code, str(path))
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_patterns_mean_the_same_to_python_re_ecma_262_and_rust_regex():
    """Every value type with a pattern gives one verdict on its examples and on line-broken
    variants of them, from the stock jsonschema validator (Python's ``re.search``), ajv
    (ECMA-262, ``u`` flag) and the generated model of that type (pydantic-core's Rust ``regex``);
    each example is valid, and none with a line break is."""
    cases = []
    for name, ptr, node in pattern_nodes():
        assert node.get("examples"), f"{name}#{ptr}: give the pattern `examples` (the probes are built from them)"
        # the model of the type: generated, or the runtime's type of that name where codegen.PYTHON_TYPES maps it there
        target = codegen.PYTHON_TYPES.get(f"{name}.schema.json#{ptr}", f"{codegen.python_module(name + '.schema.json')}.{node['title']}")
        module = import_module(f"neetbox_protocol.{target.rsplit('.', 1)[0]}")
        model = TypeAdapter(getattr(module, node["title"]))  # a pattern without a model type fails here: give it a title
        extra = EXTRA_PROBES.get(f"{name}#{ptr}", {})

        def rust(value, model=model):
            try:
                model.validate_python(value)
                return True
            except ValidationError:
                return False

        stock = jsonschema.Draft202012Validator(node, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        for value in probes(node, extra):
            expected = extra[value] if value in extra else value in node.get("examples", []) or (False if any(c in value for c in "\n\r\u2028") else None)
            cases.append({"where": f"{name}#{ptr}", "value": value, "schema": node, "python": stock.is_valid(value), "rust": rust(value),
                          "expected": expected})  # fmt: skip
    assert {c["where"] for c in cases} >= {"common#/$defs/Identifier", "common#/$defs/Timestamp", *EXTRA_PROBES}
    for case, ecma in zip(cases, ajv_verdicts([{"schema": c["schema"], "value": c["value"]} for c in cases])):
        verdicts = {"python re": case["python"], "ECMA-262 (ajv)": ecma, "Rust regex (pydantic)": case["rust"]}
        assert len(set(verdicts.values())) == 1, (case["where"], case["value"], verdicts)
        assert case["expected"] in (None, ecma), (case["where"], case["value"], verdicts)


def _kind_validators() -> tuple[jsonschema.Draft202012Validator, jsonschema.Draft202012Validator, dict]:
    doc = schema(GENERATORS)
    root = lambda ref: jsonschema.Draft202012Validator({**doc, "oneOf": [{"$ref": ref}]}, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    kinds = {name: root(f"#/$defs/{name}") for name in emitters_generators.kind_names(doc)}
    return jsonschema.Draft202012Validator(doc, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER), root("#/$defs/KnownMessage"), kinds


def _kinds_taking(kinds: dict, frame: dict) -> list[str]:
    """The kinds that take a frame (only those whose eventType const or enum allows its event type
    are tried, and the unknown event type: the others reject it on eventType alone)."""
    doc, event_type = schema(GENERATORS), frame.get("eventType")
    def may(name: str) -> bool:
        prop = doc["$defs"][name]["properties"]["eventType"]
        return prop.get("const", event_type) == event_type and event_type in prop.get("enum", [event_type])
    return [k for k, v in kinds.items() if may(k) and v.is_valid(frame)]


def test_generators_form_is_for_generators():
    """Only local refs, no $ref with sibling keywords, no if/then/else; every kind has its eventType
    as a const (an enum for the generic reply, a `not` for the unknown event type)."""
    doc = schema(GENERATORS)
    jsonschema.Draft202012Validator.check_schema(doc)
    for ptr, node in subschemas(doc):
        assert not {"if", "then", "else", "$dynamicRef"} & set(node), ptr
        if "$ref" in node:
            assert list(node) == ["$ref"] and node["$ref"].startswith("#/$defs/"), ptr
            assert node["$ref"].removeprefix("#/$defs/") in doc["$defs"], ptr
    kinds = emitters_generators.kind_names(doc)
    events = {e["event_type"] for e in schema_model.known_events(schemas())}
    consts = {doc["$defs"][k]["properties"]["eventType"].get("const") for k in kinds}
    assert consts - {None} == events
    assert {"HandshakeRequestEvent", "HandshakeResultEvent", "HandshakeErrorEvent", "ActionRequestEvent", "ActionResultEvent",
            "ActionErrorEvent", "StatusPlatformEvent", "StatusConfigEvent", "StatusActionEvent", "ServerResultReply", "ServerErrorReply",
            "UnknownEvent"} <= set(kinds)  # fmt: skip
    mapping = doc["$defs"]["TypedEvent"]["discriminator"]["mapping"]
    assert set(mapping) == events and len(set(mapping.values())) == len(events)


def test_generators_form_gives_the_bundles_verdict_and_one_kind():
    """Stock jsonschema and a stock Ajv2020 give the same verdict on generators.schema.json as on
    the bundle for every conformance vector (tests/test_conformance.py), and exactly one kind
    takes each valid vector and each wire frame (bare NaN/Infinity tokens quoted first)."""
    from test_conformance import VECTORS, ajv_verdicts

    message, known, kinds = _kind_validators()
    for v in VECTORS:
        valid = (known if v.get("strict") else message).is_valid(v["message"])
        assert valid == v["valid"], v["id"]
        if valid:
            assert len(_kinds_taking(kinds, v["message"])) == 1, v["id"]
    for w in wire_vectors():
        frame = json.loads(emitters_generators.quote_bare_tokens(w["frame"]))
        assert message.is_valid(frame), w["seq"]
        assert len(_kinds_taking(kinds, frame)) == 1, w["seq"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "vectors.json"
        path.write_text(json.dumps({"vectors": VECTORS}), encoding="utf-8")
        published = Path(neetbox_protocol.__file__).parent / "schemas" / emitters_generators.FILE
        proc = run_node("tests/conformance/ajv_check.mjs", str(path), str(published), schema(GENERATORS)["$id"] + "#/$defs/KnownMessage")
    assert proc.returncode == 0, proc.stderr
    verdicts = json.loads(proc.stdout)["verdicts"]
    assert {k: v["valid"] for k, v in verdicts.items()} == {k: v["valid"] for k, v in ajv_verdicts().items()}
    assert {k: v["valid"] for k, v in verdicts.items()} == {v["id"]: v["valid"] for v in VECTORS}


def test_generators_form_channel_variants_take_what_the_shape_takes():
    """A payload split into channel variants (emitters_ts.VIEW's variants: the hardware sample
    with `gpus` on /ws/project/, without on /ws/server/): on every example frame of an event with
    that payload, and on each with a variant property removed, added or given a value of a wrong
    type, the generator form gives the bundle's verdict, and a valid frame is taken by one kind,
    the one whose payload requires the properties the frame has (its channel's variant when the
    frame is its example)."""
    from emitters_ts import VIEW

    message, _, kinds = _kind_validators()
    bundle = jsonschema.Draft202012Validator(schema(BUNDLE), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    doc, checked = schema(GENERATORS), 0
    for where, per_channel in VIEW["variants"].items():
        props = {p for patch in per_channel.values() for p in patch.get("require", []) + patch.get("drop", [])}
        title = where.rsplit("/", 1)[-1]  # the payload definition split
        for event in schema_model.known_events(schemas()):
            payload = schemas()[event["payload_rel"]]
            if [b.get("$ref", "").rsplit("/", 1)[-1] for b in payload.get("anyOf", [])] != [title]:
                continue
            for d in event["directions"]:
                frame = d["example"]
                variants = [frame]
                for prop in props:
                    without = json.loads(json.dumps(frame))
                    without["payload"].pop(prop, None)
                    wrong = json.loads(json.dumps(frame))
                    wrong["payload"][prop] = "not a list"
                    variants += [without, wrong]
                    if prop not in frame["payload"]:
                        added = json.loads(json.dumps(frame))
                        added["payload"][prop] = []
                        variants.append(added)
                for i, f in enumerate(variants):
                    valid = bundle.is_valid(f)
                    assert message.is_valid(f) == valid, (event["event_type"], d["channel"], i)
                    if not valid:
                        continue
                    (taken,) = _kinds_taking(kinds, f)
                    payload_def = doc["$defs"][doc["$defs"][taken]["properties"]["payload"]["$ref"].rsplit("/", 1)[-1]]
                    assert props & set(f["payload"]) <= set(payload_def["required"]), (taken, i)
                    assert props & set(payload_def["properties"]) <= set(f["payload"]), (taken, i)
                    if i == 0:
                        assert taken == f"{event['title'].removesuffix('Event')}{d['channel'].capitalize()}Event", (taken, d["channel"])
                    checked += 1
    assert checked >= 6


def test_generators_form_states_its_exclusions_as_patterns_too():
    """The patterns that restate a `not` (an unknown event type's name, an Identifier that is no
    Windows device name, a status series other than the shaped ones) give the bundle's verdict on
    the excluded words, their prefixes, extensions and case variants, and random strings."""
    import random
    import re

    doc, bundle = schema(GENERATORS), schema(BUNDLE)
    rng = random.Random(22)

    def value_type(document: dict, pointer: str) -> jsonschema.Draft202012Validator:
        root = {k: v for k, v in document.items() if k not in ("oneOf", "anyOf")}  # the value type alone
        return jsonschema.Draft202012Validator({**root, "$ref": pointer})

    known = sorted(schema_model.event_types(schemas()))
    base = bundle["$defs"]["common.schema.json"]["$id"]
    new = value_type(doc, "#/$defs/UnknownEvent/properties/eventType")
    name_rule = value_type(bundle, f"{base}#/$defs/EventTypeName")
    names = {*known, *(w[:i] for w in known for i in range(len(w) + 1)), *(w + s for w in known for s in ("s", "_", "0")),
             *("".join(rng.choice("logactinmerhsv_0-A.") for _ in range(rng.randint(0, 9))) for _ in range(300))}  # fmt: skip
    for name in sorted(names):
        assert new.is_valid(name) == (name_rule.is_valid(name) and name not in known), name
    devices = ["CON", "con", "Prn", "aux", "NUL", "com0", "COM9", "lpt5", "Lpt9"]
    ids = {*devices, *(d + e for d in devices for e in (".txt", ".", "x", "-", "1", ".a.b", "\n")), *(d[:i] for d in devices for i in range(1, 4)),
           *("".join(rng.choice("cCoOnNmM1.-_x") for _ in range(rng.randint(1, 7))) for _ in range(300))}  # fmt: skip
    new, old = value_type(doc, "#/$defs/Identifier"), value_type(bundle, f"{base}#/$defs/Identifier")
    for value in sorted(ids):
        assert new.is_valid(value) == old.is_valid(value), value
    series = value_type(doc, "#/$defs/StatusOtherPlatformInfoEvent/properties/series")
    shaped = {"platform", "config", "action"}
    for value in ["", "platform", "config", "action", "platforms", "conf", "actio", "action\n", "x", "платформа", None]:
        assert series.is_valid(value) == (value not in shaped), value
    # the restated rule is a plain pattern: Rust's regex (pydantic) reads it without look-around
    pattern = doc["$defs"]["Identifier"]["pattern"]
    assert "(?=" not in pattern and "(?!" not in pattern and re.fullmatch(pattern, "CON.txt") is None
