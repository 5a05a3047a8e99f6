"""One input domain for every door (issue "One input domain for every door").

Two rules, for any input:
- a message any door accepts (JSON text, ``loads`` of a dict, the constructor, ``merge``,
  attribute assignment) can leave through every door and come back the same: ``dumps()``,
  ``.json``, ``merge(m, {})``, ``loads(m.dumps())`` and ``loads(m.json)`` succeed and agree;
- nothing but ``ProtocolError`` (naming the field) leaves ``loads``, the constructor, ``merge``,
  attribute assignment, ``dumps``, ``.json`` or ``typed_payload``.

First one test per defect the adversarial campaign found, then a bounded fuzz test that drives
the Python doors with exotic objects and the JSON door with mutated real frames. ``make fuzz``
runs the same generators for minutes (``NEETBOX_PROTOCOL_EXAMPLES_SCALE``) and reports what it
tried (tools/fuzz_report.py).
"""

from __future__ import annotations

import collections.abc
import copy
import decimal
import enum
import fractions
import json
import pickle
import sqlite3

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from support import examples, wire_vectors

from neetbox_protocol import MAX_DEPTH, MAX_ERRORS, MAX_INT_DIGITS, EventMsg, Message, ProtocolError
from neetbox_protocol._limits import NEG_INT_BOUND
from neetbox_protocol._registry import Registry
from neetbox_protocol._runtime import DEFAULT_MAX_BYTES, ProtocolArgumentError

MESSAGE = TypeAdapter(Message)

FRAMES = [v["frame"] for v in wire_vectors()]


def round_trips(msg: EventMsg) -> None:
    """The first rule: every way out works, and every way back gives the same message."""
    wire = msg.json
    text = msg.dumps()
    assert json.loads(text) == json.loads(json.dumps(wire))
    assert EventMsg.loads(text).json == wire
    assert EventMsg.loads(wire).json == wire
    assert EventMsg.merge(msg, {}).json == wire
    assert type(EventMsg.loads(text)) is type(msg)


def only_protocol_error(door, *args, **kwargs):
    """Call a door; return the message, or None for a ProtocolError. Anything else fails."""
    try:
        return door(*args, **kwargs)
    except ProtocolError as err:
        assert err.errors and all("path" in e and "message" in e for e in err.errors), err.errors
        return None


# ----------------------------------------------------------------------------- 1. wire names only


def test_snake_case_names_on_the_wire_are_unknown_keys():
    msg = EventMsg.loads('{"eventType": "x", "event_id": 5}')
    assert msg.event_id == -1 and msg.json["event_id"] == 5  # an unknown key, kept as such
    round_trips(msg)
    msg = EventMsg.loads('{"eventType": "x0", "project_id": {}}')  # schema-valid: an unknown key
    assert msg.project_id is None and msg.json["project_id"] == {}
    round_trips(msg)


def test_a_snake_case_key_in_a_dict_is_an_unknown_key_made_json_data():
    msg = EventMsg.loads({"eventType": "x", "runId": "a", "run_id": (1, 2)})
    assert msg.run_id == "a" and msg.json["run_id"] == [1, 2]
    round_trips(msg)
    assert only_protocol_error(EventMsg.loads, {"eventType": "x", "runId": "a", "run_id": object()}) is not None
    assert EventMsg.loads({"eventType": "x", "run_id": object()}).json["run_id"].startswith("<object object")


def test_the_constructor_takes_python_and_wire_names_but_not_both():
    assert EventMsg(None, None, "x", eventId=3).event_id == 3
    assert EventMsg(None, None, "x", event_id=3).event_id == 3
    with pytest.raises(ProtocolArgumentError) as info:
        EventMsg(None, None, "x", event_id=3, eventId=4)
    assert isinstance(info.value, TypeError) and info.value.errors[0]["path"] == "eventId"


def test_pydantic_doors_know_wire_names_only_too():
    assert EventMsg.model_validate_json('{"eventType": "x", "event_id": 5}').event_id == -1


# ----------------------------------------------------------------------------- 2. assignment


def test_assignment_by_wire_name_sets_the_validated_field():
    msg = EventMsg.loads('{"eventType": "x"}')
    with pytest.raises(ProtocolError, match="projectId"):
        msg.projectId = "../../etc"
    msg.projectId = "p1"
    assert msg.project_id == "p1" and "projectId" not in (msg.__pydantic_extra__ or {})
    assert msg.dumps().count('"projectId"') == 1
    round_trips(msg)


def test_assigning_a_known_event_type_to_the_open_envelope_is_refused():
    msg = EventMsg.loads('{"eventType": "x"}')
    with pytest.raises(ProtocolError, match="eventType"):
        msg.event_type = "scalar"


def test_a_payload_changed_in_place_fails_with_protocol_error():
    msg = EventMsg.loads('{"eventType": "scalar", "payload": {"x": 1, "y": 2}}')
    msg.payload["x"] = "abc"
    with pytest.raises(ProtocolError) as info:
        msg.typed_payload
    assert info.value.errors[0]["path"] == "payload.x"
    msg.payload["x"] = object()
    with pytest.raises(ProtocolError) as info:
        msg.dumps()
    assert info.value.errors[0]["path"] == "payload"
    assert isinstance(info.value.__cause__, Exception)


def test_an_assignment_over_the_size_limit_leaves_the_message_unchanged():
    msg = EventMsg(None, None, "x", payload=[1])
    with pytest.raises(ProtocolError, match="over the limit"):
        msg.payload = "a" * (DEFAULT_MAX_BYTES + 1)
    assert msg.payload == [1]


# ----------------------------------------------------------------------------- 3. what JSON can carry


@pytest.mark.parametrize("door", ["constructor", "loads(dict)", "merge", "assignment"])
@pytest.mark.parametrize(
    "value,path",
    [
        ("\ud800", "series"),  # a lone surrogate: UTF-8 cannot encode it, JSON text cannot carry it
        ("ok \udfff", "series"),
    ],
)
def test_python_doors_refuse_lone_surrogates(door, value, path):
    err = door_error(door, "series", value)
    assert err.errors[0]["path"] == path


def door_error(door: str, key: str, value) -> ProtocolError:
    base = {"eventType": "x"}
    wire = {"event_id": "eventId", "project_id": "projectId"}.get(key, key)
    with pytest.raises(ProtocolError) as info:
        if door == "constructor":
            EventMsg(None, None, "x", **{key: value})
        elif door == "loads(dict)":
            EventMsg.loads({**base, wire: value})
        elif door == "merge":
            EventMsg.merge(EventMsg.loads(base), {wire: value})
        else:
            setattr(EventMsg.loads(base), key, value)
    return info.value


@pytest.mark.parametrize("door", ["constructor", "loads(dict)", "merge", "assignment"])
@pytest.mark.parametrize(
    "value,path",
    [
        ({"a": "\ud800"}, "payload.a"),
        ({"\ud800": 1}, "payload"),
        (10**MAX_INT_DIGITS, "payload"),  # 4301 digits: pydantic's JSON parser refuses it
        ([-(10**MAX_INT_DIGITS)], "payload[0]"),
        ({1: 2, 10**MAX_INT_DIGITS: 3}, "payload"),  # a huge int key: its text is over the limit
        (fractions.Fraction(10**400, 3), "payload"),  # beyond a double
    ],
    ids=["surrogate value", "surrogate key", "4301 digits", "-4301 digits in a list", "huge int key", "huge Fraction"],
)
def test_python_doors_refuse_what_json_text_cannot_carry(door, value, path):
    err = door_error(door, "payload", value)
    assert err.errors[0]["path"] == path


def test_the_largest_integer_json_carries_is_accepted_by_every_door():
    big, low = 10**MAX_INT_DIGITS - 1, -(NEG_INT_BOUND - 1)  # low: 4300 digits, or 4299 where pydantic-core counts the sign
    assert EventMsg.loads('{"eventType":"x","payload":%d}' % big).payload == big
    assert EventMsg.loads('{"eventType":"x","payload":%d}' % low).payload == low
    round_trips(EventMsg(None, None, "x", payload=[big, low]))
    for door in ("constructor", "loads(dict)", "merge", "assignment"):  # one more digit: refused by every door
        assert "integer has more than" in str(door_error(door, "payload", [low * 10]))


def nested(depth: int):
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


def test_every_door_takes_the_same_nesting_depth():
    """JSON text and Python objects: MAX_DEPTH containers below a top-level key, not one more."""
    text = '{"eventType":"x","payload":%s}'
    deepest = nested(MAX_DEPTH)
    for msg in (EventMsg.loads(text % json.dumps(deepest)), EventMsg.loads({"eventType": "x", "payload": deepest}),
                EventMsg(None, None, "x", payload=deepest), EventMsg(None, None, "x", extra=deepest)):  # fmt: skip
        round_trips(msg)
    too_deep = nested(MAX_DEPTH + 1)
    with pytest.raises(ProtocolError):
        EventMsg.loads(text % json.dumps(too_deep))
    for door in ("constructor", "loads(dict)", "merge", "assignment"):
        assert "nested deeper" in str(door_error(door, "payload", too_deep))


@pytest.mark.parametrize("door", ["constructor", "loads(dict)", "merge", "assignment"])
def test_python_doors_have_the_size_limit_of_json_text(door):
    assert "over the limit" in str(door_error(door, "payload", "a" * DEFAULT_MAX_BYTES))


def test_json_text_that_grows_when_written_out_is_refused():
    """``1e5`` is 3 bytes read and 8 written (``100000.0``): a message under the limit as text
    whose output would not load again is refused, with the limit named."""
    body = ",".join(["1e5"] * (DEFAULT_MAX_BYTES // 4))
    with pytest.raises(ProtocolError, match="over the limit"):
        EventMsg.loads('{"eventType":"x","payload":[%s]}' % body)


# ----------------------------------------------------------------------------- 4. other escapes


def test_max_bytes_must_be_an_int():
    with pytest.raises(ProtocolArgumentError, match="max_bytes"):
        EventMsg.loads('{"eventType": "x"}', max_bytes=None)  # type: ignore[arg-type]
    with pytest.raises(ProtocolArgumentError, match="max_bytes"):
        EventMsg.loads({"eventType": "x"}, max_bytes="1")  # type: ignore[arg-type]


class RaisingStr:
    def __str__(self):
        raise RuntimeError("boom")


class RaisingToList:
    def tolist(self):
        raise RuntimeError("boom")


class RaisingHash:
    def __eq__(self, other):
        raise RuntimeError("eq \x1b[2J")

    def __hash__(self):
        raise RuntimeError("hash")


class RaisingIter(list):
    def __iter__(self):
        raise RuntimeError("iter")


class RaisingGetitem(collections.abc.Mapping):
    def __getitem__(self, key):
        raise RuntimeError("getitem")

    def __iter__(self):
        return iter(["eventType", "payload"])

    def __len__(self):
        return 2


WIRE_NAMES = Registry.wire_names
#: values whose own code fails when a door reads them (found by an attack campaign)
FAILING = {"hash and eq": RaisingHash(), "numpy void": np.void(b"a"), "nested iter": {"a": [RaisingIter([1])]}, "iter": RaisingIter([1])}
PACKAGE_DOORS = {
    "constructor": lambda key, v: EventMsg(None, None, "later_type", **{key: v}),
    "loads(dict)": lambda key, v: EventMsg.loads({"eventType": "later_type", WIRE_NAMES.get(key, key): v}),
    "merge": lambda key, v: EventMsg.merge({"eventType": "later_type"}, {WIRE_NAMES.get(key, key): v}),
    "assignment": lambda key, v: setattr(EventMsg.loads({"eventType": "later_type"}), key, v),
}


@pytest.mark.parametrize("door", list(PACKAGE_DOORS))
@pytest.mark.parametrize("key", ["payload", "identity_type", "series", "event_id", "project_id", "extra"])
@pytest.mark.parametrize("value", list(FAILING))
def test_values_whose_own_code_fails_are_protocol_errors_at_every_door(door, key, value):
    try:
        PACKAGE_DOORS[door](key, FAILING[value])
    except ProtocolError as err:
        assert "\x1b" not in str(err)
    with pytest.raises(ValidationError):  # pydantic's error from the class's own pydantic door
        EventMsg.model_validate({"eventType": "later_type", WIRE_NAMES.get(key, key): FAILING[value]})


@pytest.mark.parametrize("door", list(PACKAGE_DOORS))
@pytest.mark.parametrize("key", [f.name for f in Registry.fields if f.integer is not None])
@pytest.mark.parametrize("value", [np.complex128(3 + 4j), np.complex64(7 + 0j), 3 + 0j])
def test_a_complex_number_is_no_integer(door, key, value):
    """pydantic's strict float reads a numpy complex through ``__float__``, dropping the
    imaginary part (with numpy's ComplexWarning): refused, as Python's complex is."""
    with pytest.raises(ProtocolError):
        PACKAGE_DOORS[door](key, value)


@pytest.mark.parametrize("door", [lambda m: EventMsg.loads(m), lambda m: EventMsg.merge(m, {}), lambda m: EventMsg.merge({}, m)])
def test_a_mapping_whose_own_code_fails_is_a_protocol_error(door):
    with pytest.raises(ProtocolError) as info:
        door(RaisingGetitem())
    assert isinstance(info.value.__cause__, RuntimeError)


@pytest.mark.parametrize("value", [RaisingStr(), RaisingToList(), [1, RaisingStr()], {"a": RaisingToList()}])
def test_the_callers_failing_objects_become_protocol_errors_with_the_cause(value):
    with pytest.raises(ProtocolError) as info:
        EventMsg(None, None, "x", payload=value)
    assert info.value.errors[0]["path"].startswith("payload")
    assert isinstance(info.value.__cause__, RuntimeError)


# ----------------------------------------------------------------------------- 5. resource use


@pytest.mark.parametrize("door", ["text", "dict"])
def test_an_array_or_map_of_bad_items_reports_its_first_bad_item(door):
    """A frame with thousands of bad entries: the check of an array or a map stops at its first
    bad item (FIRST_ERROR), so the errors are bounded by the schema, not by the frame: 2 000 bad
    actions give the first one's errors, not 6 000 (which pydantic built and the package
    read, seconds per MB: found by an attack campaign)."""
    payload = {f"a{i}": {"description": 1, "args": {"x": 2}, "blocking": "no"} for i in range(2000)}
    data = {"eventType": "status", "series": "action", "payload": payload}
    with pytest.raises(ProtocolError) as info:
        EventMsg.loads(json.dumps(data) if door == "text" else data)
    paths = [e["path"] for e in info.value.errors]  # (from Python, 1 and 2 are read as the strings "1" and "2")
    assert paths == (["payload.a0.description", "payload.a0.args.x", "payload.a0.blocking"] if door == "text" else ["payload.a0.blocking"])
    cpus = {"eventType": "hardware", "payload": {"cpus": [{}] * 5000, "cpustat": 1, "ram": 1}}
    with pytest.raises(ProtocolError) as info:
        EventMsg.loads(json.dumps(cpus) if door == "text" else cpus)
    assert len(info.value.errors) < 20 and not any(e["path"].startswith("payload.cpus[1]") for e in info.value.errors)


def test_errors_are_capped():
    """pydantic's error of thousands of entries (any validator's): the first MAX_ERRORS paths and
    one entry that counts the rest, not a multi-megabyte message."""
    with pytest.raises(ValidationError) as raised:
        TypeAdapter(list[int]).validate_python(["a"] * 2000)
    errors = ProtocolError.from_validation_error(raised.value, ("payload",)).errors
    assert len(errors) == MAX_ERRORS + 1
    assert errors[-1]["type"] == "too_many_errors" and "more error" in errors[-1]["message"]
    assert len(str(ProtocolError(errors))) < 100 * 200


# ----------------------------------------------------------------------------- 6. sinks (see also test_sinks.py)


def test_an_accepted_event_type_is_a_table_name_sqlite_takes():
    msg = EventMsg.loads('{"eventType": "some_later_type"}')
    sqlite3.connect(":memory:").execute(f"CREATE TABLE IF NOT EXISTS {msg.event_type} (id INTEGER)")


# ----------------------------------------------------------------------------- fuzzing the doors


class HugeInt(int):
    """An int whose repr hypothesis can print (an int over 4300 digits has none)."""

    def __repr__(self) -> str:
        return f"HugeInt(<{self.bit_length()} bits>)"


class Color(enum.Enum):
    RED = "red"
    ONE = 1


leaves = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8),
    st.sampled_from([2**64, -(2**70)]),
    st.sampled_from([0, 1, 5]).map(lambda extra: HugeInt((10 ** (MAX_INT_DIGITS + extra) - 1) * (-1) ** extra)),  # 4300, 4301, 4305 digits
    st.sampled_from(["\ud800", "a\udfffb", "NaN", "Infinity", "\x00", "é", "😀", "CON", "../x"]),
    st.fractions(), st.decimals(allow_nan=True), st.sampled_from([fractions.Fraction(10**400, 3), decimal.Decimal("1e5000")]),
    st.sampled_from([np.float32(0.1), np.int64(7), np.bool_(True), np.array(2.5), np.array([1, 2]), np.float64("nan")]),
    st.sampled_from([Color.RED, Color.ONE, b"bytes", 1j, object(), RaisingStr(), RaisingToList(), {1, 2}, (1, "a")]),
    st.sampled_from([np.complex128(3 + 4j), np.complex64(7), np.void(b"a"), np.str_("s")]),
    st.builds(RaisingHash), st.builds(lambda: RaisingIter([1])),  # (sampled_from hashes its elements)
)  # fmt: skip
python_values = st.recursive(
    leaves,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner, inner),
                            st.dictionaries(st.one_of(st.text(max_size=5), st.integers(), st.booleans(), st.none(), st.floats()), inner, max_size=4)),  # fmt: skip
    max_leaves=12,
)
deep_values = st.integers(MAX_DEPTH - 2, MAX_DEPTH + 2).map(nested)
event_types = st.sampled_from(["scalar", "log", "hyperparameters", "status", "hardware", "progress", "action", "x", "later_type", "Bad-Type", ""])
keys = st.sampled_from(["payload", "series", "project_id", "projectId", "run_id", "runId", "event_id", "eventId", "identity_type",
                        "identityType", "timestamp", "history_len", "id", "extra", "event_type"])  # fmt: skip
values = st.one_of(python_values, deep_values)


@st.composite
def python_door_calls(draw):
    """(door, arguments) for one of the Python doors."""
    door = draw(st.sampled_from(["constructor", "loads(dict)", "merge", "assignment", "json"]))
    fields = draw(st.dictionaries(keys, values, max_size=4))
    event_type = draw(event_types)
    if door == "json":
        frame = draw(st.sampled_from(FRAMES))
        return door, (frame, fields)
    return door, (event_type, fields)


def call_door(door: str, args) -> EventMsg:
    if door == "json":
        frame, fields = args
        msg = EventMsg.loads(frame)
        for key, value in fields.items():  # then assignment on a message read from the wire
            setattr(msg, key, value)
        return msg
    event_type, fields = args
    if door == "constructor":
        return EventMsg(None, None, event_type, **fields)
    data = {"eventType": event_type, **fields}
    if door == "loads(dict)":
        return EventMsg.loads(data)
    if door == "merge":
        return EventMsg.merge(EventMsg.loads({"eventType": "later_type"}), data)
    msg = EventMsg.loads({"eventType": "later_type"})
    for key, value in fields.items():
        setattr(msg, key, value)
    return msg


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(python_door_calls())
def test_fuzz_python_doors_keep_both_rules(call):
    door, args = call
    try:
        msg = call_door(door, args)
    except ProtocolError:
        return
    round_trips(msg)  # accepted: every way out and back works and agrees
    if msg.__class__ is not EventMsg:
        only_protocol_error(lambda: msg.typed_payload)


# ----------------------------------------------------------------------------- fuzzing pydantic's doors and copies

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8),
              st.sampled_from(["NaN", "\x1b[2J", "\u202e", "CON", "1e5"])),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=5), inner, max_size=4)),
    max_leaves=12,
)  # fmt: skip
WIRE_KEYS = sorted({"payload", "series", "projectId", "runId", "eventId", "identityType", "timestamp", "historyLen", "id", "extra",
                    "event_type", "project_id", "event_id"})  # fmt: skip
PYDANTIC_DOORS = {
    "model_validate": lambda text, data: EventMsg.model_validate(data),
    "model_validate_json": lambda text, data: EventMsg.model_validate_json(text),
    "TypeAdapter.validate_python": lambda text, data: MESSAGE.validate_python(data),
    "TypeAdapter.validate_json": lambda text, data: MESSAGE.validate_json(text.encode()),
    "copy": lambda text, data: copy.copy(EventMsg.loads(text)),
    "deepcopy": lambda text, data: copy.deepcopy(EventMsg.loads(text)),
    "pickle": lambda text, data: pickle.loads(pickle.dumps(EventMsg.loads(text))),
    "model_copy": lambda text, data: EventMsg.loads(text).model_copy(),
}


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.sampled_from(sorted(PYDANTIC_DOORS)), event_types, st.dictionaries(st.sampled_from(WIRE_KEYS), json_values, max_size=4))
def test_fuzz_pydantic_doors_and_copies_agree_with_loads(door, event_type, fields):
    """pydantic's doors and the copies take what ``loads`` takes, as the same message, and
    nothing else; what they give back is written out and read back the same."""
    data = {"eventType": event_type, "timestamp": "2024-01-01T00:00:00.000000", **fields}
    text = json.dumps(data)
    try:
        expected = EventMsg.loads(text).dumps()
    except ProtocolError:
        expected = None
    try:
        msg = PYDANTIC_DOORS[door](text, data)
    except (ProtocolError, ValidationError):
        assert expected is None, (door, text)
        return
    assert msg.dumps() == expected, (door, text)
    round_trips(msg)


@pytest.mark.parametrize("value", [np.float64("nan"), np.float64("-inf"), np.float32("inf"), np.float16("nan")], ids=repr)
def test_numpy_non_finite_scalars_raise_no_numpy_warning(value):
    """A training script's ``np.float64('-inf')`` as a series, a key or a value: taken as its
    token, with no RuntimeWarning of numpy's ("invalid value encountered in scalar subtract")
    printed into the user's program."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        msg = EventMsg(project_id="p", run_id="r", event_type="hyperparameters", series=value, payload={value: {"lr": value}})
    assert msg.series == msg.json["series"] and msg.series in ("NaN", "Infinity", "-Infinity")
