"""FastAPI glue for a service built on the protocol: a ``ProtocolError`` answered as HTTP 422.

FastAPI is not a dependency of the package: this module imports it when a function here is
called. Typical use::

    from fastapi import FastAPI
    from neetbox_protocol import EventMsg, Message
    from neetbox_protocol.service import add_protocol_error_handler

    app = FastAPI()
    add_protocol_error_handler(app)

    @app.post("/events")
    async def post_event(msg: Message) -> dict:          # pydantic validates (422 on bad input)
        return {"eventType": msg.event_type}

    @app.post("/frames")
    async def post_frame(request: Request) -> dict:      # or loads the raw frame itself
        msg = EventMsg.loads(await request.body())       # ProtocolError -> 422 via the handler
        return {"eventType": msg.event_type}

A body typed ``Message`` gets FastAPI's own 422 (``detail[].loc`` = ``["body", <event type>,
"payload", "x"]``); a ``ProtocolError`` raised in a handler gets the same status with
``detail`` = ``ProtocolError.errors`` (``[{"path": "payload.x", "message": ..., "type": ...}]``).
"""

from __future__ import annotations

from typing import Any

from ._runtime import ProtocolError

__all__ = ["add_protocol_error_handler", "protocol_error_handler", "protocol_error_response"]


def protocol_error_response(exc: ProtocolError) -> Any:
    """A ``JSONResponse`` with status 422 and ``{"detail": exc.errors}``."""
    from fastapi.responses import JSONResponse

    return JSONResponse(status_code=422, content={"detail": exc.errors})


async def protocol_error_handler(request: Any, exc: Exception) -> Any:
    """An exception handler for ``app.add_exception_handler(ProtocolError, ...)``."""
    if not isinstance(exc, ProtocolError):  # registered for ProtocolError only
        raise exc
    return protocol_error_response(exc)


def add_protocol_error_handler(app: Any) -> None:
    """Answer every ``ProtocolError`` a route raises with HTTP 422 and its errors."""
    app.add_exception_handler(ProtocolError, protocol_error_handler)
