"""The object model of a message beyond validation: deletion and copies.

A message's fields always hold a value (``del msg.payload`` is refused: the message would be
written without it, and read back with its default); a copy (``copy.copy``, ``model_copy``)
holds copies of the free-form data (the payload, unknown keys), never the original's own
containers, so changing one in place never changes the other. ``copy.deepcopy`` and pickle copy
everything already. Keeps no state.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from ._errors import ProtocolError
from ._registry import Registry

if TYPE_CHECKING:
    from ._envelope import EnvelopeBase

__all__ = ["copied", "refuse_delete"]


def refuse_delete(msg: EnvelopeBase, name: str) -> None:
    """Raise for ``del msg.<field>`` (by its Python or wire name); an unknown key may go."""
    field = Registry.python_names.get(name, name)
    if field in Registry.field_names:
        wire = Registry.wire_names.get(field, field)
        raise ProtocolError.at(wire, f"a message's fields cannot be deleted (assign a value instead: {field} = ...)", "field_deleted")


def copied(original: EnvelopeBase, shallow: EnvelopeBase) -> EnvelopeBase:
    """``shallow`` (pydantic's copy of ``original``) with its own payload and unknown keys."""
    d = shallow.__dict__
    d["payload"] = copy.deepcopy(original.__dict__["payload"])
    extra = original.__pydantic_extra__
    if extra is not None:
        object.__setattr__(shallow, "__pydantic_extra__", copy.deepcopy(extra))
    return shallow
