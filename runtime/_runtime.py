"""The hand-written runtime of neetbox_protocol: the behaviour JSON Schema cannot express.

This file is the package's ``neetbox_protocol/_runtime.py`` (setup.py adds runtime/*.py to the
modules codegen.py writes into generated/neetbox_protocol/). Everything else in the package is
generated from ``schema/``.

What lives here, and only here:

* ``ProtocolError`` -- the one exception every bad input raises (a ``ValueError``), with the
  field path of each problem;
* ``get_timestamp``, ``Identifier``, ``OpenEventType``, ``Integer``, ``Int64`` and ``NonFiniteFloat``
  -- the value types the models use for schema locations (codegen's configuration:
  ``emitters.DEFAULT_FACTORIES``, ``codegen.PYTHON_TYPES``);
* ``EnvelopeBase`` -- the base class of the generated ``EventMsg``: the original module's API
  (positional and keyword construction, ``json``, ``dumps``, ``loads``, ``merge``) on top of
  the generated pydantic fields, plus the typed-event dispatch;
* ``series_choice`` -- the validator of a typed event whose ``series`` selects its payload's shape;
* ``payload_type`` -- turns a generated payload model into the dict-valued validator a typed
  event stores (neetbox's server json.dumps()es payloads and stores them in sqlite, so a payload
  must stay a plain ``dict``; ``EventMsg.typed_payload`` gives the model view).
"""

# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false
# (the runtime walks JSON values and core schemas of any shape: isinstance narrows them to dict[Unknown, Unknown])

from __future__ import annotations

import enum
import numbers
import re
import time
import types
import typing
from dataclasses import dataclass
from collections.abc import Container, Hashable, Mapping
from datetime import datetime as _datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Union, cast, overload

import pydantic_core
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    StrictStr,
    Tag,
    TypeAdapter,
    ValidationError,
)
from pydantic_core import MISSING  # pydantic.MISSING only from pydantic 2.14; this from 2.12 (docs/packaging.md)
from typing_extensions import LiteralString, NotRequired, Self, TypeAlias, TypeAliasType, TypedDict

from ._schemas import schema as _published_schema
from .constants import DATETIME_FORMAT

if TYPE_CHECKING:  # the typed events (the events module imports this one at run time)
    from pydantic._internal._model_construction import ModelMetaclass
    from pydantic.plugin._schema_validator import PluggableSchemaValidator

    from .events import KnownMessage, Message

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_DEPTH",
    "MAX_ERRORS",
    "MAX_INT_DIGITS",
    "EnvelopeBase",
    "EventTypeName",
    "Identifier",
    "Int64",
    "Integer",
    "NonFiniteFloat",
    "NonFiniteToken",
    "Number",
    "ProtocolArgumentError",
    "ProtocolError",
    "get_timestamp",
    "payload_type",
    "series_choice",
]

#: Largest message ``loads`` accepts by default, in bytes (characters for a ``str``).
#: Pass ``max_bytes=`` to ``loads`` to change it per call.
DEFAULT_MAX_BYTES = 16 * 1024 * 1024
#: JSON text longer than this may be longer written out (1e5 -> 100000.0): ``loads`` checks its size after reading
_BIG_TEXT = DEFAULT_MAX_BYTES >> 2

#: Deepest nesting of arrays/objects in a free-form value (the payload, an unknown key), counted
#: from that value: the limit of pydantic's JSON parser (a deeper document is not JSON it reads),
#: so every door takes what JSON text can carry and a message read from a dict can be written out
#: and read back.
MAX_DEPTH = 200

#: Longest integer, in decimal digits: what pydantic's JSON parser and Python's ``int(str)``
#: read (``sys.get_int_max_str_digits()``'s default).
MAX_INT_DIGITS = 4300
_INT_BOUND = 10**MAX_INT_DIGITS


def _json_reads(text: str) -> bool:
    try:
        pydantic_core.from_json(text)
    except ValueError:
        return False
    return True


# the most negative integer every door takes: -(10**MAX_INT_DIGITS - 1), or one digit less where
# pydantic-core's JSON parser counts the minus sign among the digits (pydantic-core 2.41, pydantic
# 2.12's, does; 2.50 does not), so that what a Python door accepts JSON text reads back
_NEG_INT_BOUND = _INT_BOUND if _json_reads("-" + "9" * MAX_INT_DIGITS) else _INT_BOUND // 10
_INT_LIMIT = f"{MAX_INT_DIGITS} digits" + ("" if _NEG_INT_BOUND == _INT_BOUND else f" ({MAX_INT_DIGITS - 1} for a negative one)")

#: Most problems a ``ProtocolError`` lists; the rest are counted in one last entry.
MAX_ERRORS = 100


def get_timestamp(datetime: _datetime | None = None) -> str:
    """Format ``datetime`` (default: now, local time) with ``DATETIME_FORMAT``."""
    if datetime is None and _ISO_FORMAT:  # the same text, without strftime's parsing of the format
        return _datetime.now().isoformat(timespec="microseconds")
    return (datetime or _datetime.now()).strftime(DATETIME_FORMAT)


# ``isoformat`` of a naive datetime (``now()``) is exactly ``DATETIME_FORMAT``'s text when that is
# the ISO form (four-digit years, which ``now()`` has)
_ISO_FORMAT = DATETIME_FORMAT == "%Y-%m-%dT%H:%M:%S.%f"


#: A non-finite float as the strict-JSON string token ("NaN", "Infinity", "-Infinity"),
#: validated back into the float: the typed view (``typed_payload``) reads these as floats.
NonFiniteFloat = Annotated[Literal["NaN", "Infinity", "-Infinity"], AfterValidator(float)]

#: The same token kept as the string: what a message's plain data (``payload``, unknown keys)
#: holds, so that whatever a service does with it (``json.dumps``, sqlite, a JSON response)
#: stays strict JSON.
NonFiniteToken = Literal["NaN", "Infinity", "-Infinity"]

_TOKEN_TEXTS = ("NaN", "Infinity", "-Infinity")  # the three tokens, for run-time checks and schemas
_TOKENS = frozenset(_TOKEN_TEXTS)


def _token(value: float) -> str:
    """The strict-JSON token of a non-finite float."""
    return "NaN" if value != value else "Infinity" if value > 0 else "-Infinity"


#: The validation context of the package's own Python doors (the constructor, attribute
#: assignment, a dict given to ``loads`` or ``merge``): there a Python value is read as Python
#: code means it (a bool where a number is wanted is 1/0, see ``_PythonScalarAs``). pydantic's
#: doors (``TypeAdapter(Message)``, ``model_validate``, a FastAPI body) validate wire data and
#: pass no such context: the JSON Schema's verdict, whether the data came as text or as a dict.
PYTHON_VALUES: dict[str, str] = {"neetbox_protocol": "python values"}


def _bool_to_int(value: Any, info: Any) -> Any:
    # a Python bool is an int (True + 1 == 2), and neetbox's UI plots a bool series as 0/1: where
    # the schema wants a number, a bool from Python code is written as 1/0 (JSON's true stays
    # rejected there: it is not a number)
    return int(value) if type(value) is bool and info.context is PYTHON_VALUES else value


def _python_text(value: Any) -> Any:
    """A Python scalar given where the schema wants a string: its JSON text (see ``_scalar_text``);
    a string, None and anything else as it is (None stays null, the rest is the check's)."""
    if value is None or type(value) is str:
        return value
    text = _scalar_text(value)
    return value if text is None else text


def _flag_of_scalar(value: Any) -> Any:
    if value is None or type(value) is int or type(value) is float:
        return bool(value)
    if type(value) is str and value in _TOKENS:  # a non-finite float, already made its token by ``_jsonable``: truthy
        return True
    return value


class _PythonScalarAs:
    """Annotation: Python code's values (``PYTHON_VALUES``) are read the way Python code means them
    where the schema wants a string or a flag, before the strict check; wire data is checked as
    it is. A number or bool
    given for a string (``@action(description=True)``) is its JSON text (``"true"``); None or a
    number given for a flag (``@action(blocking=None)``) is its truth value, as neetbox's client
    itself reads it (``if not action.blocking``). Other values are left to the strict check."""

    __slots__ = ("fn",)

    def __init__(self, fn: Any):
        self.fn = fn

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> pydantic_core.CoreSchema:
        cs = pydantic_core.core_schema
        schema = handler(source)
        return cs.json_or_python_schema(json_schema=schema, python_schema=cs.with_info_before_validator_function(self._read, schema))

    def _read(self, value: Any, info: Any) -> Any:
        return self.fn(value) if info.context is PYTHON_VALUES else value

    def __repr__(self) -> str:
        return f"_PythonScalarAs({self.fn.__name__})"


_AS_TEXT = _PythonScalarAs(_python_text)
_AS_FLAG = _PythonScalarAs(_flag_of_scalar)


def _non_finite_token(value: float) -> str:
    if value - value == 0.0:
        raise ValueError("finite")  # only reached for a number the branches before rejected
    return _token(value)


_NUMBER_ERROR = "Input should be a number, or 'NaN', 'Infinity' or '-Infinity'"


class _NumberSchema:
    """Annotation: the whole check of a ``Number``: a float, an int, a token. ``plain_data``
    is the form a message holds (``payload``): a non-finite float, as the bare ``NaN`` token of
    neetbox 0.6.0's JSON reads, becomes its token, and a token stays a string; otherwise (the
    typed view, ``typed_payload``) a token is read as the float, and JSON output writes a
    non-finite float as its token (``model_dump_json``, and the ``model_dump(mode="json")`` of a
    FastAPI response, which ``ser_json_inf_nan`` does not cover), never ``null``. Python input
    reads a bool as 1/0 first (a Python bool is an int; neetbox's UI plots it as one)."""

    __slots__ = ("plain_data",)

    def __init__(self, plain_data: bool):
        self.plain_data = plain_data

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> pydantic_core.CoreSchema:
        cs = pydantic_core.core_schema
        tokens = cs.literal_schema(list(_TOKEN_TEXTS))
        # Python input: left to right, int first (an int, or an int subclass such as an IntEnum
        # member, stays an int). JSON input: smart mode, float first. A JSON float is an exact
        # match for the float branch, which ends the search; a JSON integer is only a lossy,
        # "strict" match for it and an exact one for the int branch, which smart mode then keeps:
        # the same values as int first, without building and dropping an int error for every
        # float (half the cost of a float in hardware payloads). JSON holds no subclasses, so the
        # exactness rule is all there is to it; tests/test_fast_paths.py compares both orders.
        # The token branches match strings and non-finite floats, which the others refuse.
        if self.plain_data:
            finite, non_finite = (cs.float_schema(strict=True, allow_inf_nan=False),
                                  [tokens, cs.chain_schema([cs.float_schema(strict=True), cs.no_info_plain_validator_function(_non_finite_token)])])
            serialization = None
        else:
            finite, non_finite = cs.float_schema(strict=True), [cs.chain_schema([tokens, cs.no_info_plain_validator_function(float)])]
            # a Number is never a container: this writes a non-finite float as its token
            serialization = cs.plain_serializer_function_ser_schema(_strict_json_floats, when_used="json")
        integer = cs.int_schema(strict=True)
        json_union = cs.union_schema([finite, integer, *non_finite], mode="smart", custom_error_type="number_type",
                                     custom_error_message=_NUMBER_ERROR)
        python_union = cs.union_schema([integer, finite, *non_finite], mode="left_to_right", custom_error_type="number_type",
                                       custom_error_message=_NUMBER_ERROR)
        return cs.json_or_python_schema(json_schema=json_union, python_schema=cs.with_info_before_validator_function(_bool_to_int, python_union),
                                        serialization=serialization)

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"anyOf": [{"type": "number"}, {"enum": list(_TOKEN_TEXTS)}]}

    def __repr__(self) -> str:
        return f"_NumberSchema(plain_data={self.plain_data})"


#: A JSON number (integers stay integers) or a non-finite float as its string token ("NaN",
#: "Infinity", "-Infinity"), read as the float; from Python, a bool is 1/0 (see ``_NumberSchema``).
#: The union below is what type checkers and the union analysis see; the check is the marker's.
Number = Annotated[Union[StrictInt, StrictFloat, NonFiniteFloat], _NumberSchema(plain_data=False)]

#: The same value in the form a message holds as plain data: the token stays a string.
_PLAIN_NUMBER = _NumberSchema(plain_data=True)
PlainNumber = Annotated[Union[StrictInt, StrictFloat, NonFiniteToken], _PLAIN_NUMBER]


class _JsonAny:
    """Annotation on a free-form (``Any``) position (a payload's, an unknown key's, the open
    envelope's payload): the value is held in the strict-JSON form, whatever door it came
    through. JSON input may hold bare ``NaN``/``Infinity`` tokens (neetbox 0.6.0 writes them),
    which the parser reads as floats: ``_strict_json_floats``. Python input from the package's
    own doors (``PYTHON_VALUES``) is JSON data already (``_jsonable``); from pydantic's own
    (``TypeAdapter(Message).validate_python``, ``model_validate``, a FastAPI body, which Starlette
    parses with ``json.loads``) it is checked as JSON text would be: ``_json_data``."""

    __slots__ = ()

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> pydantic_core.CoreSchema:
        cs = pydantic_core.core_schema
        return cs.json_or_python_schema(json_schema=cs.no_info_after_validator_function(_strict_json_floats, cs.any_schema()),
                                        python_schema=cs.with_info_plain_validator_function(_python_json_data))

    def __repr__(self) -> str:
        return "_JsonAny()"


def _python_json_data(value: Any, info: Any) -> Any:
    if info.context is PYTHON_VALUES:  # the package's own doors made it JSON data already
        return value
    try:
        return _json_data(value, "", 0)
    except ProtocolError as err:
        problem = err.errors[0]  # one: _json_data stops at the first
        where = f" (at {problem['path']})" if problem["path"] else ""
        error_type = _JSON_DATA_ERRORS.get(problem["type"], "json_type")
        raise pydantic_core.PydanticCustomError(error_type, "{reason}{where}", {"reason": problem["message"], "where": where}) from None


#: the error types ``_json_data`` raises (pydantic wants a literal string as an error's type)
_JSON_DATA_ERRORS: dict[str, LiteralString] = {
    "json_type": "json_type", "key_type": "key_type", "too_deep": "too_deep", "int_too_long": "int_too_long", "string_unicode": "string_unicode",
}


def _json_data(value: Any, path: str, depth: int) -> Any:
    """``value`` if it is JSON data as JSON text can carry it (str, int within ``MAX_INT_DIGITS``,
    finite float, bool, None, lists, dicts with str keys, at most ``MAX_DEPTH`` levels, no lone
    surrogate), a non-finite float as its token; containers are copied only where a token
    replaces a float (the caller's own are never changed). Anything else is refused: pydantic's
    doors read Python input as JSON data, where the package's own read Python values
    (``_jsonable``)."""
    # the scalars as _jsonable reads them (its first lines, inlined in both: a shared helper
    # costs a call per value, 7 % of a constructor with a 30-key payload)
    t = type(value)
    if t is str:
        return value if value.isascii() else _check_text(value, path)
    if t is int:
        return value if -_NEG_INT_BOUND < value < _INT_BOUND else _too_long(path)
    if t is bool or value is None:
        return value
    if t is float:
        return value if value - value == 0.0 else _token(value)
    if t is not dict and t is not list:
        if isinstance(value, (str, int, float)):  # a subclass (a str or int Enum member): its plain value
            return _json_data(str.__str__(value) if isinstance(value, str) else int(value) if isinstance(value, int) else float(value), path, depth)
        raise ProtocolError.at(path, f"Input should be JSON data (a string, number, boolean, null, list or dict), not {t.__name__}", "json_type")
    if depth >= MAX_DEPTH:
        raise ProtocolError.at(path, f"nested deeper than {MAX_DEPTH} levels", "too_deep")
    if t is list:
        out_list: list[Any] | None = None
        for i, item in enumerate(cast("list[Any]", value)):
            checked = _json_data(item, f"{path}[{i}]", depth + 1)
            if checked is not item and out_list is None:
                out_list = list(value[:i])
            if out_list is not None:
                out_list.append(checked)
        return value if out_list is None else out_list
    out: dict[str, Any] | None = None
    for n, (key, item) in enumerate(cast("dict[Any, Any]", value).items()):
        if type(key) is not str:
            raise ProtocolError.at(path, f"object key of type {type(key).__name__} is not a string", "key_type")
        where = f"{path}.{key}" if path else key
        if not key.isascii():
            _check_text(key, where)
        checked = _json_data(item, where, depth + 1)
        if checked is not item and out is None:
            out = dict(list(value.items())[:n])
        if out is not None:
            out[key] = checked
    return value if out is None else out


#: A free-form value as a message holds it.
PlainAny = Annotated[Any, _JsonAny()]


#: The discriminator tag of the open envelope in ``Message`` (an event type this version does
#: not know). A class name, so it cannot be an event type (event types are lower case).
UNKNOWN_EVENT_TAG = "EventMsg"
#: The tag of ``ServerReply`` in ``Message`` and ``KnownMessage`` (a class name too).
REPLY_TAG = "ServerReply"


@dataclass(frozen=True)
class ReplyRule:
    """When a message of a known event type is a server's generic reply (``ServerReply``)
    rather than its typed event: message.schema.json's ``KnownMessage.if``, emitted by codegen
    as the events module's ``REPLY_RULE``."""

    identity: str  #: the identityType of a reply
    keys: tuple[str, ...]  #: a payload object with any of these keys is a reply
    event_types: frozenset[str]  #: the event types answered this way

    def applies(self, event_type: object, identity_type: object, payload: object) -> bool:
        return (isinstance(identity_type, str) and identity_type == self.identity and isinstance(event_type, str)
                and event_type in self.event_types and isinstance(payload, Mapping) and any(k in payload for k in self.keys))  # fmt: skip


class _Registry:
    """What the generated events module registers (``EnvelopeBase._register_events``)."""

    reply_rule: ReplyRule | None = None


class _ReplyDispatch:
    """Annotation on ``Message`` and ``KnownMessage``: their JSON Schema says what the
    discriminator does, as message.schema.json does (``if`` the reply rule holds, ``then`` a
    ``ServerReply``, ``else`` one of the other branches). pydantic writes a callable
    discriminator as ``oneOf`` of every branch, which rejects a server reply that also fits its
    event's typed shape."""

    __slots__ = ()

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        schema: dict[str, Any] = handler(core_schema)
        rule = _Registry.reply_rule
        branches = schema.get("oneOf", [])
        reply = [b for b in branches if "$ref" in b and handler.resolve_ref_schema(b).get("title") == REPLY_TAG]
        if rule is None or len(reply) != 1:
            return schema
        rest = [b for b in branches if b is not reply[0]]
        condition = {
            "properties": {
                "identityType": {"const": rule.identity},
                "eventType": {"enum": sorted(rule.event_types)},
                "payload": {"type": "object", "anyOf": [{"required": [k]} for k in rule.keys]},
            },
            "required": ["identityType", "eventType", "payload"],
        }
        return {**{k: v for k, v in schema.items() if k != "oneOf"}, "if": condition, "then": reply[0], "else": {"oneOf": rest}}


#: ``Message``'s and ``KnownMessage``'s JSON Schema: the reply rule as ``if``/``then``/``else``.
REPLY_DISPATCH = _ReplyDispatch()


def known_message_tag(value: Any) -> str:
    """``KnownMessage``'s discriminator: ``REPLY_TAG`` where the reply rule holds, else the
    event type (an unknown one matches no tag: pydantic reports it)."""
    if isinstance(value, Mapping):
        event_type, identity_type, payload = value.get("eventType"), value.get("identityType"), value.get("payload")
    else:
        event_type = getattr(value, "event_type", None)
        identity_type, payload = getattr(value, "identity_type", None), getattr(value, "payload", None)
    rule = _Registry.reply_rule
    if identity_type is not None and rule is not None and rule.applies(event_type, identity_type, payload):
        return REPLY_TAG
    return event_type if type(event_type) is str else UNKNOWN_EVENT_TAG


def message_tag(value: Any) -> str:
    """``Message``'s discriminator: ``KnownMessage``'s tag when this version knows the event
    type, else the open envelope's tag (its validator then reports a missing or malformed
    ``eventType``)."""
    tag = known_message_tag(value)
    return tag if tag in _EVENT_CLASSES or tag == REPLY_TAG else UNKNOWN_EVENT_TAG


#: event type -> typed class: the generated events module's ``EVENT_CLASSES``, given to
#: ``EnvelopeBase._register_events``
_EVENT_CLASSES: dict[str, type[EnvelopeBase]] = {}


def _open_event_type(value: str) -> str:
    if value in _EVENT_CLASSES:
        raise pydantic_core.PydanticCustomError(
            "known_event_type",
            "'{event_type}' is a known event type: the open envelope would not check its payload; "
            "validate with neetbox_protocol.Message (TypeAdapter(Message), a Message-typed body), "
            "EventMsg.loads, or its typed class",
            {"event_type": value},
        )
    return value


class _OpenEventType:
    """Annotation on the open envelope's ``eventType``: the event types this version does not
    know. A known one belongs to its typed class; accepting it here would skip its payload check,
    so the untyped ``EventMsg`` (``TypeAdapter(EventMsg)``, a FastAPI body typed ``EventMsg``,
    attribute assignment) refuses it and names the door that checks it. The typed classes
    declare their own ``eventType`` (a ``Literal``) and do not run this."""

    __slots__ = ()

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> pydantic_core.CoreSchema:
        return pydantic_core.core_schema.no_info_after_validator_function(_open_event_type, handler(source))

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        # said in JSON Schema too, so that ``Message``'s oneOf has exactly one match; beside the
        # name's own ``not`` (its line-break guard), under ``allOf``
        schema: dict[str, Any] = handler(core_schema)
        known = {"not": {"enum": sorted(_EVENT_CLASSES)}}
        if "not" not in schema:
            return {**schema, **known}
        return {**schema, "allOf": [*schema.get("allOf", ()), known]}

    def __repr__(self) -> str:
        return "_OpenEventType()"


@lru_cache(maxsize=None)
def _common_def(name: str) -> dict[str, Any]:
    definition: dict[str, Any] = _published_schema("common")["$defs"][name]
    return definition


def _excluded(rules: tuple[tuple[str, str], ...]) -> Any:
    compiled = [(re.compile(pattern), pattern, why) for pattern, why in rules]

    def check(value: str) -> str:
        for regex, pattern, why in compiled:
            if regex.search(value):
                raise pydantic_core.PydanticCustomError(
                    "string_pattern_excluded", _EXCLUDED_MESSAGE, {"pattern": pattern, "why": why}
                )
        return value

    return check


#: ``not`` pattern -> a Rust regex (no look-around) that matches only strings the ``not`` rule
#: lets through: a value it matches skips the Python check of that rule (most ids: a UUID's stem
#: is 36 characters, no device name's). A sufficient condition, not the complement: a value it
#: does not match is checked in Python as before. tests/test_fast_paths.py checks both agree.
_EXCLUSION_FAST_PATHS: dict[str, str] = {
    "\\n": "^[^\\n]*$",
    # a device name's stem (what precedes the first dot) has 3 or 4 characters and starts with
    # one of C P A N L: any other first character, or a stem of 1, 2 or 5+ characters, passes
    "^([Cc][Oo][Nn]|[Pp][Rr][Nn]|[Aa][Uu][Xx]|[Nn][Uu][Ll]|[Cc][Oo][Mm][0-9]|[Ll][Pp][Tt][0-9])(\\..*)?$":
        "^(?:[^CcPpAaNnLl.]|[^.]{5}|[^.]{1,2}(?:\\.|$))",
}


#: A ``pattern`` whose every match is free of line breaks in the models' Rust regex: anchored at
#: both ends (Rust's ``$``, without the ``m`` flag, matches only at the end of the text, where
#: Python's also matches before a final newline: why the schemas add ``not: {pattern: "\\n"}``),
#: built only of literal characters, escaped punctuation and positive classes of such characters
#: (no negated class, no ``\s``/``\D``/``\W``/``\p``-style class, no ``.``, which Rust does not
#: let match a newline either, but the rule is kept simple). A conservative, syntactic reading:
#: a pattern it does not accept keeps the Python check of the ``\n`` rule.
_NO_LINE_BREAK_PATTERN = re.compile(r"\^(?:[A-Za-z0-9_(){},|?*+:-]|\\[.\-+*?()\[\]{}^$|]|\[(?!\^)(?:[A-Za-z0-9_.:+-]|\\[.\-])+\])*\$")


_INLINE_FLAGS = re.compile(r"(?<!\\)\(\?(?!:)")


def _line_break_rule_implied(pattern: str | None) -> bool:
    """Whether ``not: {pattern: "\\n"}`` is implied by the type's ``pattern`` (see above): its
    form, no ``|`` outside parentheses (``^a|b$`` is anchored in neither alternative) and no
    inline flags (``(?m)``, ``(?s)``)."""
    if pattern is None or _NO_LINE_BREAK_PATTERN.fullmatch(pattern) is None or _INLINE_FLAGS.search(pattern):
        return False
    depth, escaped, in_class = 0, False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            return False
    return True


def _excluding(constrained: pydantic_core.CoreSchema, excluded: tuple[tuple[str, str], ...]) -> pydantic_core.CoreSchema:
    """``constrained`` then each ``not`` rule in order, as ``_excluded`` checks them: where a rule
    has a fast path (``_EXCLUSION_FAST_PATHS``), pydantic-core tries that regex first and calls
    the Python check only when it does not match; the rule's error is the one ``_excluded``
    raises (the union's custom error, which is raised only when both branches refuse). The
    line-break rule is left out where ``constrained``'s pattern implies it (``_NO_LINE_BREAK_PATTERN``):
    one regex less per id (0.07 us each)."""
    cs = pydantic_core.core_schema
    if _line_break_rule_implied(cast("dict[str, Any]", constrained).get("pattern")):
        excluded = tuple(rule for rule in excluded if rule[0] != "\\n")
        if not excluded:
            return constrained
    if not all(pattern in _EXCLUSION_FAST_PATHS for pattern, _ in excluded):
        return cs.no_info_after_validator_function(_excluded(excluded), constrained)
    steps = [constrained]
    for pattern, why in excluded:
        steps.append(cs.union_schema(
            [cs.str_schema(pattern=_EXCLUSION_FAST_PATHS[pattern]), cs.no_info_plain_validator_function(_excluded(((pattern, why),)))],
            mode="left_to_right", custom_error_type="string_pattern_excluded",
            custom_error_message=_EXCLUDED_MESSAGE, custom_error_context={"pattern": pattern, "why": why},
        ))  # fmt: skip
    return cs.chain_schema(steps)


_EXCLUDED_MESSAGE = "String should not match pattern '{pattern}'{why}"


def _why(rule: dict[str, Any]) -> str:
    """The description of a `not` rule (``Not a Windows device name: ...``) as an error message's tail."""
    text = str(rule.get("description", "")).rstrip(".")
    return f" ({text[:1].lower()}{text[1:]})" if text else ""


class _SchemaString:
    """A string value type of common.schema.json as the models validate it, read from the published
    schema so that its rules are written once: ``minLength``, ``maxLength`` and ``pattern``
    (pydantic-core's Rust regex), then every ``not: {pattern}`` of the type, its own or under
    ``allOf``, which pydantic has no keyword for (Python's ``re.search``, as stock jsonschema reads
    it; the value has matched ``pattern`` by then, and the characters that pattern admits read
    alike in ECMA-262, Python and Rust). Its JSON Schema is the published one."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> pydantic_core.CoreSchema:
        node = _common_def(self.name)
        constrained = pydantic_core.core_schema.str_schema(
            strict=True, min_length=node.get("minLength"), max_length=node.get("maxLength"), pattern=node.get("pattern")
        )
        rules = [n for n in (node, *node.get("allOf", ())) if "pattern" in n.get("not", {})]
        excluded = tuple((n["not"]["pattern"], _why(n) if n is not node else "") for n in rules)
        if not excluded:
            return constrained
        return _excluding(constrained, excluded)

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        node = _common_def(self.name)
        keys = ("title", "description", "not", "allOf", "examples")
        return {**handler(core_schema), **{k: node[k] for k in keys if k in node}}

    def __repr__(self) -> str:
        return f"_SchemaString({self.name!r})"


#: A project or run id (common.schema.json#/$defs/Identifier): path-safe, no Windows device name.
Identifier = TypeAliasType("Identifier", Annotated[StrictStr, _SchemaString("Identifier")])

#: An event type's name (common.schema.json#/$defs/EventTypeName): a lower-case SQL identifier.
EventTypeName = Annotated[StrictStr, _SchemaString("EventTypeName")]

#: The open envelope's ``eventType``: an EventTypeName that is not an event type this version knows.
OpenEventType = Annotated[EventTypeName, _OpenEventType()]


def _float_to_int(value: float) -> int:
    if value.is_integer():
        return int(value)
    raise ValueError("not an integer")


class _IntegerSchema:
    """Annotation: the whole check of an ``Integer``, one core schema for JSON and Python input:
    an int passes as it is; a float goes through ``_float_to_int`` (the only Python call, for
    floats only: integral -> the int, JSON Schema's "integer"); any failure is the one
    ``int_type`` error "Input should be a valid integer"; the bounds are checked on the int
    (``greater_than_equal`` / ``less_than_equal``). The package's Python doors read a bool as 1/0
    first (``PYTHON_VALUES``)."""

    __slots__ = ("ge", "le")

    def __init__(self, ge: int | None = None, le: int | None = None):
        self.ge, self.le = ge, le

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> pydantic_core.CoreSchema:
        cs = pydantic_core.core_schema
        schema: pydantic_core.CoreSchema = cs.union_schema(
            [
                cs.int_schema(strict=True),
                cs.chain_schema([cs.float_schema(strict=True), cs.no_info_plain_validator_function(_float_to_int)]),
            ],
            mode="left_to_right",
            custom_error_type="int_type",
        )
        if self.ge is not None or self.le is not None:
            schema = cs.chain_schema([schema, cs.int_schema(strict=True, ge=self.ge, le=self.le)])
        return cs.json_or_python_schema(json_schema=schema, python_schema=cs.with_info_before_validator_function(_bool_to_int, schema))

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        # the schema's own words: an integer (``3.0`` is one), with the bounds
        out: dict[str, Any] = {"type": "integer"}
        if self.ge is not None:
            out["minimum"] = self.ge
        if self.le is not None:
            out["maximum"] = self.le
        return out

    def __repr__(self) -> str:
        return f"_IntegerSchema(ge={self.ge!r}, le={self.le!r})"


def _integer(ge: int | None = None, le: int | None = None) -> Any:
    """An integer type with optional bounds (``StrictInt`` for type checkers; the check is
    ``_IntegerSchema``'s)."""
    return Annotated[StrictInt, _IntegerSchema(ge, le)]


if TYPE_CHECKING:  # what type checkers see: an int (the checks below are built at run time)
    Integer: TypeAlias = int
    Int64: TypeAlias = int
else:
    #: A JSON integer: an int, or an integral float read as the int (``3.0`` -> ``3``).
    Integer = _integer()

    #: A signed 64-bit Integer (the bounds are the schema's ``minimum``/``maximum``).
    Int64 = _integer(-(2**63), 2**63 - 1)


class InstalledVersion:
    """The version of an installed distribution, re-read on access once the value is older than
    ``max_age`` seconds: neetbox's original refreshes ``VERSION`` every 60 s with a timer thread
    so that a long-running server follows an upgrade of neetbox; this does the same without a
    thread. ``fallback`` when the distribution is not installed. ``clock`` and ``reader`` are
    there for tests (a fake clock, a fake installed version)."""

    def __init__(self, dist: str, fallback: str, max_age: float = 60.0):
        self.dist, self.fallback, self.max_age = dist, fallback, max_age
        self.clock = time.monotonic
        self.reader = self._installed
        self._value: str | None = None
        self._read_at = 0.0

    def get(self) -> str:
        now = self.clock()
        if self._value is None or now - self._read_at >= self.max_age:
            self._value, self._read_at = self.reader(self.dist) or self.fallback, now
        return self._value

    @staticmethod
    def _installed(dist: str) -> str | None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version(dist)
        except PackageNotFoundError:
            return None


class ProtocolError(ValueError):
    """Raised for every message that does not follow the protocol.

    ``str(err)`` names each problem by its field path, e.g. ``eventId: Input should be a valid
    integer``; ``err.errors`` is a list of ``{"path": "payload.x", "message": ..., "type": ...}``.
    """

    def __init__(self, errors: list[dict[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{e['path'] or '<message>'}: {e['message']}" for e in errors))

    @classmethod
    def at(cls, path: str, message: str, type_: str = "value_error") -> ProtocolError:
        return cls([{"path": path, "message": message, "type": type_}])

    @classmethod
    def from_validation_error(cls, exc: ValidationError, prefix: tuple[str, ...] = ()) -> ProtocolError:
        """One entry per field path; alternatives of a union are joined with " or "; at most
        ``MAX_ERRORS`` entries, then one that counts the errors left out. ``prefix``: where the
        validated value sits in the message (``("payload",)`` for a payload model)."""
        raw: list[Any] = exc.errors(include_url=False)  # pydantic's ErrorDetails, rewritten below
        kept = _closest_shape(raw)
        by_path: dict[str, list[dict[str, Any]]] = {}
        left_out = 0
        for n, found in enumerate(kept):
            err: dict[str, Any] = {**found, "loc": (*prefix, *found["loc"])} if prefix else found
            if err["type"] == "union_tag_not_found":
                err = {**err, "loc": ("eventType",), "msg": "Field required"}
            elif err["type"] == "union_tag_invalid":
                err = {**err, "loc": ("eventType",), "msg": f"unknown event type {err['ctx']['tag']!r} (strict mode)"}
            path = _format_loc(err["loc"])
            if path not in by_path and len(by_path) == MAX_ERRORS:  # enough: the rest are counted, not formatted
                left_out = len(kept) - n
                break
            by_path.setdefault(path, []).append(err)
        errors = [{"path": path, "message": " or ".join(dict.fromkeys(e["msg"] for e in errs)), "type": errs[0]["type"]}
                  for path, errs in by_path.items()]  # fmt: skip
        if left_out:
            errors.append({"path": "", "message": f"and {left_out} more error(s)", "type": "too_many_errors"})
        return cls(errors)


class ProtocolArgumentError(ProtocolError, TypeError):
    """A call the original ``EventMsg`` refused with ``TypeError`` (a missing or repeated
    argument, a ``max_bytes`` that is not an int): both a ``ProtocolError`` and a ``TypeError``."""


def _closest_shape(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """When a value fit none of the object shapes of a union (a status payload: platform, config
    or action registry), only the errors of the shape it came closest to: the fewest missing
    keys, then the fewest errors (``@action(blocking="x")`` reports ``payload.act.blocking``,
    not the keys a platform section would need)."""
    groups: dict[tuple[Any, ...], dict[str, list[dict[str, Any]]]] = {}
    rest: list[dict[str, Any]] = []
    for err in errors:
        loc = err["loc"]
        at = next((i for i, item in enumerate(loc) if isinstance(item, str) and i + 1 < len(loc)
                   and (item in _BRANCH_LABELS or item.startswith(("dict[", "list[")))
                   and item not in _ANY_SERIES_TAGS), None)
        if at is None:
            rest.append(err)
        else:
            groups.setdefault(loc[:at], {}).setdefault(loc[at], []).append(err)
    if not groups:
        return errors
    kept = list(rest)
    for branches in groups.values():
        closest: list[dict[str, Any]] = min(branches.values(), key=lambda errs: (sum(e["type"] == "missing" for e in errs), len(errs)))
        kept += closest
    return kept


_SCHEMA_LABEL = re.compile(r"^(union|tagged-union|function-\w+|constrained-\w+|json-or-python|literal|list|dict|nullable|typed-dict)(\[.*\])?$")
_TYPE_LABELS = frozenset({"int", "float", "str", "bool", "none", "bytes"})


def _format_loc(loc: tuple[Any, ...]) -> str:
    """('payload', 'union[...]', 'ScalarPoint', 'x', 'union[...]', 'int') -> 'payload.x': drop
    pydantic's labels of union branches and schema kinds, keep wire keys and list indexes."""
    parts: list[str] = []
    after_union = False
    last = len(loc) - 1
    for i, item in enumerate(loc):
        if isinstance(item, int):
            parts.append(f"[{item}]")
            after_union = False
            continue
        # a union of scalar types labels its branches 'int', 'float', ... as the last item, with or
        # without a 'union[...]' item before it (no schema key is named like a Python type)
        type_label = item in _TYPE_LABELS and (after_union or i == last)
        if _SCHEMA_LABEL.match(item) or item in _BRANCH_LABELS or type_label:
            after_union = item.startswith(("union", "tagged-union"))
            continue
        after_union = False
        parts.append(("." if parts else "") + (item if parts else _WIRE_NAMES.get(item, item)))  # pyright: ignore[reportOperatorIssue]  # a str
    return "".join(parts)


_BRANCH_LABELS: set[str] = set()  # typed-dict / event class names, filled by payload_type / register
_KNOWN_KEYS: set[str] = set()  # envelope field names and wire keys, filled by _register_events
_WIRE_KEYS: set[str] = set()  # the envelope's wire keys: all wire input (JSON text, loads/merge of a dict) knows
_FIELD_NAMES: dict[str, str] = {}  # wire key -> envelope field name (eventId -> event_id)
_ABSENT = object()
_WIRE_NAMES: dict[str, str] = {}  # envelope field name -> wire key (event_id -> eventId)


# ----------------------------------------------------------------------------- Python values

_ORIGINAL_ORDER = (  # the original dataclass's field order: positional arguments follow it
    "project_id", "run_id", "event_type", "series", "payload",
    "event_id", "identity_type", "timestamp", "history_len", "id",
)  # fmt: skip


def _jsonable(value: Any, path: str, depth: int = 0) -> Any:
    """Turn a Python value into plain JSON data, as neetbox 0.6.0's ``json.dumps(default=str)``
    did, with one fix: numbers that are not ``int``/``float`` (numpy scalars, Fraction) become
    JSON numbers instead of strings. Tuples become arrays, Enums their value, anything else
    JSON has no type for is written with ``str()`` (an exception becomes its message). A
    non-finite float becomes its strict-JSON token ("NaN", "Infinity", "-Infinity")."""
    t = type(value)
    if t is str:
        return value if value.isascii() else _check_text(value, path)
    if t is int:
        return value if -_NEG_INT_BOUND < value < _INT_BOUND else _too_long(path)
    if t is bool or value is None:
        return value
    if t is float:
        return value if value - value == 0.0 else _token(value)
    if depth >= MAX_DEPTH:
        raise ProtocolError.at(path, f"nested deeper than {MAX_DEPTH} levels", "too_deep")
    try:
        return _jsonable_object(value, path, depth)
    except ProtocolError:
        raise
    except RecursionError:
        raise ProtocolError.at(path, f"nested deeper than {MAX_DEPTH} levels", "too_deep") from None
    except Exception as exc:  # the caller's own object failed (its __str__, tolist, ...)
        raise ProtocolError.at(path, f"{type(value).__name__} could not be made JSON data: {type(exc).__name__}: {exc}", "conversion_error") from exc


def _too_long(path: str) -> Any:
    raise ProtocolError.at(path, f"integer has more than {_INT_LIMIT}", "int_too_long")


def _jsonable_object(value: Any, path: str, depth: int) -> Any:
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            key = _json_key(k, path)
            out[key] = _jsonable(v, f"{path}.{key}" if path else key, depth + 1)
        return out
    if isinstance(value, (list, tuple)):
        return [_jsonable(v, f"{path}[{i}]", depth + 1) for i, v in enumerate(value)]
    if isinstance(value, enum.Enum):
        return _jsonable(value.value, path, depth + 1)
    if isinstance(value, (str, bool)):
        return _jsonable(str.__str__(value), path) if isinstance(value, str) else bool(value)
    if isinstance(value, numbers.Integral):
        return _jsonable(int(value), path)
    if isinstance(value, numbers.Real):
        try:  # np.float32(0.1) -> 0.1 (its shortest repr), not 0.10000000149011612
            number = float(str(value))
        except ValueError:
            try:
                number = float(value)
            except OverflowError:  # Fraction(10**400, 3)
                raise ProtocolError.at(path, f"{type(value).__name__} is beyond the range of a double", "number_too_large") from None
        return number if number - number == 0.0 else _token(number)
    if isinstance(value, BaseModel):
        return pydantic_core.from_json(value.model_dump_json(by_alias=True))
    tolist = getattr(value, "tolist", None)  # numpy arrays and numpy bools
    if callable(tolist):
        return _jsonable(tolist(), path, depth + 1)
    if isinstance(value, (set, frozenset)):
        return [_jsonable(v, f"{path}[{i}]", depth + 1) for i, v in enumerate(value)]
    return _jsonable(str(value), path)


def _json_key(key: Any, path: str) -> str:
    """Object keys as json.dumps writes them (numpy scalars too, which json.dumps refuses)."""
    if isinstance(key, str):
        return _jsonable(str.__str__(key), path)  # type: ignore[no-any-return]  # a str
    text = _scalar_text(key)
    if text is None:
        raise ProtocolError.at(path, f"object key of type {type(key).__name__} is not a string (keys are strings; a number, bool or None is written as its JSON text)", "key_type")
    return text


def _scalar_text(value: Any) -> str | None:
    """The JSON text of a Python scalar (``True`` -> ``true``, ``0.1`` -> ``0.1``, NaN -> ``NaN``,
    numpy scalars and 0-d arrays alike), as json.dumps writes an object key; None for anything
    else. Where the schema wants a string and Python code passes such a scalar (a series or
    an action named by a number, a bool as a description), this text is what is sent."""
    if value is None or value is True or value is False:
        return "null" if value is None else "true" if value else "false"
    if isinstance(value, (str, bytes)) or not isinstance(value, numbers.Number) and not callable(getattr(value, "tolist", None)):
        return None
    if isinstance(value, numbers.Number) and not isinstance(value, (numbers.Integral, numbers.Real)):
        return None  # complex
    try:
        plain = value if isinstance(value, (int, float)) else _jsonable(value, "")
    except ProtocolError:
        return None
    if type(plain) is bool:
        return "true" if plain else "false"
    if isinstance(plain, int):
        return str(int(plain)) if -_NEG_INT_BOUND < plain < _INT_BOUND else None
    if isinstance(plain, float):
        return float.__repr__(plain) if plain - plain == 0.0 else _token(plain)
    if isinstance(plain, str) and plain in _TOKENS:
        return plain
    return None


def _strict_json_floats(value: Any) -> Any:
    """``value`` with every non-finite float replaced by its token, in place where it is a dict
    or list (fresh containers that validation just built). For messages read from JSON text
    that carries neetbox 0.6.0's bare ``NaN``/``Infinity`` tokens."""
    if type(value) is float:
        return value if value - value == 0.0 else _token(value)
    if type(value) is dict:
        for k, v in value.items():
            if type(v) is float or type(v) is dict or type(v) is list:
                value[k] = _strict_json_floats(v)
    elif type(value) is list:
        kinds = set(map(type, value))  # a long array of one kind is the common case: checked in C
        if float in kinds or dict in kinds or list in kinds:
            if kinds <= _NUMBER_KINDS and _finite_sum(value):
                return value  # numbers whose sum is finite: none is NaN or infinite
            for i, v in enumerate(value):
                if type(v) is float or type(v) is dict or type(v) is list:
                    value[i] = _strict_json_floats(v)
    return value


_NUMBER_KINDS = frozenset({int, float, bool})


def _finite_sum(numbers: list[Any]) -> bool:
    try:
        total = sum(numbers)
    except OverflowError:  # an int beyond a double's range
        return False
    return bool(total - total == 0.0)


# ----------------------------------------------------------------------------- payload dicts


def payload_type(tp: Any, union_mode: Literal["smart", "left_to_right"] | None = None) -> Any:
    """The dict-valued twin of a generated payload type: every BaseModel inside ``tp`` becomes a
    TypedDict with the same (wire-named) keys, constraints and extra-key policy, so pydantic
    validates a payload in one pass and hands back plain dicts and lists. ``union_mode`` is the
    mode codegen declares for a payload that is a union of shapes (codegen.py's
    ``PAYLOAD_UNION_MODES``, which says why each is safe); pydantic's default is smart mode."""
    twin = _dictify(tp)
    if union_mode is not None:
        twin = Annotated[twin, Field(union_mode=union_mode)]
    return twin


def series_choice(cls: type[BaseModel], source: Any, handler: Any, by_series: Mapping[str, str]) -> pydantic_core.CoreSchema:
    """The core schema of a typed event whose envelope ``series`` selects its payload's shape
    (message.schema.json's ``allOf`` of ``if series const ... then payload ...``, the table
    codegen emits as ``_payload_by_series``: series -> branch title of the payload union).

    One class, several validators: a tagged union, keyed on ``series``, of copies of the model's
    own schema whose payload is the selected branch alone; any other series (or none) takes the
    model as it is (the payload's union of every shape). Every choice builds ``cls``, so
    ``type(msg) is cls``; a choice's tag is the shape's name (``PlatformInfo``; the payload's,
    ``StatusPayload``, for any other series), a label error paths drop like the union's own."""
    schema: Any = handler(source)  # core schemas as plain dicts: copied and rewritten below
    outer, model = (schema, schema["schema"]) if schema["type"] == "definitions" else (None, schema)
    if model["type"] == "tagged-union" and cls.__dict__.get("__pydantic_complete__"):
        # the class's schema, built already (another model or union names the class): one of its
        # choices, which pydantic-core replaces by the class's own validator, the tagged union --
        # the union itself would be used as is and then again in each choice (two dispatches)
        last = model["choices"][next(reversed(model["choices"]))]  # the choice for any other series
        return cast("pydantic_core.CoreSchema", {**outer, "schema": last} if outer is not None else last)
    if model["type"] in ("tagged-union", "definition-ref"):
        return cast("pydantic_core.CoreSchema", schema)
    if model["type"] != "model":
        raise TypeError(f"{cls.__name__}: series_choice needs a model schema, not {model['type']!r}")
    fields = model["schema"]["fields"]
    union = fields["payload"]["schema"]
    if union["type"] != "union":
        raise TypeError(f"{cls.__name__}: the payload is not a union of shapes")
    branches: dict[str, Any] = {c[1]: c[0] for c in union["choices"] if isinstance(c, tuple)}
    base: dict[str, Any] = {k: v for k, v in model.items() if k != "ref"}
    meta: dict[str, Any] = dict(model.get("metadata") or {})

    def rules_js(core: Any, js_handler: Any) -> Any:
        """The JSON Schema pydantic gives the class (FastAPI's OpenAPI): the schema's if/then
        rules beside the union of every shape, so it judges a message as the schemas do."""
        json_schema = js_handler(core)
        target = js_handler.resolve_ref_schema(json_schema)
        target["allOf"] = [*target.get("allOf", []), *(
            {"if": {"properties": {"series": {"const": series}}, "required": ["series"]},
             "then": {"properties": {"payload": js_handler(branches[label])}}} for series, label in by_series.items())]
        return json_schema

    choices: dict[Hashable, Any] = {}
    tags: dict[str, str] = {}
    any_series: str = getattr(getattr(cls, "_payload_model", None), "__name__", "payload")  # StatusPayload

    def union_js(core: Any, js_handler: Any) -> Any:
        return js_handler(choices[any_series])  # one schema, the rules inside, not a oneOf of the choices

    for series, label in by_series.items():
        tag = tags[series] = label  # the shape's name: a label error paths drop (_BRANCH_LABELS)
        payload = {**fields["payload"], "schema": branches[label]}
        choices[tag] = {**base, "schema": {**model["schema"], "fields": {**fields, "payload": payload}}}
    # last: the choice for any other series (or none), the model as it is
    choices[any_series] = {**base, "metadata": {**meta, "pydantic_js_functions": [*meta.get("pydantic_js_functions", []), rules_js]}}
    _BRANCH_LABELS.update((*tags.values(), any_series))
    _ANY_SERIES_TAGS.add(any_series)

    def tag_of(value: Any) -> str:
        series: object = value.get("series") if type(value) is dict else getattr(value, "series", None)
        return tags.get(series, any_series) if type(series) is str else any_series

    _SERIES_TAGGERS[cls] = tag_of
    chosen = pydantic_core.core_schema.tagged_union_schema(choices, tag_of, ref=model.get("ref"), metadata={"pydantic_js_functions": [union_js]})
    return cast("pydantic_core.CoreSchema", {**outer, "schema": chosen} if outer is not None else chosen)


_ANY_SERIES_TAGS: set[str] = set()  # series_choice's tag of the union of every shape (StatusPayload)
_SERIES_TAGGERS: dict[type, Any] = {}  # class -> its series_choice's tag function


@lru_cache(maxsize=None)
def _series_validators(cls: type[BaseModel]) -> dict[str, pydantic_core.SchemaValidator]:
    """Each choice of ``cls``'s series_choice as a validator of its own: pydantic-core assigns a
    field with a model's validator, never a tagged union's."""
    schema: Any = cls.__pydantic_core_schema__
    outer, union = (schema, schema["schema"]) if schema["type"] == "definitions" else (None, schema)
    # a stand-in class: pydantic-core would take ``cls``'s own validator (the tagged union) for a
    # model schema naming ``cls``; assignment writes the instance's __dict__ whatever the class
    stand_in = type(cls.__name__, (), {})
    out = {}
    for tag, choice in union["choices"].items():
        model = {**choice, "cls": stand_in}
        core = cast("pydantic_core.CoreSchema", {**outer, "schema": model} if outer else model)
        out[tag] = pydantic_core.SchemaValidator(core, choice.get("config"))  # the core config pydantic gave the class
    return out


@lru_cache(maxsize=None)
def _series_shapes(cls: type[BaseModel]) -> dict[str, Any]:
    """series -> the generated payload type it selects (``PlatformInfo``...), for ``typed_payload``."""
    by_name = {getattr(b, "__name__", None): b for b in typing.get_args(_unalias(getattr(cls, "_payload_model")))}
    return {series: by_name[label] for series, label in getattr(cls, "_payload_by_series").items()}


def _validate_assignment(model: BaseModel, name: str, value: Any) -> None:
    """``validate_assignment``; where the series selects the payload's shape, with the validator
    of the shape the series (after the assignment) selects: setting the series checks the
    payload against its shape too, and leaves the message as it was when it does not fit."""
    cls = type(model)
    tag_of = _SERIES_TAGGERS.get(cls)
    if tag_of is None:
        model.__pydantic_validator__.validate_assignment(model, name, value, context=PYTHON_VALUES)
        return
    validator = _series_validators(cls)[tag_of({"series": value if name == "series" else model.__dict__.get("series")})]
    before = model.__dict__.get("series")
    validator.validate_assignment(model, name, value, context=PYTHON_VALUES)
    if name == "series":
        try:
            validator.validate_assignment(model, "payload", model.__dict__.get("payload"), context=PYTHON_VALUES)
        except ValidationError:
            held: dict[str, Any] = model.__dict__  # pyright: ignore[reportAssignmentType]  # an instance's __dict__ is a dict
            held["series"] = before
            raise


def _dictify(tp: Any) -> Any:
    if tp is Any:
        return PlainAny
    if isinstance(tp, TypeAliasType):
        return _dictify(tp.__value__)
    origin = typing.get_origin(tp)
    if origin is Annotated:
        base, *meta = typing.get_args(tp)
        return Annotated[tuple((_dictify(base), *map(_plain_marker, meta), *_python_reading(base, meta)))]  # tuple(): mypy for 3.10 misreads *x in a subscript
    if origin is Union or origin is types.UnionType:
        args = typing.get_args(tp)
        if all(_is_leaf(b) for b in _branches(tp)):
            return Annotated[Union[tuple(_dictify(a) for a in args)], _LEAF_UNION]
        # a union of shapes: each branch named by its schema title, which is the label pydantic
        # puts in an error's loc (``payload.PlatformInfo.python_build``), not a type's repr
        return Union[tuple(_named_branch(a) for a in args)]
    if origin is list:
        return list[_dictify(typing.get_args(tp)[0])]  # type: ignore[misc]  # a type built at run time
    if origin is dict:
        k, v = typing.get_args(tp)
        return dict[k, _dictify(v)]  # type: ignore[misc, valid-type]  # a type built at run time
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return _typed_dict_of(tp)
    return tp


def _branches(tp: Any) -> list[Any]:
    tp = _unalias(tp)
    if typing.get_origin(tp) in (Union, types.UnionType):
        return [b for a in typing.get_args(tp) for b in _branches(a)]
    return [tp]


def _unalias(tp: Any) -> Any:
    """The type under aliases and ``Annotated``."""
    while True:
        if isinstance(tp, TypeAliasType):
            tp = tp.__value__
        elif typing.get_origin(tp) is Annotated:
            tp = typing.get_args(tp)[0]
        else:
            return tp


@lru_cache(maxsize=None)
def _typed_dict_of(model: type[BaseModel]) -> Any:
    fields = {}
    for name, info in model.model_fields.items():
        ann = _dictify(_drop_missing(info.annotation))
        if info.metadata:
            ann = Annotated[tuple((ann, *map(_plain_marker, info.metadata), *_python_reading(ann, info.metadata)))]  # tuple(): mypy for 3.10 misreads *x in a subscript
        if info.description:  # the schema's description, for model_json_schema() / OpenAPI
            ann = Annotated[ann, Field(description=info.description)]
        fields[info.alias or name] = ann if info.is_required() else NotRequired[ann]
    extra = model.model_config.get("extra") or "ignore"
    # unknown keys of an open shape are free-form values, held in the strict-JSON form too
    td = TypedDict(model.__name__, fields, **({"extra_items": PlainAny} if extra == "allow" else {}))  # type: ignore[misc]  # a TypedDict built at run time
    td.__doc__ = model.__doc__
    td.__pydantic_config__ = ConfigDict(extra=extra, ser_json_inf_nan="strings")  # type: ignore[attr-defined]  # read by pydantic
    _BRANCH_LABELS.add(model.__name__)
    return td


class _LeafUnion:
    """Annotation on a union of scalar types (a scalar's ``x``: a number, a numeric string or
    null): one error at the value's own path whose message lists what each branch accepts,
    instead of one error per branch, each under a label naming the branch's schema."""

    __slots__ = ()

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> pydantic_core.CoreSchema:
        schema = handler(source)
        union = schema["schema"] if schema["type"] == "nullable" else schema
        if union["type"] == "union":
            expected: list[str] = []
            for choice in union["choices"]:
                core = choice[0] if isinstance(choice, tuple) else choice
                if core.get("type") == "json-or-python":  # the JSON door's check is the schema's
                    core = core["json_schema"]
                if core.get("type") == "str" and core.get("pattern"):  # what the branch accepts
                    text = f"a string matching {core['pattern']}"
                else:
                    try:  # what the branch says of a value it cannot take
                        pydantic_core.SchemaValidator(core).validate_python(_NOTHING)
                        continue
                    except ValidationError as exc:
                        text = exc.errors()[0]["msg"].removeprefix("Input should be ")
                if text not in expected:
                    expected.append(text)
            if schema["type"] == "nullable":
                expected.append("null")
            union["custom_error_type"] = "union_type"
            union["custom_error_message"] = "Input should be " + "; or ".join(expected)
        return schema  # type: ignore[no-any-return]  # the handler's core schema

    def __repr__(self) -> str:
        return "_LeafUnion()"


_LEAF_UNION = _LeafUnion()
_NOTHING = object()  # no scalar schema accepts it


def _named_branch(tp: Any) -> Any:
    name = tp.__name__ if isinstance(tp, (type, TypeAliasType)) else None
    if name is None or tp is type(None):
        return _dictify(tp)
    _BRANCH_LABELS.add(name)
    return Annotated[_dictify(tp), Tag(name)]


def _is_leaf(tp: Any) -> bool:
    """A scalar type: not a model, list or dict."""
    tp = _unalias(tp)
    return not (isinstance(tp, type) and issubclass(tp, BaseModel)) and typing.get_origin(tp) not in (list, dict)


def _plain_marker(meta: Any) -> Any:
    """A number's check as plain data: the token stays a string (the typed view reads a float)."""
    return _PLAIN_NUMBER if isinstance(meta, _NumberSchema) else meta


def _python_reading(base: Any, meta: Any) -> tuple[Any, ...]:
    """The marker that reads a Python scalar where the schema wants a strict str or bool (see
    ``_PythonScalarAs``); nothing for other types."""
    if any(getattr(m, "strict", None) is True for m in meta):
        if base is str:
            return (_AS_TEXT,)
        if base is bool:
            return (_AS_FLAG,)
    return ()


def _drop_missing(tp: Any) -> Any:
    """``X | MISSING`` (an optional field without default) -> ``X``."""
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (Union, types.UnionType) and any(a is MISSING for a in args):
        kept = tuple(a for a in args if a is not MISSING)
        return kept[0] if len(kept) == 1 else Union[kept]
    return tp


# ----------------------------------------------------------------------------- the envelope


if TYPE_CHECKING:  # pydantic's metaclass, which type checkers know (dataclass_transform)
    _ModelMetaclass = ModelMetaclass
else:
    _ModelMetaclass = type(BaseModel)


class _EnvelopeMeta(_ModelMetaclass):
    """``EventMsg(event_type="scalar", ...)`` builds the typed ``ScalarEvent`` (still an
    ``EventMsg``). Done here rather than in ``__new__``: pydantic-core calls a model's
    ``__new__`` for every validated instance, and a Python ``__new__`` costs every ``loads``."""

    if not TYPE_CHECKING:  # type checkers read each class's own ``__init__`` (generated) instead

        def __call__(cls, *args: Any, **kwargs: Any) -> Any:
            if cls._payload_model is None and (args or kwargs):
                event_type = args[2] if len(args) > 2 else kwargs.get("event_type", kwargs.get("eventType"))
                sub = cls._event_classes.get(event_type) if isinstance(event_type, str) else None
                if sub is not None and _Registry.reply_rule is not None:
                    identity_type = args[6] if len(args) > 6 else kwargs.get("identity_type", kwargs.get("identityType"))
                    payload = args[4] if len(args) > 4 else kwargs.get("payload")
                    if _Registry.reply_rule.applies(event_type, identity_type, payload):
                        sub = cls._reply_class
                if sub is not None and issubclass(sub, cls):
                    cls = sub
            return super(_EnvelopeMeta, cls).__call__(*args, **kwargs)


class EnvelopeBase(BaseModel, metaclass=_EnvelopeMeta):
    """Base class of the generated ``EventMsg``: the API of neetbox's original ``EventMsg``."""

    model_config = ConfigDict(
        extra="allow",
        # wire input (JSON text, a dict given to loads or merge, pydantic's own doors) knows the
        # wire names only; the constructor's keywords may also be Python names (by_name=True there)
        validate_by_name=False,
        validate_by_alias=True,
        serialize_by_alias=True,
        validate_assignment=True,
        ser_json_inf_nan="strings",
        regex_engine="rust-regex",
    )

    if not TYPE_CHECKING:  # pydantic's own declaration (dict[str, Any] | None) is what type checkers see
        # unknown keys are free-form values, held in the strict-JSON form like a payload's: a bare
        # NaN in JSON text becomes "NaN" through every door (loads, TypeAdapter(Message), a
        # FastAPI body), so what is written out reads back the same
        __pydantic_extra__: dict[str, PlainAny]
        # the type itself, not the string of `from __future__ import annotations`: pydantic before
        # 2.14 evaluates that string in the namespace of each subclass's module (events.py), which
        # has no PlainAny (NameError at import on pydantic 2.12 and 2.13)
        __annotations__["__pydantic_extra__"] = dict[str, PlainAny]

    # filled by the generated events module: event type -> typed subclass, and the generated
    # payload model of each typed subclass
    _event_classes: ClassVar[dict[str, type[EnvelopeBase]]] = {}
    _reply_class: ClassVar[type[EnvelopeBase] | None] = None  # ServerReply
    _payload_model: ClassVar[Any] = None
    _known_adapter: ClassVar[TypeAdapter[Any] | None] = None
    _message_adapter: ClassVar[TypeAdapter[Any] | None] = None  # TypeAdapter(Message)
    _strict_adapter: ClassVar[TypeAdapter[Any] | None] = None  # TypeAdapter(KnownMessage)
    if TYPE_CHECKING:  # a field of the generated EventMsg
        payload: Any

    # -- pydantic's entry points on the open envelope dispatch like ``loads`` -------------------

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> Self:
        """On ``EventMsg`` itself: ``TypeAdapter(Message).validate_python`` (the typed event of a
        known event type, its payload checked; pydantic's ``ValidationError`` on bad input); on a
        typed class: that class, as pydantic does."""
        if cls._payload_model is None and cls._message_adapter is not None:
            return cast(Self, cls._message_adapter.validate_python(obj, **kwargs))  # a typed event is an EventMsg
        return super().model_validate(obj, **kwargs)

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, **kwargs: Any) -> Self:
        """On ``EventMsg`` itself: ``TypeAdapter(Message).validate_json`` (see ``model_validate``)."""
        if cls._payload_model is None and cls._message_adapter is not None:
            return cast(Self, cls._message_adapter.validate_json(json_data, **kwargs))  # a typed event is an EventMsg
        return super().model_validate_json(json_data, **kwargs)

    @classmethod
    def model_validate_strings(cls, obj: Any, **kwargs: Any) -> Self:
        """On ``EventMsg`` itself: ``TypeAdapter(Message).validate_strings`` (see ``model_validate``)."""
        if cls._payload_model is None and cls._message_adapter is not None:
            return cast(Self, cls._message_adapter.validate_strings(obj, **kwargs))  # a typed event is an EventMsg
        return super().model_validate_strings(obj, **kwargs)

    # -- construction ------------------------------------------------------------------------

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if len(args) > len(_ORIGINAL_ORDER):
            raise ProtocolArgumentError.at("", f"EventMsg takes at most {len(_ORIGINAL_ORDER)} positional arguments", "arguments")
        for name, value in zip(_ORIGINAL_ORDER, args):
            if name in kwargs:
                raise ProtocolArgumentError.at(name, f"EventMsg got multiple values for argument '{name}'", "arguments")
            kwargs[name] = value
        fields = type(self).model_fields
        for name, wire in _WIRE_NAMES.items():  # a keyword by its Python name and by its wire name
            if name in kwargs and wire in kwargs:
                raise ProtocolArgumentError.at(wire, f"EventMsg got '{name}' and '{wire}', the same field twice", "arguments")
        missing = [n for n in _ORIGINAL_ORDER[:3] if n not in kwargs and fields[n].alias not in kwargs]
        if missing:
            raise ProtocolArgumentError.at(missing[0], f"EventMsg missing required argument(s): {', '.join(map(repr, missing))}", "arguments")
        data = _prepare_python(kwargs, _KNOWN_KEYS)
        try:  # BaseModel.__init__, with the Python doors' context; keywords by Python or wire name
            type(self).__pydantic_validator__.validate_python(data, self_instance=self, context=PYTHON_VALUES, by_name=True)
        except ValidationError as exc:
            raise ProtocolError.from_validation_error(exc) from None
        _check_size(self)

    # validation (loads) must not go through this __init__: pydantic calls a model's own
    # __init__ from its validator unless the method carries this marker
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]  # a marker pydantic reads

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):  # pydantic's own private attributes
            return super().__setattr__(name, value)
        name = _FIELD_NAMES.get(name, name)  # ``m.projectId = ...`` sets the field ``project_id``
        value = _python_value(name, value, type(self).model_fields)
        field = name in type(self).model_fields
        before = self.__dict__.get(name, _ABSENT) if field else (self.__pydantic_extra__ or {}).get(name, _ABSENT)
        try:  # what BaseModel.__setattr__ does with validate_assignment, with the Python doors' context
            _validate_assignment(self, name, value)
        except ValidationError as exc:
            raise ProtocolError.from_validation_error(exc) from None
        try:
            _check_size(self)
        except ProtocolError:  # the message stays as it was (validation replaced the dict that holds it)
            held: dict[str, Any] = self.__dict__ if field else self.__pydantic_extra__ or {}  # pyright: ignore[reportAssignmentType]  # an instance's __dict__ is a dict
            if before is _ABSENT:
                held.pop(name, None)
            else:
                held[name] = before
            raise

    # -- the original API ----------------------------------------------------------------------

    @property
    def json(self) -> dict[str, Any]:  # type: ignore[override]  # BaseModel.json() is deprecated
        """The wire form as a new dict: the ten envelope keys in neetbox's order, then any keys
        this version does not know. Values are JSON data exactly as ``dumps`` writes them
        (non-finite floats as "NaN"/"Infinity"/"-Infinity"), so ``json.dumps(msg.json)`` is
        strict JSON too."""
        return pydantic_core.from_json(self._to_json())  # type: ignore[no-any-return]  # a JSON object

    def dumps(self) -> str:
        """The message as RFC 8259 JSON text (compact, UTF-8; see the README's encoding notes)."""
        return self._to_json().decode()

    def _to_json(self) -> bytes:
        try:
            return self._write_json()
        except (pydantic_core.PydanticSerializationError, ValueError, UnicodeError, OverflowError, RecursionError) as exc:
            # only a payload changed in place (``m.payload["x"] = object()``) can hold such a value:
            # every door makes what it is given JSON data
            raise _unwritable(self, exc) from exc

    def _write_json(self) -> bytes:
        # A validated message holds plain JSON data (the payload, kept as dicts and lists) plus
        # an IdentityType, a str whose text is its value. ``_WIRE`` writes the fields from
        # ``__dict__`` (in field order, which is the wire order) under their wire names, and the
        # payload by inference: the same bytes as the model's serializer, about twice as fast
        # (it skips the per-field model machinery and the Enum's Python ``.value`` lookup).
        # A message with unknown keys takes the model's serializer, which writes them after.
        wire = _WIRE.serializer
        if wire is None or self.__pydantic_extra__:
            return self.__pydantic_serializer__.to_json(self, by_alias=True)
        return wire.to_json(self.__dict__, by_alias=True)

    # ``EventMsg.loads`` gives a ``Message`` (a ``KnownMessage`` with ``strict=True``); a typed
    # class's ``loads`` gives that class (each declares it in the generated events module)
    @overload
    @classmethod
    def loads(
        cls, src: str | bytes | bytearray | Mapping[str, Any], *, strict: Literal[True], max_bytes: int = ...
    ) -> KnownMessage: ...
    @overload
    @classmethod
    def loads(
        cls, src: str | bytes | bytearray | Mapping[str, Any], *, strict: bool = ..., max_bytes: int = ...
    ) -> Message: ...
    @classmethod
    def loads(
        cls, src: str | bytes | bytearray | Mapping[str, Any], *, strict: bool = False,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> EnvelopeBase:
        """Parse and validate one message (JSON text, UTF-8 bytes, or a dict).

        Missing keys take their defaults (the web UI sends only some). A known event type gives
        its typed subclass (``ScalarEvent``...); an unknown one gives a plain ``EventMsg``
        unless ``strict=True``. Bad input raises ``ProtocolError``."""
        t = type(src)
        # the common case first, in as few steps as possible: JSON text given to EventMsg.loads
        # (module globals, not class attributes: a pydantic class's attributes are read through
        # its metaclass's ``__getattr__`` hook, which costs more than the whole check below)
        if cls is _fast_envelope and (t is str or t is bytes) and type(max_bytes) is int and len(src) <= max_bytes:
            try:
                msg: EnvelopeBase = _fast_loads(src)  # the typed events' union, tagged by eventType
            except ValidationError as exc:
                return cls._settle(exc, src, True, strict)
            if msg.__dict__["identity_type"] == _reply_identity and _is_reply(msg):
                return cls._dispatch(src, True, strict)  # a typed event's shape, and a reply
            # the strict-JSON form of bare NaN tokens is the validator's (``PlainNumber``, ``PlainAny``)
            if len(src) > _BIG_TEXT:  # big: may be longer written out (1e5 -> 100000.0)
                _check_size(msg, max(max_bytes, DEFAULT_MAX_BYTES), bound=False)
            return msg
        if type(max_bytes) is not int:
            raise ProtocolArgumentError.at("", f"max_bytes must be an int, not {type(max_bytes).__name__}", "arguments")
        if t is str or t is bytes or isinstance(src, (str, bytes, bytearray, memoryview)):
            if len(src) > max_bytes:
                raise ProtocolError.at("", f"message is {len(src)} bytes, over the limit of {max_bytes}", "too_large")
            if not isinstance(src, (str, bytes)):
                src = bytes(src)  # type: ignore[arg-type]  # a bytearray or memoryview
            json_input = True
        elif isinstance(src, Mapping):  # pyright: ignore[reportUnnecessaryIsInstance]  # callers pass anything
            if not isinstance(src.get("eventType", ""), str):
                raise ProtocolError.at("eventType", "Input should be a valid string", "string_type")
            src = _prepare_python(src, _WIRE_KEYS)  # Python values made JSON data (non-finite floats: tokens)
            json_input = False
        else:
            raise ProtocolError.at("", f"message must be JSON text, bytes or a dict, not {type(src).__name__}", "message_type")
        msg = cls._validate(src, json_input, strict)
        if not json_input:
            _check_size(msg)
            return msg
        if len(src) > _BIG_TEXT:  # big JSON text may be longer written out (1e5 -> 100000.0)
            _check_size(msg, max(max_bytes, DEFAULT_MAX_BYTES), bound=False)
        return msg

    @classmethod
    def _validate(cls, src: Any, json_input: bool, strict: bool) -> EnvelopeBase:
        known = cls._known_adapter
        if cls._payload_model is not None or known is None:  # a typed class: itself
            return _validated(cls.__pydantic_validator__, src, json_input)
        validator = known.validator  # the typed events, tagged by eventType: the common case, fast
        try:
            msg: EnvelopeBase = validator.validate_json(src) if json_input else validator.validate_python(src, context=PYTHON_VALUES)
        except ValidationError as exc:
            return cls._settle(exc, src, json_input, strict)
        if _is_reply(msg):
            return cls._dispatch(src, json_input, strict)
        return msg

    @classmethod
    def _settle(cls, exc: ValidationError, src: Any, json_input: bool, strict: bool) -> EnvelopeBase:
        """The typed events' union refused ``src``: an event type this version does not know (the
        open envelope), a server's reply (``Message``), or bad input (``exc`` says where). What
        ``Message`` (``KnownMessage`` when strict) decides, validating ``src`` at most once more."""
        errors = exc.errors(include_url=False)
        if len(errors) == 1 and errors[0]["type"] == "union_tag_invalid":  # an unknown event type
            if strict:
                raise ProtocolError.from_validation_error(exc) from None
            return _validated(cls.__pydantic_validator__, src, json_input)
        if all(e["loc"] and e["loc"][0] in _EVENT_CLASSES for e in errors):  # a known event type's
            rule = _Registry.reply_rule
            try:
                data = pydantic_core.from_json(src) if json_input else src
            except ValueError:
                data = None
            if rule is None or not isinstance(data, Mapping) or not rule.applies(data.get("eventType"), data.get("identityType"), data.get("payload")):
                raise ProtocolError.from_validation_error(exc) from None  # not a reply: the typed event's errors
        return cls._dispatch(src, json_input, strict)

    @classmethod
    def _dispatch(cls, src: Any, json_input: bool, strict: bool) -> EnvelopeBase:
        """``Message`` (``KnownMessage`` when strict) on input that is not simply a typed event:
        a server's generic reply, an event type this version does not know, or bad input."""
        adapter = cls._strict_adapter if strict else cls._message_adapter
        assert adapter is not None  # registered by the events module
        return _validated(adapter.validator, src, json_input)

    @classmethod
    def merge(cls, x: EnvelopeBase | Mapping[str, Any], y: EnvelopeBase | Mapping[str, Any]) -> Message:
        """A new message: ``x`` with every key ``y`` carries replaced (a message carries all its
        keys). Neither argument is changed; the result is validated like ``loads``."""
        merged = dict(x.json if isinstance(x, EnvelopeBase) else _check_mapping(x, "x"))
        merged.update(y.json if isinstance(y, EnvelopeBase) else _check_mapping(y, "y"))
        return cls.loads(merged)

    @property
    def typed_payload(self) -> Any:
        """The payload as the generated pydantic model of its event type (e.g. ``ScalarPoint``
        with ``.x`` and ``.y``); the raw value for an untyped event."""
        model = type(self)._payload_model
        if model is None:
            return self.payload
        series = self.__dict__.get("series")
        if isinstance(series, str) and type(self) in _SERIES_TAGGERS:  # the shape the series selects, if it names one
            model = _series_shapes(cast("type[BaseModel]", type(self))).get(series, model)
        try:
            return _adapter(model).validate_python(self.payload)
        except ValidationError as exc:  # a payload changed in place since the message was validated
            raise ProtocolError.from_validation_error(exc, ("payload",)) from None

    @classmethod
    def _register_events(
        cls, classes: Mapping[str, type[EnvelopeBase]], reply: type[EnvelopeBase], reply_rule: ReplyRule,
        message: Any, known_message: Any, fields: dict[str, tuple[str, str]],
    ) -> None:  # fmt: skip
        """The tables codegen emits in the events module: the typed classes, ``ServerReply`` and
        when it applies, ``Message``, ``KnownMessage`` and the envelope's fields (Python name ->
        wire key, value kind)."""
        cls._event_classes = dict(classes)
        cls._reply_class = reply
        _Registry.reply_rule = reply_rule
        _EVENT_CLASSES.update(classes)
        cls._message_adapter = TypeAdapter(message)
        cls._strict_adapter = TypeAdapter(known_message)
        _BRANCH_LABELS.update((*classes, REPLY_TAG, UNKNOWN_EVENT_TAG))
        _WIRE_NAMES.update({name: wire for name, (wire, _) in fields.items() if wire != name})
        _KNOWN_KEYS.update(fields, (wire for wire, _ in fields.values()))
        _WIRE_KEYS.update(wire for wire, _ in fields.values())
        _FIELD_NAMES.update({wire: name for name, (wire, _) in fields.items() if wire != name})
        union = Union[tuple(classes.values())]  # type: ignore[valid-type]  # a type built at run time
        # built here, at import, like every model's validator (no ``defer_build``): the first message
        # of each type must cost what later ones do, or neetbox's client widens its startup race
        # (it may flush queued sends before its handshake when building one takes milliseconds)
        cls._known_adapter = TypeAdapter(Annotated[union, Field(discriminator="event_type")])  # type: ignore[arg-type, unused-ignore]  # the union above (unused with pydantic 2.12)
        global _fast_envelope, _fast_loads, _reply_identity
        _fast_envelope, _fast_loads, _reply_identity = cls, cls._known_adapter.validator.validate_json, reply_rule.identity
        for sub in (*classes.values(), reply):
            _adapter(sub._payload_model)
        _WIRE.serializer = _wire_serializer(fields)


#: ``loads``' fast path, set by ``_register_events`` (module globals, read for every message:
#: cheaper than any class attribute): the open envelope (EventMsg), its typed events' union's
#: ``validate_json``, and the reply rule's identityType (None matches no message)
_fast_envelope: type[EnvelopeBase] | None = None
_fast_loads: Any = None
_reply_identity: str | None = None


class _WIRE:
    serializer: pydantic_core.SchemaSerializer | None = None


def _wire_serializer(envelope: dict[str, tuple[str, str]]) -> pydantic_core.SchemaSerializer:
    """Serializes an envelope's ``__dict__``: every field under its wire name; the values by
    inference (JSON data), except str Enums (``identityType``) written as the str they are."""
    cs = pydantic_core.core_schema
    fields = {}
    for name, (wire, kind) in envelope.items():
        schema = cs.nullable_schema(cs.str_schema()) if kind == "str" else cs.any_schema()
        fields[name] = cs.typed_dict_field(schema, serialization_alias=wire)
    return pydantic_core.SchemaSerializer(cs.typed_dict_schema(fields), cs.CoreConfig(ser_json_inf_nan="strings"))


@lru_cache(maxsize=None)
def _adapter(tp: Any) -> TypeAdapter[Any]:
    """One TypeAdapter per payload model: building one costs far more than validating with it."""
    return TypeAdapter(tp)


def _check_mapping(value: object, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ProtocolError.at("", f"merge: {name} must be an EventMsg or a dict, not {type(value).__name__}", "message_type")
    return value


def _is_reply(msg: EnvelopeBase) -> bool:
    """A message the typed events' union accepted that the reply rule makes a ``ServerReply``
    (a typed payload with a ``result`` key, from the server): rare, checked after the fast path,
    so the reply rule's identityType is compared first (one dict lookup for every other message)."""
    d = msg.__dict__  # the fields of a validated message
    if d["identity_type"] != _reply_identity:
        return False
    rule = _Registry.reply_rule
    return rule is not None and rule.applies(d["event_type"], d["identity_type"], d["payload"])


def _validated(validator: pydantic_core.SchemaValidator | PluggableSchemaValidator, src: Any, json_input: bool) -> EnvelopeBase:
    """``src`` validated as JSON text or (with the Python doors' context) as a dict; pydantic's
    errors as a ``ProtocolError``."""
    try:
        return validator.validate_json(src) if json_input else validator.validate_python(src, context=PYTHON_VALUES)  # type: ignore[no-any-return]  # a message
    except ValidationError as exc:
        raise ProtocolError.from_validation_error(exc) from None


def _prepare_python(data: Mapping[str, Any], known: Container[str]) -> dict[str, Any]:
    """Python input: payload and unknown keys made JSON data (see ``_jsonable``). ``known``: the
    envelope's keys this door takes (wire keys for a message given as a dict, wire keys and
    Python names for the constructor's keywords); any other key is an unknown key."""
    out = {}
    for key, value in data.items():
        if not isinstance(key, str):  # pyright: ignore[reportUnnecessaryIsInstance]  # callers pass anything
            raise ProtocolError.at("", f"message key of type {type(key).__name__} is not a string", "key_type")
        out[key] = _python_value(key, value, known)
    return out


def _python_value(key: str, value: Any, known: Container[str]) -> Any:
    """A Python value given for an envelope key: the payload and unknown keys made JSON data
    (``_jsonable``), a scalar given as a series its JSON text; other keys as they are."""
    if key == "payload" or key not in known:
        return _jsonable(value, key)
    if key in _PYTHON_TEXT_KEYS:
        value = _python_text(value)
    if type(value) is str and not value.isascii():
        _check_text(value, _WIRE_NAMES.get(key, key))
    return value


def _check_text(text: str, path: str) -> str:
    """``text``, which JSON can carry: no lone surrogate (``"\\ud800"``), which UTF-8 cannot
    encode and pydantic's JSON parser refuses as an escape."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ProtocolError.at(path, f"string holds a lone surrogate ({text[exc.start]!r} at index {exc.start}), which JSON text cannot carry", "string_unicode") from None
    return text


def _check_size(msg: EnvelopeBase, limit: int = DEFAULT_MAX_BYTES, bound: bool = True) -> None:
    """A message from a Python door (or from JSON text near ``limit``: ``bound=False``) is at
    most ``limit`` bytes written out, as ``loads`` requires of JSON text. A cheap upper bound
    first; the message is written out only when that bound is over the limit."""
    d = msg.__dict__
    if bound:
        most = 1024 + _size_bound(d["payload"], limit) + _size_bound(d["series"], limit)
        if msg.__pydantic_extra__:
            most += _size_bound(msg.__pydantic_extra__, limit)
        if most <= limit:
            return
    size = len(msg._to_json())  # pyright: ignore[reportPrivateUsage]  # the runtime's own class
    if size > limit:
        raise ProtocolError.at("", f"message is {size} bytes as JSON, over the limit of {limit}", "too_large")


def _size_bound(value: Any, limit: int) -> int:
    """An upper bound of the bytes ``value`` (JSON data) takes written out, or a number over
    ``limit`` as soon as it passes it (a character is at most 6 bytes: ``\\u001f``)."""
    total = 0
    stack = [value]
    while stack:
        v = stack.pop()
        t = type(v)
        if t is str:
            total += 6 * len(v) + 2
        elif t is dict:
            total += 2 + 2 * len(v) + sum(6 * len(k) + 2 for k in v)
            stack.extend(v.values())
        elif t is list:
            total += 2 + len(v)
            stack.extend(v)
        elif t is int:
            total += v.bit_length() // 3 + 2
        else:  # float, bool, None
            total += 24
        if total > limit:
            break
    return total


def _unwritable(msg: EnvelopeBase, exc: BaseException) -> ProtocolError:
    """The error for a message that cannot be written as JSON, naming the first value that is not
    JSON data (a payload changed in place after validation)."""
    values = {"payload": msg.__dict__["payload"], **(msg.__pydantic_extra__ or {})}
    for key, value in values.items():
        try:
            if _jsonable(value, key) == value:
                continue
            problem = "is not JSON data (a value changed in place after validation?)"
        except ProtocolError as err:
            return err
        return ProtocolError.at(key, problem, "unserializable")
    return ProtocolError.at("", f"message cannot be written as JSON: {exc}", "unserializable")


#: Envelope keys that neetbox's client API fills from a user's value (``add_scalar(name, ...)``,
#: ``logger.log(..., series=)``, ``add_image(name, ...)``, ``add_hyperparams(..., name=)``): a
#: Python scalar given there is sent as its JSON text, as a payload string is (``_AS_TEXT``).
_PYTHON_TEXT_KEYS = frozenset({"series"})


