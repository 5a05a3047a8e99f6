"""Assignment of an envelope field of bounded size (an id, a number, the identity type): the value
the field takes, at the cost a server can pay for every stored message.

An int within the bounds the registry declares for a field no message class constrains further
(``EnvelopeField.integer``) is taken as it is; any other value goes through the field's own
validator once, and the result is remembered for the next assignment of the same value (a server
sets the same few ids and identity types again and again). The same verdict and result as
pydantic's ``validate_assignment`` (tests/test_fast_paths.py compares them). The tables here are
filled once by ``register_events``; the memo is cleared when full.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any, cast

from pydantic import ValidationError

from ._annotations import PYTHON_VALUES
from ._coreschema import field_validators
from ._errors import ProtocolError
from ._registry import Registry
from ._values import check_text

if TYPE_CHECKING:
    from ._envelope import EnvelopeBase

__all__ = ["PLAIN_INTS", "bounded_value"]

#: field -> (minimum, maximum) of an integer field every class takes as it is (filled in place)
PLAIN_INTS: dict[str, tuple[int, int]] = {}
#: (class, field, type, value) or (class, field, type, id of an Enum member) -> (the value, what
#: the field's validator made of it)
_accepted: dict[Any, Any] = {}
_ACCEPTED_MOST = 4096


def bounded_value(msg: EnvelopeBase, name: str, value: Any) -> Any:
    """``value`` as the field ``name`` of ``msg``'s class takes it (its own validator's result),
    remembered for a value met before."""
    # only a value that cannot change: a str, an int, a float or None by its type and value; an
    # Enum member (whose own hash is a Python method) by identity, the entry holding it alive so
    # that its id names no other object while it is there. Anything else (a numpy array, changed
    # in place between two assignments) is validated each time.
    t: type[Any] = type(value)  # pyright: ignore[reportUnknownVariableType]  # value is Any
    if t in _BY_VALUE:
        key: Any = (type(msg), name, t, value)
    elif isinstance(value, Enum):
        key = (type(msg), name, t, id(value))
    else:
        key = None
    hit = _accepted.get(key) if key is not None else None
    if hit is not None and (t in _BY_VALUE or hit[0] is value):
        return hit[1]
    if t is str and not cast(str, value).isascii():
        check_text(cast(str, value), Registry.wire_names.get(name, name))
    validators = Registry.field_validators.get(type(msg)) or field_validators(type(msg))
    try:
        validated = validators[name].validate_python(value, context=PYTHON_VALUES)
    except ValidationError as exc:
        raise ProtocolError.from_validation_error(exc, (name,)) from None
    except (ProtocolError, MemoryError):
        raise
    except Exception as exc:  # the value's own code failed (its __hash__, __eq__)
        raise ProtocolError.unreadable(exc, Registry.wire_names.get(name, name)) from exc
    if key is not None:
        if len(_accepted) >= _ACCEPTED_MOST:
            _accepted.clear()
        _accepted[key] = (value, validated)
    return validated


#: the types whose values are remembered by value (immutable, hashed in C)
_BY_VALUE = frozenset({str, int, float, bool, type(None)})
