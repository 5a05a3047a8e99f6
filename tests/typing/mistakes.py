"""Planted mistakes: each line ending in a "mistake" comment must be reported by mypy --strict AND by
pyright (strict), and no other line may be (tests/test_typing.py). Never run."""

from __future__ import annotations

from neetbox_protocol import *  # noqa: F403  # pyright: ignore[reportWildcardImportFromLibrary]
from neetbox_protocol import LogEvent, ScalarEvent
from neetbox_protocol.events import KnownMessage


def construct() -> None:
    ScalarEvent(None, None, "scalar", seris="loss", payload={"x": 1, "y": 2})  # mistake: typo in a keyword
    ScalarEvent(None, None, "scalar", series="loss", payload={"x": 1, "yy": 2})  # mistake: typo in a payload key
    ScalarEvent(None, None, "scalar", series="loss", payload={"x": 1, "y": [2]})  # mistake: wrong payload value type
    ScalarEvent(None, None, "scalar", series="loss", payload=[1, 2])  # mistake: wrong payload type
    LogEvent(None, None, "log", payload={"whom": "a", "message": 3})  # mistake: wrong payload value type
    ScalarEvent(None, None, "scalr", payload={"x": 1, "y": 2})  # mistake: wrong event-type literal
    LogEvent(None, None, "scalar", payload={"whom": "a", "message": "m"})  # mistake: another event's type
    ScalarEvent(None, None, "scalar", series="loss")  # mistake: payload missing
    EventMsg(None, None, event_tipe="scalar")  # mistake: typo in a keyword
    EventMsg(None, None, "scalar", event_id="7")  # mistake: wrong envelope value type
    print(EVENT_TYPE_NAME_SCALARS)  # mistake: a constant that does not exist


def receive(frame: str, known: KnownMessage, point: ScalarEvent, log: LogEvent) -> None:
    print(EventMsg.loads(frame, strict=True).typed_payload.y)  # mistake: not narrowed (a log line has no y)
    print(point.paylod)  # mistake: typo in an attribute
    print(point.typed_payload.yy)  # mistake: typo in a typed payload field
    print(point.payload["z"])  # mistake: typo in a payload key
    count: int = log.typed_payload.message  # mistake: wrong type of a typed payload field
    if known.event_type == "scalr":  # mistake: wrong event-type literal in a comparison
        pass
    merged: LogEvent = ScalarEvent.merge(point, {"series": "acc"})  # mistake: merge gives the class it is called on
    loaded: ScalarEvent = EventMsg.loads(frame)  # mistake: loads gives the union
    print(count, merged, loaded)
