"""The README's promises under attack (issue 21): every door ends in the same gate.

One section per family of attack: wire names, size, cost, the object model, depth and text. Each
test reproduces an attack that once broke a promise; the data comes from the schemas (the
registry's envelope fields) and the wire corpus, so adding an event type needs no edit here.
Speed is measured by ``make bench`` (the worst-case rows), never asserted here.
"""

from __future__ import annotations

import copy
import gc
import json
import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor

import pytest
from test_pydantic_doors import DOORS, GOOD, door_outcome

from neetbox_protocol import DEFAULT_MAX_BYTES, EVENT_CLASSES, EventMsg, ProtocolArgumentError, ProtocolError
from neetbox_protocol import _envelope, _loads
from neetbox_protocol._registry import Registry

# ----------------------------------------------------------------------------- wire names

#: One frame per known event type (the first of the corpus and the schemas' examples).
ONE_PER_TYPE = list({json.loads(t)["eventType"]: t for t in reversed(GOOD) if json.loads(t)["eventType"] in EVENT_CLASSES}.values())
RENAMED = [f for f in Registry.fields if f.name != f.wire]  # the envelope keys whose Python name differs
WIRE_DOORS = [*DOORS, "loads dict", "merge"]


def _outcome(door, text):
    data = json.loads(text)
    try:
        if door == "loads dict":
            msg = EventMsg.loads(data)
        elif door == "merge":
            msg = EventMsg.merge(data, {})
        else:
            return door_outcome(door, text)
    except ProtocolError as err:
        return ("error", sorted({e["path"] for e in err.errors}))
    return ("ok", type(msg).__name__, msg.json)


@pytest.mark.parametrize("door", WIRE_DOORS)
@pytest.mark.parametrize("field", RENAMED, ids=lambda f: f.name)
def test_python_names_are_not_wire_names(door, field):
    """A frame whose key is the Python name (``event_type``) instead of the wire name
    (``eventType``) is read as the schema reads it: an unknown key, the field itself missing
    (refused where the field is required, its default otherwise), through every dispatch."""
    for text in ONE_PER_TYPE:
        frame = json.loads(text)
        if field.wire not in frame:
            continue
        renamed = {(field.name if k == field.wire else k): v for k, v in frame.items()}
        without = _outcome("loads", json.dumps({k: v for k, v in frame.items() if k != field.wire}))
        outcome = _outcome(door, json.dumps(renamed))
        if without[0] == "error":
            assert outcome[0] == "error" and field.wire in outcome[1], (door, renamed, outcome)
            continue
        assert outcome[0] == "ok", (door, renamed, outcome)
        assert outcome[1] == without[1], (door, renamed, outcome)  # the same class as without the key
        drop = {"timestamp"}
        expected = {k: v for k, v in without[2].items() if k not in drop}
        assert {k: v for k, v in outcome[2].items() if k not in drop} == {**expected, field.name: frame[field.wire]}, (door, renamed)


# ----------------------------------------------------------------------------- size

LIMIT = DEFAULT_MAX_BYTES


def _frame(payload_text: str, event_type: str = "some_later_type") -> str:
    """A complete message (every key, so nothing is added when it is written out) around
    ``payload_text``, in the compact form ``dumps`` writes."""
    wire = EventMsg.loads({"eventType": "some_later_type", "timestamp": "2024-01-01T00:00:00.000000"}).json
    wire.update(eventType=event_type, payload="<payload>")
    return json.dumps(wire, separators=(",", ":"), ensure_ascii=False).replace('"<payload>"', payload_text)


def _verdicts(text: str, doors=DOORS) -> dict[str, str]:
    return {door: door_outcome(door, text)[0] for door in doors}


@pytest.mark.parametrize("event_type", ["some_later_type", "log"])
def test_every_door_refuses_a_message_over_the_limit(event_type):
    """17 MiB written out: refused by loads, and by every pydantic door (model_validate,
    model_validate_json, TypeAdapter(Message), a FastAPI body typed Message...) alike."""
    payload = json.dumps({"whom": "w", "message": "a" * (17 * 2**20)})
    assert set(_verdicts(_frame(payload, event_type)).values()) == {"error"}


def _class_doors(cls):
    """pydantic's doors on one message class (not ``Message``): each ends in the size gate."""
    from pydantic import BaseModel, TypeAdapter

    holder = type("Holder", (BaseModel,), {"__annotations__": {"message": cls}})
    adapter = TypeAdapter(cls)
    return {
        "TypeAdapter(cls).validate_json": adapter.validate_json,
        "TypeAdapter(cls).validate_python": lambda text: adapter.validate_python(json.loads(text)),
        "cls.model_validate_json": cls.model_validate_json,
        "cls.model_validate": lambda text: cls.model_validate(json.loads(text)),
        "a field typed cls": lambda text: holder.model_validate({"message": json.loads(text)}),
    }


@pytest.mark.parametrize("event_type", ["log", "status", "some_later_type"])
def test_every_door_of_a_message_class_refuses_a_message_over_the_limit(event_type):
    """A typed class (or EventMsg, for an unknown type) used as pydantic's type directly: the
    same limit as ``Message``; the same message under the limit is accepted by each."""
    from pydantic import ValidationError

    cls = EVENT_CLASSES.get(event_type, EventMsg)
    frame = json.loads(ONE_PER_TYPE[[json.loads(t)["eventType"] for t in ONE_PER_TYPE].index(event_type)]) if event_type in EVENT_CLASSES else {
        "eventType": event_type}
    for size, verdict in ((LIMIT + 1, "error"), (1000, "ok")):
        text = json.dumps({**frame, "someLaterKey": "a" * size})  # an unknown key: kept, and counted
        for door, fn in _class_doors(cls).items():
            try:
                fn(text)
                outcome = "ok"
            except (ValidationError, ProtocolError):
                outcome = "error"
            assert outcome == verdict, (door, event_type, size)


def test_max_bytes_is_the_limit_for_every_kind_of_input():
    text = _frame(json.dumps("a" * 200))
    for src in (text, text.encode(), bytearray(text.encode()), memoryview(text.encode()), json.loads(text)):
        with pytest.raises(ProtocolError, match="over the limit of 100"):
            EventMsg.loads(src, max_bytes=100)
        assert EventMsg.loads(src, max_bytes=len(text.encode())).dumps() == text


def test_a_str_or_bytes_subclass_cannot_hide_its_size():
    class Short(str):
        def __len__(self):
            return 1

    class ShortBytes(bytes):
        def __len__(self):
            return 1

    limit = 6 + Registry.reserve  # text of 1 character fits unmeasured (``_loaded``)
    text = json.dumps({"eventType": "hyperparameters", "payload": {"a": "x" * limit}})
    for src in (Short(text), ShortBytes(text.encode())):
        with pytest.raises(ProtocolError, match="over the limit"):
            EventMsg.loads(src, max_bytes=limit)
        assert EventMsg.loads(src).payload == {"a": "x" * limit}


def test_the_limit_counts_utf8_bytes_not_characters():
    """4-byte characters: a str under the limit in characters is over it in bytes."""
    text = _frame(json.dumps("\U0001f600" * (LIMIT // 4), ensure_ascii=False))
    assert len(text) < LIMIT < len(text.encode())
    for src in (text, text.encode(), bytearray(text.encode()), json.loads(text)):
        with pytest.raises(ProtocolError, match="over the limit"):
            EventMsg.loads(src)
    assert set(_verdicts(text).values()) == {"error"}


def _expanding(target: int) -> str:
    """JSON text under ``target`` bytes whose numbers are longer written out (1e15 ->
    1000000000000000.0): over ``target`` once written."""
    n = target // 5 + 1
    return _frame("[" + ",".join(["1e15"] * n) + "]")


def test_text_that_grows_when_written_out_is_refused_through_every_door():
    text = _expanding(LIMIT // 3)
    assert len(text) < LIMIT
    assert set(_verdicts(text).values()) == {"error"}
    with pytest.raises(ProtocolError, match="over the limit"):
        EventMsg.loads(json.loads(text))


@pytest.mark.parametrize("complete", [True, False], ids=["every key", "defaults added"])
def test_text_of_exactly_the_limit_has_one_verdict_and_what_is_accepted_reloads(complete):
    frame = _frame('"x"') if complete else '{"eventType":"some_later_type","payload":"x"}'
    text = frame.replace('"x"', json.dumps("a" * (LIMIT - len(frame) + 1)))
    assert len(text.encode()) == LIMIT
    verdicts = set()
    for src in (text, text.encode(), bytearray(text.encode()), memoryview(text.encode())):
        msg = _loaded(src)
        verdicts.add("error" if msg is None else "ok")
        if msg is not None:
            assert EventMsg.loads(msg.dumps()).dumps() == msg.dumps()
    assert verdicts == ({"ok"} if complete else {"error"})


def _loaded(src):
    """``EventMsg.loads(src)``, or None where it refuses ``src``."""
    try:
        return EventMsg.loads(src)
    except ProtocolError:
        return None


# ----------------------------------------------------------------------------- the object model


def _refused() -> ProtocolError:
    try:
        EventMsg.loads(json.dumps({"eventType": "scalar", "payload": {"x": "abc", "y": 1}}))
    except ProtocolError as err:
        return err
    raise AssertionError("accepted")


def _raise_protocol_error(_: int) -> None:
    raise _refused()


def test_protocol_errors_survive_pickle_copy_deepcopy_and_a_process_pool():
    err = _refused()
    arg = ProtocolArgumentError.at("", "EventMsg takes at most 2 positional arguments", "arguments")
    for e in (err, arg):
        for clone in (pickle.loads(pickle.dumps(e)), copy.copy(e), copy.deepcopy(e)):
            assert type(clone) is type(e) and clone.errors == e.errors and str(clone) == str(e)
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        with pytest.raises(ProtocolError) as info:
            pool.submit(_raise_protocol_error, 0).result()
        assert info.value.errors == err.errors
        assert pool.submit(abs, -1).result() == 1  # the pool still works


@pytest.mark.parametrize("how", ["copy", "model_copy", "deepcopy", "pickle"])
def test_copies_share_no_mutable_data(how):
    msg = EventMsg.loads(json.dumps({"eventType": "some_later_type", "payload": {"a": [1]}, "note": {"b": [2]}}))
    clone = {"copy": copy.copy, "model_copy": lambda m: m.model_copy(), "deepcopy": copy.deepcopy,
             "pickle": lambda m: pickle.loads(pickle.dumps(m))}[how](msg)  # fmt: skip
    clone.payload["a"].append(3)
    clone.__pydantic_extra__["note"]["b"].append(4)
    assert msg.payload == {"a": [1]} and msg.__pydantic_extra__ == {"note": {"b": [2]}}


UNCHECKED = {
    "model_copy(update=eventId)": lambda m: m.model_copy(update={"event_id": "abc"}),
    "model_copy(update=payload)": lambda m: m.model_copy(update={"payload": {"x": "a", "y": 1}}),
    "model_construct(projectId)": lambda m: type(m).model_construct(project_id="../x", payload=m.payload),
    "model_construct(payload)": lambda m: type(m).model_construct(payload={"x": [], "y": 1}),
}


@pytest.mark.parametrize("make", UNCHECKED.values(), ids=list(UNCHECKED))
def test_dumps_never_writes_what_loads_refuses_after_pydantics_unvalidated_doors(make):
    """``model_construct`` and ``model_copy(update=...)`` set what they are given, unchecked;
    ``dumps()`` reads such a message back before writing it: a ProtocolError naming the field."""
    made = make(EventMsg.loads(json.dumps({"eventType": "scalar", "payload": {"x": 1, "y": 2}})))
    with pytest.raises(ProtocolError) as info:
        made.dumps()
    with pytest.raises(ProtocolError) as again:
        EventMsg.loads(made.json)
    assert info.value.errors[0]["path"] == again.value.errors[0]["path"]


@pytest.mark.parametrize("door", ["loads", "loads dict", "merge", "constructor", "assignment", "copy", "deepcopy", "pickle", "model_copy",
                                  "TypeAdapter(Message).validate_json", "TypeAdapter(ScalarEvent).validate_python", "model_validate_json"])
def test_a_checked_message_is_not_read_back_at_dumps(door, monkeypatch):
    """Every door that checks a message notes it (``_roomy``): ``dumps()`` reads back only what
    no door checked, so a message from any checking door costs no second reading."""
    from pydantic import TypeAdapter

    from neetbox_protocol import Message, ScalarEvent

    text = json.dumps({"eventType": "scalar", "projectId": "p", "runId": "r", "payload": {"x": 1, "y": 2}})
    base = EventMsg.loads(text)
    made = {
        "loads": lambda: EventMsg.loads(text), "loads dict": lambda: EventMsg.loads(json.loads(text)), "merge": lambda: EventMsg.merge(base, {}),
        "constructor": lambda: EventMsg("p", "r", "scalar", payload={"x": 1, "y": 2}), "assignment": lambda: _assigned(EventMsg.loads(text)),
        "copy": lambda: copy.copy(base), "deepcopy": lambda: copy.deepcopy(base), "pickle": lambda: pickle.loads(pickle.dumps(base)),
        "model_copy": lambda: base.model_copy(), "TypeAdapter(Message).validate_json": lambda: TypeAdapter(Message).validate_json(text),
        "TypeAdapter(ScalarEvent).validate_python": lambda: TypeAdapter(ScalarEvent).validate_python(json.loads(text)),
        "model_validate_json": lambda: ScalarEvent.model_validate_json(text),
    }[door]()
    if door == "pickle":  # pickle leaves the note out (pydantic's state): read back once, then noted
        made.dumps()
    monkeypatch.setattr(type(made), "_verify", lambda self, written: pytest.fail(f"{door}: read back at dumps()"))
    assert json.loads(made.dumps())["payload"] == {"x": 1, "y": 2}


def _assigned(m):
    m.id = 5
    m.project_id = "q"
    return m


@pytest.mark.parametrize("field", Registry.fields, ids=lambda f: f.name)
def test_deleting_a_field_is_refused(field):
    msg = EventMsg.loads(json.dumps({"eventType": "scalar", "payload": {"x": 1, "y": 2}, "note": 1}))
    before = msg.dumps()
    for name in {field.name, field.wire}:
        with pytest.raises(ProtocolError, match="cannot be deleted") as info:
            delattr(msg, name)
        assert info.value.errors[0]["path"] == field.wire
    assert msg.dumps() == before
    del msg.note  # an unknown key may go
    assert "note" not in msg.json


def test_a_value_changed_in_place_that_json_cannot_carry_is_a_protocol_error():
    msg = EventMsg.loads(json.dumps({"eventType": "scalar", "payload": {"x": 1, "y": 2}}))
    msg.payload["x"] = 10**5000
    assert msg.json["payload"] is msg.payload  # .json hands the message's own values, unchecked (docs/bad-input.md)
    for door in (msg.dumps, lambda: EventMsg.merge(msg, {}), lambda: msg.typed_payload):
        with pytest.raises(ProtocolError) as info:
            door()
        assert info.value.errors[0]["path"] == "payload.x", info.value.errors


@pytest.mark.parametrize("value", [10**5000, "numpy void", "float nan"], ids=["5000 digits", "numpy void", "nan"])
def test_a_value_set_in_place_never_makes_dumps_or_repr_raise_anything_else(value):
    import numpy

    value = {"numpy void": numpy.void(b"a"), "float nan": float("nan")}.get(value, value)  # type: ignore[call-overload]
    msg = EventMsg.loads(json.dumps({"eventType": "hyperparameters", "payload": {"a": 1}}))
    msg.payload["a"] = value
    for door in (msg.dumps, lambda: EventMsg.merge(msg, {}), lambda: msg.typed_payload):
        try:
            door()
        except ProtocolError as err:
            assert err.errors[0]["path"].startswith("payload"), err.errors
    assert isinstance(repr(msg), str) and isinstance(str(msg), str)


# ----------------------------------------------------------------------------- text

UNSAFE = "\x1b]0;PWNED\x07\x1b[2J\u202e\n\x9b"


def test_repr_and_str_of_a_message_escape_control_and_bidi_characters():
    msg = EventMsg.loads(json.dumps({"eventType": "some_later_type", "payload": UNSAFE, UNSAFE: UNSAFE}))
    for text in (repr(msg), str(msg)):
        assert text.isprintable(), text


@pytest.mark.parametrize("text", [
    '{"eventType":"status","series":"action","payload":{"%s":1}}' % ("k" * 10**6),
    '{"eventType":"%s"}' % ("a" * 10**6),
], ids=["a key of a million characters", "an event type of a million characters"])
@pytest.mark.parametrize("strict", [False, True])
def test_str_of_a_protocol_error_stays_short_whatever_the_input(text, strict):
    with pytest.raises(ProtocolError) as info:
        EventMsg.loads(text, strict=strict)
    assert len(str(info.value)) < ProtocolError.SHOWN * 2 * (ProtocolError.SHOWN_CHARS + 10) + 100


def test_str_of_a_protocol_error_escapes_control_and_bidi_characters():
    for frame in ({"eventType": UNSAFE}, {"eventType": "some_later_type", "payload": {UNSAFE: 10**5000}}):
        with pytest.raises(ProtocolError) as info:
            EventMsg.loads(frame)
        assert str(info.value).isprintable(), str(info.value)


@pytest.mark.parametrize("base", [EventMsg, *EVENT_CLASSES.values()], ids=lambda c: c.__name__)
def test_a_subclass_that_adds_a_field_is_refused_when_made(base):
    """Its field would not be written out (the wire form is the schema's): refused, saying so;
    a subclass adding methods only works."""
    with pytest.raises(TypeError, match="declares field.* note .*not be written out"):
        type("WithNote", (base,), {"__annotations__": {"note": int}, "note": 1})
    plain = type("WithMethod", (base,), {"hello": lambda self: "hi"})
    assert plain.__name__ == "WithMethod" and plain.hello(None) == "hi"


# ----------------------------------------------------------------------------- depth


def _nest(n: int, kind: str, inner):
    for _ in range(n):
        inner = [inner] if kind == "list" else {"a": inner}
    return inner


@pytest.mark.parametrize("kind", ["list", "dict"])
@pytest.mark.parametrize("where", ["payload", "unknown key", "typed payload member"])
@pytest.mark.parametrize("inner", [1, [], {}], ids=["scalar", "empty array", "empty object"])
def test_text_and_dict_take_the_same_depths_and_what_is_accepted_writes_out(kind, where, inner):
    for n in range(125, 203):
        value = _nest(n, kind, inner)
        data = {"eventType": "some_later_type", "payload": value} if where == "payload" else \
            {"eventType": "some_later_type", "note": value} if where == "unknown key" else \
            {"eventType": "hyperparameters", "payload": {"a": value}}  # fmt: skip
        verdicts = []
        for src in (json.dumps(data), data):
            msg = _loaded(src)
            verdicts.append("refused" if msg is None else "accepted")
            if msg is not None:
                assert EventMsg.loads(msg.dumps()).json == msg.json  # written out, read back the same
        assert verdicts[0] == verdicts[1], (n, verdicts)


# ----------------------------------------------------------------------------- cost: long messages
# What long text takes that short text does not (docs/bad-input.md, "Worst-case cost per MB"):
# ``loads`` reads an unknown event type under the first key with the open envelope at once, and
# every door of the package pauses the cyclic collector while it builds a message. Neither may
# change a verdict or a value; the cost itself is ``make bench``'s.

_PAD = "p" * _loads.QUIET_TEXT  # makes any frame long: an unknown key's string


def _long(data: dict) -> str:
    return json.dumps({**data, "zpad": _PAD})


LONG_TEXTS = {
    "unknown type": _long({"eventType": "some_later_type", "payload": [[1, {"a": None}]] * 20}),
    "unknown type, bad id": _long({"eventType": "some_later_type", "projectId": "../x", "payload": 1}),
    "unknown type, bad payload": _long({"eventType": "some_later_type", "payload": {"n": 1}}).replace('"n": 1', '"n": ' + "7" * 4301),
    "unknown type, bad name": _long({"eventType": "9lives", "payload": 1}),
    "known type": _long({"eventType": "scalar", "series": "loss", "payload": {"x": 1, "y": 2.5}}),
    "known type, bad payload": _long({"eventType": "scalar", "payload": {"x": [1], "y": 2}}),
    "unknown first, known last": '{"eventType":"some_later_type","payload":{"x":1,"y":2},"zpad":"%s","eventType":"scalar"}' % _PAD,
    "unknown first, known last, bad": '{"eventType":"some_later_type","payload":{"x":[1]},"zpad":"%s","eventType":"scalar"}' % _PAD,
    "unknown first, known last escaped": '{"eventType":"some_later_type","payload":{"x":1,"y":2},"zpad":"%s","\\u0065ventType":"scalar"}' % _PAD,
    "unknown first, known last escaped, bad": '{"eventType":"some_later_type","payload":{"x":[1]},"zpad":"%s","\\u0065ventType":"scalar"}' % _PAD,
    "unknown first, known last escaped, bad envelope": '{"eventType":"futurex","series":"%s","\\u0065ventType":"scalar","payload":{"x":1,"y":2}}' % _PAD,
    "known first, unknown last": '{"eventType":"scalar","payload":[1],"zpad":"%s","eventType":"some_later_type"}' % _PAD,
    "name escaped": _long({"eventType": "some_later_type", "payload": 1}).replace('"some_', '"\\u0073ome_', 1),
    "spaces around": " {\n \"eventType\" :\t\"some_later_type\", " + _long({"payload": 2})[1:],
}


def _verdict(src, strict=False):
    try:
        msg = EventMsg.loads(src, strict=strict)
    except ProtocolError as err:
        return ("refused", [(e["path"], e["type"], e["message"]) for e in err.errors])
    written = json.loads(msg.dumps())
    written.pop("timestamp")  # the reader's clock where the text has none
    return ("accepted", type(msg).__name__, written)


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("name", list(LONG_TEXTS))
def test_long_text_has_the_verdict_short_text_would(name, strict, monkeypatch):
    text = LONG_TEXTS[name]
    assert len(text) >= _loads.QUIET_TEXT
    for src in (text, text.encode()):
        long_way = _verdict(src, strict)
        with monkeypatch.context() as m:  # every text the way short text goes
            m.setattr(_loads, "QUIET_TEXT", 1 << 40)
            m.setattr(_envelope, "_QUIET_TEXT", 1 << 40)
            assert _verdict(src, strict) == long_way


def _collections_during(call):
    seen = []

    def count(phase, info):
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(count)
    try:
        call()
    except (ProtocolError, ValueError):
        pass
    finally:
        gc.callbacks.remove(count)
    return len(seen)


MANY_CONTAINERS = {"eventType": "some_later_type", "payload": [[] for _ in range(50_000)], "note": [{"a": 1}] * 2000}
QUIET_DOORS = {
    "loads text": lambda: EventMsg.loads(json.dumps(MANY_CONTAINERS)),
    "loads bytes, refused": lambda: EventMsg.loads(json.dumps({**MANY_CONTAINERS, "runId": "../x"}).encode()),
    "loads dict": lambda: EventMsg.loads(MANY_CONTAINERS),
    "merge": lambda: EventMsg.merge(MANY_CONTAINERS, {"note": 1}),
    "model_validate": lambda: EventMsg.model_validate(MANY_CONTAINERS),
    "model_validate_json": lambda: EventMsg.model_validate_json(json.dumps(MANY_CONTAINERS)),
}


@pytest.mark.parametrize("door", list(QUIET_DOORS))
def test_the_collector_waits_while_a_door_builds_a_long_message_and_runs_again_after(door):
    call = QUIET_DOORS[door]
    assert gc.isenabled()
    assert _collections_during(call) <= 1  # 50 000 lists start dozens of collections otherwise
    assert gc.isenabled()
    gc.disable()  # a program that runs without the collector keeps it off
    try:
        call_result = _collections_during(call)
        assert not gc.isenabled() and call_result == 0
    finally:
        gc.enable()


def test_the_collector_would_run_without_the_pause():
    """The test above can fail: as many containers built with the collector running start many
    collections. (Built by Python code: since Python 3.12 the collector starts only between
    bytecodes, never inside one C call such as ``json.loads``; a door's own Python code, a
    validator called per key or per value, is where it starts there.)"""
    assert _collections_during(lambda: [[[] for _ in range(50_000)], [{"a": 1} for _ in range(2000)]]) > 10


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity"])
def test_bare_tokens_deep_in_a_long_payload_become_their_strings(text):
    inner = ", ".join(['[1, "NaN", {"Infinity": "x"}]'] * 20)
    src = '{"eventType":"some_later_type","payload":[%s, [{"v": %s}]]}' % (inner, text)
    payload = EventMsg.loads(src).payload
    assert payload[-1] == [{"v": text}] and payload[0] == [1, "NaN", {"Infinity": "x"}]
    assert EventMsg.loads(json.dumps({"eventType": "some_later_type", "payload": payload})).payload == payload


def test_a_long_run_of_digits_is_an_error_only_where_it_is_a_number():
    msg = EventMsg.loads(json.dumps({"eventType": "some_later_type", "payload": ["1" * 5000, 7] + [123456789] * 1000}))
    assert EventMsg.loads(msg.dumps()).json == msg.json  # 5 000 digits in a string: text
    msg.payload[1] = 10**4300  # 4 301 digits, set in place
    with pytest.raises(ProtocolError) as info:
        msg.dumps()
    assert info.value.errors[0]["path"] == "payload[1]"
    msg.payload[1] = 10**4299  # 4 300 digits: a number every reader takes
    assert EventMsg.loads(msg.dumps()).payload[1] == 10**4299
