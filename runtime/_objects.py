"""The object model of a message beyond validation: deletion and copies.

A subclass made after the package's own (``class MyScalar(ScalarEvent)``) may add methods and
class attributes, not fields: the wire form is the schema's, and a field the schema does not
know would be dropped by ``dumps`` (it is refused when the class is made). A message's fields
always hold a value (``del msg.payload`` is refused: the message would be
written without it, and read back with its default); a copy (``copy.copy``, ``model_copy``)
holds copies of the free-form data (the payload, unknown keys), never the original's own
containers, so changing one in place never changes the other. ``copy.deepcopy`` and pickle copy
everything already. Keeps no state.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from ._errors import ProtocolError
from ._registry import Registry

if TYPE_CHECKING:
    from ._envelope import EnvelopeBase

__all__ = ["carry_checked", "check_subclass", "copied", "refuse_delete"]


def refuse_delete(msg: EnvelopeBase, name: str) -> None:
    """Raise for ``del msg.<field>`` (by its Python or wire name); an unknown key may go."""
    field = Registry.python_names.get(name, name)
    if field in Registry.field_names:
        wire = Registry.wire_names.get(field, field)
        raise ProtocolError.at(wire, f"a message's fields cannot be deleted (assign a value instead: {field} = ...)", "field_deleted")


def copied(original: EnvelopeBase, shallow: EnvelopeBase) -> EnvelopeBase:
    """``shallow`` (pydantic's copy of ``original``) with its own payload and unknown keys."""
    d: dict[str, Any] = shallow.__dict__  # pyright: ignore[reportAssignmentType]  # an instance's __dict__ is a dict
    d["payload"] = copy.deepcopy(original.__dict__["payload"])
    extra = original.__pydantic_extra__
    if extra is not None:
        object.__setattr__(shallow, "__pydantic_extra__", copy.deepcopy(extra))
    return carry_checked(original, shallow)


def carry_checked(original: EnvelopeBase, copied: EnvelopeBase) -> EnvelopeBase:
    """``copied`` noted as checked as ``original`` is (its ``_roomy`` slot, which pydantic's copies
    leave out): a copy of a checked message needs no reading back at ``dumps()``."""
    try:
        object.__setattr__(copied, "_roomy", original._roomy)  # pyright: ignore[reportPrivateUsage]  # the envelope's slot
    except AttributeError:  # the original was not checked either
        pass
    return copied


def check_subclass(cls: type[EnvelopeBase]) -> None:
    """Refuse a subclass, made after the registry is filled, that declares fields of its own."""
    if Registry.envelope is None:  # the package's own classes, while the events module is imported
        return
    added = sorted(set(cls.model_fields) - Registry.field_names)
    if added:
        raise TypeError(f"{cls.__name__} declares field(s) {', '.join(added)} that the protocol's schema does not have: a message's "
                        "wire form is the schema's, so they would not be written out; keep such data outside the message "
                        "(or as an unknown key: msg.<name> = value)")
