"""``register_events``: the generated events module hands the runtime its classes and the tables
of the generated registry, once, at import.

It fills the registry (``_registry.Registry``, the only mutable state) and builds what every
message then uses: the adapters of ``Message`` and ``KnownMessage``, the typed events' union that
``loads``' fast path validates with, and ``dumps``' serializer. It decides no schema fact: each
comes from the tables it is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Callable, Union

import pydantic_core
from pydantic import Field, TypeAdapter

from . import _envelope, _loads, _writing
from ._assign import PLAIN_INTS
from ._coreschema import WireTag
from ._limits import DEFAULT_MAX_BYTES
from ._registry import (
    REPLY_TAG,
    UNKNOWN_EVENT_TAG,
    EnvelopeField,
    Registry,
    ReplyRule,
    SeriesShapes,
)

if TYPE_CHECKING:
    from ._envelope import EnvelopeBase

__all__ = ["register_events"]


def register_events(
    envelope: type[EnvelopeBase], classes: Mapping[str, type[EnvelopeBase]], reply: type[EnvelopeBase], message: Any, known_message: Any, *,
    reply_rule: ReplyRule, fields: tuple[EnvelopeField, ...], positional_order: tuple[str, ...], required_arguments: int,
    labels: frozenset[str], series_shapes: Mapping[str, SeriesShapes],
) -> None:  # fmt: skip
    """Fill the registry with what the generated events module holds (the typed classes,
    ``ServerReply``, ``Message``, ``KnownMessage``) and the tables of the generated registry."""
    R = Registry
    R.envelope, R.event_classes, R.reply_class, R.reply_rule = envelope, dict(classes), reply, reply_rule
    R.fields, R.positional_order, R.required_arguments = fields, positional_order, required_arguments
    R.positions = {name: i for i, name in enumerate(positional_order)}
    R.field_names = frozenset(f.name for f in fields)
    R.wire_names = {f.name: f.wire for f in fields if f.wire != f.name}
    R.python_names = {f.wire: f.name for f in fields if f.wire != f.name}
    R.wire_keys = frozenset(f.wire for f in fields)
    R.bounded_fields = frozenset(f.name for f in fields if f.max_size is not None)
    R.unbounded_fields = tuple(f.name for f in fields if f.max_size is None)
    # the most the bounded fields take written out, with every key, colon, comma and the braces
    R.reserve = 2 + sum(len(f.wire) + 4 for f in fields) + sum(f.max_size or 0 for f in fields)
    R.known_keys = R.wire_keys | R.field_names
    R.labels = frozenset({*labels, *classes, REPLY_TAG, UNKNOWN_EVENT_TAG})
    R.any_series_tags = frozenset(s.any_series for s in series_shapes.values())
    R.message_adapter = TypeAdapter(message)
    R.strict_adapter = TypeAdapter(known_message)
    union = Union[tuple(classes.values())]  # type: ignore[valid-type]  # a type built at run time
    # built here, at import, like every model's validator (no ``defer_build``): the first message
    # of each type must cost what later ones do, or neetbox's client widens its startup race
    # (it may flush queued sends before its handshake when building one takes milliseconds)
    wire_tag = WireTag(R.wire_names.get("event_type", "event_type"))  # the tag under its wire key alone, no size gate
    R.known_adapter = TypeAdapter(Annotated[union, Field(discriminator="event_type"), wire_tag])  # type: ignore[arg-type, unused-ignore]  # the union above (unused with pydantic 2.12)
    # the fast path's copies, module globals of the envelope's module (read for every message)
    fast = (envelope, R.known_adapter.validator.validate_json, reply_rule.identity)
    _envelope._fast_envelope, _envelope._fast_loads, _envelope._reply_identity = fast  # pyright: ignore[reportPrivateUsage]  # set here, once
    for sub in (*classes.values(), reply):
        _loads.adapter(sub._payload_model)  # pyright: ignore[reportPrivateUsage]  # the runtime's own attribute
    _writing.wire = _wire_serializer(fields)
    _envelope._json_of = _json_builder(fields)  # pyright: ignore[reportPrivateUsage]  # set here, once
    PLAIN_INTS.update({f.name: (f.integer.minimum, f.integer.maximum) for f in fields
                       if f.integer is not None and f.integer.minimum is not None and f.integer.maximum is not None})
    _envelope._bounded = {**{f.name: f.name for f in fields if f.max_size is not None},  # pyright: ignore[reportPrivateUsage]  # set here, once
                          **{f.wire: f.name for f in fields if f.max_size is not None}}
    # texts this long or shorter are within the default limit written out, with room for any
    # value of the bounded fields (``EnvelopeBase._loaded``): loads marks them without a call
    _envelope._roomy_text = (DEFAULT_MAX_BYTES - R.reserve) // _envelope._TEXT_GROWTH  # pyright: ignore[reportPrivateUsage]  # set here, once


def _wire_serializer(fields: tuple[EnvelopeField, ...]) -> pydantic_core.SchemaSerializer:
    """Serializes an envelope's ``__dict__``: every field under its wire name; the values by
    inference (JSON data), except str Enums (``identityType``) written as the str they are."""
    cs = pydantic_core.core_schema
    schema = {f.name: cs.typed_dict_field(cs.nullable_schema(cs.str_schema()) if f.kind == "str" else cs.any_schema(), serialization_alias=f.wire)
              for f in fields}  # fmt: skip
    return pydantic_core.SchemaSerializer(cs.typed_dict_schema(schema), cs.CoreConfig(ser_json_inf_nan="strings"))


def _json_builder(fields: tuple[EnvelopeField, ...]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """``EnvelopeBase.json``'s dict of an envelope's ``__dict__``: one dict display, the wire keys
    in wire order, each value as the message holds it (a str Enum member, ``identityType``, is the
    str it is, as in neetbox 0.6.0's ``.json``). Written from the registry's table once, at
    import, as ``dataclasses`` writes a class's ``__init__``: a display costs half of building the
    dict from the keys and the values."""
    def item(f: EnvelopeField) -> str:
        return f"{f.wire!r}: d[{f.name!r}]"

    for f in fields:  # names and keys are written into source text: identifiers and plain keys only
        if not f.name.isidentifier() or not f.wire.isidentifier():
            raise ValueError(f"envelope field {f.name!r} / {f.wire!r} is not an identifier")
    source = "def json_of(d):\n    return {" + ", ".join(item(f) for f in fields) + "}\n"
    namespace: dict[str, Any] = {}
    exec(compile(source, "<neetbox_protocol: EnvelopeBase.json>", "exec"), namespace)  # noqa: S102  # source written above from identifiers only
    return namespace["json_of"]  # type: ignore[no-any-return]  # the function just defined
