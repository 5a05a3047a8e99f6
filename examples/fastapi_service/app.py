"""A small neetbox-compatible service: a FastAPI websocket endpoint that validates every frame
with the generated models of ``neetbox_protocol``.

    uvicorn app:app --app-dir examples/fastapi_service --host 127.0.0.1 --port 5000

``/ws/project/`` (the route neetbox's training-script client and web UI use) accepts text or
binary frames, one message each:

* every frame goes through ``EventMsg.loads``, which returns the typed event (``ScalarEvent``,
  ``LogEvent``, ...) or raises ``ProtocolError`` naming the field path of each problem;
* a ``handshake`` is answered as neetbox 0.6.0's server answers it: the request merged with
  ``identityType: "server"`` and ``payload: {"result": 200, "reason": "join success"}``;
* any other valid event is accepted silently (neetbox's server does not acknowledge a client's
  events either) and counted per event type; ``GET /api/stats`` returns the counts;
* an invalid frame is answered with an ``error`` event (``ErrorEvent``, the protocol's documented
  rejection, ``payloads/error.schema.json``) and the connection stays open: the request's
  ``projectId``/``runId``/``eventId``/``series`` where they are valid, ``identityType: "server"``
  and ``payload: {"error": 400, "reason": "<path>: <message>; ...", "errors": [{"path",
  "message", "type"}, ...]}``.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from fastapi import FastAPI, WebSocket, WebSocketDisconnect

from neetbox_protocol import (
    EVENT_TYPE_NAME_ERROR,
    EVENT_TYPE_NAME_HANDSHAKE,
    PROTOCOL_VERSION,
    ErrorEvent,
    EventMsg,
    IdentityType,
    ProtocolError,
)

#: Envelope keys of a request an error reply echoes (each only when it is valid).
ECHOED_KEYS = ("projectId", "runId", "eventId", "series")

app = FastAPI(title="neetbox-protocol example service", version=PROTOCOL_VERSION)
app.state.counts = Counter()  # valid messages per event type
app.state.invalid = 0


def handshake_reply(request: EventMsg) -> EventMsg:
    """What neetbox's server sends back to a successful handshake."""
    return EventMsg.merge(request, {"identityType": IdentityType.SERVER.value,
                                    "payload": {"result": 200, "reason": "join success"}})  # fmt: skip


def error_reply(frame: str | bytes, error: ProtocolError) -> ErrorEvent:
    """The reply to an invalid frame: names every bad field, echoes what of the request is valid."""
    try:
        data = json.loads(frame)
    except (ValueError, RecursionError):
        data = None
    reply: dict[str, Any] = {"eventType": EVENT_TYPE_NAME_ERROR}
    if isinstance(data, dict):
        reply.update({k: data[k] for k in ECHOED_KEYS if k in data})
    reply["identityType"] = IdentityType.SERVER.value
    reply["payload"] = {"error": 400, "reason": str(error), "errors": error.errors}
    while True:  # drop the echoed keys that are themselves invalid
        try:
            return ErrorEvent.loads(reply)
        except ProtocolError as bad:
            culprits = {e["path"].split(".")[0].split("[")[0] for e in bad.errors} & set(ECHOED_KEYS)
            if not culprits:
                raise
            for key in culprits:
                reply.pop(key, None)


@app.websocket("/ws/project/")
async def project_socket(websocket: WebSocket) -> None:
    await websocket.accept()
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            frame = message.get("text")
            if frame is None:
                frame = message.get("bytes") or b""
            try:
                msg = EventMsg.loads(frame)
            except ProtocolError as err:
                app.state.invalid += 1
                await websocket.send_text(error_reply(frame, err).dumps())
                continue
            app.state.counts[msg.event_type] += 1
            if msg.event_type == EVENT_TYPE_NAME_HANDSHAKE:
                await websocket.send_text(handshake_reply(msg).dumps())
    except WebSocketDisconnect:
        return


@app.get("/api/stats")
async def stats() -> dict[str, Any]:
    """Valid messages received per event type, and the number of invalid frames."""
    return {"protocol": PROTOCOL_VERSION, "valid": dict(app.state.counts), "invalid": app.state.invalid}
