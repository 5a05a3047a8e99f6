"""Baseline (b): msgspec typed Structs for the same event schemas -- the practical speed limit
of validated, typed decoding in Python.

The Structs mirror schema/envelope.schema.json, schema/common.schema.json and
schema/payloads/*.schema.json: the same keys and defaults (the timestamp's default is taken per
message), the same constraints (identifier and timestamp patterns, lengths, signed 64-bit
integers, the IdentityType values), one Struct per event type, tagged by ``eventType``.

Where msgspec cannot say what the schema says, the mirror is *more permissive*, never stricter,
so the baseline does at most the work ours does:

* msgspec unions may hold only one object type unless the objects are tagged. The payload
  unions are untagged (``ScalarPoint | Reply``; ``ActionRequest | ActionResult | ActionError``;
  ``HandshakeResult | HandshakeError | null``), so each payload is the event's own shape with
  the reply alternatives left out (scalar, log, progress, hardware) or flattened into one Struct
  of optional fields (action, handshake). ``status`` (an object of three shapes, one of them
  free-keyed) is a plain ``dict``.
* ``Number`` (int, float, or the strings "NaN"/"Infinity"/"-Infinity") stays a string for the
  tokens (ours reads them back as floats); numeric strings share one ``str`` branch with them.
* Unknown envelope keys are dropped (ours keeps them); integral floats are not read as ints.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, Union

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType, field

DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"


def get_timestamp() -> str:
    return datetime.now().strftime(DATETIME_FORMAT)


Identifier = Annotated[str, Meta(min_length=1, max_length=128, pattern="^[A-Za-z0-9_][A-Za-z0-9_.-]*$")]
Timestamp = Annotated[str, Meta(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}$")]
Int64 = Annotated[int, Meta(ge=-(2**63), le=2**63 - 1)]
IdentityType = Literal["web", "cli", "server", "self", "another", "both"]
#: common.schema.json Number: an int, a float, or a non-finite float's string token
Number = Union[int, float, Literal["NaN", "Infinity", "-Infinity"]]
#: Number | NumericString (scalar x/y): the two string forms share msgspec's one str branch
NumberOrNumericString = Union[
    int,
    float,
    Annotated[str, Meta(max_length=64, pattern=r"^(NaN|Infinity|-Infinity|[-+]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?|nan|inf))$")],
]


# ----------------------------------------------------------------------------- payloads


class ScalarPoint(Struct):
    x: NumberOrNumericString
    y: NumberOrNumericString


class LogLine(Struct):
    whom: str
    message: str


class ProgressStep(Struct):
    name: str
    step: int
    current: str
    total: Union[int, None]
    rate: Number


class Cpu(Struct):
    id: int
    percentage: Number
    frequency: list[Number]


class CpuStat(Struct, rename="camel"):
    ctx_switches: int
    interrupts: int
    soft_interrupts: int
    syscalls: int


class Ram(Struct):
    total: Number
    available: Number
    used: Number
    free: Number


class Gpu(Struct, rename="camel", kw_only=True):
    id: int
    name: Union[str, UnsetType] = UNSET
    load: Union[Number, UnsetType] = UNSET
    memory_util: Union[Number, UnsetType] = UNSET
    memory_total: Union[Number, UnsetType] = UNSET
    memory_free: Union[Number, UnsetType] = UNSET
    memory_used: Union[Number, UnsetType] = UNSET
    temperature: Union[Number, UnsetType] = UNSET
    driver: Union[str, UnsetType] = UNSET


class HardwareSample(Struct, kw_only=True):
    cpus: list[Cpu]
    cpustat: CpuStat
    ram: Ram
    gpus: Union[list[Gpu], UnsetType] = UNSET


class ActionPayload(Struct, kw_only=True):
    """ActionRequest | ActionResult | ActionError, flattened."""

    name: str
    args: Union[dict[str, str], UnsetType] = UNSET
    result: Any = UNSET
    error: Union[str, UnsetType] = UNSET


class HandshakeReply(Struct, kw_only=True):
    """HandshakeResult | HandshakeError, flattened."""

    result: Union[int, UnsetType] = UNSET
    error: Union[int, UnsetType] = UNSET
    reason: Union[str, UnsetType] = UNSET


# ----------------------------------------------------------------------------- the envelope


class Envelope(Struct, kw_only=True, rename="camel", tag_field="eventType"):
    project_id: Union[Identifier, None] = None
    run_id: Union[Identifier, None] = None
    event_id: Int64 = -1
    identity_type: Union[IdentityType, None] = None
    series: Union[str, None] = None
    timestamp: Timestamp = field(default_factory=get_timestamp)
    history_len: Int64 = -1
    id: Union[Int64, None] = None


class ScalarEvent(Envelope, tag="scalar"):
    payload: ScalarPoint


class LogEvent(Envelope, tag="log"):
    payload: LogLine


class ProgressEvent(Envelope, tag="progress"):
    payload: ProgressStep


class HardwareEvent(Envelope, tag="hardware"):
    payload: HardwareSample


class ActionEvent(Envelope, tag="action"):
    payload: ActionPayload


class StatusEvent(Envelope, tag="status"):
    payload: dict[str, Any]


class HandshakeEvent(Envelope, tag="handshake"):
    payload: Union[HandshakeReply, None] = None


Event = Union[ScalarEvent, LogEvent, ProgressEvent, HardwareEvent, ActionEvent, StatusEvent, HandshakeEvent]

decoder = msgspec.json.Decoder(Event)
encoder = msgspec.json.Encoder()


def loads(src: str | bytes) -> Event:
    return decoder.decode(src)


def loads_lines(src: bytes) -> list[Event]:
    return decoder.decode_lines(src)


def dumps(msg: Event) -> str:
    return encoder.encode(msg).decode()


def to_dict(msg: Event) -> dict:
    return msgspec.to_builtins(msg)


def merge(x: Event, y: dict) -> Event:
    """A new validated message: x's keys with y's replaced (what EventMsg.merge does)."""
    merged = msgspec.to_builtins(x)
    merged.update(y)
    return msgspec.convert(merged, Event)
