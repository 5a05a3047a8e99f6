"""Whatever door a pydantic or FastAPI developer reaches for dispatches to the typed event and
checks its payload, with the verdict of ``EventMsg.loads`` and an error path in wire names.

Doors: ``EventMsg.loads``; ``TypeAdapter(Message).validate_json`` / ``validate_python``;
``EventMsg.model_validate_json`` / ``model_validate`` on the base class; a ``Message`` field of
another model; a FastAPI body typed ``Message``; a FastAPI websocket handler validating
``receive_json()`` with ``TypeAdapter(Message)``; a ``ProtocolError`` raised in a route
(``neetbox_protocol.service``); the typed class of the frame's own event type. Every frame of the
wire corpus and every example frame of the schemas is accepted by each, as the same message;
every invalid conformance vector is rejected by each, naming the vector's path. An error's
``loc`` is the wire path, with at most the event-type tag before it (and, inside a payload of
several shapes, the name of the shape: ``payload.PlatformInfo.python_build``).
"""

import enum
import json

import pytest
from fastapi import FastAPI, Request, WebSocket, WebSocketDisconnect
from fastapi.testclient import TestClient
from pydantic import BaseModel, TypeAdapter, ValidationError
from support import wire_vectors
from test_conformance import VECTORS

from neetbox_protocol import EVENT_CLASSES, MAX_DEPTH, EventMsg, Message, ProtocolError
from neetbox_protocol._registry import Registry
from neetbox_protocol.service import add_protocol_error_handler

ADAPTER = TypeAdapter(Message)
TAGS = {*EVENT_CLASSES, "EventMsg"}
SHAPES = set(Registry.labels)  # the names (Tags) of the shapes of payloads with several


class Envelope(BaseModel):
    """A service's own model with a Message field."""

    message: Message


app = FastAPI()
add_protocol_error_handler(app)


def held(msg) -> str:
    """What a message holds, as Python's json writes it: a float NaN is written bare (``NaN``),
    its strict-JSON token quoted (``"NaN"``), which ``msg.json`` would not tell apart."""
    return json.dumps(msg.model_dump(by_alias=True, exclude={"timestamp"}))


@app.post("/events")
async def post_event(msg: Message) -> dict:
    return {"type": type(msg).__name__, "wire": msg.json, "held": held(msg)}


@app.post("/frames")
async def post_frame(request: Request) -> dict:
    msg = EventMsg.loads(await request.body())
    return {"type": type(msg).__name__, "wire": msg.json, "held": held(msg)}


@app.websocket("/ws")
async def socket(ws: WebSocket) -> None:
    await ws.accept()
    while True:
        try:
            data = await ws.receive_json()
        except WebSocketDisconnect:
            return
        try:
            msg = ADAPTER.validate_python(data)
        except ValidationError as exc:
            await ws.send_json({"errors": [list(e["loc"]) for e in exc.errors()]})
        else:
            await ws.send_json({"type": type(msg).__name__, "wire": msg.json, "held": held(msg)})


CLIENT = TestClient(app)


def wire_path(loc) -> str:
    """A pydantic loc as a wire path: the event-type tag dropped; a shape name inside a payload
    of several shapes kept as a segment."""
    parts = list(loc)
    if parts and parts[0] in TAGS:
        parts = parts[1:]
    text = ""
    for p in parts:
        text += f"[{p}]" if isinstance(p, int) else (f".{p}" if text else str(p))
    return text


def _from_exc(exc):
    return ("error", sorted({wire_path(e["loc"]) for e in exc.errors()}))


def _http(path, text):
    r = CLIENT.post(path, content=text, headers={"content-type": "application/json"})
    if r.status_code == 200:
        return ("ok", r.json()["type"], r.json()["wire"])
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    if path == "/frames":  # ProtocolError.errors
        return ("error", sorted({e["path"] for e in detail}))
    return ("error", sorted({wire_path(e["loc"][1:]) for e in detail}))  # loc[0] is "body"


def _ok(msg):
    return ("ok", type(msg).__name__, msg.json)


def door_outcome(door, text):
    data = json.loads(text)
    try:
        if door == "loads":
            return _ok(EventMsg.loads(text))
        if door == "TypeAdapter.validate_json":
            return _ok(ADAPTER.validate_json(text))
        if door == "TypeAdapter.validate_python":
            return _ok(ADAPTER.validate_python(data))
        if door == "EventMsg.model_validate_json":
            return _ok(EventMsg.model_validate_json(text))
        if door == "EventMsg.model_validate":
            return _ok(EventMsg.model_validate(data))
        if door == "Message field":
            return _ok(Envelope.model_validate({"message": data}).message)
    except ProtocolError as err:
        return ("error", sorted({e["path"] for e in err.errors}))
    except ValidationError as exc:
        if door == "Message field":
            return ("error", sorted({wire_path(e["loc"][1:]) for e in exc.errors()}))
        return _from_exc(exc)
    if door in ("FastAPI body", "FastAPI ProtocolError"):
        return _http("/events" if door == "FastAPI body" else "/frames", text)
    if door == "FastAPI websocket":
        with CLIENT.websocket_connect("/ws") as ws:
            ws.send_json(data)
            reply = ws.receive_json()
        if "errors" in reply:
            return ("error", sorted({wire_path(loc) for loc in reply["errors"]}))
        return ("ok", reply["type"], reply["wire"])
    raise AssertionError(door)


DOORS = ["loads", "TypeAdapter.validate_json", "TypeAdapter.validate_python", "EventMsg.model_validate_json",
         "EventMsg.model_validate", "Message field", "FastAPI body", "FastAPI websocket", "FastAPI ProtocolError"]  # fmt: skip
GOOD = [v["frame"] for v in wire_vectors()] + [json.dumps(v["message"]) for v in VECTORS if v["valid"] and not v.get("strict")]
BAD = [v for v in VECTORS if not v["valid"] and not v.get("strict") and isinstance(v["message"], dict)]


def _comparable(outcome):
    """The message without its timestamp when the frame had none (filled in per read)."""
    if outcome[0] != "ok":
        return outcome
    wire = dict(outcome[2])
    return (outcome[0], outcome[1], {k: v for k, v in wire.items() if k != "timestamp"})


@pytest.mark.parametrize("door", DOORS)
def test_every_good_frame_is_accepted_as_the_same_typed_message(door):
    for text in GOOD:
        expected = _comparable(door_outcome("loads", text))
        assert expected[0] == "ok", text
        assert _comparable(door_outcome(door, text)) == expected, text


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("vector", BAD, ids=[v["id"] for v in BAD])
def test_every_bad_frame_is_rejected_naming_the_wire_path(door, vector):
    outcome = door_outcome(door, json.dumps(vector["message"]))
    assert outcome[0] == "error", outcome
    paths = [".".join(s for s in p.split(".") if s not in SHAPES) for p in outcome[1]]
    assert vector["path"] in paths, (vector["reason"], outcome[1])
    for path in outcome[1]:  # no schema-kind or union labels, only wire keys, indexes, shape names
        assert not any(ch in path for ch in "()=,") and "union" not in path and "function" not in path, path


def test_the_open_envelope_refuses_a_known_event_type_through_pydantic():
    """``TypeAdapter(EventMsg)`` / a body typed ``EventMsg`` would skip the payload check: refused."""
    with pytest.raises(ValidationError) as info:
        TypeAdapter(EventMsg).validate_python({"eventType": "scalar", "payload": {"x": "abc", "y": 1}})
    assert [e["loc"] for e in info.value.errors()] == [("eventType",)]
    assert "Message" in info.value.errors()[0]["msg"]
    assert type(TypeAdapter(EventMsg).validate_python({"eventType": "some_later_type"})) is EventMsg


@pytest.mark.parametrize("event_type,cls", EVENT_CLASSES.items())
def test_a_typed_class_validates_its_own_frames(event_type, cls):
    for text in GOOD:
        if type(EventMsg.loads(text)) is cls:  # a server's reply of this event type is a ServerReply
            assert _comparable(_ok(cls.model_validate_json(text))) == _comparable(door_outcome("loads", text))


# ----------------------------------------------------------------------------- free-form values

NON_FINITE_FRAMES = [  # bare tokens (neetbox 0.6.0 writes them) where the schema says nothing of the value
    '{"eventType": "some_later_type", "payload": {"a": NaN, "b": [1, Infinity, -Infinity]}, "note": NaN}',
    '{"eventType": "log", "payload": {"whom": "w", "message": "m", "extra": NaN}, "unknownKey": [NaN, {"x": -Infinity}]}',
    '{"eventType": "action", "payload": {"name": "n", "result": {"v": NaN}}}',
    '{"eventType": "hyperparameters", "payload": {"lr": NaN, "sizes": [1, Infinity]}}',
    '{"eventType": "scalar", "identityType": "server", "payload": {"result": NaN, "reason": "r"}}',
]


def door_held(door, text):
    """What the message read through ``door`` holds (see ``held``)."""
    data = json.loads(text)
    if door in ("FastAPI body", "FastAPI ProtocolError"):
        r = CLIENT.post("/events" if door == "FastAPI body" else "/frames", content=text, headers={"content-type": "application/json"})
        assert r.status_code == 200, r.text
        return r.json()["held"]
    if door == "FastAPI websocket":
        with CLIENT.websocket_connect("/ws") as ws:
            ws.send_json(data)
            return ws.receive_json()["held"]
    msg = {
        "loads": lambda: EventMsg.loads(text), "TypeAdapter.validate_json": lambda: ADAPTER.validate_json(text),
        "TypeAdapter.validate_python": lambda: ADAPTER.validate_python(data),
        "EventMsg.model_validate_json": lambda: EventMsg.model_validate_json(text),
        "EventMsg.model_validate": lambda: EventMsg.model_validate(data),
        "Message field": lambda: Envelope.model_validate({"message": data}).message,
    }[door]()
    again = EventMsg.loads(msg.dumps())  # written out and read back: the same message
    assert held(again) == held(msg), (door, text)
    return held(msg)


@pytest.mark.parametrize("door", DOORS)
def test_free_form_values_hold_the_strict_json_form_through_every_door(door):
    """A bare NaN in an unknown key, an unknown event type's payload or a free-form payload value
    is held as its token through every door, as through ``loads``: what is written out reads
    back the same (pydantic's JSON doors used to keep the float in unknown keys and untyped
    payloads, and its Python doors the float Starlette's ``json.loads`` gives)."""
    for text in NON_FINITE_FRAMES:
        expected = door_held("loads", text)
        assert "NaN," not in expected and "Infinity," not in expected  # tokens, quoted
        assert door_held(door, text) == expected, text


NOT_JSON_DATA = [({1, 2}, "json_type"), (object(), "json_type"), ((1, 2), "json_type"), (b"x", "json_type"),
                 ({1: "a"}, "key_type"), ({"a": "\ud800"}, "string_unicode"), (10**4400, "int_too_long")]  # fmt: skip


@pytest.mark.parametrize("value,error_type", NOT_JSON_DATA, ids=lambda v: type(v).__name__ if not isinstance(v, str) else v)
@pytest.mark.parametrize("door", ["TypeAdapter.validate_python", "EventMsg.model_validate", "Message field"])
def test_pydantic_python_doors_take_json_data_only(door, value, error_type):
    """pydantic's own Python doors read a free-form value as JSON data, as JSON text would give it
    (the package's own doors read Python values, ``_jsonable``): anything else is one error at the
    value's own path, not a message ``dumps()`` fails on or writes as something else."""
    for data in ({"eventType": "some_later_type", "payload": value}, {"eventType": "log", "payload": {"whom": "w", "message": "m"}, "note": value},
                 {"eventType": "action", "payload": {"name": "n", "result": value}}):  # fmt: skip
        with pytest.raises(ValidationError) as info:
            {"TypeAdapter.validate_python": ADAPTER.validate_python, "EventMsg.model_validate": EventMsg.model_validate,
             "Message field": lambda d: Envelope.model_validate({"message": d})}[door](data)  # fmt: skip
        errors = info.value.errors()
        assert error_type in {e["type"] for e in errors}, errors
        assert all(e["loc"][-1] in ("payload", "note", "result", "args", "error", "ActionRequest", "ActionError", "ActionResult") for e in errors), errors


def test_a_deep_free_form_value_is_refused_and_the_callers_data_left_alone():
    deep: object = 1
    for _ in range(MAX_DEPTH + 1):
        deep = [deep]
    with pytest.raises(ValidationError) as info:
        ADAPTER.validate_python({"eventType": "some_later_type", "payload": deep})
    assert info.value.errors()[0]["type"] == "too_deep"
    data = {"eventType": "some_later_type", "payload": {"a": [1.5, float("nan")]}, "note": float("inf")}
    msg = ADAPTER.validate_python(data)
    assert msg.payload == {"a": [1.5, "NaN"]} and msg.__pydantic_extra__ == {"note": "Infinity"}
    assert data["payload"]["a"][1] != data["payload"]["a"][1] and data["note"] == float("inf")  # the caller's own, unchanged
    level = enum.Enum("Level", {"INFO": "info"}, type=str)
    msg = ADAPTER.validate_python({"eventType": "some_later_type", "payload": {"level": level.INFO, "n": enum.IntEnum("N", "A B").B}})
    assert msg.payload == {"level": "info", "n": 2} and type(msg.payload["level"]) is str and type(msg.payload["n"]) is int
