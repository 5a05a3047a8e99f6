"""``loads``: one message from JSON text or a dict, dispatched to its class.

The fast path (JSON text given to ``EventMsg.loads``) validates with the typed events' union,
tagged by ``eventType``, and falls back to ``Message`` (a server's reply, an event type this version
does not know) or ``KnownMessage`` (``strict=True``) only where that union cannot decide. The
classification is the registry's (``classify``); this module only orders the attempts and turns
pydantic's errors into ``ProtocolError``. Beside it, pydantic's door on one class (``door``) and
one ``TypeAdapter`` per model (``adapter``, whose cache is the only state kept here).
"""

# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false
# (this module walks messages given as any Mapping of any shape: isinstance narrows them to dict[Unknown, Unknown])

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

import pydantic_core
from pydantic import TypeAdapter, ValidationError

from . import _size
from ._annotations import PYTHON_VALUES, python_text
from ._errors import ProtocolArgumentError, ProtocolError
from ._registry import REPLY_TAG, Registry, classify
from ._values import check_text, json_data, quiet

if TYPE_CHECKING:
    from pydantic.plugin._schema_validator import PluggableSchemaValidator

    from ._envelope import EnvelopeBase

__all__ = ["QUIET_TEXT", "adapter", "door", "load", "python_input"]


#: JSON text of this many characters or bytes or more is read with the cyclic garbage collector
#: paused (``quiet``); so is every message given as a dict
QUIET_TEXT = 1 << 16


def load(cls: type[EnvelopeBase], src: Any, strict: bool, max_bytes: Any) -> EnvelopeBase:
    """``cls.loads(src, strict=strict, max_bytes=max_bytes)`` (see ``EnvelopeBase.loads``):
    with the collector paused for a dict or long text (``quiet``). A value whose own code fails
    while it is read (a Mapping's ``__getitem__``, an object's ``__hash__``) is a ``ProtocolError``."""
    try:
        t = type(src)
        if t is not str and t is not bytes and isinstance(src, (str, bytes, bytearray, memoryview)):
            # the text itself, as str or bytes: a subclass's own __len__ could hide its size
            src = str.__str__(src) if isinstance(src, str) else bytes(memoryview(src))
        if isinstance(src, Mapping) or (isinstance(src, (str, bytes)) and len(src) >= QUIET_TEXT):
            return quiet(_load, cls, src, strict, max_bytes)
        return _load(cls, src, strict, max_bytes)
    except (ProtocolError, MemoryError):
        raise
    except Exception as exc:
        raise ProtocolError.unreadable(exc) from exc


def _load(cls: type[EnvelopeBase], src: Any, strict: bool, max_bytes: Any) -> EnvelopeBase:
    t = type(src)
    if type(max_bytes) is not int:
        raise ProtocolArgumentError.at("", f"max_bytes must be an int, not {type(max_bytes).__name__}", "arguments")
    if t is str or t is bytes:  # (``load`` made any other text one of these)
        length = len(src)
        if length > max_bytes:
            unit = "characters" if t is str else "bytes"
            raise ProtocolError.at("", f"message is {length} {unit}, over the limit of {max_bytes} bytes", "too_large")
        json_input = True
    elif isinstance(src, Mapping):
        if not isinstance(src.get("eventType", ""), str):
            raise ProtocolError.at("eventType", "Input should be a valid string", "string_type")
        src = python_input(src, Registry.wire_keys)  # Python values made JSON data (non-finite floats: tokens)
        json_input = False
    else:
        raise ProtocolError.at("", f"message must be JSON text, bytes or a dict, not {type(src).__name__}", "message_type")
    msg = _validate(cls, src, json_input, strict)
    msg._loaded(len(src) if json_input else None, max_bytes)  # pyright: ignore[reportPrivateUsage]  # the runtime's own method
    return msg


def _validate(cls: type[EnvelopeBase], src: Any, json_input: bool, strict: bool) -> EnvelopeBase:
    known = Registry.known_adapter
    if cls is not Registry.envelope or known is None:  # a typed class: itself
        return validated(cls.__pydantic_validator__, src, json_input)
    if json_input and not strict and len(src) >= QUIET_TEXT:
        unknown = _unknown_event(cls, src)
        if unknown is not None:
            return unknown
    validator = known.validator  # the typed events, tagged by eventType: the common case, fast
    try:
        msg: EnvelopeBase = validator.validate_json(src) if json_input else validator.validate_python(src, context=PYTHON_VALUES)
    except ValidationError as exc:
        return settle(cls, exc, src, json_input, strict)
    if is_reply(msg):
        return dispatch(src, json_input, strict)
    return msg


def _unknown_event(cls: type[EnvelopeBase], src: str | bytes) -> EnvelopeBase | None:
    """Long JSON text whose first key is an ``eventType`` this version does not know (as every
    writer of the protocol orders the keys): the open envelope's validation, else None. The typed
    events' union would refuse its tag only after reading the whole text, and its error would
    copy the whole message into Python objects (pydantic converts an error's input), before the
    open envelope reads the text again: half the cost of such a message. What ``settle`` gives
    all the same: the open envelope takes the message (whose ``eventType``, the last the text
    names, is then checked), or refuses it with its own errors -- unless the text may name
    ``eventType`` twice (the last one counts): written out twice, or any key written with a
    ``\\u`` escape (``"\\u0065ventType"``), which takes the long way."""
    head = src[:512]
    found = _FIRST_EVENT_TYPE.match(head.encode("utf-8", "replace") if isinstance(head, str) else head)
    if found is None or found[1].decode() in Registry.event_classes:
        return None
    try:
        msg = validated(cls.__pydantic_validator__, src, True)
    except ProtocolError:
        if isinstance(src, str):
            once = src.count('"eventType"') == 1 and "\\u" not in src
        else:
            once = src.count(b'"eventType"') == 1 and b"\\u" not in src
        if once:
            raise
        return None
    return msg if msg.__dict__["event_type"] not in Registry.event_classes else None


#: the text of an event type name (``EventTypeName``) under the first key of JSON text
_FIRST_EVENT_TYPE = re.compile(rb'[ \t\n\r]*\{[ \t\n\r]*"eventType"[ \t\n\r]*:[ \t\n\r]*"([a-z0-9_]{1,63})"')


def settle(cls: type[EnvelopeBase], exc: ValidationError, src: Any, json_input: bool, strict: bool) -> EnvelopeBase:
    """The typed events' union refused ``src``: an event type this version does not know (the
    open envelope), a server's reply (``Message``), or bad input (``exc`` says where). What
    ``Message`` (``KnownMessage`` when strict) decides, validating ``src`` at most once more."""
    errors = exc.errors(include_url=False, include_input=False)
    if len(errors) == 1 and errors[0]["type"] == "union_tag_invalid":  # an unknown event type
        if strict:
            raise ProtocolError.from_validation_error(exc) from None
        return validated(cls.__pydantic_validator__, src, json_input)
    if all(e["loc"] and e["loc"][0] in Registry.event_classes for e in errors):  # a known event type's
        try:
            data = pydantic_core.from_json(src) if json_input else src
        except ValueError:
            data = None
        if not isinstance(data, Mapping) or classify(data.get("eventType"), data.get("identityType"), data.get("payload")) != REPLY_TAG:
            raise ProtocolError.from_validation_error(exc) from None  # not a reply: the typed event's errors
    return dispatch(src, json_input, strict)


def dispatch(src: Any, json_input: bool, strict: bool) -> EnvelopeBase:
    """``Message`` (``KnownMessage`` when strict) on input that is not simply a typed event:
    a server's generic reply, an event type this version does not know, or bad input."""
    adapter = Registry.strict_adapter if strict else Registry.message_adapter
    assert adapter is not None  # registered by the events module
    return validated(adapter.validator, src, json_input)


def is_reply(msg: EnvelopeBase) -> bool:
    """A message the typed events' union accepted that the reply rule makes a ``ServerReply``
    (a typed payload with a ``result`` key, from the server): rare, checked after the fast path."""
    d = msg.__dict__  # the fields of a validated message
    return classify(d["event_type"], d["identity_type"], d["payload"]) == REPLY_TAG


def validated(validator: pydantic_core.SchemaValidator | PluggableSchemaValidator, src: Any, json_input: bool) -> EnvelopeBase:
    """``src`` validated as JSON text or (with the Python doors' context) as a dict; pydantic's
    errors as a ``ProtocolError``."""
    try:
        return validator.validate_json(src, context=_size.SIZED) if json_input else validator.validate_python(src, context=PYTHON_VALUES)  # type: ignore[no-any-return]  # a message
    except ValidationError as exc:
        raise ProtocolError.from_validation_error(exc) from None


def python_input(data: Mapping[str, Any], known: frozenset[str]) -> dict[str, Any]:
    """Python input: payload and unknown keys made JSON data (see ``json_data``). ``known``: the
    envelope's keys this door takes (wire keys for a message given as a dict, wire keys and
    Python names for the constructor's keywords); any other key is an unknown key."""
    out = {}
    unknown = {}
    for key, value in data.items():
        if not isinstance(key, str):  # pyright: ignore[reportUnnecessaryIsInstance]  # callers pass anything
            raise ProtocolError.at("", f"message key of type {type(key).__name__} is not a string", "key_type")
        if key in known:
            out[key] = python_value(key, value, known)
        else:
            unknown[key] = value
    if unknown:  # made JSON data at once, each at its own path inside the message (one C pass when plain)
        out.update(json_data(unknown, (), 0))
    return out


def python_value(key: str, value: Any, known: frozenset[str]) -> Any:
    """A Python value given for an envelope key: the payload and unknown keys made JSON data
    (``json_data``), a scalar given as a series its JSON text; other keys as they are."""
    if key == "payload" or key not in known:
        return json_data(value, ((), key), 1)  # the message object is the first level
    if key in _PYTHON_TEXT_KEYS:
        value = python_text(value)
    if type(value) is str and not value.isascii():
        check_text(value, Registry.wire_names.get(key, key))
    return value


#: Envelope keys that neetbox's client API fills from a user's value (``add_scalar(name, ...)``,
#: ``logger.log(..., series=)``, ``add_image(name, ...)``, ``add_hyperparams(..., name=)``): a
#: Python scalar given there is sent as its JSON text, as a payload string is (``AS_TEXT``).
_PYTHON_TEXT_KEYS = frozenset({"series"})


@lru_cache(maxsize=None)
def adapter(tp: Any) -> TypeAdapter[Any]:
    """One TypeAdapter per payload model: building one costs far more than validating with it."""
    return TypeAdapter(tp)


def door(cls: type[EnvelopeBase]) -> TypeAdapter[Any]:
    """pydantic's door on ``cls``: ``Message``'s adapter for the open envelope (a typed event of a
    known event type), else the class's own (its validator, then the size gate: ``gated``)."""
    if cls is Registry.envelope and Registry.message_adapter is not None:
        return Registry.message_adapter
    return adapter(cast(Any, cls))
