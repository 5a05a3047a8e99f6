"""JSON data: the one walker of Python input, and the strict-JSON form of values.

``json_data`` is the only function of the runtime that walks a Python value given to a door (the
constructor, assignment, ``loads``/``merge`` of a dict, pydantic's Python doors through
``PlainAny``): it applies every rule of the input domain in one pass -- JSON types only (or, from
the package's own doors, Python values read as Python code means them), str keys, at most
``MAX_INT_DIGITS`` digits, ``MAX_DEPTH`` levels, no lone surrogate, a non-finite float as its
token -- and returns fresh containers (the caller's own are never kept nor changed). A location is
kept as nested pairs ``(parent, key)`` and formatted only when an error is raised.

Beside it: the tokens of non-finite floats, the JSON text of a Python scalar, the token fix of JSON
that carried bare ``NaN`` (``strict_json_floats``), and the collector's pause while many
containers are built (``quiet``). Nothing here knows of messages or models.
"""

# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false
# (this module walks JSON values of any shape: isinstance narrows them to dict[Unknown, Unknown])

from __future__ import annotations

import enum
import gc
import json
import marshal
import numbers
import sys
from collections.abc import Mapping
from typing import Any, Callable, Final, TypeVar

import pydantic_core
from pydantic import BaseModel

from ._errors import ProtocolError
from ._limits import INT_BOUND, INT_LIMIT, MAX_DEPTH, MAX_INT_DIGITS, NEG_INT_BOUND

__all__ = ["TOKENS", "TOKEN_TEXTS", "check_text", "json_data", "quiet", "scalar_text", "strict_json_floats", "token"]

_T = TypeVar("_T")

TOKEN_TEXTS: Final = ("NaN", "Infinity", "-Infinity")  # the three tokens, for run-time checks and schemas
TOKENS: Final = frozenset(TOKEN_TEXTS)


def token(value: float) -> str:
    """The strict-JSON token of a non-finite float."""
    return "NaN" if value != value else "Infinity" if value > 0 else "-Infinity"


def check_text(text: str, path: Any) -> str:
    """``text``, which JSON can carry: no lone surrogate (``"\\ud800"``), which UTF-8 cannot
    encode and pydantic's JSON parser refuses as an escape."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ProtocolError.at(path, f"string holds a lone surrogate ({text[exc.start]!r} at index {exc.start}), which JSON text cannot carry", "string_unicode") from None
    return text


def _too_long(path: Any) -> Any:
    raise ProtocolError.at(path, f"integer has more than {INT_LIMIT}", "int_too_long")


def _too_deep(path: Any) -> Any:
    raise ProtocolError.at(path, f"nested deeper than {MAX_DEPTH} levels", "too_deep")


def json_data(value: Any, path: Any = (), depth: int = 0, lenient: bool = True) -> Any:
    """``value`` as JSON data, in fresh containers. ``lenient`` (the package's own doors): Python
    values as neetbox 0.6.0's ``json.dumps(default=str)`` read them, with one fix -- numbers that
    are not ``int``/``float`` (numpy scalars, Fraction) are JSON numbers, not strings; tuples and
    sets are arrays, Enums their value, a pydantic model its JSON, anything else its ``str()``.
    Not lenient (pydantic's doors, which read wire data): JSON types only, a str or number
    subclass as its plain value. ``path``: where ``value`` sits, as nested pairs.

    Cost linear in the value's size: a flat array or object is checked in C (``_plain_items``),
    and a value of nested containers is written out and read back in C (``_copied``), which
    applies the same rules; only where that fails (a value to convert, or one to refuse, which
    the walk names) does the walk visit it one item at a time. A value whose own code fails
    (a list subclass whose ``__iter__`` raises) is a ``ProtocolError`` at ``path``."""
    try:
        return _walk(value, path, depth, lenient, True)
    except (ProtocolError, MemoryError):
        raise
    except RecursionError:
        return _too_deep(path)
    except Exception as exc:
        raise ProtocolError.unreadable(exc, path) from exc


def _copied(value: Any, depth: int, lenient: bool) -> Any:
    """``value`` (a dict or list of nested containers, ``depth`` containers deep) as JSON data,
    checked and copied at C speed, or None where that fails (the walk decides): built-in types
    only, exactly, the common case (``_exact_copy``), else written out by the json module (JSON
    types and their subclasses only; ints of at most ``MAX_INT_DIGITS`` digits, the interpreter's
    own limit), encoded as UTF-8 (no lone surrogate), and read back by pydantic's JSON parser at
    the same depth (at most ``MAX_DEPTH`` containers around any value, as JSON text). Not lenient
    (pydantic's doors): the copy must equal the value (a tuple or a non-str key is the walk's to
    refuse)."""
    if not 0 < _int_max_str_digits() <= MAX_INT_DIGITS:
        return None  # the interpreter writes longer ints: the walk counts digits
    copy = _exact_copy(value, depth)
    if copy is not None:
        return copy
    try:
        text = _dump(value)
        copy = _read_back(text.encode("utf-8"), depth)  # (no lone surrogate: UTF-8 cannot encode one)
    except Exception:  # (UnicodeEncodeError is a ValueError; a subclass's own code may raise anything)
        return None
    if not lenient and copy != value:
        return None
    return strict_json_floats(copy) if "NaN" in text or "Infinity" in text else copy


def _exact_copy(value: Any, depth: int) -> Any:
    """``_copied`` of a value made of JSON's built-in types exactly (no subclass): ``marshal``
    takes built-in types only and refuses any other object without running its code, so that
    pydantic's serializer (4-9x faster than the json module's on many small objects, but it
    writes tuples, sets, bytes and iterators too, consuming the last) meets none but those. The
    copy must equal the value: a tuple, a set, bytes, a key that is not a str or a NaN reads back
    different, and the json module's route decides. None where any of that fails."""
    try:
        marshal.dumps(value)
        text = pydantic_core.to_json(value)  # UTF-8: a lone surrogate is an error
        copy = _read_back(text, depth)
    except (ValueError, RecursionError):  # pydantic's errors are ValueErrors
        return None
    if copy != value:
        return None
    return strict_json_floats(copy) if b"Infinity" in text else copy  # (a NaN is never equal)


def _read_back(text: bytes, depth: int) -> Any:
    """JSON ``text`` read by pydantic's parser as it sits ``depth`` containers deep (the parser's
    depth limit counts them), with the collector paused: one object per container."""
    copy = quiet(pydantic_core.from_json, b"[" * depth + text + b"]" * depth)
    for _ in range(depth):
        copy = copy[0]
    return copy


#: writes JSON data at C speed: non-ASCII as it is, NaN as a bare token (``strict_json_floats``
#: makes it the token's string), circular references refused
_dump = json.JSONEncoder(ensure_ascii=False, allow_nan=True, check_circular=True, separators=(",", ":")).encode
#: the most digits the interpreter writes in an int (0: any number): ``sys.get_int_max_str_digits``
_int_max_str_digits: Any = getattr(sys, "get_int_max_str_digits", lambda: 0)


def quiet(fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """``fn(*args, **kwargs)`` with the cyclic garbage collector paused (and resumed after, if it
    was running). Reading a message builds one Python object per JSON container, none of them
    garbage and none in a cycle; with the collector running, each 700 of them start a collection
    and the oldest generation is traversed again and again as the message grows: 1 MB of ``[]``
    (333 000 lists) takes pydantic's parser 86 ms instead of 22. Objects are freed by their
    reference counts as before; only the search for cycles waits until the message is built."""
    if not gc.isenabled():
        return fn(*args, **kwargs)
    gc.disable()
    try:
        return fn(*args, **kwargs)
    finally:
        gc.enable()


def _walk(value: Any, path: Any, depth: int, lenient: bool, top: bool = False) -> Any:
    """``json_data``'s walk, one value at a time (``top``: the value ``json_data`` was given)."""
    t = type(value)
    if t is str:
        return value if value.isascii() else check_text(value, path)
    if t is int:
        return value if -NEG_INT_BOUND < value < INT_BOUND else _too_long(path)
    if t is bool or value is None:
        return value
    if t is float:
        return value if value - value == 0.0 else token(value)
    # ``depth``: the containers around ``value`` (the message object is one). As JSON text's parser
    # counts: at most MAX_DEPTH around any value, so a container at MAX_DEPTH must be empty
    if depth >= MAX_DEPTH and (depth > MAX_DEPTH or not (t is dict or t is list) or value):
        return _too_deep(path)
    if t is dict:
        if type(value) is dict and _plain_keys(value) and _plain_items(list(value.values())):
            return dict(value)  # keys and values checked at C speed: a flat object
        if top:  # nested containers: the whole value at C speed where it can be (``_copied``)
            copied = _copied(value, depth, lenient)
            if copied is not None:
                return copied
        out = {}
        for key, item in value.items():
            if type(key) is not str or not key.isascii():
                key = _key(key, path, lenient)
            out[key] = _walk(item, (path, key), depth + 1, lenient)
        return out
    if t is list:
        if _plain_items(value):
            return list(value)  # checked at C speed: an array of scalars
        if top:
            copied = _copied(value, depth, lenient)
            if copied is not None:
                return copied
        return [_walk(item, (path, i), depth + 1, lenient) for i, item in enumerate(value)]
    if not lenient:
        if isinstance(value, (dict, list)):  # a subclass (an OrderedDict): its plain container
            return _walk(dict(value) if isinstance(value, dict) else list(value), path, depth, lenient)
        if isinstance(value, (str, int, float)):  # a subclass (a str or int Enum member): its plain value
            return _walk(str.__str__(value) if isinstance(value, str) else int(value) if isinstance(value, int) else float(value), path, depth, lenient)
        raise ProtocolError.at(path, f"Input should be JSON data (a string, number, boolean, null, list or dict), not {t.__name__}", "json_type")
    try:
        return _python_object(value, path, depth)
    except ProtocolError:
        raise
    except RecursionError:
        return _too_deep(path)
    except Exception as exc:  # the caller's own object failed (its __str__, tolist, ...)
        raise ProtocolError.at(path, f"{type(value).__name__} could not be made JSON data: {type(exc).__name__}: {exc}", "conversion_error") from exc


def _plain_keys(value: dict[Any, Any]) -> bool:
    """Whether every key of ``value`` is a plain ASCII str (checked in C)."""
    return set(map(type, value)) <= _STR and all(map(str.isascii, value))


def _plain_items(items: list[Any]) -> bool:
    """Whether ``items`` are JSON scalars that ``json_data`` keeps as they are, checked in C
    (``set(map(type, ...))``, ``min``/``max``, ``sum``): one walk per array instead of a Python
    call per item (an array of 250 000 numbers). False when any item needs the walk."""
    if not items:
        return True
    kinds = set(map(type, items))
    if kinds <= _CONSTANTS:
        return True
    if kinds <= _STR:
        return all(map(str.isascii, items))
    if kinds <= _INT:
        return bool(-NEG_INT_BOUND < min(items) and max(items) < INT_BOUND)
    if kinds <= _NUMBERS:  # a finite sum: no NaN, no infinity, no int beyond a double
        return _finite_sum(items)
    return False


_STR, _INT, _NUMBERS, _CONSTANTS = frozenset({str}), frozenset({int}), frozenset({int, float}), frozenset({bool, type(None)})


def _key(key: Any, path: Any, lenient: bool) -> str:
    """An object key that is not a plain ASCII str: a str (checked), or, from Python code, a scalar
    as json.dumps writes it (numpy scalars too, which json.dumps refuses)."""
    if type(key) is str:  # not ASCII: checked where pydantic's doors report it (the key's own path)
        return check_text(key, path if lenient else (path, key))
    if isinstance(key, str):  # a str subclass (a StrEnum member): its plain text, as a value's
        return check_text(str.__str__(key), path if lenient else (path, key))
    text = scalar_text(key) if lenient else None
    if text is None:
        hint = " (keys are strings; a number, bool or None is written as its JSON text)" if lenient else ""
        raise ProtocolError.at(path, f"object key of type {type(key).__name__} is not a string{hint}", "key_type")
    return text


def _python_object(value: Any, path: Any, depth: int) -> Any:
    """A Python value that is not a JSON type, read as Python code means it (``json_data``)."""
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            key = k if type(k) is str and k.isascii() else _key(k, path, True)
            out[key] = _walk(v, (path, key), depth + 1, True)
        return out
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_walk(v, (path, i), depth + 1, True) for i, v in enumerate(value)]
    if isinstance(value, enum.Enum):
        return _walk(value.value, path, depth + 1, True)
    if isinstance(value, (str, bool)):
        return _walk(str.__str__(value), path, depth, True) if isinstance(value, str) else bool(value)
    if isinstance(value, numbers.Integral):
        return _walk(int(value), path, depth, True)
    if isinstance(value, numbers.Real):
        try:  # np.float32(0.1) -> 0.1 (its shortest repr), not 0.10000000149011612
            number = float(str(value))
        except ValueError:
            try:
                number = float(value)
            except OverflowError:  # Fraction(10**400, 3)
                raise ProtocolError.at(path, f"{type(value).__name__} is beyond the range of a double", "number_too_large") from None
        return number if number - number == 0.0 else token(number)
    if isinstance(value, BaseModel):
        return pydantic_core.from_json(value.model_dump_json(by_alias=True))
    tolist = getattr(value, "tolist", None)  # numpy arrays and numpy bools
    if callable(tolist):
        return _walk(tolist(), path, depth + 1, True)
    return _walk(str(value), path, depth, True)


def scalar_text(value: Any) -> str | None:
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
        plain = value if isinstance(value, (int, float)) else json_data(value)
    except ProtocolError:
        return None
    if type(plain) is bool:
        return "true" if plain else "false"
    if isinstance(plain, int):
        return str(int(plain)) if -NEG_INT_BOUND < plain < INT_BOUND else None
    if isinstance(plain, float):
        plain = float(plain)  # a subclass (numpy.float64) as a plain float, whose arithmetic warns of nothing
        return float.__repr__(plain) if plain - plain == 0.0 else token(plain)
    if isinstance(plain, str) and plain in TOKENS:
        return plain
    return None


def strict_json_floats(value: Any) -> Any:
    """``value`` with every non-finite float replaced by its token, in place where it is a dict
    or list (fresh containers that validation just built). For messages read from JSON text
    that carries neetbox 0.6.0's bare ``NaN``/``Infinity`` tokens."""
    if type(value) is float:
        return value if value - value == 0.0 else token(value)
    if type(value) is dict:
        if len(value) > _NESTED_SMALL and not _plain_values(value):  # many nested containers: in C
            return _strict_copy(value)
        for k, v in value.items():
            if type(v) is float or type(v) is dict or type(v) is list:
                value[k] = strict_json_floats(v)
    elif type(value) is list:
        kinds = set(map(type, value))  # a long array of one kind is the common case: checked in C
        if float in kinds or dict in kinds or list in kinds:
            if kinds <= _NUMBER_KINDS and _finite_sum(value):
                return value  # numbers whose sum is finite: none is NaN or infinite
            if (dict in kinds or list in kinds) and len(value) > _NESTED_SMALL:  # many nested containers: in C
                return _strict_copy(value)
            for i, v in enumerate(value):
                if type(v) is float or type(v) is dict or type(v) is list:
                    value[i] = strict_json_floats(v)
    return value


_NUMBER_KINDS = frozenset({int, float, bool})
#: a dict or list of more items than this, some of them containers, is checked in C
#: (``_strict_copy``); smaller ones item by item, which costs less for them
_NESTED_SMALL = 8


def _plain_values(value: dict[str, Any]) -> bool:
    kinds = set(map(type, value.values()))
    return dict not in kinds and list not in kinds


def _strict_copy(value: Any) -> Any:
    """``strict_json_floats`` of JSON data of nested containers, at C speed: the value as it is
    where no float in it is NaN or infinite (the json module refuses to write one), else a copy
    with each written as its token's string (pydantic's serializer, ``inf_nan_mode="strings"``).
    pydantic's serializer writes a non-finite float as a bare ``NaN``/``Infinity`` token: text
    without either name holds none (the json module's encoder, which refuses them, is 4-9x slower
    on many small objects); text with one (a string may hold it too) is checked by that encoder."""
    try:
        text = pydantic_core.to_json(value)
    except ValueError:  # (JSON data it cannot write, if any: the json module's encoder decides)
        text = b"NaN"
    if b"NaN" not in text and b"Infinity" not in text:
        return value
    try:
        _dump_finite(value)
    except ValueError:
        return pydantic_core.from_json(pydantic_core.to_json(value, inf_nan_mode="strings"))
    return value


#: writes JSON data, refusing NaN and infinities (what ``_strict_copy`` asks)
_dump_finite = json.JSONEncoder(allow_nan=False, check_circular=False).encode


def _finite_sum(numbers: list[Any]) -> bool:
    try:
        total = sum(numbers)
    except OverflowError:  # an int beyond a double's range
        return False
    return bool(total - total == 0.0)
