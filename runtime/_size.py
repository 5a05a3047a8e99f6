"""The size gate: a message is at most its limit in bytes written out (UTF-8), whichever door.

The package's own doors size what they build themselves, with their own limit (``loads``'
``max_bytes``; the default for the constructor, assignment and ``merge``: ``EnvelopeBase._loaded``
and ``_check_size``). Every other door -- pydantic's ``model_validate``/``model_validate_json``,
``TypeAdapter(Message)``, a FastAPI body, a message class as a field of another model -- ends in
``gate``, which ``_coreschema.gated`` puts after the class's validator wherever another schema
names the class. The package's doors tell the gate they size the message themselves through the
validation context (``PYTHON_VALUES``, ``SIZED``).

How: JSON text of n characters writes at most 6 n bytes plus the keys a reader fills in
(``EnvelopeBase._loaded``): text that short is admitted unwritten; any other message is written
out in C (the cost of ``dumps``, linear in its size) and measured. Keeps no state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pydantic_core
from typing_extensions import LiteralString

from ._annotations import PYTHON_VALUES
from ._errors import ProtocolError
from ._limits import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from ._envelope import EnvelopeBase

__all__ = ["SIZED", "gate"]

#: The validation context of the package's own JSON doors, which size the message themselves
#: (``loads``' ``max_bytes``).
SIZED: dict[str, str] = {"neetbox_protocol": "sized by the door"}


def gate(msg: EnvelopeBase, info: Any) -> EnvelopeBase:
    """The last check of a door that does not size the message itself (an after validator): at
    most ``DEFAULT_MAX_BYTES`` written out; pydantic's error ``too_large`` otherwise."""
    context = info.context
    if context is PYTHON_VALUES or context is SIZED:
        return msg
    try:  # (which also notes, as every door does, that the message was checked: ``_roomy``)
        msg._check_size(DEFAULT_MAX_BYTES)  # pyright: ignore[reportPrivateUsage]  # the runtime's own method
    except ProtocolError as err:
        problem = err.errors[0]
        error_type: LiteralString = "too_large" if problem["type"] == "too_large" else "unserializable"
        raise pydantic_core.PydanticCustomError(error_type, "{reason}", {"reason": problem["message"]}) from None
    return msg
