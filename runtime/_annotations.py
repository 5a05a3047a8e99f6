"""The value types of the models: annotations whose rules are their arguments.

Each is a marker pydantic reads (``__get_pydantic_core_schema__``) and builds from what it is given;
none reads a schema file or a generated type. The generated models use them for schema locations
(codegen.PYTHON_TYPES), plain.py for the payloads' plain data, and the generated registry builds
its own value types from them (``integer_type``; the string rules are ``_strings``'). Holds:

- ``PYTHON_VALUES``: the validation context of the package's own Python doors, and the readings
  it enables (``AS_TEXT``, ``AS_FLAG``, a bool as 1/0 in a number);
- numbers: ``Number`` (the typed view), ``PlainNumber`` (plain data: a token stays a string),
  ``NonFiniteFloat``/``NonFiniteToken``, ``Integer`` and ``integer_type`` (bounds as arguments);
- ``PlainAny``: a free-form value held in the strict-JSON form whatever door it came through;
- ``payload_shape``: the pydantic configuration of a plain-data ``TypedDict``.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Callable, Literal, TypeVar, Union

import pydantic_core
from pydantic import AfterValidator, ConfigDict, StrictFloat, StrictInt
from typing_extensions import LiteralString, TypeAlias

from ._errors import ProtocolError
from ._text import escape
from ._values import (
    TOKEN_TEXTS,
    TOKENS,
    json_data,
    scalar_text,
    strict_json_floats,
    token,
)

__all__ = [
    "AS_FLAG", "AS_TEXT", "PYTHON_VALUES", "Integer", "IntegerBounds", "IntegerSchema", "NonFiniteFloat", "NonFiniteToken",
    "Number", "PlainAny", "PlainNumber", "integer_type", "payload_shape", "python_text",
]  # fmt: skip

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
    t: type[Any] = type(value)  # pyright: ignore[reportUnknownVariableType]  # value is Any
    if t is int or t is float:
        return value
    if t is bool:
        return int(value) if info.context is PYTHON_VALUES else value
    if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
        # pydantic's strict float takes anything with __float__, which drops the imaginary part of
        # a numpy complex (np.complex128(3+4j) -> 3.0): as Python's complex, which no branch takes
        try:
            return complex(value)
        except Exception:  # its own __complex__ failed: no number either
            return 1j
    return value


def python_text(value: Any) -> Any:
    """A Python scalar given where the schema wants a string: its JSON text (``scalar_text``);
    a string, None and anything else as it is (None stays null, the rest is the check's)."""
    if value is None or type(value) is str:
        return value
    text = scalar_text(value)
    return value if text is None else text


def _flag_of_scalar(value: Any) -> Any:
    if value is None or type(value) is int or type(value) is float:
        return bool(value)
    if type(value) is str and value in TOKENS:  # a non-finite float, already made its token: truthy
        return True
    return value


class _PythonScalarAs:
    """Annotation: Python code's values (``PYTHON_VALUES``) are read the way Python code means them
    where the schema wants a string or a flag, before the strict check; wire data is checked as
    it is. A number or bool given for a string (``@action(description=True)``) is its JSON text
    (``"true"``); None or a number given for a flag (``@action(blocking=None)``) is its truth
    value, as neetbox's client itself reads it (``if not action.blocking``). Other values are left
    to the strict check."""

    __slots__ = ("fn",)

    def __init__(self, fn: Callable[[Any], Any]):
        self.fn = fn

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> pydantic_core.CoreSchema:
        cs = pydantic_core.core_schema
        schema = handler(source)
        return cs.json_or_python_schema(json_schema=schema, python_schema=cs.with_info_before_validator_function(self._read, schema))

    def _read(self, value: Any, info: Any) -> Any:
        return self.fn(value) if info.context is PYTHON_VALUES else value

    def __repr__(self) -> str:
        return f"_PythonScalarAs({self.fn.__name__})"


AS_TEXT = _PythonScalarAs(python_text)
AS_FLAG = _PythonScalarAs(_flag_of_scalar)

#: A non-finite float as the strict-JSON string token ("NaN", "Infinity", "-Infinity"),
#: validated back into the float: the typed view (``typed_payload``) reads these as floats.
NonFiniteFloat = Annotated[Literal["NaN", "Infinity", "-Infinity"], AfterValidator(float)]

#: The same token kept as the string: what a message's plain data (``payload``, unknown keys)
#: holds, so that whatever a service does with it (``json.dumps``, sqlite, a JSON response)
#: stays strict JSON.
NonFiniteToken = Literal["NaN", "Infinity", "-Infinity"]


def _non_finite_token(value: float) -> str:
    if value - value == 0.0:
        raise ValueError("finite")  # only reached for a number the branches before rejected
    return token(value)


def _strict_json_float(value: Any) -> Any:
    return value if type(value) is not float or value - value == 0.0 else token(value)


NUMBER_ERROR = "Input should be a number, or 'NaN', 'Infinity' or '-Infinity'"


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
        tokens = cs.literal_schema(list(TOKEN_TEXTS))
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
            serialization = cs.plain_serializer_function_ser_schema(_strict_json_float, when_used="json")
        integer = cs.int_schema(strict=True)
        json_union = cs.union_schema([finite, integer, *non_finite], mode="smart", custom_error_type="number_type",
                                     custom_error_message=NUMBER_ERROR)
        python_union = cs.union_schema([integer, finite, *non_finite], mode="left_to_right", custom_error_type="number_type",
                                       custom_error_message=NUMBER_ERROR)
        return cs.json_or_python_schema(json_schema=json_union, python_schema=cs.with_info_before_validator_function(_bool_to_int, python_union),
                                        serialization=serialization)

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"anyOf": [{"type": "number"}, {"enum": list(TOKEN_TEXTS)}]}

    def __repr__(self) -> str:
        return f"_NumberSchema(plain_data={self.plain_data})"


#: A JSON number (integers stay integers) or a non-finite float as its string token ("NaN",
#: "Infinity", "-Infinity"), read as the float; from Python, a bool is 1/0 (see ``_NumberSchema``).
#: The union below is what type checkers and the union analysis see; the check is the marker's.
Number = Annotated[Union[StrictInt, StrictFloat, NonFiniteFloat], _NumberSchema(plain_data=False)]

#: The same value in the form a message holds as plain data: the token stays a string.
PlainNumber = Annotated[Union[StrictInt, StrictFloat, NonFiniteToken], _NumberSchema(plain_data=True)]


class _JsonAny:
    """Annotation on a free-form (``Any``) position (a payload's, an unknown key's, the open
    envelope's payload): the value is held in the strict-JSON form, whatever door it came
    through. JSON input may hold bare ``NaN``/``Infinity`` tokens (neetbox 0.6.0 writes them),
    which the parser reads as floats: ``strict_json_floats``. Python input from the package's
    own doors (``PYTHON_VALUES``) is JSON data already (``json_data``, lenient); from pydantic's
    own (``TypeAdapter(Message).validate_python``, ``model_validate``, a FastAPI body, which
    Starlette parses with ``json.loads``) it is checked as JSON text would be (``json_data``, not
    lenient)."""

    __slots__ = ()

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> pydantic_core.CoreSchema:
        cs = pydantic_core.core_schema
        return cs.json_or_python_schema(json_schema=cs.no_info_after_validator_function(strict_json_floats, cs.any_schema()),
                                        python_schema=cs.with_info_plain_validator_function(_python_json_data))

    def __repr__(self) -> str:
        return "_JsonAny()"


def _python_json_data(value: Any, info: Any) -> Any:
    if info.context is PYTHON_VALUES:  # the package's own doors made it JSON data already
        return value
    try:
        return json_data(value, (), 1, False)  # inside the message object at least
    except ProtocolError as err:
        problem = err.errors[0]  # one: json_data stops at the first
        where = f" (at {escape(problem['path'])})" if problem["path"] else ""  # (a key's name: no control character)
        error_type = _JSON_DATA_ERRORS.get(problem["type"], "json_type")
        raise pydantic_core.PydanticCustomError(error_type, "{reason}{where}", {"reason": escape(problem["message"]), "where": where}) from None


#: the error types ``json_data`` raises (pydantic wants a literal string as an error's type)
_JSON_DATA_ERRORS: dict[str, LiteralString] = {
    "json_type": "json_type", "key_type": "key_type", "too_deep": "too_deep", "int_too_long": "int_too_long", "string_unicode": "string_unicode",
}

#: A free-form value as a message holds it.
PlainAny = Annotated[Any, _JsonAny()]


def _float_to_int(value: float) -> int:
    if value.is_integer():
        return int(value)
    raise ValueError("not an integer")


@dataclass(frozen=True)
class IntegerBounds:
    """The bounds of an integer value type (the generated registry's, from the schema's
    ``minimum``/``maximum``)."""

    minimum: int | None = None
    maximum: int | None = None


class IntegerSchema:
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
        return f"IntegerSchema(ge={self.ge!r}, le={self.le!r})"


def integer_type(bounds: IntegerBounds | None = None) -> Any:
    """An integer type with the given bounds (``StrictInt`` for type checkers; the check is
    ``IntegerSchema``'s)."""
    bounds = bounds or IntegerBounds()
    return Annotated[StrictInt, IntegerSchema(bounds.minimum, bounds.maximum)]


if TYPE_CHECKING:  # what type checkers see: an int (the check is built at run time)
    Integer: TypeAlias = int
else:
    #: A JSON integer: an int, or an integral float read as the int (``3.0`` -> ``3``).
    Integer = integer_type()

_T = TypeVar("_T")


def payload_shape(*, title: str, open: bool) -> Callable[[_T], _T]:
    """Class decorator of a plain-data ``TypedDict`` (plain.py): pydantic's configuration of the
    shape (its JSON Schema title, the schema's; non-finite floats written as tokens) and, where the
    schema lets it hold keys it does not declare (``open``), those keys as free-form values in the
    strict-JSON form (PEP 728's ``__extra_items__``, which pydantic reads; type checkers do not yet)."""

    def configure(cls: _T) -> _T:
        config = ConfigDict(title=title, extra="allow" if open else "forbid", ser_json_inf_nan="strings")
        setattr(cls, "__pydantic_config__", config)
        if open:
            setattr(cls, "__extra_items__", PlainAny)
        return cls

    return configure
