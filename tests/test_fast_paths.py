"""The runtime's fast paths (see docs/performance.md) give exactly what the
plain pydantic paths they replace give:

* a payload union of object shapes validated left to right (where ``_first_fit_is_best`` allows
  it) keeps the shape pydantic's default smart mode keeps: same value, same key order, same errors;
* ``Integer``/``Int64`` read from JSON text (pydantic-core alone) == read from Python objects
  (the before-validator and pydantic's bounds);
* a ``Number`` (smart mode, float first) == the union it replaces (left to right, int first): same
  value, same type (an integer stays an int), same error, from JSON text and from Python values;
* ``dumps()``/``.json`` (one serializer over ``__dict__``) == the model's own serializer;
* a payload whose shape the envelope's series selects (status: ``series_choice``) == the union of
  every shape, where the union's verdict is the schema's (a series the table does not name), and
  where it is not (a named series): accepted iff the selected shape alone accepts, same value;
* a string type's ``not`` rules (``Identifier``: no Windows device name) with their Rust regex fast
  path == the Python check alone: same verdict, same error.
"""

import enum
import json
import math

import numpy

import pydantic_core
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from strategies import EVENT_TYPES, messages
from support import same, wire_vectors

import schema_model
from neetbox_protocol import EVENT_CLASSES, EventMsg, ProtocolError, _annotations, _strings, _values, registry
from neetbox_protocol._registry import Registry

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


def _model_schema(cls) -> dict:
    """The class's model schema; for a payload chosen by series (``series_choice``), the choice
    for any other series: the payload's union of every shape."""
    schema = cls.__pydantic_core_schema__
    if schema["type"] == "definitions":
        schema = schema["schema"]
    while schema["type"] == "function-after":  # the envelope's size gate
        schema = schema["schema"]
    if schema["type"] == "tagged-union":
        schema = schema["choices"][registry.SERIES_SHAPES[cls.model_fields["event_type"].default].any_series]
    return schema


def _left_to_right(cls) -> bool:
    """Whether the payload (a union of shapes) is validated left to right."""
    schema = _model_schema(cls)["schema"]["fields"]["payload"]["schema"]
    while schema["type"] in ("default", "nullable"):
        schema = schema["schema"]
    return schema["type"] == "union" and schema.get("mode") == "left_to_right"


FAST_UNION_TYPES = [t for t, cls in EVENT_CLASSES.items() if _left_to_right(cls)]

WEIRD = [0, 1, 3.0, 3.5, -0.0, 1e300, 2**63, 2**64, True, None, "3", "NaN", "nan", "x", [], {}, {"a": 1}, [1.5]]
COLLISIONS = [  # payloads that fit several shapes of one union, or none
    {"x": "NaN", "y": 1, "result": 1, "reason": "r"}, {"x": 1.0, "y": "-Infinity", "error": "e", "reason": "r"},
    {"whom": "w", "message": "m", "error": 1, "reason": "r"}, {"result": 200.0, "error": 404}, {"result": 2.5, "error": "x"},
    {"name": "a", "step": 3.0, "current": "c", "total": 2.0, "rate": "NaN", "result": 1, "reason": "r", "error": 2},
    {"name": "n", "projectId": "p", "result": 3.0, "reason": "r"}, {"result": {"description": None, "args": {}, "blocking": True}},
    {"username": "u", "machine": "m", "processor": "p", "os_name": "o", "os_release": "r", "python_version": "3",
     "python_build": ["a"], "name": "n", "projectId": "p", "version": "v", "runId": "r", "extension": {}, "client": {}},
    {"a": {"description": None, "args": {}, "blocking": True}, "result": 2}, {}, {"error": None}, {"result": 1, "reason": 2},
    {"cpus": [{"id": 1.0, "percentage": "NaN", "frequency": ["Infinity"]}], "cpustat": {"ctxSwitches": 1.0, "interrupts": 2,
     "softInterrupts": 3, "syscalls": 4}, "ram": {"total": 1, "available": 1, "used": 1, "free": "NaN"}, "result": 1, "reason": "x"},
]  # fmt: skip


@pytest.fixture(scope="module")
def smart_twins():
    """Each event class with its payload re-derived as pydantic's smart union (no declared mode)."""
    twins = {}
    for event_type in FAST_UNION_TYPES:
        cls = EVENT_CLASSES[event_type]
        # the payload's plain type without its declared union mode (pydantic keeps it in the field's metadata)
        namespace = {"__annotations__": {"payload": cls.model_fields["payload"].annotation}, "__module__": __name__}
        if not cls.model_fields["payload"].is_required():
            namespace["payload"] = cls.model_fields["payload"].default
        twins[event_type] = type(f"Smart{cls.__name__}", (cls,), namespace)
    return twins


def outcome(cls, data):
    try:
        m = cls.model_validate(data)
    except ValidationError as exc:
        return ("error", [(e["loc"], e["type"], e["msg"]) for e in exc.errors(include_url=False)])
    return ("ok", list(m.payload) if isinstance(m.payload, dict) else None, m.payload)


def assert_same_outcome(fast, smart):
    assert fast[0] == smart[0], (fast, smart)
    if fast[0] == "error":
        assert fast[1] == smart[1]
    else:
        assert fast[1] == smart[1]  # key order
        assert same(fast[2], smart[2])


def test_the_declared_union_modes_are_the_validators():
    """codegen.py's PAYLOAD_UNION_MODES, as the generated registry holds them, is what the generated classes validate with."""
    import codegen

    declared = {e["event_type"] for e in codegen.event_specs(codegen.load_schemas()) if e["union_mode"] == "left_to_right"}
    assert declared == set(FAST_UNION_TYPES) and declared
    assert {t for t, mode in registry.PAYLOAD_UNION_MODES.items() if mode == "left_to_right"} == declared


@pytest.mark.parametrize("payload", COLLISIONS + [{"x": w, "y": w, "result": w} for w in WEIRD])
@pytest.mark.parametrize("event_type", FAST_UNION_TYPES)
def test_left_to_right_picks_what_smart_mode_picks_on_collisions(smart_twins, event_type, payload):
    for data in ({"eventType": event_type, "payload": payload}, json.dumps({"eventType": event_type, "payload": payload})):
        validate = (lambda c, d: outcome(c, d)) if isinstance(data, dict) else (lambda c, d: outcome_json(c, d))
        assert_same_outcome(validate(EVENT_CLASSES[event_type], data), validate(smart_twins[event_type], data))


def outcome_json(cls, text):
    try:
        m = cls.model_validate_json(text)
    except ValidationError as exc:
        return ("error", [(e["loc"], e["type"], e["msg"]) for e in exc.errors(include_url=False)])
    return ("ok", list(m.payload) if isinstance(m.payload, dict) else None, m.payload)


@SETTINGS
@given(data=st.data())
def test_left_to_right_picks_what_smart_mode_picks_on_generated_payloads(smart_twins, data):
    event_type = data.draw(st.sampled_from(FAST_UNION_TYPES))
    d = data.draw(messages(event_type))
    if isinstance(d.get("payload"), dict) and d["payload"] and data.draw(st.booleans()):
        # add or replace a key with a value of another kind, or a reply key
        key = data.draw(st.sampled_from(sorted(d["payload"]) + ["result", "error", "reason"]))
        d["payload"][key] = data.draw(st.sampled_from(WEIRD))
    text = json.dumps(d)
    assert_same_outcome(outcome_json(EVENT_CLASSES[event_type], text), outcome_json(smart_twins[event_type], text))
    assert_same_outcome(outcome(EVENT_CLASSES[event_type], d), outcome(smart_twins[event_type], d))


INTEGERS = [0, -1, 7, 3.0, -0.0, 3.5, 1e300, -1e300, 2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64, 9.223372036854776e18,
            True, False, None, "3", "x", [], {}, float("nan"), float("inf")]  # fmt: skip


@pytest.mark.parametrize("value", INTEGERS, ids=repr)
@pytest.mark.parametrize("where", ["eventId", "historyLen", "id", "payload.step", "payload.total", "payload.result"])
def test_integers_from_json_text_equal_integers_from_python(where, value):
    if where.startswith("payload."):
        key = where.split(".")[1]
        event_type, payload = ("handshake", {}) if key == "result" else (
            "progress", {"name": "n", "step": 1, "current": "c", "total": 2, "rate": 1.0})
        d = {"eventType": event_type, "payload": {**payload, key: value}}
    else:
        d = {"eventType": "scalar", "payload": {"x": 1, "y": 2}, where: value}
    d["timestamp"] = "2026-11-24T06:00:00.000000"
    from_text, from_python = result(lambda: EventMsg.loads(json.dumps(d))), result(lambda: EventMsg.loads(d))
    if type(value) is bool:  # JSON's true is not a number; Python's True is the int 1 (README, Encoding)
        assert from_text[0] == "error" and from_python[0] == "ok"
        assert pick(from_python[1], where) == int(value) and type(pick(from_python[1], where)) is int
        return
    assert from_text[0] == from_python[0], (from_text, from_python)
    if from_text[0] == "error":
        assert from_text[1] == from_python[1]
    else:
        assert same(from_text[1], from_python[1])
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63 and from_text[0] == "ok":
        assert type(pick(from_text[1], where)) is int  # 3.0 is read as the integer 3


def result(fn):
    try:
        return ("ok", fn().model_dump(by_alias=True))
    except ProtocolError as err:
        return ("error", err.errors)


def pick(dumped, where):
    node = dumped
    for part in where.split("."):
        node = node[part]
    return node


def test_nan_is_not_an_integer():
    with pytest.raises(ProtocolError, match="eventId: Input should be a valid integer"):
        EventMsg.loads('{"eventType": "scalar", "payload": {"x": 1, "y": 2}, "eventId": NaN}')
    m = EventMsg.loads('{"eventType": "scalar", "payload": {"x": 1, "y": NaN}}')
    assert m.payload["y"] == "NaN" and math.isnan(m.typed_payload.y)


def _int_first(plain_data: bool):
    """The ``Number`` check ``_NumberSchema`` replaced: the same branches, left to right, int first."""
    cs = pydantic_core.core_schema
    tokens = cs.literal_schema(list(_values.TOKEN_TEXTS))
    if plain_data:
        branches = [cs.int_schema(strict=True), cs.float_schema(strict=True, allow_inf_nan=False), tokens,
                    cs.chain_schema([cs.float_schema(strict=True), cs.no_info_plain_validator_function(_annotations._non_finite_token)])]
    else:
        branches = [cs.int_schema(strict=True), cs.float_schema(strict=True),
                    cs.chain_schema([tokens, cs.no_info_plain_validator_function(float)])]
    union = cs.union_schema(branches, mode="left_to_right", custom_error_type="number_type",
                            custom_error_message=_annotations.NUMBER_ERROR)
    schema = cs.json_or_python_schema(json_schema=union, python_schema=cs.with_info_before_validator_function(_annotations._bool_to_int, union))
    return pydantic_core.SchemaValidator(cs.list_schema(schema))


def _number_outcome(validate, data):
    try:
        out = validate(data)
    except ValidationError as exc:
        return ["error", [[list(e["loc"]), e["type"], e["msg"]] for e in exc.errors(include_url=False)]]
    return ["ok", [[type(v).__name__, v] for v in out]]  # lists: ``same`` compares NaN, -0.0 and types


NUMBERS_TEXT = ["0", "-0", "7", "-7", "3.0", "-0.0", "0.5", "1e5", "1E-5", "2.5e300", "1e400", "-1e400", "5e-324", "1e-400",
                "9007199254740993", "9223372036854775807", "9223372036854775808", "18446744073709551616",
                "-18446744073709551617", "1" * 300, "123456789012345678901234567890.5", "NaN", "Infinity", "-Infinity",
                '"NaN"', '"Infinity"', '"-Infinity"', '"nan"', '"3"', "true", "false", "null", "[]", "{}", '"x"']  # fmt: skip
NUMBERS_PYTHON = [0, -1, 7, 2**53 + 1, 2**63, 2**64, -(2**70), 10**300, 3.0, -0.0, 0.5, 1e300, 5e-324, float("nan"), float("inf"),
                  float("-inf"), True, False, None, "NaN", "Infinity", "-Infinity", "nan", "3", [], {},
                  enum.IntEnum("Level", "A B")(2), type("Ratio", (float,), {})(0.5), numpy.float64(1.5), numpy.float64("nan"),
                  numpy.int64(3), numpy.float32(2.5), numpy.bool_(True)]  # fmt: skip


@pytest.mark.parametrize("plain_data", [True, False], ids=["plain", "typed"])
def test_number_float_first_equals_int_first(plain_data):
    new = pydantic_core.SchemaValidator(pydantic_core.core_schema.list_schema(
        _annotations._NumberSchema(plain_data).__get_pydantic_core_schema__(object, None)))  # fmt: skip
    old = _int_first(plain_data)
    for text in NUMBERS_TEXT:
        for validate in (lambda v, d: v.validate_json(d), lambda v, d: v.validate_python(pydantic_core.from_json(d, allow_inf_nan=True))):
            data = f"[{text}]"
            assert same(_number_outcome(lambda d: validate(new, d), data), _number_outcome(lambda d: validate(old, d), data)), text
    for value in NUMBERS_PYTHON:
        assert same(_number_outcome(new.validate_python, [value]), _number_outcome(old.validate_python, [value])), value


@SETTINGS
@given(st.lists(st.one_of(st.integers(), st.floats(), st.sampled_from(["NaN", "Infinity", "-Infinity", "x"]), st.booleans()), max_size=8))
def test_number_float_first_equals_int_first_on_generated_values(values):
    for plain_data in (True, False):
        new = pydantic_core.SchemaValidator(pydantic_core.core_schema.list_schema(
            _annotations._NumberSchema(plain_data).__get_pydantic_core_schema__(object, None)))  # fmt: skip
        old = _int_first(plain_data)
        text = json.dumps(values)  # bare NaN/Infinity tokens for non-finite floats, as neetbox 0.6.0 writes them
        assert same(_number_outcome(new.validate_json, text), _number_outcome(old.validate_json, text)), text
        assert same(_number_outcome(new.validate_python, values), _number_outcome(old.validate_python, values)), values


def model_serializer_json(m) -> bytes:
    return type(m).__pydantic_serializer__.to_json(m, by_alias=True)


@pytest.mark.parametrize("vec", wire_vectors(), ids=lambda v: f"{v['seq']}-{v['eventType']}")
def test_dumps_equals_the_model_serializer_on_wire_frames(vec):
    m = EventMsg.loads(vec["frame"])
    assert m.dumps().encode() == model_serializer_json(m)
    assert same(m.json, pydantic_core.from_json(model_serializer_json(m)))


@SETTINGS
@given(data=st.data())
def test_dumps_equals_the_model_serializer_on_generated_messages(data):
    d = data.draw(messages(data.draw(st.sampled_from(EVENT_TYPES))))
    if data.draw(st.booleans()):
        d["someNewKey"] = data.draw(st.sampled_from(WEIRD))  # unknown keys take the model's serializer
    m = EventMsg.loads(d)
    assert m.dumps().encode() == model_serializer_json(m)
    assert list(m.json) == list(pydantic_core.from_json(model_serializer_json(m)))
    m.identity_type = "web"  # after assignment too
    m.payload = m.json["payload"]
    assert m.dumps().encode() == model_serializer_json(m)


IDS = ["CON", "con", "Con.txt", "nul.tar.gz", "COM0", "com9.x", "LPT1", "lpt5.", "COM", "LPT", "CONX", "CON_", "ACON",
       "aux1", "PRN.", "NUL.projectdb", "a", "ab", "abc", "abcd", "abcde", "a.b", "c.on", "cx.txt", "console.log",
       "013425f7-1058-4061-9b92-68c2ac46ef34", "c0m1", "lpt10", "nulx.y", "x" * 128, ".", "a\n", "\n", "",
       "abc\n", "ab\nc", "\nabc", "013425f7-1058-4061-9b92-68c2ac46ef34\n", "scalar\n", "a_b\r\n", "x\u2028"]


def _verdict(fn, value):
    try:
        return ("ok", fn(value))
    except (ValidationError, pydantic_core.PydanticCustomError) as exc:
        err = exc.errors()[0] if isinstance(exc, ValidationError) else {"type": exc.type, "msg": exc.message()}
        return ("error", err["type"], err["msg"])


SCHEMA_STRINGS = [registry.IDENTIFIER, registry.EVENT_TYPE_NAME]  # the string types built by _strings.SchemaString


def _published_rules(rule) -> tuple:
    """Every ``not`` rule of the type as the published schema states it (its own, then ``allOf``'s)."""
    node = schema_model.load()["common.schema.json"]["$defs"][rule.name]
    rules = [n for n in (node, *node.get("allOf", ())) if "pattern" in n.get("not", {})]
    return node, tuple((n["not"]["pattern"], n) for n in rules)


@pytest.mark.parametrize("rule", SCHEMA_STRINGS, ids=lambda r: r.name)
def test_the_registry_holds_the_published_string_rules(rule):
    """codegen wrote each rule of the schema into the registry, less a line-break rule the pattern implies."""
    node, published = _published_rules(rule)
    assert (rule.pattern, rule.min_length, rule.max_length) == (node.get("pattern"), node.get("minLength"), node.get("maxLength"))
    kept = [p for p, _ in published if not (p == schema_model.LINE_BREAK and rule.line_break_implied)]
    assert [p for p, _ in rule.excluded] == kept
    assert rule.line_break_implied == schema_model.line_break_implied(node)


@pytest.mark.parametrize("rule", SCHEMA_STRINGS, ids=lambda r: r.name)
@given(data=st.one_of(st.sampled_from(IDS), st.text(alphabet="CcOoNnPpRrAaUuXxLlTtMm0159._-", max_size=8), st.text(max_size=8)))
@SETTINGS
def test_not_rules_fast_path_equals_the_python_check(rule, data):
    """The validator (Rust regex first, Python only where it does not match) against the
    constrained string then the Python check of every ``not`` rule the schema states (the
    line-break rule too, where the registry left it out as implied)."""
    core = pydantic_core.core_schema
    constrained = core.str_schema(strict=True, min_length=rule.min_length, max_length=rule.max_length, pattern=rule.pattern)
    _, published = _published_rules(rule)
    every = tuple((p, why) for p, why in rule.excluded) + tuple((p, "") for p, _ in published if p not in dict(rule.excluded))
    assert all(p in _strings.EXCLUSION_FAST_PATHS for p, _ in rule.excluded)  # the fast path is in use
    slow = pydantic_core.SchemaValidator(core.no_info_after_validator_function(_strings.excluded_check(every), constrained))
    fast = pydantic_core.SchemaValidator(_strings.excluding(constrained, rule.excluded))
    for value in (data, data.upper(), data.lower()):
        assert _verdict(fast.validate_python, value) == _verdict(slow.validate_python, value), value
        text = json.dumps(value)
        assert _verdict(fast.validate_json, text) == _verdict(slow.validate_json, text), value


@pytest.mark.parametrize("rule", SCHEMA_STRINGS, ids=lambda r: r.name)
def test_the_line_break_rule_is_left_out_only_where_the_pattern_implies_it(rule):
    """The registry leaves ``not: {pattern: "\n"}`` out where the type's pattern refuses every
    line break (schema_model.line_break_implied, which compat.py uses too); the proof refuses the
    patterns that would let one through, and Rust regex agrees with what it accepts."""
    assert rule.line_break_implied and schema_model.line_break_implied({"pattern": rule.pattern})
    for admits in ["^[^a]*$", "^.*\\s$", "^\\s+$", "^a", "a$", "^a|b$", "^[a\n]$", "^\\W$", "^[\\s]$", "^(?m)a$"]:
        assert not schema_model.line_break_implied({"pattern": admits}), admits
    for implied in ["^[a-z_][a-z0-9_]*$", "^(a|b)$", "^[0-9]{4}\\.[0-9]$"]:
        assert schema_model.line_break_implied({"pattern": implied}), implied
        regex = pydantic_core.SchemaValidator(pydantic_core.core_schema.str_schema(pattern=implied), {"regex_engine": "rust-regex"})
        for text in ("a\n", "\na", "a\nb", "\n"):
            with pytest.raises(ValidationError):
                regex.validate_python(text)


# ----------------------------------------------------------------------------- series_choice

SERIES_TYPES = sorted(registry.SERIES_SHAPES)


def _by_series(cls) -> dict:
    return dict(registry.SERIES_SHAPES[cls.model_fields["event_type"].default].by_series)


@pytest.fixture(scope="module")
def union_twins():
    """Each event class whose series selects the payload's shape, as it was before: one model whose
    payload is the union of every shape, whatever the series."""
    plain = classmethod(lambda cls, source, handler: handler(source))
    return {t: type(f"Union{EVENT_CLASSES[t].__name__}", (EVENT_CLASSES[t],), {"__module__": __name__, "__get_pydantic_core_schema__": plain})
            for t in SERIES_TYPES}  # fmt: skip


def _payload_alone(cls, series: str):
    """The validator of the shape ``series`` selects, on its own (a TypeAdapter of its branch)."""
    import typing

    from pydantic import TypeAdapter

    union = cls.model_fields["payload"].annotation  # the plain data's union of tagged shapes
    tags = {next(m.tag for m in b.__metadata__ if hasattr(m, "tag")): b for b in typing.get_args(union)}
    return TypeAdapter(tags[_by_series(cls)[series]])


def test_the_series_table_is_the_schemas():
    """codegen reads the table from message.schema.json's allOf; the registry holds it, and the class the models of its shapes."""
    import codegen

    specs = {e["event_type"]: e["by_series"] for e in codegen.event_specs(codegen.load_schemas()) if e["by_series"]}
    assert specs == {t: _by_series(EVENT_CLASSES[t]) for t in SERIES_TYPES}
    assert all({s: m.__name__ for s, m in EVENT_CLASSES[t]._series_models.items()} == specs[t] for t in SERIES_TYPES)
    assert specs["status"] == {"platform": "PlatformInfo", "config": "WorkspaceConfig", "action": "ActionRegistry"}


def assert_series_agrees(cls, twin, d):
    series = d.get("series")
    for validate in (outcome, lambda c, x: outcome_json(c, json.dumps(x))):
        new, old = validate(cls, d), validate(twin, d)
        if not (isinstance(series, str) and series in _by_series(cls)):
            # any other series: the union of every shape, as before (errors lose nothing but the label)
            assert new[0] == old[0], (new, old)
            if new[0] == "ok":
                assert new[1] == old[1] and same(new[2], old[2])
            else:
                assert [(tuple(i for i in loc if i not in Registry.any_series_tags), t, m) for loc, t, m in new[1]] == old[1]
            continue
        try:
            alone = _payload_alone(cls, series).validate_python(d["payload"]) if "payload" in d else None
        except ValidationError:
            alone = ValidationError
        if new[0] == "ok":
            assert alone is not ValidationError and old[0] == "ok", (new, old)
            assert same(new[2], alone)
            assert new[2] == old[2]  # the union's value (another shape may order the keys otherwise)
        else:
            assert alone is ValidationError or "payload" not in d or any(loc[-1] != "payload" and "payload" not in loc for loc, _, _ in new[1]), new


class _Series(str, enum.Enum):
    PLATFORM = "platform"


def _series_cases():
    """Each series that selects a shape, with each payload of that event type in the corpus."""
    for event_type, shapes in registry.SERIES_SHAPES.items():
        payloads = [json.loads(v["frame"])["payload"] for v in wire_vectors() if v["eventType"] == event_type]
        for series in shapes.by_series:
            for i, payload in enumerate(payloads):
                yield pytest.param(event_type, series, payload, id=f"{event_type}-{series}-{i}")


@pytest.mark.parametrize("event_type, series, payload", list(_series_cases()))
def test_the_series_selects_the_shape_whatever_str_or_mapping_carries_it(event_type, series, payload):
    """A series given as a str subclass (numpy's ``str_``, a str Enum member) and a message
    given as a Mapping that is no dict select the shape their plain text does: one verdict with
    the JSON text's, and what is accepted reads back (found by an attack campaign)."""
    import collections

    text = json.dumps({"eventType": event_type, "series": series, "payload": payload})
    try:
        EventMsg.loads(text)
        expected = "ok"
    except ProtocolError:
        expected = "refused"
    doors = {
        "numpy str_": lambda: EventMsg(None, None, event_type, numpy.str_(series), payload),
        "OrderedDict": lambda: EventMsg.loads(collections.OrderedDict(eventType=event_type, series=series, payload=payload)),
        "model_validate OrderedDict": lambda: EventMsg.model_validate(collections.OrderedDict(eventType=event_type, series=series, payload=payload)),
        "assignment": lambda: _with_series(EventMsg(None, None, event_type, "another series", payload), numpy.str_(series)),
    }
    if series == "platform":
        doors["str Enum"] = lambda: EventMsg(None, None, event_type, _Series.PLATFORM, payload)
    for door, call in doors.items():
        try:
            msg = call()
        except (ProtocolError, ValidationError):
            assert expected == "refused", door
            continue
        assert expected == "ok", door
        assert EventMsg.loads(msg.dumps()).json == msg.json, door


def _with_series(msg, series):
    msg.series = series
    return msg


@pytest.mark.parametrize("vec", [v for v in wire_vectors() if v["eventType"] in SERIES_TYPES], ids=lambda v: str(v["seq"]))
def test_series_choice_agrees_with_the_union_on_the_wire_corpus(union_twins, vec):
    d = json.loads(vec["frame"])
    cls = EVENT_CLASSES[d["eventType"]]
    assert type(EventMsg.loads(vec["frame"])) is cls
    assert outcome_json(cls, vec["frame"]) == outcome_json(union_twins[d["eventType"]], vec["frame"])
    assert_series_agrees(cls, union_twins[d["eventType"]], d)


@SETTINGS
@given(data=st.data())
def test_series_choice_agrees_with_the_union_on_generated_payloads(union_twins, data):
    event_type = data.draw(st.sampled_from(SERIES_TYPES))
    cls = EVENT_CLASSES[event_type]
    d = data.draw(messages(event_type))
    d["series"] = data.draw(st.sampled_from([*_by_series(cls), None, "other", d.get("series")]))
    if isinstance(d.get("payload"), dict) and d["payload"] and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(d["payload"])))
        d["payload"][key] = data.draw(st.sampled_from(WEIRD))
    assert_series_agrees(cls, union_twins[event_type], d)
    if outcome(cls, d)[0] == "ok":
        assert type(EventMsg.loads(d)) is cls


# ----------------------------------------------------------------------------- assignment, .json

BOUNDED_VALUES = [None, 0, -1, 5, 3.0, 3.5, True, False, 2**63 - 1, 2**63, -(2**63) - 1, "3", "", "x", "a" * 129, "CON", "con.txt",
                  "ab.", "my-run_2", "5d0c8a3e-8a5e-4f1e-9a8c-2b7a4d1c9e11", "a\n", "\ud800", "é", "cli", "web", "server", "CLI",
                  "scalar", "log", "later_type", numpy.int64(7), numpy.float64(2.0), numpy.bool_(True), [], {}, enum.IntEnum("Level", "A B")(2)]  # fmt: skip


def _assigned(m, set_field):
    try:
        set_field()
    except ProtocolError as err:
        return ("error", err.errors, m.__dict__, m.model_fields_set)
    return ("ok", dict(m.__dict__), set(m.model_fields_set))


@pytest.mark.parametrize("vec", wire_vectors()[::9], ids=lambda v: f"{v['seq']}-{v['eventType']}")
def test_assignment_of_a_bounded_field_equals_validate_assignment(vec):
    """``m.<field> = value`` of a field whose value has a bounded size (its own validator, the
    size checked only where the message has no room) == pydantic's ``validate_assignment`` of the
    whole model then the size check: same value, same fields set, same error, message unchanged."""
    from neetbox_protocol._coreschema import validate_assignment
    from neetbox_protocol._envelope import EnvelopeBase
    from neetbox_protocol._loads import python_value

    def old_way(m, name, value):
        value = python_value(name, value, Registry.field_names)
        try:
            validate_assignment(m, name, value)
        except ValidationError as exc:
            raise ProtocolError.from_validation_error(exc) from None
        EnvelopeBase._check_size(m)

    assert Registry.bounded_fields >= {"project_id", "run_id", "event_id", "identity_type", "history_len", "id"}
    frame = json.loads(vec["frame"])
    text = json.dumps({"timestamp": "2026-11-24T06:00:00.000000", **frame})  # one timestamp for both
    for name in sorted(Registry.bounded_fields):
        for value in BOUNDED_VALUES:
            new, old = EventMsg.loads(text), EventMsg.loads(text)
            a = _assigned(new, lambda: setattr(new, name, value))
            b = _assigned(old, lambda: old_way(old, name, value))
            assert a[0] == b[0], (name, value, a, b)
            assert same(a[1:], b[1:]) or a[1:] == b[1:], (name, value, a, b)
            assert new.dumps() == old.dumps()


@pytest.mark.parametrize("field", [f.name for f in Registry.fields if f.integer is not None])
def test_assignment_of_a_value_changed_in_place_is_validated_again(field):
    """The assignment memo remembers values that cannot change: a numpy 0-d array changed in
    place between two assignments is read again (a training loop's ``step += 1``)."""
    msg = EventMsg.loads(json.dumps({"eventType": "scalar", "payload": {"x": 0, "y": 1}}))
    step = numpy.array(5)
    setattr(msg, field, step)
    step += 1
    setattr(msg, field, step)
    assert getattr(msg, field) == 6
    half = numpy.array(5.0)
    setattr(msg, field, half)
    half[()] = 5.5  # no longer an integer: refused, as by the constructor
    with pytest.raises(ProtocolError):
        setattr(msg, field, half)
    assert getattr(msg, field) == 5


def test_assignment_keeps_the_size_limit_near_it():
    """A message a few bytes under the limit: a longer id passes it and is refused, the message
    unchanged; a shorter one is taken. The message holds no room (``_roomy``) after a door that
    measured it near the limit, and gets it back after one that leaves room."""
    from neetbox_protocol import DEFAULT_MAX_BYTES

    m = EventMsg(None, None, "log", payload={"whom": "w", "message": ""})
    m.payload = {"whom": "w", "message": "m" * (DEFAULT_MAX_BYTES - len(m.dumps().encode()) - 3)}
    assert len(m.dumps().encode()) == DEFAULT_MAX_BYTES - 3
    before, fields_set = m.dumps(), set(m.model_fields_set)
    with pytest.raises(ProtocolError, match="over the limit"):
        m.project_id = "p" * 128
    with pytest.raises(ProtocolError, match="over the limit"):
        m.history_len = 10**18
    assert m.dumps() == before and m.model_fields_set == fields_set
    m.history_len = 7  # -1 -> 7: one byte shorter
    assert len(m.dumps().encode()) == DEFAULT_MAX_BYTES - 4
    copy = EventMsg.loads(m.dumps())  # JSON text near the limit: measured, no room
    with pytest.raises(ProtocolError, match="over the limit"):
        copy.run_id = "r" * 128
    small = EventMsg.loads(EventMsg(None, None, "log", payload={"whom": "w", "message": "m"}).dumps())
    small.project_id, small.run_id, small.history_len = "p" * 128, "r" * 128, 10**18  # room for any of them


@pytest.mark.parametrize("vec", wire_vectors(), ids=lambda v: f"{v['seq']}-{v['eventType']}")
def test_json_is_the_written_message_as_a_dict(vec):
    """``.json`` (a dict of the fields, the payload the message's own) == the written message read
    back: same keys in the same order, same values of the same JSON types (a str Enum member,
    ``identityType``, is a str: neetbox 0.6.0's ``.json`` holds the member too)."""
    m = EventMsg.loads(vec["frame"])
    written = pydantic_core.from_json(model_serializer_json(m))
    assert list(m.json) == list(written)
    assert same(m.json, written)
    enums = {f.wire for f in Registry.fields if f.kind == "str"}
    assert all(type(v) is type(written[k]) or k in enums and isinstance(v, str) for k, v in m.json.items())
    assert m.json is not m.json and m.json["payload"] is m.payload  # a new dict; the payload, not a copy


# ----------------------------------------------------------------------------- json_data in C

class _Str(str):
    pass


class _Color(str, enum.Enum):
    RED = "red"


#: JSON data, Python values near it (tuples, subclasses, non-str keys, NaN, lone surrogates, long
#: ints, sets...), nested: what the constructor, ``loads(dict)``, ``merge`` and pydantic's Python
#: doors are given
_LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.sampled_from([4299, 4300, 4301]).map(lambda n: 10**n - 1), st.sampled_from([4299, 4300, 4301]).map(lambda n: 1 - 10**n),
    st.floats(), st.text(max_size=4), st.sampled_from(["\ud800", "é", "\U0001f600", _Str("s"), _Color.RED, 1.5, numpy.float64(0.1), numpy.int64(3)]),
)
_KEYS = st.one_of(st.text(max_size=3), st.sampled_from([1, 1.5, True, None, _Str("k"), "\ud800", _Color.RED]))
_VALUES = st.recursive(_LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=12), st.lists(inner, max_size=3).map(tuple), st.dictionaries(_KEYS, inner, max_size=12),
    st.frozensets(st.integers(), max_size=2)), max_leaves=60)


def _walked(value, depth, lenient):
    try:
        return ("ok", _values._walk(value, (), depth, lenient))
    except ProtocolError as err:
        return ("error", err.errors[0]["type"])


@SETTINGS
@given(value=_VALUES, depth=st.sampled_from([0, 1, 2]), lenient=st.booleans())
def test_json_data_in_c_equals_the_walk(value, depth, lenient):
    """``_copied`` (a value written out and read back in C) takes a value only where the walk
    takes it, and gives the walk's value; where it does not decide, the walk does."""
    copied = _values._copied(value, depth, lenient) if type(value) in (dict, list) else None
    if copied is None:
        return
    assert _walked(value, depth, lenient) == ("ok", copied), value
    assert same(copied, _values._walk(value, (), depth, lenient))


@SETTINGS
@given(value=_VALUES, depth=st.sampled_from([0, 1, 2]), lenient=st.booleans())
def test_json_data_of_built_in_types_in_c_equals_the_walk(value, depth, lenient):
    """``_exact_copy`` (built-in types only, written by pydantic's serializer) takes a value
    only where the walk takes it, lenient or not, and gives the walk's value."""
    copied = _values._exact_copy(value, depth) if type(value) in (dict, list) else None
    if copied is None:
        return
    assert _walked(value, depth, lenient) == ("ok", copied), value
    assert same(copied, _values._walk(value, (), depth, lenient))


def test_json_data_in_c_runs_no_code_of_the_values_it_meets():
    """pydantic's serializer writes an iterator by consuming it: the C route never hands it one
    (an object that is not of a built-in type, or a subclass, goes to the json module, which
    refuses it, and then to the walk)."""
    consumed = []

    def numbers():
        consumed.append(1)
        yield 1

    items = numbers()
    value = [[1], [2], {"a": [3]}, {"b": items}, *([[0]] * 10)]
    assert _values._exact_copy(value, 1) is None and _values._copied(value, 1, True) is None
    assert consumed == []


@pytest.mark.parametrize("lenient", [True, False])
@pytest.mark.parametrize("levels", [198, 199, 200, 201])
def test_json_data_in_c_keeps_the_depth_limit(levels, lenient):
    """Arrays nested around the limit: ``json_data`` (which tries C first) and the walk alone
    give one verdict, and the same value."""
    nested: object = []
    for _ in range(levels - 1):
        nested = [nested, 1]
    walk = _walked(nested, 1, lenient)
    try:
        public = ("ok", _values.json_data(nested, (), 1, lenient))
    except ProtocolError as err:
        public = ("error", err.errors[0]["type"])
    assert public == walk


@SETTINGS
@given(value=st.recursive(st.one_of(st.floats(), st.integers(), st.text(max_size=3), st.none()),
                          lambda inner: st.one_of(st.lists(inner, max_size=12), st.dictionaries(st.text(max_size=3), inner, max_size=12)),
                          max_leaves=80))
def test_strict_json_floats_in_c_equals_the_walk(value):
    """JSON data read from text (NaN, infinities as floats): ``_strict_copy`` == the item walk."""
    import copy as copying

    walked = _values.strict_json_floats(copying.deepcopy(value)) if not isinstance(value, (dict, list)) else _item_walk(copying.deepcopy(value))
    assert same(_values._strict_copy(copying.deepcopy(value)) if isinstance(value, (dict, list)) else walked, walked)


def _item_walk(value):
    if type(value) is float:
        return _values.token(value) if value - value != 0.0 else value
    if type(value) is dict:
        return {k: _item_walk(v) for k, v in value.items()}
    if type(value) is list:
        return [_item_walk(v) for v in value]
    return value
