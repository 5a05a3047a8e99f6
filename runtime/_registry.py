"""The registry: the only mutable state of the runtime, and the reply rule's one evaluation.

The generated events module fills it once, at import (``register_events``), with the tables codegen
wrote into the generated ``registry`` module and the classes of the events module. Everything else
in the runtime reads it; nothing else in the runtime keeps state of its own. It holds:

- the small frozen records the generated registry is made of (``ReplyRule``, ``EnvelopeField``,
  ``SeriesShapes``);
- ``classify``: which class a message of a given event type, identity type and payload is (the
  typed event, ``ServerReply``, or the open envelope), used by the constructor, the discriminators
  of ``Message``/``KnownMessage`` and ``loads``;
- the discriminators themselves and ``REPLY_DISPATCH`` (their JSON Schema).

It must not import the other runtime modules (they import it) nor any generated module.
"""

# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false
# (this module walks messages given as any Mapping of any shape: isinstance narrows them to dict[Unknown, Unknown])

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter
from pydantic_core import SchemaValidator

if TYPE_CHECKING:
    from ._annotations import IntegerBounds
    from ._envelope import EnvelopeBase

#: The discriminator tag of the open envelope in ``Message`` (an event type this version does
#: not know). A class name, so it cannot be an event type (event types are lower case).
UNKNOWN_EVENT_TAG = "EventMsg"
#: The tag of ``ServerReply`` in ``Message`` and ``KnownMessage`` (a class name too).
REPLY_TAG = "ServerReply"


@dataclass(frozen=True)
class ReplyRule:
    """When a message of a known event type is a server's generic reply (``ServerReply``)
    rather than its typed event: message.schema.json's ``KnownMessage.if``, written by codegen
    into the generated registry as ``REPLY_RULE``."""

    identity: str  #: the identityType of a reply
    keys: tuple[str, ...]  #: a payload object with any of these keys is a reply
    event_types: frozenset[str]  #: the event types answered this way

    def applies(self, event_type: object, identity_type: object, payload: object) -> bool:
        return (isinstance(identity_type, str) and identity_type == self.identity and isinstance(event_type, str)
                and event_type in self.event_types and isinstance(payload, Mapping) and any(k in payload for k in self.keys))  # fmt: skip


@dataclass(frozen=True)
class EnvelopeField:
    """One key of the envelope (the generated registry's ``ENVELOPE_FIELDS``, in wire order)."""

    name: str  #: the Python field name (``event_id``)
    wire: str  #: the wire key (``eventId``)
    kind: str  #: how ``dumps`` writes the value: "str" for a string enum, "json" for JSON data
    max_size: int | None = None  #: the most bytes the value takes written out; None: unbounded
    integer: IntegerBounds | None = None  #: an integer field every message class takes as the envelope does: its bounds


@dataclass(frozen=True)
class SeriesShapes:
    """A typed event whose envelope ``series`` selects its payload's shape (the generated
    registry's ``SERIES_SHAPES``): series -> the shape's tag; any other series: ``any_series``."""

    any_series: str  #: the tag of the payload's union of every shape (``StatusPayload``)
    by_series: Mapping[str, str] = field(default_factory=dict)


class Registry:
    """What ``register_events`` fills (class attributes: one registry per process)."""

    envelope: type[EnvelopeBase] | None = None  #: the open envelope, EventMsg
    event_classes: dict[str, type[EnvelopeBase]] = {}  #: event type -> typed class
    reply_class: type[EnvelopeBase] | None = None  #: ServerReply
    reply_rule: ReplyRule | None = None
    message_adapter: TypeAdapter[Any] | None = None  #: TypeAdapter(Message)
    strict_adapter: TypeAdapter[Any] | None = None  #: TypeAdapter(KnownMessage)
    known_adapter: TypeAdapter[Any] | None = None  #: the typed events' union, tagged by eventType
    fields: tuple[EnvelopeField, ...] = ()
    field_names: frozenset[str] = frozenset()  #: the envelope's Python field names
    positional_order: tuple[str, ...] = ()
    positions: dict[str, int] = {}  #: field name -> its index in positional_order
    required_arguments: int = 0
    wire_names: dict[str, str] = {}  #: field name -> wire key, where they differ (event_id -> eventId)
    python_names: dict[str, str] = {}  #: wire key -> field name, where they differ
    wire_keys: frozenset[str] = frozenset()  #: the envelope's wire keys: what wire input knows
    bounded_fields: frozenset[str] = frozenset()  #: fields whose value has a bounded written size
    unbounded_fields: tuple[str, ...] = ()  #: the others (payload, series, timestamp)
    reserve: int = 0  #: the most the bounded fields take written out, keys and punctuation included
    known_keys: frozenset[str] = frozenset()  #: wire keys and field names: what the constructor knows
    labels: frozenset[str] = frozenset()  #: labels an error path drops (union tags, event types)
    any_series_tags: frozenset[str] = frozenset()  #: SeriesShapes.any_series of every such event
    series_taggers: dict[type, Any] = {}  #: typed class -> its series_choice's tag function
    series_validators: dict[type, dict[str, SchemaValidator]] = {}  #: typed class -> tag -> validator (built on first assignment)
    field_validators: dict[type, dict[str, SchemaValidator]] = {}  #: class -> field -> its own validator (built on first assignment)


def classify(event_type: object, identity_type: object, payload: object) -> str:
    """The tag of a message's class: ``REPLY_TAG`` where the reply rule holds, the event type of
    a typed event, else ``UNKNOWN_EVENT_TAG`` (an event type this version does not know, or none)."""
    rule = Registry.reply_rule
    if identity_type is not None and rule is not None and rule.applies(event_type, identity_type, payload):
        return REPLY_TAG
    return event_type if type(event_type) is str and event_type in Registry.event_classes else UNKNOWN_EVENT_TAG


def known_message_tag(value: Any) -> str:
    """``KnownMessage``'s discriminator: ``classify``'s tag, but an unknown event type is kept (it
    matches no tag: pydantic reports it)."""
    if isinstance(value, Mapping):  # wire data: wire keys only (``event_type`` is an unknown key there)
        event_type, identity_type, payload = value.get("eventType"), value.get("identityType"), value.get("payload")
    elif Registry.envelope is not None and isinstance(value, Registry.envelope):  # a message: its fields
        d = value.__dict__
        event_type, identity_type, payload = d.get("event_type"), d.get("identity_type"), d.get("payload")
    else:  # anything else is no message: the open envelope's validator says so
        event_type = identity_type = payload = None
    tag = classify(event_type, identity_type, payload)
    return event_type if tag == UNKNOWN_EVENT_TAG and type(event_type) is str else tag


def message_tag(value: Any) -> str:
    """``Message``'s discriminator: ``KnownMessage``'s tag when this version knows the event
    type, else the open envelope's tag (its validator then reports a missing or malformed
    ``eventType``)."""
    tag = known_message_tag(value)
    return tag if tag in Registry.event_classes or tag == REPLY_TAG else UNKNOWN_EVENT_TAG


class _ReplyDispatch:
    """Annotation on ``Message`` and ``KnownMessage``: their JSON Schema says what the
    discriminator does, as message.schema.json does (``if`` the reply rule holds, ``then`` a
    ``ServerReply``, ``else`` one of the other branches). pydantic writes a callable
    discriminator as ``oneOf`` of every branch, which rejects a server reply that also fits its
    event's typed shape."""

    __slots__ = ()

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        schema: dict[str, Any] = handler(core_schema)
        rule = Registry.reply_rule
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
