"""Writing a message out: the bytes ``dumps`` returns, and the errors of a message that cannot be
written as every door reads it.

A validated message holds JSON data; only a value changed in place after validation
(``m.payload["x"] = object()``, ``10**5000``) or set through pydantic's unvalidated doors can
make writing fail or write what ``loads`` refuses. This module finds such a value and names it.
It keeps one table, ``dumps``' serializer, set once by ``register_events``; it validates nothing
itself (the walker of Python input, ``json_data``, decides what is JSON data).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pydantic_core

from ._errors import ProtocolError
from ._limits import MAX_INT_DIGITS
from ._text import escape
from ._values import json_data

if TYPE_CHECKING:
    from ._envelope import EnvelopeBase

__all__ = ["bad_value", "to_json"]

#: ``dumps``' serializer of an envelope's ``__dict__`` (``_register._wire_serializer``)
wire: pydantic_core.SchemaSerializer | None = None

#: a run of digits longer than a JSON reader takes as a number, found in C: the text with every
#: digit written as ``0`` and every other byte as a space (``bytes.translate``), searched for that
#: many zeros (``bytes.find``); 20-50x faster than a regular expression over the text
_DIGITS_AS_ZEROS = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_LONG_NUMBER = b"0" * (MAX_INT_DIGITS + 1)


def to_json(msg: EnvelopeBase) -> bytes:
    """``msg`` as compact JSON (UTF-8 bytes), or the ``ProtocolError`` naming the value that makes
    it unwritable or unreadable."""
    try:
        # A validated message holds plain JSON data (the payload, kept as dicts and lists) plus an
        # IdentityType, a str whose text is its value. ``wire`` writes the fields from ``__dict__``
        # (in field order, which is the wire order) under their wire names, and the payload by
        # inference: the same bytes as the model's serializer, about twice as fast. A message
        # with unknown keys takes the model's serializer, which writes them after.
        if wire is not None and not msg.__pydantic_extra__:
            out = wire.to_json(msg.__dict__, by_alias=True)
        else:
            out = msg.__pydantic_serializer__.to_json(msg, by_alias=True)
    except (pydantic_core.PydanticSerializationError, ValueError, UnicodeError, OverflowError, RecursionError) as exc:
        err = bad_value(msg)
        raise (err if err is not None else ProtocolError.at("", f"message cannot be written as JSON: {escape(str(exc))}", "unserializable")) from exc
    # an int of more digits than JSON readers take, set in place (pydantic-core writes it):
    # only text this long can hold one; a run that long in a string is no error
    if len(out) > MAX_INT_DIGITS and out.translate(_DIGITS_AS_ZEROS).find(_LONG_NUMBER) >= 0:
        err = bad_value(msg)
        if err is not None:
            raise err
    return out


def bad_value(msg: EnvelopeBase) -> ProtocolError | None:
    """The error naming the first free-form value (the payload, an unknown key) that is not JSON
    data as every door takes it (changed in place after validation); None if there is none."""
    values = {"payload": msg.__dict__["payload"], **(msg.__pydantic_extra__ or {})}
    for key, value in values.items():
        try:
            if json_data(value, ((), key), 1) == value:
                continue
            problem = "is not JSON data (a value changed in place after validation?)"
        except ProtocolError as err:
            return err
        except Exception as exc:  # the value's own ``__eq__`` failed (a numpy void)
            return ProtocolError.unreadable(exc, key)
        return ProtocolError.at(key, problem, "unserializable")
    return None
