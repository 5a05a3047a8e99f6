"""A service and a training script written against neetbox_protocol the way a FastAPI service
and neetbox 0.6.0 use it. Never run: tests/test_typing.py type-checks it with mypy --strict and
pyright (strict), which must report nothing. ``assert_type`` pins what each checker infers."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, WebSocket
from pydantic import TypeAdapter
from typing_extensions import assert_type

import neetbox_protocol
from neetbox_protocol import (
    EVENT_TYPE_NAME_HANDSHAKE,
    EVENT_TYPE_NAME_SCALAR,
    PROTOCOL_VERSION,
    EventMsg,
    HandshakeEvent,
    IdentityType,
    LogEvent,
    ProtocolError,
    ScalarEvent,
    StatusEvent,
    get_timestamp,
)
from neetbox_protocol.events import KnownMessage, Message, ServerReply
from neetbox_protocol.models.common_schema import ErrorReply, ResultReply
from neetbox_protocol.models.payloads.log_schema import LogLine
from neetbox_protocol.models.payloads.scalar_schema import ScalarPoint
from neetbox_protocol.models.payloads.status_schema import PlatformInfo
from neetbox_protocol.plain import HandshakePayloadData, ScalarPayloadData

app = FastAPI()
MESSAGES: TypeAdapter[Message] = TypeAdapter(Message)  # a frame validated by pydantic's own door (pydantic 2.12 infers no type argument: annotated)

# -- constructing: the typed classes check the payload's shape, EventMsg takes any event type --

point = ScalarEvent(
    project_id="p1", run_id="r1", event_type="scalar", series="loss", payload={"x": 1, "y": float("nan")}
)
assert_type(point, ScalarEvent)
assert_type(point.payload, ScalarPayloadData)
assert_type(point.typed_payload, ScalarPoint)  # one shape: a server's generic reply is a ServerReply
line = LogEvent("p1", "r1", "log", series="info", payload={"whom": "train", "message": "epoch 1"})
assert_type(line.typed_payload.message, str)
answer = ServerReply("p1", "r1", "scalar", identity_type=IdentityType.SERVER, payload={"result": 200, "reason": "ok"})
assert_type(answer.typed_payload, ResultReply | ErrorReply)
merged = EventMsg.merge(point, {"payload": {"result": 200}, "identityType": "server"})  # neetbox's server reply
if isinstance(merged, ServerReply):
    assert_type(merged, ServerReply)
    # its event_type is the Literal of the event types a generic reply answers (generated from
    # the schemas, so not listed here: adding an event type needs no edit); a str reads it
    answered: str = merged.event_type
hello = EventMsg(  # as neetbox's client sends its handshake
    project_id="p1",
    run_id="r1",
    event_type=EVENT_TYPE_NAME_HANDSHAKE,
    identity_type=IdentityType.CLI,
    event_id=0,
)
assert_type(hello, EventMsg)
untyped = EventMsg(None, None, "hyperparameters", payload={"lr": float("inf")}, timestamp=get_timestamp())
assert_type(untyped.payload, Any)
handshake = HandshakeEvent(None, None, "handshake")  # a handshake request has no payload
assert_type(handshake.payload, HandshakePayloadData)


def scalar_y(point: ScalarPoint) -> float | None:
    return float(point.y) if point.y is not None else None


def log_text(line: LogLine) -> str:
    return f"{line.whom}: {line.message}"


# -- receiving: loads gives the union, narrowed by isinstance or by the event type ---------------


def on_frame(frame: str | bytes) -> str | None:
    try:
        msg = EventMsg.loads(frame)
    except ProtocolError as err:  # a ValueError naming each field path
        return json.dumps(err.errors)
    assert_type(msg, Message)
    if isinstance(msg, ScalarEvent):
        point_ = msg.typed_payload
        y: int | float | str | None = point_.y
        print(y, scalar_y(point_))
        print(msg.series, msg.event_id + 1)
    elif isinstance(msg, LogEvent):
        typed = msg.typed_payload
        print(log_text(typed), typed.message)
    elif isinstance(msg, ServerReply):  # a server's answer: {result|error, reason}
        print(msg.event_type, msg.payload.get("reason"))
    elif isinstance(msg, StatusEvent):
        status = msg.typed_payload
        if isinstance(status, PlatformInfo):
            print(status.python_version)
    match msg.event_type:  # the open envelope (an event type this version does not know) stays
        case "scalar":
            assert_type(msg, ScalarEvent | ServerReply | EventMsg)
        case "log":
            assert_type(msg, LogEvent | ServerReply | EventMsg)
        case _:
            pass
    reply = EventMsg.merge(msg, {"identityType": "server"})
    assert_type(reply, Message)
    return reply.dumps()


def on_known_frame(frame: str) -> str:
    msg = EventMsg.loads(frame, strict=True)  # every event type known: narrowed by event_type alone
    assert_type(msg, KnownMessage)
    if msg.event_type == EVENT_TYPE_NAME_SCALAR:  # a constant is its literal
        assert_type(msg, ScalarEvent | ServerReply)
        return str(msg.typed_payload.x) if isinstance(msg, ScalarEvent) else "a reply"
    if isinstance(msg, LogEvent):
        return msg.typed_payload.message
    return msg.event_type


def typed_doors(frame: str, data: dict[str, Any]) -> None:
    assert_type(ScalarEvent.loads(frame), ScalarEvent)
    assert_type(ScalarEvent.merge(point, {"series": "acc"}), ScalarEvent)
    assert_type(ScalarEvent.model_validate(data), ScalarEvent)
    assert_type(EventMsg.model_validate_json(frame), EventMsg)
    via_pydantic = MESSAGES.validate_json(frame)
    if isinstance(via_pydantic, ScalarEvent):
        print(via_pydantic.typed_payload.x)
    wire: dict[str, Any] = point.json
    text: str = point.dumps()
    print(wire, text, PROTOCOL_VERSION, neetbox_protocol.EVENT_TYPE_NAME_LOG, neetbox_protocol.VERSION)


@app.websocket("/ws")
async def websocket_endpoint(websocket: WebSocket) -> None:
    await websocket.accept()
    msg = EventMsg.loads(await websocket.receive_text())
    await websocket.send_json(EventMsg.merge(msg, {"identityType": IdentityType.SERVER.value}).json)


@app.post("/scalar")
async def post_scalar(event: ScalarEvent) -> dict[str, Any]:  # pydantic checks the payload
    typed = event.typed_payload
    return {"y": typed.y, "echo": event.json}
