"""The runtime's public surface: every name the generated modules (and the package's users) take
from the hand-written runtime, re-exported from the module that holds it.

Generated code imports only from here, so a helper can move between the runtime's modules without
regenerating. This module defines nothing and must not: each name has one home, listed in
docs/development.md:

- ``_limits``: the limits every door applies;
- ``_errors``: ``ProtocolError`` and how pydantic's errors become it;
- ``_values``: the one walker of Python input (``json_data``) and the strict-JSON form of values;
- ``_annotations``: the models' value types, their rules as arguments;
- ``_strings``: string types with excluded patterns (``SchemaString``), the open event type;
- ``_coreschema``: the only core-schema edits (``series_choice``, ``LEAF_UNION``);
- ``_registry``: the only mutable state; the generated registry's records; ``classify`` and the
  discriminators;
- ``_loads``: ``loads``' dispatch;
- ``_envelope``: ``EnvelopeBase``, the original ``EventMsg`` API;
- ``_register``: ``register_events``, which the generated events module calls to fill the registry;
- ``_defaults``: the timestamp default and the installed neetbox's version.
"""

from __future__ import annotations

from ._annotations import (
    AS_FLAG,
    AS_TEXT,
    PYTHON_VALUES,
    Integer,
    IntegerBounds,
    IntegerSchema,
    NonFiniteFloat,
    NonFiniteToken,
    Number,
    PlainAny,
    PlainNumber,
    integer_type,
    payload_shape,
)
from ._coreschema import FIRST_ERROR, LEAF_UNION, series_choice
from ._defaults import InstalledVersion, get_timestamp
from ._envelope import EnvelopeBase
from ._register import register_events
from ._errors import ProtocolArgumentError, ProtocolError
from ._limits import DEFAULT_MAX_BYTES, MAX_DEPTH, MAX_ERRORS, MAX_INT_DIGITS
from ._registry import (
    REPLY_DISPATCH,
    REPLY_TAG,
    UNKNOWN_EVENT_TAG,
    EnvelopeField,
    ReplyRule,
    SeriesShapes,
    classify,
    known_message_tag,
    message_tag,
)
from ._strings import OPEN_EVENT_TYPE, SchemaString, StringRule

__all__ = [
    "AS_FLAG",
    "AS_TEXT",
    "DEFAULT_MAX_BYTES",
    "FIRST_ERROR",
    "LEAF_UNION",
    "MAX_DEPTH",
    "MAX_ERRORS",
    "MAX_INT_DIGITS",
    "OPEN_EVENT_TYPE",
    "PYTHON_VALUES",
    "REPLY_DISPATCH",
    "REPLY_TAG",
    "UNKNOWN_EVENT_TAG",
    "EnvelopeBase",
    "EnvelopeField",
    "InstalledVersion",
    "Integer",
    "IntegerBounds",
    "IntegerSchema",
    "NonFiniteFloat",
    "NonFiniteToken",
    "Number",
    "PlainAny",
    "PlainNumber",
    "ProtocolArgumentError",
    "ProtocolError",
    "ReplyRule",
    "SchemaString",
    "SeriesShapes",
    "StringRule",
    "classify",
    "get_timestamp",
    "integer_type",
    "known_message_tag",
    "message_tag",
    "payload_shape",
    "register_events",
    "series_choice",
]
