"""The bad-input table of the README: every row raises ProtocolError naming the field path, and
nothing else ever escapes `loads` (bounded fuzzing of mutated real frames and random bytes)."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import examples, wire_vectors

from neetbox_protocol import EventMsg, ProtocolError

OK = {"projectId": "p1", "runId": "r1", "eventType": "scalar", "series": "loss", "payload": {"x": 1, "y": 2.5}}


def frame(**changes) -> str:
    return json.dumps({**OK, **changes})


# (row id, input, expected path in the message) -- the README's table, row by row
TABLE = [
    ("not JSON", "{not json", "<message>"),
    ("not an object", "[1, 2]", "<message>"),
    ("not text/bytes/dict", 42, "<message>"),
    ("eventType missing", json.dumps({"projectId": "p"}), "eventType"),
    ("eventType not a string", frame(eventType=5), "eventType"),
    ("eventType with upper case", frame(eventType="Future_type"), "eventType"),
    ("eventType with a hyphen", frame(eventType="future-type"), "eventType"),
    ("eventType with a leading digit", frame(eventType="2d"), "eventType"),
    ("eventType over 63 characters", frame(eventType="a" * 64), "eventType"),
    ("eventId a string", frame(eventId="abc"), "eventId"),
    ("eventId a bool", frame(eventId=True), "eventId"),
    ("eventId beyond 64 bits", frame(eventId=2**63), "eventId"),
    ("id beyond 64 bits", frame(id=-(2**63) - 1), "id"),
    ("historyLen beyond 64 bits", '{"eventType":"log","historyLen":%d,"payload":{"whom":"a","message":"b"}}' % 2**70, "historyLen"),
    ("unknown identityType", frame(identityType="admin"), "identityType"),
    ("timestamp in another format", frame(timestamp="2024-01-02 03:04:05"), "timestamp"),
    ("series not a string", frame(series=3), "series"),
    ("projectId path traversal", frame(projectId="../x"), "projectId"),
    ("projectId with slash", frame(projectId="a/b"), "projectId"),
    ("runId with backslash", frame(runId="a\\b"), "runId"),
    ("runId empty", frame(runId=""), "runId"),
    ("runId with whitespace", frame(runId="a b"), "runId"),
    ("runId with a trailing newline", frame(runId="abc\n"), "runId"),
    ("runId with a control character", frame(runId="a\u0001b"), "runId"),
    ("projectId over 128 characters", frame(projectId="a" * 129), "projectId"),
    ("projectId a Windows device name", frame(projectId="CON"), "projectId"),
    ("runId a Windows device name with an extension", frame(runId="nul.txt"), "runId"),
    ("projectId with a trailing dot", frame(projectId="abc."), "projectId"),
    ("scalar x not numeric", frame(payload={"x": "abc", "y": 1}), "payload.x"),
    ("scalar y missing", frame(payload={"x": 1}), "payload.y"),
    ("scalar payload missing", json.dumps({k: v for k, v in OK.items() if k != "payload"}), "payload"),
    ("log message not a string", json.dumps({"eventType": "log", "payload": {"whom": "a", "message": 1}}), "payload.message"),
    ("progress step a float", json.dumps({"eventType": "progress", "payload": {"name": "e", "step": 1.5, "current": "int object", "total": 3, "rate": 1.0}}), "payload.step"),
    ("hardware cpu id a string", json.dumps({"eventType": "hardware", "payload": {"cpus": [{"id": "0", "percentage": 1.0, "frequency": []}], "cpustat": {"ctxSwitches": 1, "interrupts": 1, "softInterrupts": 1, "syscalls": 0}, "ram": {"total": 1.0, "available": 1.0, "used": 1.0, "free": 1.0}}}), "payload.cpus[0].id"),
    ("hardware cpu percentage a word", json.dumps({"eventType": "hardware", "payload": {"cpus": [{"id": 0, "percentage": "busy", "frequency": []}], "cpustat": {"ctxSwitches": 1, "interrupts": 1, "softInterrupts": 1, "syscalls": 0}, "ram": {"total": 1.0, "available": 1.0, "used": 1.0, "free": 1.0}}}), "payload.cpus[0].percentage"),
    ("action args not strings", json.dumps({"eventType": "action", "payload": {"name": "f", "args": {"x": 1}}}), "payload.args.x"),
    ("handshake result a string", json.dumps({"eventType": "handshake", "payload": {"result": "ok"}}), "payload.result"),
    ("oversized message", "{" + " " * (16 * 1024 * 1024) + "}", "<message>"),
    ("nesting-depth bomb", '{"eventType":"hyperparameters","payload":{"a":' + "[" * 100_000 + "]" * 100_000 + "}}", "<message>"),
    ("invalid UTF-8 bytes", b'{"eventType":"log","payload":{"whom":"\xff","message":"b"}}', "<message>"),
    ("lone surrogate escape", '{"eventType":"log","payload":{"whom":"\\ud800","message":"b"}}', "<message>"),
    ("lone surrogate in str", '{"eventType":"log","payload":{"whom":"\ud800","message":"b"}}', "<message>"),
]


@pytest.mark.parametrize("row,src,path", TABLE, ids=[r[0] for r in TABLE])
def test_bad_input_raises_protocol_error_naming_the_field(row, src, path):
    with pytest.raises(ProtocolError) as info:
        EventMsg.loads(src)
    err = info.value
    assert isinstance(err, ValueError)
    assert any(e["path"] == ("" if path == "<message>" else path) for e in err.errors), err.errors
    assert str(err).startswith(path) or f"; {path}:" in str(err)


def test_size_limit_is_configurable():
    text = frame()
    with pytest.raises(ProtocolError, match="over the limit of 10"):
        EventMsg.loads(text, max_bytes=10)
    written = len(EventMsg.loads(text).dumps().encode())  # the limit is the message's size written out
    assert written > len(text)  # (the keys a reader fills in are written too)
    assert EventMsg.loads(text, max_bytes=written).payload == {"x": 1, "y": 2.5}
    with pytest.raises(ProtocolError, match=f"over the limit of {written - 1}"):
        EventMsg.loads(text, max_bytes=written - 1)


def test_strict_rejects_unknown_event_types():
    src = json.dumps({"eventType": "future_thing", "payload": [1]})
    assert type(EventMsg.loads(src)) is EventMsg
    with pytest.raises(ProtocolError, match="eventType"):
        EventMsg.loads(src, strict=True)


def test_malformed_known_payload_never_falls_back_to_untyped():
    with pytest.raises(ProtocolError, match="payload.x"):
        EventMsg.loads(frame(payload={"x": [], "y": 1}))


def test_constructor_and_assignment_validate_too():
    with pytest.raises(ProtocolError, match="payload.x"):
        EventMsg(project_id="p", run_id="r", event_type="scalar", payload={"x": "abc", "y": 1})
    msg = EventMsg(project_id="p", run_id="r", event_type="scalar", payload={"x": 1, "y": 1})
    with pytest.raises(ProtocolError, match="eventId"):
        msg.event_id = "abc"
    with pytest.raises(ProtocolError, match="payload.y"):
        msg.payload = {"x": 1}
    with pytest.raises(ProtocolError, match="payload"):
        EventMsg(project_id="p", run_id="r", event_type="hyperparameters", payload=_deep(200))


def _deep(n):
    v: list = []
    for _ in range(n):
        v = [v]
    return {"a": v}


def test_merge_rejects_non_messages_and_invalid_results():
    base = EventMsg.loads(frame())
    with pytest.raises(ProtocolError):
        EventMsg.merge(base, 5)
    with pytest.raises(ProtocolError, match="eventId"):
        EventMsg.merge(base, {"eventId": "x"})


FRAMES = [v["frame"] for v in wire_vectors()]


@st.composite
def mutated_frames(draw):
    text = draw(st.sampled_from(FRAMES))
    data = bytearray(text.encode())
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "delete", "insert", "truncate"]))
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[i] = draw(st.integers(0, 255))
        elif op == "delete":
            del data[i]
        elif op == "insert":
            data[i:i] = draw(st.sampled_from([b"[", b"{", b'"', b"NaN", b"-1e999", b"\\u", b"\xc3", b"9" * 30, b",", b"null"]))
        else:
            del data[i:]
    as_text = draw(st.booleans())
    return data.decode("utf-8", "surrogateescape") if as_text else bytes(data)


@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(mutated_frames(), st.binary(max_size=300), st.text(max_size=200)))
def test_fuzz_only_protocol_error_escapes(src):
    try:
        msg = EventMsg.loads(src)
    except ProtocolError:
        return
    EventMsg.loads(msg.dumps())  # anything accepted also round-trips


@pytest.mark.parametrize(
    "src,key,expected",
    [
        (frame(eventId=7.0), "eventId", 7),
        (frame(id=0.0), "id", 0),
        (json.dumps({"eventType": "progress", "payload": {"name": "e", "step": 2.0, "current": "c", "total": 4.0, "rate": 1.0}}), "payload", {"step": 2, "total": 4}),
    ],
)
def test_integral_floats_are_json_integers(src, key, expected):
    # JSON Schema's "integer" is any number with a zero fractional part (what json.dumps writes
    # for a float-typed step); it is read as the int, so the jsonschema validator and the
    # models agree (found by tests/test_differential.py).
    value = EventMsg.loads(src).json[key]
    if isinstance(expected, dict):
        assert {k: value[k] for k in expected} == expected
        assert all(type(value[k]) is int for k in expected)
    else:
        assert value == expected and type(value) is int


def test_typed_classes_check_the_payload_through_pydantic_entry_points_too():
    # what the README's "Entry points" paragraph promises a service typing a field ScalarEvent
    from pydantic import TypeAdapter, ValidationError

    from neetbox_protocol import ScalarEvent

    bad = {"eventType": "scalar", "payload": {"x": "abc", "y": 2}}
    with pytest.raises(ValidationError):
        ScalarEvent.model_validate(bad)
    with pytest.raises(ValidationError):
        TypeAdapter(ScalarEvent).validate_python(bad)
    assert TypeAdapter(ScalarEvent).validate_python({**bad, "payload": {"x": 1, "y": 2}}).payload == {"x": 1, "y": 2}
