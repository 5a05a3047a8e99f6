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

from typing import TYPE_CHECKING, Any

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
#: (class, field, a str or the id of another value) -> (the value, what the field's validator
#: made of it)
_accepted: dict[Any, Any] = {}
_ACCEPTED_MOST = 4096


def bounded_value(msg: EnvelopeBase, name: str, value: Any) -> Any:
    """``value`` as the field ``name`` of ``msg``'s class takes it (its own validator's result),
    remembered for a value met before."""
    # a str by its text; anything else (an Enum member, whose own hash is a Python method) by
    # identity, the entry holding it alive so that its id names no other object while it is there
    t: type[Any] = type(value)  # pyright: ignore[reportUnknownVariableType]  # value is Any
    key = (type(msg), name, value if t is str else id(value))
    hit = _accepted.get(key)
    if hit is not None and (t is str or hit[0] is value):
        return hit[1]
    if t is str and not value.isascii():
        check_text(value, Registry.wire_names.get(name, name))
    validators = Registry.field_validators.get(type(msg)) or field_validators(type(msg))
    try:
        validated = validators[name].validate_python(value, context=PYTHON_VALUES)
    except ValidationError as exc:
        raise ProtocolError.from_validation_error(exc, (name,)) from None
    if len(_accepted) >= _ACCEPTED_MOST:
        _accepted.clear()
    _accepted[key] = (value, validated)
    return validated
