"""A module of neetbox 0.6.0's kind: everything from a star import (the constants, EventMsg,
IdentityType, get_timestamp, and json / Union / dataclass, which neetbox's modules take from it).
Type-checked with service.py (tests/test_typing.py)."""

from __future__ import annotations

from neetbox_protocol import *  # noqa: F403  # pyright: ignore[reportWildcardImportFromLibrary]  # as neetbox's modules do


@dataclass
class Sample:
    series: str
    value: Union[int, float]


def send_scalar(sample: Sample) -> str:
    message = EventMsg(
        project_id=None,
        run_id=None,
        event_type=EVENT_TYPE_NAME_SCALAR,
        identity_type=IdentityType.CLI,
        series=sample.series,
        payload={"x": 0, "y": sample.value},
        timestamp=get_timestamp(),
    )
    return json.dumps(message.json)


def received(frame: str) -> str | None:
    message = EventMsg.loads(frame)
    if message.event_type == EVENT_TYPE_NAME_LOG:
        return str(message.payload)
    return message.json[SERIES_KEY] if SERIES_KEY in message.json else None
