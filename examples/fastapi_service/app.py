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
  "message", "type"}, ...]}``. The reply is bounded whatever the frame (at most
  ``ERROR_REPLY_MAX_BYTES`` written out: the first ``REPLY_MAX_ERRORS`` problems, each path and
  message cut to ``REPLY_TEXT_CHARS`` characters, the reason to ``REPLY_REASON_CHARS``);
* a valid handshake whose reply would be over the protocol's size limit (the request near 16
  MiB, the reply's added keys over it) is answered with an ``error`` event with ``error: 413``;
* a frame over 16 MiB is refused by uvicorn itself (``--ws-max-size``, 16 MiB by default, the
  protocol's ``DEFAULT_MAX_BYTES``) with the close code 1009, and a text frame that is not UTF-8
  with 1007; should handling a frame ever fail inside the app (a bug), the connection is closed
  with 1011: the connection is never dropped without a close frame;
* each frame is checked in a worker thread, so a costly one does not hold up the event loop
  (other connections, ``/api/stats``, the websocket's pings).
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from typing import Any

from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from neetbox_protocol import (
    EVENT_TYPE_NAME_ERROR,
    EVENT_TYPE_NAME_HANDSHAKE,
    PROTOCOL_VERSION,
    ErrorEvent,
    EventMsg,
    IdentityType,
    ProtocolError,
)

#: Envelope keys of a request an error reply echoes (each only when it is valid, and a string
#: only when at most ECHO_MAX_CHARS long).
ECHOED_KEYS = ("projectId", "runId", "eventId", "series")
ECHO_MAX_CHARS = 128

#: The bounds of an error reply: at most REPLY_MAX_ERRORS problems (then one entry that counts
#: the rest), each path and message cut to REPLY_TEXT_CHARS characters (then "..."), the reason
#: to REPLY_REASON_CHARS; written out, never over ERROR_REPLY_MAX_BYTES (a reply that would be,
#: which the caps above rule out, is sent without its details).
REPLY_MAX_ERRORS = 16
REPLY_TEXT_CHARS = 160
REPLY_REASON_CHARS = 1000
ERROR_REPLY_MAX_BYTES = 64 * 1024

#: /api/stats counts every known event type, and at most MAX_COUNTED_TYPES event types this
#: version does not know (valid ones are unbounded in number); the rest under OTHER_TYPES.
MAX_COUNTED_TYPES = 1000
OTHER_TYPES = "<other>"

#: Websocket close code for a failure inside the app (RFC 6455: internal error).
CLOSE_INTERNAL_ERROR = 1011

logger = logging.getLogger("neetbox_protocol.example_service")

app = FastAPI(title="neetbox-protocol example service", version=PROTOCOL_VERSION)
app.state.counts = Counter()  # valid messages per event type
app.state.invalid = 0


def handshake_reply(request: EventMsg) -> EventMsg:
    """What neetbox's server sends back to a successful handshake."""
    return EventMsg.merge(request, {"identityType": IdentityType.SERVER.value,
                                    "payload": {"result": 200, "reason": "join success"}})  # fmt: skip


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def _echoable(value: Any) -> bool:
    return value is None or isinstance(value, (int, float)) or isinstance(value, str) and len(value) <= ECHO_MAX_CHARS


def error_reply(frame: str | bytes, error: ProtocolError, code: int = 400) -> ErrorEvent:
    """The reply to an invalid frame: names the bad fields (within the bounds above), echoes
    what of the request is valid."""
    try:
        data = json.loads(frame)
    except (ValueError, RecursionError):
        data = None
    reply: dict[str, Any] = {"eventType": EVENT_TYPE_NAME_ERROR}
    if isinstance(data, dict):
        reply.update({k: data[k] for k in ECHOED_KEYS if k in data and _echoable(data[k])})
    reply["identityType"] = IdentityType.SERVER.value
    errors = [{"path": _cut(e["path"], REPLY_TEXT_CHARS), "message": _cut(e["message"], REPLY_TEXT_CHARS),
               "type": _cut(e["type"], REPLY_TEXT_CHARS)} for e in error.errors[:REPLY_MAX_ERRORS]]  # fmt: skip
    if len(error.errors) > REPLY_MAX_ERRORS:
        errors.append({"path": "", "message": f"and {len(error.errors) - REPLY_MAX_ERRORS} more", "type": "too_many_errors"})
    reason = _cut("; ".join(f"{e['path'] or '<message>'}: {e['message']}" for e in errors), REPLY_REASON_CHARS)
    reply["payload"] = {"error": code, "reason": reason, "errors": errors}
    while True:  # drop the echoed keys that are themselves invalid
        try:
            event = ErrorEvent.loads(reply)
        except ProtocolError as bad:
            culprits = {e["path"].split(".")[0].split("[")[0] for e in bad.errors} & set(ECHOED_KEYS) & set(reply)
            if not culprits:  # the details themselves cannot be sent: the bare rejection
                return _bare_error_reply(code)
            for key in culprits:
                reply.pop(key, None)
            continue
        if len(event.dumps().encode("utf-8")) > ERROR_REPLY_MAX_BYTES:
            return _bare_error_reply(code)
        return event


def _bare_error_reply(code: int) -> ErrorEvent:
    return ErrorEvent.loads({"eventType": EVENT_TYPE_NAME_ERROR, "identityType": IdentityType.SERVER.value,
                             "payload": {"error": code, "reason": "the frame is not a valid message", "errors": []}})  # fmt: skip


def answer(frame: str | bytes) -> tuple[str | None, bool, str | None]:
    """Check one frame: (its event type or None when invalid, whether the type is one this
    version knows, the text to send back or None)."""
    try:
        msg = EventMsg.loads(frame)
    except ProtocolError as err:
        return None, False, error_reply(frame, err).dumps()
    reply = None
    if msg.event_type == EVENT_TYPE_NAME_HANDSHAKE:
        try:
            reply = handshake_reply(msg).dumps()
        except ProtocolError as err:  # the reply would break the protocol (over the size limit)
            why = ProtocolError([{**e, "message": f"the reply to this handshake: {e['message']}"} for e in err.errors])
            reply = error_reply(frame, why, code=413).dumps()
    return msg.event_type, type(msg) is not EventMsg, reply


def count(event_type: str | None, known: bool) -> None:
    if event_type is None:
        app.state.invalid += 1
    elif known or event_type in app.state.counts or len(app.state.counts) < MAX_COUNTED_TYPES:
        app.state.counts[event_type] += 1
    else:
        app.state.counts[OTHER_TYPES] += 1


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
                event_type, known, reply = await run_in_threadpool(answer, frame)
            except Exception:  # a bug of the app: say so with a close code, never drop the connection
                logger.exception("failed to handle a frame")
                await websocket.close(code=CLOSE_INTERNAL_ERROR, reason="internal error")
                return
            count(event_type, known)
            if reply is not None:
                await websocket.send_text(reply)
    except WebSocketDisconnect:
        return


@app.get("/api/stats")
async def stats() -> dict[str, Any]:
    """Valid messages received per event type, and the number of invalid frames."""
    return {"protocol": PROTOCOL_VERSION, "valid": dict(app.state.counts), "invalid": app.state.invalid}
